"""The writer: framing, encoding, and what real TensorBoard reads back."""

from __future__ import annotations

import math
import os
import re
import struct
import time
from pathlib import Path

import numpy as np
import pytest
from tb_oracle import tensorboard_scalars
from tensorboard.backend.event_processing import plugin_event_accumulator as pea

import ridgeline
from ridgeline import SummaryWriter
from ridgeline.proto import event_pb2
from ridgeline.writer.crc32c import crc32c, masked_crc32c
from ridgeline.writer.record import frame
from ridgeline.writer.scalar_encoding import ScalarTemplate, scalar_summary

read_tb = tensorboard_scalars


def test_crc32c_known_vector() -> None:
    assert crc32c(b"123456789") == 0xE3069283
    framed = frame(b"abc")
    assert struct.unpack("<Q", framed[:8])[0] == 3
    assert struct.unpack("<I", framed[8:12])[0] == masked_crc32c(framed[:8])
    assert struct.unpack("<I", framed[-4:])[0] == masked_crc32c(b"abc")


@pytest.mark.parametrize("double", [False, True])
def test_template_encoding_is_protobufs(double: bool) -> None:
    rng = np.random.default_rng(0)
    template = ScalarTemplate.build("train/loss", double=double, metadata=None)
    values = [0.0, -0.0, 1.5, math.nan, math.inf, -math.inf, 1e39, *rng.normal(size=20).tolist()]
    steps = [0, 1, 127, 128, 16383, 16384, 2**40, -5]
    for value in values:
        for step in steps:
            wall = 0.0 if step == 1 else 1.7e9 + step
            got = template.encode(wall, step, value)
            stored = value
            if not double and abs(value) > 3.4e38 and math.isfinite(value):
                stored = math.copysign(math.inf, value)
            want = event_pb2.Event(
                wall_time=wall,
                step=step,
                summary=scalar_summary("train/loss", stored, double=double, metadata=None),
            ).SerializeToString()
            assert got == want, (value, step)


def test_tensorboard_reads_what_we_write(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=300)
    with SummaryWriter(tmp_path) as w:
        for step, v in enumerate(values):
            w.add_scalar("train/loss", v, step, walltime=1.7e9 + step)
            if step % 10 == 0:
                w.add_scalar("val/acc", np.float32(v / 2), step, walltime=1.7e9 + step + 0.5)
        w.add_scalar("precise", 1 / 3, 7, walltime=1.7e9, double_precision=True)
        w.add_scalar("nan", float("nan"), 1, walltime=1.7e9)
    got = read_tb(tmp_path)
    assert set(got) == {"train/loss", "val/acc", "precise", "nan"}
    assert [(s, w) for s, w, _ in got["train/loss"]] == [(s, 1.7e9 + s) for s in range(300)]
    np.testing.assert_array_equal([v for *_, v in got["train/loss"]], values.astype(np.float32))
    assert len(got["val/acc"]) == 30 and got["val/acc"][1][0] == 10
    assert got["precise"] == [(7, 1.7e9, 1 / 3)]
    assert math.isnan(got["nan"][0][2])


def test_file_name_and_header(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, filename_suffix=".v2")
    w.add_scalar("x", 1, 0)
    w.close()
    (name,) = os.listdir(tmp_path)
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\.[^.]+(\.[^.]+)*\.\d+\.\d+\.v2", name), name
    data = (tmp_path / name).read_bytes()
    length = struct.unpack("<Q", data[:8])[0]
    first = event_pb2.Event.FromString(data[12 : 12 + length])
    assert first.file_version == "brain.Event:2"


def test_default_logdir_like_pytorch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.close()
    assert re.fullmatch(r"runs/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_.+_lr0\.1", w.get_logdir())
    assert os.path.isdir(w.get_logdir())


def test_first_event_is_flushed_without_waiting_for_flush_secs(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path, flush_secs=120)
    w.add_scalar("loss", 0.5, 1)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "loss" not in read_tb(tmp_path):
        time.sleep(0.1)
    assert read_tb(tmp_path)["loss"][0][0] == 1
    w.close()


