"""``ridgeline demo``: write a realistic demo logdir.

Runs: a baseline and a small hyperparameter sweep (learning rate x width), each with noisy
``train/``/``val/`` loss and accuracy, a warm-up + cosine learning-rate schedule, and one run
whose loss spikes once (so the spike-preserving downsampling has something to keep).

Every "epoch" each run also logs what the other dashboards show: weight histograms per layer,
sample images (input | output | ground truth, under ``train/`` and ``val/``), a PR curve and
notes; the sweep runs log their hparams; the baseline adds an audio clip, a point cloud, a
custom scalars layout, its model graph and an embedding of its features for the projector.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile

import numpy as np

from ridgeline.proto import graph_pb2, tensor_shape_pb2, types_pb2
from ridgeline.writer import SummaryWriter

_SIZE = 32
_yy, _xx = np.mgrid[0:_SIZE, 0:_SIZE] / (_SIZE - 1)


def _sample_images(rng: np.random.Generator, quality: float) -> np.ndarray:
    """[3, 3, H, W]: input (noisy), output (improving with ``quality``), ground truth."""
    cx, cy = rng.uniform(0.3, 0.7, 2)
    truth = np.stack(
        [
            ((_xx - cx) ** 2 + (_yy - cy) ** 2 < 0.06).astype(float),
            _xx,
            1 - _yy,
        ]
    )
    noisy = np.clip(truth + rng.normal(0, 0.35, truth.shape), 0, 1)
    output = np.clip(quality * truth + (1 - quality) * noisy + rng.normal(0, 0.05, truth.shape), 0, 1)
    return np.stack([noisy, output, truth]).astype(np.float32)


def _epoch(
    w: SummaryWriter,
    rng: np.random.Generator,
    step: int,
    epoch: int,
    progress: float,
    wall: float,
    width: int,
) -> None:
    for layer, fan_in in (("layer1", 784), ("layer2", width)):
        spread = (1 + 1.5 * progress) / math.sqrt(fan_in) * 10
        w.add_histogram(f"{layer}/weight", rng.normal(0.2 * progress, spread, 4000), step, walltime=wall)
        w.add_histogram(
            f"{layer}/bias", rng.normal(0.05 * progress, 0.02 + 0.1 * progress, width), step, walltime=wall
        )
    for split in ("train", "val"):
        w.add_images(f"{split}/samples", _sample_images(rng, progress), step, walltime=wall)
    labels = rng.integers(0, 2, 500)
    predictions = np.clip(labels * (0.1 + 0.35 * progress) + rng.random(500) * 0.65, 0, 1)
    w.add_pr_curve("val/pr_curve", labels, predictions, step, walltime=wall)
    w.add_text(
        "notes",
        f"**Epoch {epoch}** at step {step}\n\n| metric | value |\n|---|---|\n| progress | {progress:.0%} |\n"
        f"| width | {width} |",
        step,
        walltime=wall,
    )


def _demo_graph(width: int) -> graph_pb2.GraphDef:
    """The baseline's model as a graph: two dense layers and a softmax loss, one scope each."""
    g = graph_pb2.GraphDef()

    def node(name: str, op: str, inputs: list[str], shape: list[int], params: int = 0) -> None:
        n = g.node.add(name=name, op=op, input=inputs, device="cpu")
        n.attr["_output_shapes"].list.shape.add().CopyFrom(
            tensor_shape_pb2.TensorShapeProto(
                dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
            )
        )
        n.attr["_output_types"].list.type.append(types_pb2.DT_FLOAT)
        if params:
            n.attr["num_params"].i = params

    node("input/images", "IO Node", [], [-1, 784])
    node("input/labels", "IO Node", [], [-1])
    previous, fan_in = "input/images", 784
    for layer, units in (("layer1", width), ("layer2", 10)):
        node(f"MLP/{layer}/weight", "Parameter", [], [fan_in, units], fan_in * units)
        node(f"MLP/{layer}/bias", "Parameter", [], [units], units)
        node(
            f"MLP/{layer}/matmul",
            "aten::linear",
            [previous, f"MLP/{layer}/weight", f"MLP/{layer}/bias"],
            [-1, units],
        )
        previous = f"MLP/{layer}/matmul"
        if layer == "layer1":
            node(f"MLP/{layer}/relu", "aten::relu", [previous], [-1, units])
            previous = f"MLP/{layer}/relu"
        fan_in = units
    node("loss/log_softmax", "aten::log_softmax", [previous], [-1, 10])
    node("loss/nll", "aten::nll_loss", ["loss/log_softmax", "input/labels"], [])
    node("output/loss", "IO Node", ["loss/nll"], [])
    return g


