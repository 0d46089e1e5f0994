"""The writer as a drop-in: each call made on ``torch.utils.tensorboard``'s writer, tensorboardX's
and ours with the same arguments, then compared as the real TensorBoard reads it back."""

from __future__ import annotations

import inspect
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tensorboardX
import torch
import torch.utils.tensorboard as torch_tb
from PIL import Image
from tb_oracle import (
    tensorboard_graph,
    tensorboard_metadata,
    tensorboard_projector,
    tensorboard_scalars,
    tensorboard_tensors,
)

import ridgeline
from ridgeline import SummaryWriter

PEERS = {"torch": torch_tb.SummaryWriter, "tensorboardX": tensorboardX.SummaryWriter}
WRITERS: dict[str, Any] = {**PEERS, "ridgeline": SummaryWriter}


def _each(tmp_path: Path, call: Any, writers: dict[str, Any] = WRITERS) -> dict[str, Path]:
    """Run ``call(writer)`` on a fresh writer of each kind; the run folders by writer name."""
    out = {}
    for name, cls in writers.items():
        run = tmp_path / name
        w = cls(str(run))
        call(w)
        w.close()
        out[name] = run
    return out


def test_every_public_method_and_argument_of_both_peers_exists() -> None:
    for peer_name, peer in PEERS.items():
        for name, fn in inspect.getmembers(peer, callable):
            if name.startswith("_") and name != "__init__":
                continue
            ours = getattr(SummaryWriter, name, None)
            assert ours is not None, f"{peer_name}'s {name} is missing"
            ours_params = inspect.signature(ours).parameters
            takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in ours_params.values())
            for arg in inspect.signature(fn).parameters.values():
                if arg.kind in (arg.VAR_KEYWORD, arg.VAR_POSITIONAL):
                    continue
                assert arg.name in ours_params or takes_kwargs, (
                    f"{peer_name}'s {name}({arg.name}=) is missing"
                )
    for name, _fn in inspect.getmembers(tensorboardX.GlobalSummaryWriter, callable):
        if not name.startswith("_"):
            assert hasattr(ridgeline.GlobalSummaryWriter, name), f"GlobalSummaryWriter.{name} is missing"


# ---- graphs -----------------------------------------------------------------------------------


class Block(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)))


class Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = torch.nn.Sequential(Block(), torch.nn.MaxPool2d(2))
        self.head = torch.nn.Linear(8 * 4 * 4, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x).flatten(1))


def _ops(graph: Any) -> list[tuple[str, tuple[tuple[int, ...], ...]]]:
    """(op, output shapes) of every aten operation, sorted: what the model computes."""
    found = []
    for node in graph.node:
        if node.op.startswith("aten::"):
            shapes = tuple(tuple(d.size for d in s.dim) for s in node.attr["_output_shapes"].list.shape)
            found.append((node.op, shapes))
    return sorted(found)


def test_add_graph_traces_the_same_operations_as_both_peers(tmp_path: Path) -> None:
    model = Net()
    x = torch.randn(2, 3, 8, 8)
    runs = _each(tmp_path, lambda w: w.add_graph(model, x))
    graphs = {name: tensorboard_graph(run, ".") for name, run in runs.items()}
    assert _ops(graphs["ridgeline"]) == _ops(graphs["torch"]) == _ops(graphs["tensorboardX"])
    ours = {n.name: n for n in graphs["ridgeline"].node}
    # Scoped by the module hierarchy, parameters with their counts, shapes and dtypes on outputs.
    conv = next(n for n in ours.values() if n.op == "aten::_convolution")
    assert conv.name.startswith("Net/Sequential[features]/Block[0]/Conv2d[conv]/")
    weight = ours["Net/Sequential[features]/Block[0]/Conv2d[conv]/weight"]
    assert weight.op == "Parameter" and weight.attr["num_params"].i == 8 * 3 * 3 * 3
    assert weight.name in conv.input
    assert [d.size for d in conv.attr["_output_shapes"].list.shape[0].dim] == [2, 8, 8, 8]
    assert conv.attr["_output_types"].list.type == [1]  # DT_FLOAT
    total = sum(n.attr["num_params"].i for n in ours.values() if n.op == "Parameter")
    assert total == sum(p.numel() for p in model.parameters())
    assert model.training, "the model is put back in training mode"


