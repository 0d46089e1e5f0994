"""Frequency helpers and image grids for custom logging in plain training loops."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from tb_oracle import tensorboard_tensors

import ridgeline
from ridgeline.callbacks import every_n_batches, every_n_epochs, image_grid, log_image_grid


def test_every_n_epochs_runs_on_schedule_and_reports_its_cost(caplog: pytest.LogCaptureFixture) -> None:
    ran: list[int] = []

    @every_n_epochs(3)
    def log(epoch: int) -> int:
        ran.append(epoch)
        return epoch * 10

    with caplog.at_level(logging.DEBUG, logger="ridgeline.callbacks"):
        results = [log(e) for e in range(10)]
    assert ran == [0, 3, 6, 9] and results[3] == 30 and results[4] is None
    timed = [r.message for r in caplog.records if r.name == "ridgeline.callbacks"]
    assert len(timed) == 4 and timed[1].startswith(
        "test_every_n_epochs_runs_on_schedule_and_reports_its_cost.<locals>.log at epoch 3 took "
    )
    assert timed[1].endswith(" ms")

    ends: list[int] = []
    every_n_batches(4, first=False)(ends.append)(3)  # the end of each block of 4 (Keras counting)
    every_n_batches(4, first=False)(ends.append)(4)
    assert ends == [3]
    with pytest.raises(ValueError, match="n >= 1"):
        every_n_epochs(0)


def test_image_grid_rows_are_samples_and_columns_input_output_target() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((5, 3, 4, 6)).astype(np.float32)  # NCHW floats in [0, 1]
    out = (rng.random((5, 1, 4, 6)) * 255).astype(np.uint8)  # gray, 0..255
    target = rng.normal(size=(5, 3, 4, 6)).astype(np.float32)  # standardized: min-max scaled
    grid = image_grid(x, out, target, max_samples=3, pad=1)
    assert grid.shape == (3 * 4 + 4, 3 * 6 + 4, 3)
    np.testing.assert_allclose(grid[1:5, 1:7], np.transpose(x[0], (1, 2, 0)))  # row 0, input
    np.testing.assert_allclose(grid[6:10, 8:14, 0], out[1, 0] / 255.0, atol=1e-6)  # row 1, output
    scaled = (target - target.min()) / (target.max() - target.min())
    np.testing.assert_allclose(grid[11:15, 15:21], np.transpose(scaled[2], (1, 2, 0)), atol=1e-6)
    assert (grid[0] == 1.0).all()  # white separators
    with pytest.raises(ValueError, match="must be 4x6"):
        image_grid(x, np.zeros((5, 3, 8, 8)))


def test_log_image_grid_under_train_and_val(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    x = torch.rand(4, 3, 8, 8)
    with ridgeline.SummaryWriter(tmp_path) as w:
        for prefix in ("train", "val"):
            assert log_image_grid(w, prefix, x, x * 0.5, x, 7) == f"{prefix}/input_output_target"
    images = tensorboard_tensors(tmp_path, "images")
    assert set(images) == {"train/input_output_target", "val/input_output_target"}
    step, _, arr = images["val/input_output_target"][0]
    assert step == 7 and arr[0] == str(3 * 8 + 4 * 2).encode() and arr[1] == str(4 * 8 + 5 * 2).encode()