def _demo_embedding(w: SummaryWriter, rng: np.random.Generator, step: int) -> None:
    """Penultimate-layer features of 600 validation samples, 6 classes, with thumbnails."""
    classes = rng.integers(0, 6, 600)
    centers = rng.normal(0, 3, (6, 24))
    features = centers[classes] + rng.normal(0, 1.2, (600, 24))
    thumbs = np.zeros((600, 3, 16, 16), dtype=np.float32)
    # The dashboard's first six category colours, so the thumbnails match the "label" legend.
    hues = (
        np.array(
            [[31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75]]
        )
        / 255
    )
    for i, c in enumerate(classes):
        thumbs[i] = hues[c][:, None, None] * (0.6 + 0.4 * rng.random((1, 16, 16)))
    w.add_embedding(
        features,
        metadata=[
            [f"digit {c}", "correct" if rng.random() < 0.9 else "wrong", f"{rng.random():.3f}"]
            for c in classes
        ],
        metadata_header=["label", "prediction", "confidence"],
        label_img=thumbs,
        global_step=step,
        tag="val/penultimate",
    )


def _baseline_extras(w: SummaryWriter, steps: int) -> None:
    file_writer = w.file_writer
    if file_writer is not None:
        file_writer.add_graph(_demo_graph(64))
    _demo_embedding(w, np.random.default_rng(7), steps - 1)
    w.add_custom_scalars(
        {
            "Losses": {"train vs val": ["Multiline", ["train/loss", "val/loss"]]},
            "Accuracy": {
                "val accuracy with 95% band": [
                    "Margin",
                    ["val/accuracy", "val/accuracy_low", "val/accuracy_high"],
                ]
            },
        }
    )
    t = np.linspace(0, 1, 8000, endpoint=False)
    for i, step in enumerate((0, steps - 1)):
        noise = np.random.default_rng(i).normal(0, 0.3 - 0.25 * i, t.size)
        w.add_audio("samples/tone", 0.4 * np.sin(2 * np.pi * 330 * t) + noise * 0.3, step, sample_rate=8000)
        u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 48), np.linspace(0, 2 * np.pi, 24))
        r = 1 + 0.1 * i
        verts = np.stack(
            [(r + 0.4 * np.cos(v)) * np.cos(u), (r + 0.4 * np.cos(v)) * np.sin(u), 0.4 * np.sin(v)], -1
        )
        colors = np.stack([(np.cos(u) + 1) * 127, (np.sin(v) + 1) * 127, np.full_like(u, 200)], -1)
        w.add_mesh(
            "model/point_cloud", verts.reshape(1, -1, 3), colors=colors.reshape(1, -1, 3), global_step=step
        )


