"""Explanations from a plain PyTorch loop (``Explainer``) and from Lightning
(``ExplanationCallback``): logged every N epochs under tf-explain's titles, read back through
the server, each call timed at DEBUG level."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from explain_models import make_model  # noqa: E402
from serving import indexed_client  # noqa: E402

import ridgeline  # noqa: E402
from ridgeline.explain.callbacks import Explainer  # noqa: E402


def train_epoch(model: Any, opt: Any, x: Any, y: Any) -> None:
    model.train()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()


def test_explainer_in_a_pytorch_loop(tmp_path: Path, batch: Any, caplog: pytest.LogCaptureFixture) -> None:
    model = make_model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    y = torch.tensor([0, 1, 2, 3])
    caplog.set_level(logging.DEBUG, logger="ridgeline.callbacks")
    with ridgeline.SummaryWriter(tmp_path / "run") as writer:
        explainer = Explainer(
            writer,
            batch[:2],
            ["saliency", "integrated_gradients", "grad_cam", "occlusion", "activations"],
            layer="features.3",
            every_n_epochs=2,
        )
        for epoch in range(5):
            train_epoch(model, opt, batch, y)
            explainer(model, epoch)
    assert model.training  # explaining did not leave it in eval mode
    client = indexed_client(tmp_path, tmp_path / "i.sqlite")
    tags = client.get("/api/plugins/explanations/tags").json()["runs"]["run"]
    titles = ["Grad CAM", "IntegratedGradients", "Occlusion Sensitivity", "VanillaGradients"]
    assert sorted(tags) == [f"explanations/{t}" for t in titles]
    for title in titles:
        steps = client.get(
            "/api/plugins/explanations/steps", params={"run": "run", "tag": f"explanations/{title}"}
        )
        assert steps.json()["step"] == [0, 2, 4]
        step = client.get(
            "/api/plugins/explanations/step", params={"run": "run", "tag": f"explanations/{title}"}
        ).json()
        with torch.no_grad():
            predicted = model.eval()(batch[:2]).argmax(dim=1).tolist()
        assert step["targets"] == predicted and step["samples"] == 2
    images = client.get("/api/plugins/images/tags").json()["runs"]["run"]
    assert set(images) == {*titles, "Activations Visualization"}
    timed = [r.getMessage() for r in caplog.records if "took" in r.getMessage()]
    assert any(m.startswith("explain Grad CAM at epoch 2 took") for m in timed), timed
    assert any("Explainer.explain at epoch 4 took" in m for m in timed), timed


def test_lightning_explanation_callback(tmp_path: Path, batch: Any) -> None:
    lightning = pytest.importorskip("lightning")
    from ridgeline.lightning import ExplanationCallback, RidgelineLogger

    class Module(lightning.LightningModule):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.net = make_model().train()

        def forward(self, x: Any) -> Any:
            return self.net(x)

        def training_step(self, b: Any, i: int) -> Any:
            x, y = b
            return torch.nn.functional.cross_entropy(self.net(x), y)

        def configure_optimizers(self) -> Any:
            return torch.optim.SGD(self.parameters(), lr=0.1)

    data = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(batch, torch.tensor([0, 1, 2, 3])), batch_size=2
    )
    logger = RidgelineLogger(tmp_path, name="exp")
    trainer = lightning.Trainer(
        max_epochs=3,
        logger=logger,
        callbacks=[
            ExplanationCallback(batch[:2], ["saliency", "grad_cam"], target=1, layer="net.features.3")
        ],
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        accelerator="cpu",
    )
    trainer.fit(Module(), data)
    client = indexed_client(tmp_path, tmp_path / "i.sqlite")
    tags = client.get("/api/plugins/explanations/tags").json()["runs"]
    assert list(tags) == ["exp/version_0"]
    for tag in ("explanations/Grad CAM", "explanations/VanillaGradients"):
        steps = client.get(
            "/api/plugins/explanations/steps", params={"run": "exp/version_0", "tag": tag}
        ).json()
        assert steps["step"] == [0, 1, 2]
        step = client.get(
            "/api/plugins/explanations/step", params={"run": "exp/version_0", "tag": tag}
        ).json()
        assert step["targets"] == [1, 1]


def test_explainer_leaves_batch_norm_statistics_alone(tmp_path: Path, batch: Any) -> None:
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.LazyLinear(3),
    )
    model(batch)
    model.train()
    mean, var = model[1].running_mean.clone(), model[1].running_var.clone()
    with ridgeline.SummaryWriter(tmp_path) as writer:
        Explainer(writer, batch, ["saliency", "grad_cam"], layer="0")(model, 0)  # predicted classes
    assert torch.equal(mean, model[1].running_mean) and torch.equal(var, model[1].running_var)
    assert model.training
