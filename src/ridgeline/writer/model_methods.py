"""Stage 1 (writer): ``SummaryWriter``'s methods about the model rather than one value —
graphs (``add_graph``, ``add_onnx_graph``, ``add_openvino_graph``), embeddings
(``add_embedding``), detection boxes (``add_image_with_boxes``) and raw tensors
(``add_tensor``) — with ``torch.utils.tensorboard``'s and tensorboardX's names and arguments.

Graphs go into ``Event.graph_def`` as both peers write them; embeddings are projector files
beside the event files. torch and onnx are imported only inside the calls that need them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.plugins.images.summary import image_pb, to_nhwc, to_uint8
from ridgeline.plugins.projector import projector_config_pb2
from ridgeline.proto import event_pb2, graph_pb2, summary_pb2
from ridgeline.tensor_util import make_tensor
from ridgeline.writer.values import to_array

if TYPE_CHECKING:
    from ridgeline.writer.event_file import EventFileWriter


def draw_boxes(image_hwc: np.ndarray, boxes: np.ndarray, labels: Sequence[str] | None) -> np.ndarray:
    """RGB uint8 image with each ``(xmin, ymin, xmax, ymax)`` box drawn in red, 2 px wide, its
    label (if any) on a red strip along the box's top edge."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.fromarray(image_hwc if image_hwc.shape[2] != 1 else image_hwc[..., 0]).convert("RGB")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    for i, (x0, y0, x1, y1) in enumerate(boxes.tolist()):
        draw.rectangle([(x0, y0), (x1, y1)], outline=(255, 0, 0), width=2)
        if labels is not None and i < len(labels) and labels[i]:
            left, top, right, bottom = draw.textbbox((0, 0), str(labels[i]), font=font)
            h = bottom - top + 2
            ty = y0 - h if y0 - h >= 0 else y0
            draw.rectangle([(x0, ty), (x0 + right - left + 4, ty + h)], fill=(255, 0, 0))
            draw.text((x0 + 2, ty + 1 - top), str(labels[i]), fill=(255, 255, 255), font=font)
    return np.asarray(image)