def _run(logdir: str, name: str, lr: float, width: int, steps: int, seed: int, spike: bool) -> None:
    rng = np.random.default_rng(seed)
    capacity = math.log2(width) / 8
    floor = 0.15 + 0.4 / (1 + 40 * lr) - 0.1 * capacity
    with SummaryWriter(os.path.join(logdir, name), flush_secs=5) as w:
        t0 = 1.7e9 + seed * 3600
        for step in range(steps):
            progress = step / steps
            warm = min(1.0, step / (0.05 * steps))
            sched = lr * warm * 0.5 * (1 + math.cos(math.pi * progress))
            loss = floor + (2.3 - floor) * math.exp(-lr * 60 * progress * 5) + rng.normal(0, 0.05)
            if spike and step == steps // 3:
                loss += 4.0
            acc = max(0.0, min(1.0, 1 - loss / 2.5 + rng.normal(0, 0.01)))
            wall = t0 + step * (0.2 + 0.02 * width / 64)
            w.add_scalar("train/loss", loss, step, walltime=wall)
            w.add_scalar("train/accuracy", acc, step, walltime=wall)
            w.add_scalar("train/learning_rate", sched, step, walltime=wall)
            if step % 50 == 0:
                vloss = loss + 0.05 + 0.1 * progress + rng.normal(0, 0.02)
                vacc = max(0.0, acc - 0.03 - 0.05 * progress)
                w.add_scalar("val/loss", vloss, step, walltime=wall)
                w.add_scalar("val/accuracy", vacc, step, walltime=wall)
                w.add_scalar("val/accuracy_low", vacc - 0.02 - 0.03 * (1 - progress), step, walltime=wall)
                w.add_scalar(
                    "val/accuracy_high", min(1.0, vacc + 0.02 + 0.03 * (1 - progress)), step, walltime=wall
                )
            if step % (steps // 5) == 0 or step == steps - 1:
                _epoch(w, rng, step, round(step / (steps // 5)), progress, wall, width)
            if step % 10 == 0:
                w.add_scalar(
                    "system/throughput_samples_per_s", 950 + rng.normal(0, 25) - width, step, walltime=wall
                )
        if spike:
            _baseline_extras(w, steps)
        else:  # a sweep member: its hparams and final metrics, in the run itself
            w.add_hparams(
                {"learning_rate": lr, "width": width, "optimizer": "adam" if width > 64 else "sgd"},
                {"hparam/val_loss": vloss, "hparam/val_accuracy": vacc},
                {"optimizer": ["adam", "sgd"]},
                run_name=".",
                global_step=steps - 1,
            )


MARKER = "RIDGELINE_DEMO"


def write_demo(logdir: str, steps: int = 2000, replace_unmarked: bool = False) -> str:
    """Write the demo runs under ``logdir``, replacing an earlier demo there.

    The runs are written into a sibling folder first and swapped in whole: a failure leaves
    the earlier demo as it was, and a new demo never adds to an old one. A folder that holds
    something else (no demo marker) is not touched unless ``replace_unmarked``.
    """
    logdir = os.path.abspath(logdir)
    if os.path.exists(logdir):
        if not os.path.isdir(logdir):
            raise FileExistsError(f"{logdir} is a file, not a folder")
        if os.listdir(logdir) and not os.path.exists(os.path.join(logdir, MARKER)) and not replace_unmarked:
            raise FileExistsError(
                f"{logdir} already holds files that are not a Ridgeline demo; "
                "give --logdir an empty or new folder"
            )
    parent = os.path.dirname(logdir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".ridgeline-demo-", dir=parent)
    try:
        _run(staging, "baseline", 0.01, 64, steps, 0, spike=True)
        seed = 1
        for lr in (0.003, 0.03):
            for width in (32, 128):
                _run(staging, f"sweep/lr={lr},width={width}", lr, width, steps, seed, spike=False)
                seed += 1
        with open(os.path.join(staging, MARKER), "w", encoding="utf-8") as f:
            f.write("written by `ridgeline demo`; the next demo replaces this folder\n")
        if os.path.exists(logdir):
            old = tempfile.mkdtemp(prefix=".ridgeline-demo-old-", dir=parent)
            os.replace(logdir, os.path.join(old, "demo"))
            os.replace(staging, logdir)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, logdir)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging, ignore_errors=True)
    return logdir
