"""``RidgelineLogger`` with the real Lightning on a tiny model: metrics become scalars, the
module's hyperparameters an hparams session with the run's metrics, the fit's end its status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
lightning = pytest.importorskip("lightning")
from serving import indexed_client  # noqa: E402
from tb_oracle import tensorboard_scalars  # noqa: E402

from ridgeline.lightning import RidgelineLogger, flatten_hparams  # noqa: E402


class Tiny(lightning.LightningModule):  # type: ignore[misc]
    def __init__(self, lr: float = 0.05, hidden: int = 8, optimizer: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(4, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)
        )

    def training_step(self, batch: Any, idx: int) -> Any:
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch: Any, idx: int) -> None:
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.net(x), y))

    def configure_optimizers(self) -> Any:
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


def loader(n: int = 64) -> Any:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 4, generator=g)
    return torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, x.sum(dim=1, keepdim=True)), batch_size=8
    )


def fit(root: Path, **hparams: Any) -> RidgelineLogger:
    logger = RidgelineLogger(root, name="tiny")
    trainer = lightning.Trainer(
        max_epochs=3,
        logger=logger,
        log_every_n_steps=2,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(Tiny(**hparams), loader(), loader(16))
    return logger


def test_lightning_metrics_hparams_and_status(tmp_path: Path) -> None:
    first = fit(tmp_path, lr=0.05, hidden=8, optimizer={"name": "sgd", "momentum": None})
    second = fit(tmp_path, lr=0.01, hidden=16)
    assert (first.version, second.version) == (0, 1)  # the next free version, as TensorBoardLogger
    assert Path(second.log_dir) == tmp_path / "tiny" / "version_1"
    scalars = tensorboard_scalars(second.log_dir)  # TensorBoard reads what we wrote
    assert {"train_loss", "val_loss", "epoch"} <= set(scalars)
    assert [s for s, _, _ in scalars["val_loss"]] == [7, 15, 23]  # 8 batches an epoch, 3 epochs

    exp = indexed_client(tmp_path, tmp_path / "i.sqlite").get("/api/plugins/hparams/experiment").json()
    sessions = {s["run"]: s for s in exp["sessions"]}
    assert set(sessions) == {"tiny/version_0", "tiny/version_1"}
    s0 = sessions["tiny/version_0"]
    assert s0["hparams"] == {"lr": 0.05, "hidden": 8, "optimizer/name": "sgd", "optimizer/momentum": "None"}
    assert s0["status"] == "success"
    assert s0["metrics"]["val_loss"] == pytest.approx(
        scalars_last(tmp_path / "tiny" / "version_0", "val_loss")
    )
    assert sessions["tiny/version_1"]["hparams"] == {"lr": 0.01, "hidden": 16, "optimizer": "None"}


def scalars_last(run_dir: Path, tag: str) -> float:
    return float(tensorboard_scalars(run_dir)[tag][-1][2])


def test_a_failed_fit_is_recorded_as_failure(tmp_path: Path) -> None:
    class Crashing(Tiny):
        def training_step(self, batch: Any, idx: int) -> Any:
            if self.global_step == 3:
                raise RuntimeError("boom")
            return super().training_step(batch, idx)

    logger = RidgelineLogger(tmp_path, name="crash")
    trainer = lightning.Trainer(
        max_epochs=1, logger=logger, enable_checkpointing=False, enable_progress_bar=False, accelerator="cpu"
    )
    with pytest.raises(RuntimeError, match="boom"):
        trainer.fit(Crashing(), loader())
    exp = indexed_client(tmp_path, tmp_path / "i.sqlite").get("/api/plugins/hparams/experiment").json()
    assert [s["status"] for s in exp["sessions"]] == ["failure"]


def test_flatten_hparams() -> None:
    import argparse

    ns = argparse.Namespace(a=1, b=argparse.Namespace(c=[1, 2], d=True))
    assert flatten_hparams(ns) == {"a": 1, "b/c": "[1, 2]", "b/d": True}