def test_add_graph_falls_back_to_torch_export_where_tracing_fails(tmp_path: Path) -> None:
    class DictOut(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = torch.nn.Linear(4, 2)

        def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
            return {"logits": self.fc(x)}

    with pytest.raises(Exception, match="dict"), torch_tb.SummaryWriter(str(tmp_path / "torch")) as w:
        w.add_graph(DictOut(), torch.randn(3, 4))  # strict tracing refuses dict outputs
    with SummaryWriter(str(tmp_path / "ours")) as w:
        w.add_graph(DictOut(), torch.randn(3, 4))
    graph = tensorboard_graph(tmp_path / "ours", ".")
    linear = next(n for n in graph.node if "linear" in n.op)
    assert linear.name.startswith("DictOut/Linear[fc]/")
    assert [d.size for d in linear.attr["_output_shapes"].list.shape[0].dim] == [3, 2]


def test_add_graph_names_both_failures_when_nothing_can_trace(tmp_path: Path) -> None:
    class Untraceable(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if x.sum() > 0:  # data-dependent Python control flow
                return x.numpy().tolist()  # type: ignore[return-value]
            return x

    from ridgeline.plugins.graphs.torch_graph import GraphTraceError

    with (
        SummaryWriter(str(tmp_path)) as w,
        pytest.raises(GraphTraceError, match=r"torch\.jit\.trace.*torch\.export"),
    ):
        w.add_graph(Untraceable(), torch.ones(2))


def _onnx_file(path: Path) -> Path:
    import onnx
    from onnx import TensorProto, helper

    weight = helper.make_tensor("W", TensorProto.FLOAT, [4, 3], np.ones(12, dtype=np.float32).tolist())
    graph = helper.make_graph(
        [
            helper.make_node("MatMul", ["x", "W"], ["h"], name="matmul"),
            helper.make_node("Relu", ["h"], ["y"], name="relu"),
        ],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
        [weight],
    )
    onnx.save(helper.make_model(graph), str(path))
    return path


def test_add_onnx_graph_keeps_every_operation_and_edge(tmp_path: Path) -> None:
    pytest.importorskip("onnx")
    model = _onnx_file(tmp_path / "tiny.onnx")
    with torch_tb.SummaryWriter(str(tmp_path / "torch")) as w:
        w.add_onnx_graph(str(model))
    with tensorboardX.SummaryWriter(str(tmp_path / "tensorboardX")) as w:
        w.add_onnx_graph(str(model))
    with SummaryWriter(str(tmp_path / "ours")) as w:
        w.add_onnx_graph(str(model))
    ops = {
        name: sorted(n.op for n in tensorboard_graph(tmp_path / name, ".").node)
        for name in ["torch", "tensorboardX", "ours"]
    }
    for name in ops:
        assert {"MatMul", "Relu"} <= set(ops[name]), name
    ours = {n.op: n for n in tensorboard_graph(tmp_path / "ours", ".").node}
    assert ours["Relu"].input == [ours["MatMul"].name]
    assert ours["Initializer"].name in ours["MatMul"].input
    assert [d.size for d in ours["Relu"].attr["_output_shapes"].list.shape[0].dim] == [2, 3]


def test_add_openvino_graph_like_tensorboardx(tmp_path: Path) -> None:
    xml = tmp_path / "model.xml"
    xml.write_text(
        '<net name="n" version="10"><layers>'
        '<layer id="0" name="data" type="Parameter"><output><port id="0"><dim>1</dim><dim>3</dim></port></output></layer>'
        '<layer id="1" name="act" type="ReLU"><output><port id="1"><dim>1</dim><dim>3</dim></port></output></layer>'
        '<layer id="2" name="out" type="Result"/>'
        '</layers><edges><edge from-layer="0" from-port="0" to-layer="1" to-port="0"/>'
        '<edge from-layer="1" from-port="1" to-layer="2" to-port="0"/></edges></net>'
    )
    with tensorboardX.SummaryWriter(str(tmp_path / "tensorboardX")) as w:
        w.add_openvino_graph(str(xml))
    with SummaryWriter(str(tmp_path / "ours")) as w:
        w.add_openvino_graph(str(xml))
    theirs = tensorboard_graph(tmp_path / "tensorboardX", ".")
    ours = tensorboard_graph(tmp_path / "ours", ".")
    # tensorboardX writes one node per edge, every op named "op": the same edges, ours with
    # the layers' types and shapes.
    edges = {(n.name, i) for n in theirs.node for i in n.input}
    assert {(n.name, i) for n in ours.node for i in n.input} == edges == {("act", "data"), ("out", "act")}
    by_name = {n.name: n for n in ours.node}
    assert [by_name[k].op for k in ["data", "act", "out"]] == ["Parameter", "ReLU", "Result"]
    assert [d.size for d in by_name["act"].attr["_output_shapes"].list.shape[0].dim] == [1, 3]


# ---- embeddings -------------------------------------------------------------------------------


def test_add_embedding_is_what_both_peers_write(tmp_path: Path) -> None:
    g = torch.Generator().manual_seed(0)
    mat = torch.randn(30, 6, generator=g)
    mat2 = torch.randn(30, 6, generator=g)
    images = torch.rand(30, 3, 8, 8, generator=g)
    labels = [f"class {i % 4}" for i in range(30)]

    def log(w: Any) -> None:
        w.add_embedding(mat, metadata=labels, label_img=images, tag="features")
        w.add_embedding(
            mat2,
            metadata=[[i, labels[i]] for i in range(30)],
            metadata_header=["index", "label"],
            global_step=7,
        )

    runs = _each(tmp_path, log)
    seen = {name: tensorboard_projector(run)["."] for name, run in runs.items()}
    ours = seen.pop("ridgeline")
    for name, theirs in seen.items():
        assert ours["config"] == theirs["config"], name
        assert ours["metadata"] == theirs["metadata"], name
        for key, tensor in theirs["tensors"].items():  # type: ignore[union-attr]
            np.testing.assert_allclose(ours["tensors"][key], tensor, rtol=1e-6)  # type: ignore[index]
        for key, png in theirs["sprites"].items():  # type: ignore[union-attr]
            a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
            b = np.asarray(Image.open(io.BytesIO(ours["sprites"][key])).convert("RGB"), dtype=np.int16)  # type: ignore[index]
            assert a.shape == b.shape == (48, 48, 3), name  # ceil(sqrt(30)) = 6 thumbnails a row
            for i in range(30):  # each thumbnail (tensorboardX also paints the unused cells)
                r, c = divmod(i, 6)
                cell = np.s_[r * 8 : r * 8 + 8, c * 8 : c * 8 + 8]
                assert np.abs(a[cell] - b[cell]).max() <= 1, (name, i)


def test_add_embedding_rejects_mismatched_inputs(tmp_path: Path) -> None:
    with SummaryWriter(str(tmp_path)) as w:
        with pytest.raises(ValueError, match="metadata has 2 rows for 3 points"):
            w.add_embedding(np.zeros((3, 2)), metadata=["a", "b"])
        with pytest.raises(ValueError, match="2-D"):
            w.add_embedding(np.zeros(3))


# ---- images with boxes, tensors -----------------------------------------------------------------


def test_add_image_with_boxes_draws_the_boxes_where_the_peers_do(tmp_path: Path) -> None:
    image = torch.zeros(3, 64, 80)
    boxes = torch.tensor([[10.0, 10.0, 40.0, 30.0], [50.0, 35.0, 75.0, 60.0]])
    runs = _each(tmp_path, lambda w: w.add_image_with_boxes("det", image, boxes, labels=["cat", "dog"]))
    pixels = {}
    for name, run in runs.items():
        ((_, _, blob),) = tensorboard_tensors(run, "images")["det"]
        pixels[name] = np.asarray(Image.open(io.BytesIO(blob[2])).convert("RGB"))
    for name, img in pixels.items():
        assert img.shape == (64, 80, 3), name
        red = (img[..., 0] > 200) & (img[..., 1] < 60)
        for x0, y0, x1, y1 in boxes.int().tolist():
            assert red[y0:y1, x0].mean() > 0.5 and red[y1, x0:x1].mean() > 0.5, (name, x0, y0)
    runs = _each(
        tmp_path / "scaled",
        lambda w: w.add_image_with_boxes("det", image, boxes, rescale=2),
        {"torch": torch_tb.SummaryWriter, "ridgeline": SummaryWriter},
    )
    sizes = {
        name: Image.open(io.BytesIO(tensorboard_tensors(run, "images")["det"][0][2][2])).size
        for name, run in runs.items()
    }
    assert sizes["ridgeline"] == sizes["torch"] == (160, 128)


def test_add_tensor_like_torch(tmp_path: Path) -> None:
    value = np.arange(6, dtype=np.float32).reshape(2, 3)
    runs = _each(
        tmp_path,
        lambda w: w.add_tensor("t", torch.from_numpy(value), 4),
        {"torch": torch_tb.SummaryWriter, "ridgeline": SummaryWriter},
    )
    read = {name: tensorboard_tensors(run, "tensor")["t"] for name, run in runs.items()}
    assert read["ridgeline"][0][0] == read["torch"][0][0] == 4
    np.testing.assert_array_equal(read["ridgeline"][0][2], read["torch"][0][2])


# ---- file_writer, write_to_disk, use_metadata --------------------------------------------------


def test_file_writer_is_there_until_close_and_takes_protos(tmp_path: Path) -> None:
    from tensorboard.compat.proto import summary_pb2 as tb_summary
    from tensorboardX.proto import summary_pb2 as tbx_summary

    for name, cls in WRITERS.items():
        protos = tbx_summary if name == "tensorboardX" else tb_summary  # each takes its own
        w = cls(str(tmp_path / name))
        assert w.file_writer is not None, name
        assert w.file_writer.get_logdir() == str(tmp_path / name)
        w.file_writer.add_summary(
            protos.Summary(value=[protos.Summary.Value(tag="raw", simple_value=2.5)]), 3
        )
        w.close()
        if name != "tensorboardX":  # tensorboardX keeps a closed writer object
            assert w.file_writer is None, name
        assert [(s, v) for s, _, v in tensorboard_scalars(tmp_path / name)["raw"]] == [(3, 2.5)], name


def test_write_to_disk_false_writes_nothing(tmp_path: Path) -> None:
    # tensorboardX still writes add_hparams' run and add_embedding's files in this mode; we
    # write nothing at all.
    w = SummaryWriter(str(tmp_path / "run"), write_to_disk=False)
    w.add_scalar("a", 1.0, 0)
    w.add_scalars("b", {"x": 1.0}, 0)
    w.add_histogram("h", np.arange(5), 0)
    w.add_hparams({"lr": 0.1}, {"acc": 0.5})
    w.add_embedding(np.zeros((2, 2)))
    w.add_graph(torch.nn.Linear(2, 2), torch.zeros(1, 2))
    w.flush()
    w.close()
    assert not (tmp_path / "run").exists()
    x = tensorboardX.SummaryWriter(str(tmp_path / "tbx"), write_to_disk=False)
    x.add_scalar("a", 1.0, 0)
    x.close()
    assert not list((tmp_path / "tbx").rglob("*tfevents*"))


def test_use_metadata_sets_the_default_step_and_time(tmp_path: Path) -> None:
    def log(w: Any) -> None:
        with w.use_metadata(global_step=9, walltime=1000.0):
            w.add_scalar("s", 1.0)
            w.add_text("t", "hello")
        w.add_scalar("s", 2.0, 10)

    runs = _each(tmp_path, log, {"tensorboardX": tensorboardX.SummaryWriter, "ridgeline": SummaryWriter})
    for name, run in runs.items():
        points = tensorboard_scalars(run)["s"]
        assert [s for s, _, _ in points] == [9, 10] and points[0][1] == 1000.0 != points[1][1], name
        assert tensorboard_tensors(run, "text")["t/text_summary"][0][:2] == (9, 1000.0), name


# ---- scalars: display names, add_scalars JSON export, GlobalSummaryWriter ------------------------


def test_add_scalar_display_name_and_description_like_tensorboardx(tmp_path: Path) -> None:
    runs = _each(
        tmp_path,
        lambda w: w.add_scalar("loss", 1.0, 0, display_name="Training loss", summary_description="per batch"),
        {"tensorboardX": tensorboardX.SummaryWriter, "ridgeline": SummaryWriter},
    )
    from tensorboard.backend.event_processing import plugin_event_accumulator

    for name, run in runs.items():
        acc = plugin_event_accumulator.EventAccumulator(str(run))
        acc.Reload()
        meta = acc.SummaryMetadata("loss")
        assert (meta.display_name, meta.summary_description) == ("Training loss", "per batch"), name


def test_export_scalars_to_json_like_tensorboardx(tmp_path: Path) -> None:
    exported = {}
    for name, cls in {"tensorboardX": tensorboardX.SummaryWriter, "ridgeline": SummaryWriter}.items():
        w = cls(str(tmp_path / name))
        w.add_scalars("loss", {"train": 1.0, "val": 2.0}, 0, walltime=100.0)
        w.add_scalars("loss", {"train": 0.5}, 1, walltime=101.0)
        path = tmp_path / f"{name}.json"
        w.export_scalars_to_json(str(path))
        assert w.scalar_dict == {}
        w.close()
        exported[name] = {
            k.replace(str(tmp_path / name), "<logdir>"): v for k, v in json.loads(path.read_text()).items()
        }
    assert exported["ridgeline"] == exported["tensorboardX"]
    assert exported["ridgeline"]["<logdir>/loss/train"] == [[100.0, 0, 1.0], [101.0, 1, 0.5]]


def test_global_summary_writer_counts_steps_like_tensorboardx(tmp_path: Path) -> None:
    runs = {}
    for name, cls in {
        "tensorboardX": tensorboardX.GlobalSummaryWriter,
        "ridgeline": ridgeline.GlobalSummaryWriter,
    }.items():
        w = cls(str(tmp_path / name))
        for v in [1.0, 2.0, 3.0]:
            w.add_scalar("a", v)
        w.add_scalar("b", 9.0)
        w.add_text("t", "one")
        w.add_text("t", "two")
        w.add_image("img", np.zeros((3, 4, 4)))
        w.close()
        runs[name] = tmp_path / name
    for name, run in runs.items():
        scalars = tensorboard_scalars(run)
        assert [(s, v) for s, _, v in scalars["a"]] == [(0, 1.0), (1, 2.0), (2, 3.0)], name
        assert [s for s, _, _ in scalars["b"]] == [0], name
        assert [s for s, _, _ in tensorboard_tensors(run, "text")["t/text_summary"]] == [0, 1], name


# ---- hparams, PR curves, histograms -------------------------------------------------------------


def test_add_hparams_name_like_tensorboardx(tmp_path: Path) -> None:
    def log(w: Any) -> None:
        w.add_hparams({"lr": 0.1, "opt": "adam"}, {"hparam/acc": 0.9}, name="trial-1")

    runs = _each(tmp_path, log, {"tensorboardX": tensorboardX.SummaryWriter, "ridgeline": SummaryWriter})
    for name, run in runs.items():
        assert (run / "trial-1").is_dir(), name
        meta = tensorboard_metadata(run / "trial-1", "hparams")
        assert set(meta) >= {"_hparams_/experiment", "_hparams_/session_start_info"}, name
    ours = tensorboard_metadata(runs["ridgeline"] / "trial-1", "hparams")
    theirs = tensorboard_metadata(runs["tensorboardX"] / "trial-1", "hparams")
    from tensorboard.plugins.hparams import plugin_data_pb2

    def hparams(blob: bytes) -> dict[str, Any]:
        info = plugin_data_pb2.HParamsPluginData.FromString(blob).session_start_info
        return {k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind")) for k, v in info.hparams.items()}

    assert hparams(ours["_hparams_/session_start_info"]) == hparams(theirs["_hparams_/session_start_info"])


@pytest.mark.parametrize("length,num_thresholds", [(5, 127), (1, 1), (3, 3)])
def test_add_pr_curve_raw_stores_the_arrays_as_given(
    tmp_path: Path, length: int, num_thresholds: int
) -> None:
    rng = np.random.default_rng(length)
    arrays = [rng.integers(0, 50, length).astype(np.float64) for _ in range(4)] + [
        rng.random(length),
        rng.random(length),
    ]
    runs = _each(
        tmp_path, lambda w: w.add_pr_curve_raw("pr", *arrays, global_step=2, num_thresholds=num_thresholds)
    )
    read = {name: tensorboard_tensors(run, "pr_curves")["pr"][0] for name, run in runs.items()}
    meta = {name: tensorboard_metadata(run, "pr_curves")["pr"] for name, run in runs.items()}
    for name in PEERS:
        np.testing.assert_allclose(read["ridgeline"][2], read[name][2], rtol=1e-6)
        assert read["ridgeline"][0] == read[name][0] == 2
        assert meta["ridgeline"] == meta[name], name


@pytest.mark.parametrize(
    "bins,max_bins", [("tensorflow", 7), ("tensorflow", 40), ("auto", 5), (64, 10), ("fd", 3)]
)
def test_histogram_max_bins_buckets_like_torch(tmp_path: Path, bins: Any, max_bins: int) -> None:
    values = np.random.default_rng(1).normal(size=2000) * 3
    runs = _each(tmp_path, lambda w: w.add_histogram("h", values, 0, bins=bins, max_bins=max_bins))
    read = {name: tensorboard_tensors(run, "histograms")["h"][0][2] for name, run in runs.items()}
    for name in PEERS:
        assert read["ridgeline"].shape == read[name].shape, name
        # TensorBoard turns the peers' legacy histograms into float32 tensors: equal to that.
        np.testing.assert_allclose(read["ridgeline"], read[name], rtol=1e-6, atol=0)
    assert read["ridgeline"].shape[0] <= max_bins + 2


def test_an_empty_histogram_raises_as_in_both_peers(tmp_path: Path) -> None:
    for name, cls in WRITERS.items():
        w = cls(str(tmp_path / name))
        with pytest.raises(ValueError):
            w.add_histogram("h", np.array([]), 0)
        w.close()


def test_add_images_takes_a_list_of_images_like_tensorboardx(tmp_path: Path) -> None:
    images = [np.full((3, 4, 5), i / 4, dtype=np.float32) for i in range(3)]
    runs = _each(
        tmp_path,
        lambda w: w.add_images("batch", images, 0, dataformats="CHW"),
        {"tensorboardX": tensorboardX.SummaryWriter, "ridgeline": SummaryWriter},
    )
    pixels = {
        name: np.asarray(Image.open(io.BytesIO(tensorboard_tensors(run, "images")["batch"][0][2][2])))
        for name, run in runs.items()
    }
    assert pixels["ridgeline"].shape == pixels["tensorboardX"].shape == (4, 15, 3)
    np.testing.assert_array_equal(pixels["ridgeline"], pixels["tensorboardX"])


def test_video_dataformats(tmp_path: Path) -> None:
    frames = np.random.default_rng(0).random((1, 4, 3, 8, 10)).astype(np.float32)  # N T C H W
    with SummaryWriter(str(tmp_path)) as w:
        w.add_video("v", frames, 0)
        w.add_video("w", np.transpose(frames, (0, 1, 3, 4, 2)), 0, dataformats="NTHWC")
        with pytest.raises(ValueError, match="N, T, C, H and W"):
            w.add_video("x", frames, 0, dataformats="NCHW")
    read = tensorboard_tensors(tmp_path, "images")
    assert read["v"][0][2][2] == read["w"][0][2][2]  # the same GIF
