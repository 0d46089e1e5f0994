"""Stage 1 (writer): ``SummaryWriter``'s methods for every kind besides scalars.

Same names, arguments and defaults as ``torch.utils.tensorboard.SummaryWriter``. Each method
copies its input to host numpy and checks it on the caller's thread (so a bad shape fails at
the call, with a clear message); the costly part — PNG/GIF/WAV encoding, bucketing, building
protos — runs on the writer thread. Everything is written in TensorBoard's modern form
(tensor + plugin metadata), which TensorBoard reads natively.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ridgeline.plugins.audio.summary import audio_pb
from ridgeline.plugins.custom_scalars.summary import layout_pb, layout_proto
from ridgeline.plugins.histograms.summary import histogram_pb, histogram_raw_pb
from ridgeline.plugins.hparams.summary import experiment_pb, session_end_pb, session_start_pb, to_value
from ridgeline.plugins.images.summary import (
    encoded_image_pb,
    gif_bytes,
    image_pb,
    make_grid,
    to_nhwc,
    to_uint8,
)
from ridgeline.plugins.mesh.summary import mesh_pb
from ridgeline.plugins.pr_curves.summary import pr_curve_pb, pr_data, raw_data
from ridgeline.plugins.text.summary import text_pb
from ridgeline.proto import summary_pb2
from ridgeline.writer.values import to_array

if TYPE_CHECKING:
    from ridgeline.writer.event_file import EventFileWriter


def _same(summary: summary_pb2.Summary) -> summary_pb2.Summary:
    return summary


def _figure_to_array(figure: Any) -> np.ndarray:
    """RGBA pixels of a matplotlib figure (rendered on the caller's thread: matplotlib is not
    thread-safe)."""
    canvas = figure.canvas
    if not hasattr(canvas, "buffer_rgba"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.array(canvas.buffer_rgba(), dtype=np.uint8, copy=True)


class KindMethods:
    """Mixed into :class:`ridgeline.SummaryWriter`."""

    log_dir: str
    _default_step: int | None = None
    _default_walltime: float | None = None
    _write_to_disk: bool = True

    def _get_file_writer(self) -> EventFileWriter:  # provided by SummaryWriter
        raise NotImplementedError

    def _queue(
        self,
        build: Callable[[], summary_pb2.Summary],
        global_step: int | None,
        walltime: float | None,
    ) -> None:
        self._get_file_writer().add_summary(
            build,
            (self._default_step or 0) if global_step is None else int(global_step),
            (self._default_walltime or time.time()) if walltime is None else float(walltime),
        )

    # ---- images, figures, video ------------------------------------------------------------

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Log one image: floats in [0, 1] or uint8, laid out as ``dataformats`` (CHW, HWC, HW...)."""
        if "N" in dataformats.upper():
            raise ValueError(f"add_image takes one image; use add_images for {dataformats!r}")
        nhwc = to_nhwc(to_array(img_tensor), dataformats)
        self._queue(lambda: image_pb(tag, to_uint8(nhwc), max_outputs=1), global_step, walltime)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Log a batch of images, tiled into one grid image (8 per row) as PyTorch does. A list of
        single images with their own ``dataformats`` (``"CHW"``) works too, as in tensorboardX."""
        if isinstance(img_tensor, (list, tuple)) and "N" not in dataformats.upper():
            img_tensor = np.stack([to_array(i) for i in img_tensor])
            dataformats = "N" + dataformats
        nhwc = to_nhwc(to_array(img_tensor), dataformats)
        if nhwc.shape[0] == 0:
            raise ValueError("add_images got an empty batch")
        self._queue(
            lambda: image_pb(tag, make_grid(to_uint8(nhwc))[None], max_outputs=1), global_step, walltime
        )

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Log a matplotlib figure (or a list of same-size figures, tiled) as an image."""
        figures = list(figure) if isinstance(figure, (list, tuple)) else [figure]
        pixels = [_figure_to_array(f) for f in figures]
        if close:
            import matplotlib.pyplot as plt

            for f in figures:
                plt.close(f)
        if len({p.shape for p in pixels}) != 1:
            raise ValueError(
                f"figures in one add_figure call must have the same size, got {[p.shape for p in pixels]}"
            )
        batch = np.stack(pixels)
        self._queue(lambda: image_pb(tag, make_grid(batch)[None], max_outputs=1), global_step, walltime)

    def add_video(
        self,
        tag: str,
        vid_tensor: Any,
        global_step: int | None = None,
        fps: float = 4,
        walltime: float | None = None,
        dataformats: str = "NTCHW",
    ) -> None:
        """Log a video ``(N, T, C, H, W)`` (floats in [0, 1] or uint8; other layouts through
        ``dataformats``, e.g. ``"NTHWC"``) as an animated GIF, the N videos tiled side by side;
        Pillow encodes it, no moviepy needed."""
        vid = to_array(vid_tensor)
        fmt = dataformats.upper()
        if sorted(fmt) != sorted("NTCHW"):
            raise ValueError(f"video dataformats must order N, T, C, H and W, got {dataformats!r}")
        if vid.ndim != 5:
            raise ValueError(f"video must be 5-D ({dataformats}), got shape {vid.shape}")
        vid = np.transpose(vid, [fmt.index(c) for c in "NTCHW"])
        if vid.shape[2] not in (1, 3, 4):
            raise ValueError(f"video frames need 1, 3 or 4 channels, got {vid.shape[2]} (shape {vid.shape})")

        def build() -> summary_pb2.Summary:
            frames_nthwc = to_uint8(np.transpose(vid, (0, 1, 3, 4, 2)))
            frames = np.stack([make_grid(frames_nthwc[:, t]) for t in range(frames_nthwc.shape[1])])
            return encoded_image_pb(tag, [gif_bytes(frames, fps)], int(frames.shape[2]), int(frames.shape[1]))

        self._queue(build, global_step, walltime)

    # ---- audio -------------------------------------------------------------------------------

    def add_audio(
        self,
        tag: str,
        snd_tensor: Any,
        global_step: int | None = None,
        sample_rate: int = 44100,
        walltime: float | None = None,
    ) -> None:
        """Log one clip: samples in [-1, 1], shape ``(L,)``, ``(1, L)`` or ``(L, channels)``."""
        snd = to_array(snd_tensor).astype(np.float64)
        if snd.ndim == 2 and snd.shape[0] == 1:
            snd = snd[0]
        if snd.ndim == 1:
            snd = snd[:, None]
        if snd.ndim != 2:
            raise ValueError(f"audio must be (L,), (1, L) or (L, channels), got shape {snd.shape}")
        self._queue(lambda: audio_pb(tag, snd[None], int(sample_rate), max_outputs=1), global_step, walltime)

    # ---- histograms --------------------------------------------------------------------------

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: Any = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Log the histogram of ``values`` (``bins``: ``"tensorflow"``, or any numpy ``bins``;
        ``max_bins`` merges neighbouring buckets as PyTorch does). Empty ``values`` raise."""
        data = to_array(values)
        if data.size == 0:
            raise ValueError(f"add_histogram({tag!r}) got no values: a histogram needs at least one")
        self._queue(lambda: histogram_pb(tag, data, bins=bins, max_bins=max_bins), global_step, walltime)

    def add_histogram_raw(
        self,
        tag: str,
        min: float,  # noqa: A002 - PyTorch's argument names
        max: float,  # noqa: A002
        num: float,
        sum: float,  # noqa: A002
        sum_squares: float,
        bucket_limits: Any,
        bucket_counts: Any,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log precomputed buckets (``bucket_limits[i]`` is the right edge of bucket i)."""
        summary = histogram_raw_pb(tag, min, max, to_array(bucket_limits), to_array(bucket_counts))
        self._queue(lambda: summary, global_step, walltime)

    # ---- text ----------------------------------------------------------------------------

    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None, walltime: float | None = None
    ) -> None:
        """Log markdown text under ``<tag>/text_summary`` (PyTorch's tag)."""
        summary = text_pb(f"{tag}/text_summary", np.array([text_string], dtype=object))
        self._queue(lambda: summary, global_step, walltime)

    # ---- PR curves -----------------------------------------------------------------------

    def add_pr_curve(
        self,
        tag: str,
        labels: Any,
        predictions: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve of binary ``labels`` and ``predictions`` in [0, 1]."""
        data = pr_data(
            to_array(labels),
            to_array(predictions),
            min(int(num_thresholds), 127),
            None if weights is None else to_array(weights),
        )
        self._queue(lambda: pr_curve_pb(tag, data), global_step, walltime)

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts: Any,
        false_positive_counts: Any,
        true_negative_counts: Any,
        false_negative_counts: Any,
        precision: Any,
        recall: Any,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights: Any = None,
        walltime: float | None = None,
    ) -> None:
        """Log a precision-recall curve from precomputed counts (one value per threshold)."""
        data = raw_data(
            to_array(true_positive_counts),
            to_array(false_positive_counts),
            to_array(true_negative_counts),
            to_array(false_negative_counts),
            to_array(precision),
            to_array(recall),
        )
        # As both peers: the arrays are stored as given, ``num_thresholds`` (at most 127) only
        # goes into the metadata.
        count = min(int(num_thresholds), 127)
        self._queue(lambda: pr_curve_pb(tag, data, num_thresholds=count), global_step, walltime)

    # ---- meshes --------------------------------------------------------------------------

    def add_mesh(
        self,
        tag: str,
        vertices: Any,
        colors: Any = None,
        faces: Any = None,
        config_dict: dict[str, Any] | None = None,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Log a point cloud or triangle mesh: vertices ``(B, N, 3)``, faces ``(B, F, 3)``,
        colors ``(B, N, 3)`` uint8; ``config_dict`` sets the viewer's camera, lights, material."""
        summary = mesh_pb(
            tag,
            to_array(vertices),
            None if faces is None else to_array(faces),
            None if colors is None else to_array(colors),
            config_dict,
        )
        self._queue(lambda: summary, global_step, walltime)

    # ---- custom scalars ------------------------------------------------------------------

    def add_custom_scalars(self, layout: Mapping[str, Mapping[str, Sequence[Any]]]) -> None:
        """Log a custom scalars layout: ``{category: {title: ["Multiline", [tag regexes]] |
        ["Margin", [value, lower, upper]]}}``."""
        summary = layout_pb(layout_proto(layout))
        self._queue(lambda: summary, 0, None)

    def add_custom_scalars_multilinechart(
        self, tags: Sequence[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart with a line per tag (tags are regular expressions)."""
        self.add_custom_scalars({category: {title: ["Multiline", list(tags)]}})

    def add_custom_scalars_marginchart(
        self, tags: Sequence[str], category: str = "default", title: str = "untitled"
    ) -> None:
        """One chart of a line with a band: ``tags`` = [value, lower bound, upper bound]."""
        if len(tags) != 3:
            raise ValueError(f"a margin chart needs exactly 3 tags (value, lower, upper), got {len(tags)}")
        self.add_custom_scalars({category: {title: ["Margin", list(tags)]}})

    # ---- hparams -------------------------------------------------------------------------

    def add_hparams(
        self,
        hparam_dict: Mapping[str, Any],
        metric_dict: Mapping[str, Any],
        hparam_domain_discrete: Mapping[str, Sequence[Any]] | str | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
        *,
        name: str | None = None,
    ) -> None:
        """Log one hyperparameter session, as PyTorch does: a run ``<log_dir>/<run_name>``
        (default: the current time) holding the experiment, the session and each metric as a
        scalar, so the hparams dashboard can compare runs. tensorboardX's
        ``add_hparams(hparam_dict, metric_dict, name=None, global_step=None)`` works too (its
        third argument, a string, is the run name)."""
        if isinstance(hparam_domain_discrete, str):
            name, hparam_domain_discrete = hparam_domain_discrete, None
        run_name = run_name or name
        if not isinstance(hparam_dict, Mapping) or not isinstance(metric_dict, Mapping):
            raise TypeError("hparam_dict and metric_dict must be dictionaries")
        for name, value in hparam_dict.items():
            to_value(value)  # raises a clear TypeError for unsupported values
            if (
                hparam_domain_discrete
                and name in hparam_domain_discrete
                and value not in hparam_domain_discrete[name]
            ):
                raise ValueError(
                    f"hparam {name!r} = {value!r} is not in its domain {list(hparam_domain_discrete[name])}"
                )
        from ridgeline.writer.summary_writer import SummaryWriter

        if not self._write_to_disk:
            return
        logdir = os.path.join(self.log_dir, run_name or str(time.time()))
        step = 0 if global_step is None else int(global_step)
        with SummaryWriter(log_dir=logdir) as w:
            writer = w._get_file_writer()
            now = time.time()
            summaries = (
                experiment_pb(hparam_dict, list(metric_dict), hparam_domain_discrete),
                session_start_pb(hparam_dict),
                session_end_pb(),
            )
            for summary in summaries:
                writer.add_summary(functools.partial(_same, summary), step, now)
            for key, value in metric_dict.items():
                w.add_scalar(key, value, step)