def test_add_scalars_makes_one_run_per_key(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("loss/cmp", {"train": 1.0, "val": 2.0}, 3)
    assert read_tb(tmp_path / "loss_cmp_train")["loss/cmp"][0][::2] == (3, 1.0)
    assert read_tb(tmp_path / "loss_cmp_val")["loss/cmp"][0][::2] == (3, 2.0)


def test_purge_step_writes_a_restart_marker(tmp_path: Path) -> None:
    # As torch.utils.tensorboard: file_version then SessionLog.START, both at the purge step.
    # (TensorBoard's Rust loader then drops the orphaned steps; our reader does too, see
    # tests/ingest/test_ingest.py::test_restart_with_purge_step_drops_orphans.)
    with SummaryWriter(tmp_path, purge_step=50) as w:
        w.add_scalar("loss", 1.0, 60)
    (f,) = tmp_path.iterdir()
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    events = list(EventFileLoader(str(f)).Load())
    assert events[1].step == 50 and events[1].file_version == "brain.Event:2"
    assert events[2].step == 50 and events[2].session_log.status == event_pb2.SessionLog.START
    assert events[3].step == 60


def test_close_is_idempotent_and_logging_reopens(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    w.add_scalar("a", 1, 0)
    w.close()
    w.close()
    w.add_scalar("a", 2, 1)
    w.close()
    assert len(os.listdir(tmp_path)) == 2
    assert [v for *_, v in read_tb(tmp_path)["a"]] == [1, 2]


def test_functional_api(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    assert ridgeline.summary.scalar("outside", 1.0, step=0) is False
    with w.as_default(step=4):
        assert ridgeline.summary.scalar("loss", 0.25, description="the **loss**")
        ridgeline.summary.set_step(9)
        assert ridgeline.summary.scalar("loss", 0.5)
    w.close()
    got = read_tb(tmp_path)["loss"]
    assert [(s, v) for s, _, v in got] == [(4, 0.25), (9, 0.5)]
    acc = pea.EventAccumulator(str(tmp_path))
    acc.Reload()
    assert acc.SummaryMetadata("loss").summary_description == "the **loss**"


def test_framework_values(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("np", np.array([2.5]), 0)
        w.add_scalar("torch", torch.tensor(1.25), 0)
        t = torch.tensor([3.0], requires_grad=True) * 2
        w.add_scalar("torch_grad", t, 0)
        with pytest.raises(ValueError, match="exactly one element"):
            w.add_scalar("bad", torch.ones(3), 0)
        with pytest.raises(TypeError):
            w.add_scalar("bad", "text", 0)
    got = read_tb(tmp_path)
    assert got["np"][0][2] == 2.5 and got["torch"][0][2] == 1.25 and got["torch_grad"][0][2] == 6.0


def test_writer_imports_no_server_and_no_framework(tmp_path: Path) -> None:
    import subprocess
    import sys

    heavy = [
        "fastapi",
        "uvicorn",
        "ridgeline.ingest.kernels",
        "sqlite3",
        "ridgeline.server",
        "ridgeline.ingest",
        "torch",
        "keras",
        "jax",
        "tensorflow",
        "lightning",
        "transformers",
    ]
    code = (
        "import ridgeline, sys; w = ridgeline.SummaryWriter(sys.argv[1]); w.add_scalar('a', 1.0, 0); "
        "ridgeline.summary.scalar('b', 1.0, step=0); w.close(); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_scalar_pb_is_the_modern_form() -> None:
    from ridgeline.plugins.scalars.summary import scalar_pb
    from ridgeline.proto import summary_pb2, types_pb2

    value = scalar_pb("loss", np.float64(0.25), description="d").value[0]
    assert value.tag == "loss" and value.tensor.dtype == types_pb2.DT_FLOAT
    assert list(value.tensor.float_val) == [0.25] and not value.tensor.tensor_shape.dim
    assert value.metadata.plugin_data.plugin_name == "scalars"
    assert value.metadata.data_class == summary_pb2.DATA_CLASS_SCALAR
    assert value.metadata.summary_description == "d"


def test_new_files_sort_after_older_ones_in_the_same_run(tmp_path: Path) -> None:
    # Within one second the counter decides the order, and ".10" sorts before ".9".
    made = []
    for _ in range(12):
        w = SummaryWriter(tmp_path)
        made.append(os.path.basename(w._get_file_writer().path))
        w.close()
    assert sorted(made) == made