class ModelMethods:
    """Mixed into :class:`ridgeline.SummaryWriter`."""

    log_dir: str
    _write_to_disk: bool = True
    _projector_config: projector_config_pb2.ProjectorConfig | None = None

    def _get_file_writer(self) -> EventFileWriter:  # provided by SummaryWriter
        raise NotImplementedError

    def _queue(
        self, build: Callable[[], summary_pb2.Summary], global_step: int | None, walltime: float | None
    ) -> None:  # provided by KindMethods
        raise NotImplementedError

    def _write_graph(self, graph: graph_pb2.GraphDef) -> None:
        self._get_file_writer().add_event(
            event_pb2.Event(wall_time=time.time(), step=0, graph_def=graph.SerializeToString())
        )

    # ---- graphs ---------------------------------------------------------------------------

    def add_graph(
        self, model: Any, input_to_model: Any = None, verbose: bool = False, use_strict_trace: bool = True
    ) -> None:
        """Log a PyTorch module's graph, traced on ``input_to_model`` (a tensor, a tuple or list
        of inputs, or a dict of keyword inputs): one node per operation, named by the module
        hierarchy, with output shapes, dtypes, devices and each module's parameters.

        Args:
            verbose: print the traced graph.
            use_strict_trace: ``strict`` of ``torch.jit.trace`` (False allows mutable outputs
                such as dicts). Models the tracer cannot follow are exported with
                ``torch.export`` instead.

        Raises:
            GraphTraceError: neither tracer could run the model; both reasons are named.
        """
        from ridgeline.plugins.graphs.torch_graph import graph_def_of

        self._write_graph(graph_def_of(model, input_to_model, verbose, use_strict_trace))

    def add_onnx_graph(self, prototxt: Any = None, *, onnx_model_file: Any = None) -> None:
        """Log the graph of an ONNX model file (needs ``pip install onnx``). The first argument
        is ``prototxt`` in PyTorch and ``onnx_model_file`` in tensorboardX; both work."""
        from ridgeline.plugins.graphs.model_files import onnx_graph_def

        source = prototxt if prototxt is not None else onnx_model_file
        if source is None:
            raise TypeError("add_onnx_graph needs the path of an .onnx file")
        self._write_graph(onnx_graph_def(source))

    def add_openvino_graph(self, xmlname: Any) -> None:
        """Log the graph of an OpenVINO IR model (its ``.xml`` file), as tensorboardX does."""
        from ridgeline.plugins.graphs.model_files import openvino_graph_def

        self._write_graph(openvino_graph_def(xmlname))

    # ---- embeddings ------------------------------------------------------------------------

    def add_embedding(
        self,
        mat: Any,
        metadata: Sequence[Any] | None = None,
        label_img: Any = None,
        global_step: int | None = None,
        tag: str = "default",
        metadata_header: Sequence[Any] | None = None,
    ) -> None:
        """Log an embedding for the projector: ``mat`` (N, D) points, ``metadata`` one label
        (or, with ``metadata_header``, one row of columns) per point, ``label_img`` (N, C, H, W)
        thumbnails. Files go to ``<log_dir>/<step:05d>/<tag>/`` and
        ``projector_config.pbtxt`` lists every embedding this writer logged."""
        from ridgeline.plugins.projector.summary import write_embedding

        if not self._write_to_disk:
            return
        if self._projector_config is None:
            self._projector_config = projector_config_pb2.ProjectorConfig()
        write_embedding(
            self.log_dir,
            self._projector_config,
            to_array(mat),
            None if metadata is None else list(metadata),
            None if label_img is None else to_array(label_img),
            0 if global_step is None else int(global_step),
            tag,
            None if metadata_header is None else list(metadata_header),
        )

    # ---- detection boxes -------------------------------------------------------------------

    def add_image_with_boxes(
        self,
        tag: str,
        img_tensor: Any,
        box_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        rescale: float = 1,
        dataformats: str = "CHW",
        labels: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Log an image with boxes ``(K, 4)`` as (xmin, ymin, xmax, ymax) pixels drawn on it,
        each with its label if ``labels`` is given; ``rescale`` resizes the result."""
        nhwc = to_nhwc(to_array(img_tensor), dataformats)
        if nhwc.shape[0] != 1:
            raise ValueError(f"add_image_with_boxes takes one image, got {nhwc.shape[0]}")
        boxes = to_array(box_tensor).astype(np.float64).reshape(-1, 4) if box_tensor is not None else None
        if labels is not None and boxes is not None and len(labels) != boxes.shape[0]:
            raise ValueError(f"{len(labels)} labels for {boxes.shape[0]} boxes")
        pixels = to_uint8(nhwc[0])

        def build() -> summary_pb2.Summary:
            drawn = pixels if boxes is None else draw_boxes(pixels, boxes, labels)
            if rescale != 1:
                from PIL import Image

                img = Image.fromarray(drawn)
                size = (max(1, int(img.width * rescale)), max(1, int(img.height * rescale)))
                drawn = np.asarray(img.resize(size, Image.Resampling.LANCZOS))
            return image_pb(tag, drawn[None], max_outputs=1)

        self._queue(build, global_step, walltime)

    # ---- raw tensors -----------------------------------------------------------------------

    def add_tensor(
        self, tag: str, tensor: Any, global_step: int | None = None, walltime: float | None = None
    ) -> None:
        """Log a tensor as it is (plugin ``tensor``), as ``torch.utils.tensorboard`` does."""
        proto = make_tensor(np.ascontiguousarray(to_array(tensor)))
        metadata = summary_pb2.SummaryMetadata(
            plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="tensor")
        )
        summary = summary_pb2.Summary(
            value=[summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=proto)]
        )
        self._queue(lambda: summary, global_step, walltime)
