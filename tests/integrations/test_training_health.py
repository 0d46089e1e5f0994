"""Training health on real PyTorch training: a model built to show each finding is caught at
the right layer and step; a healthy small CNN and a small transformer show nothing. Findings
come from what ``ridgeline.torch.watch`` and the loop log, through the index and /api/health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from serving import indexed_client  # noqa: E402

import ridgeline  # noqa: E402
import ridgeline.torch as rtorch  # noqa: E402
from ridgeline.plugins.health.rules import HealthConfig  # noqa: E402

nn = torch.nn


def train(
    logdir: Path,
    model: Any,
    data: Any,
    steps: int,
    lr: float = 1e-2,
    optim: str = "adam",
    log_freq: int = 10,
    loss_fn: Any = nn.functional.mse_loss,
    poison_at: int | None = None,
) -> None:
    torch.manual_seed(0)
    opt = (torch.optim.Adam if optim == "adam" else torch.optim.SGD)(model.parameters(), lr=lr)
    with ridgeline.SummaryWriter(logdir) as w:
        rtorch.watch(model, w, log="all", log_freq=log_freq)
        for step in range(steps):
            x, y = data(step)
            if poison_at is not None and step >= poison_at:
                x = x * float("nan")
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            w.add_scalar("train/loss", loss, step)
        rtorch.unwatch(model)


def health(logdir: Path, tmp: Path) -> dict[str, list[dict[str, Any]]]:
    body = indexed_client(logdir, tmp / "i.sqlite", health=HealthConfig()).get("/api/health").json()
    assert body["status"] == "ok"
    runs: dict[str, list[dict[str, Any]]] = body["runs"]
    return runs


def regression(n_in: int, n_out: int = 1, batch: int = 64, scale: float = 1.0) -> Any:
    g = torch.Generator().manual_seed(1)
    w = torch.randn(n_in, n_out, generator=g)

    def data(step: int) -> tuple[Any, Any]:
        x = torch.randn(batch, n_in, generator=g) * scale
        return x, x @ w

    return data


def kinds(found: list[dict[str, Any]]) -> set[str]:
    return {f["kind"] for f in found}


def test_vanishing_gradients_in_a_deep_sigmoid_network(tmp_path: Path) -> None:
    torch.manual_seed(0)
    layers: list[Any] = []
    for _ in range(12):
        lin = nn.Linear(16, 16)
        nn.init.normal_(lin.weight, std=0.05)
        layers += [lin, nn.Sigmoid()]
    model = nn.Sequential(*layers, nn.Linear(16, 1))
    train(tmp_path / "logs" / "deep", model, regression(16), steps=40, optim="sgd", lr=0.01)
    found = health(tmp_path / "logs", tmp_path)["deep"]
    vanishing = [f for f in found if f["kind"] == "vanishing_gradients"]
    layers_hit = {f["layer"] for f in vanishing}
    assert "0.weight" in layers_hit and "24.weight" not in layers_hit  # the first layer, not the last
    first = next(f for f in vanishing if f["layer"] == "0.weight")
    assert first["first_step"] == 0 and first["step"] == 30
    assert "exploding_gradients" not in kinds(found) and "nan" not in kinds(found)


def test_exploding_gradients_when_the_learning_rate_is_too_high(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(8, 8), nn.Linear(8, 1))
    train(
        tmp_path / "logs" / "hot", model, regression(8, scale=3.0), steps=12, optim="sgd", lr=0.3, log_freq=1
    )
    found = health(tmp_path / "logs", tmp_path)["hot"]
    exploding = [f for f in found if f["kind"] == "exploding_gradients"]
    assert exploding and all(f["first_step"] > 0 for f in exploding)  # fine at the start, then not
    assert {f["layer"] for f in exploding} >= {"1.weight"}


def test_nan_loss_is_caught_at_the_step_it_appears(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    train(tmp_path / "logs" / "diverged", model, regression(4), steps=60, poison_at=37)
    found = health(tmp_path / "logs", tmp_path)["diverged"]
    loss = [f for f in found if f["kind"] == "nan" and f["tag"] == "train/loss"]
    assert len(loss) == 1 and loss[0]["first_step"] == 37 and loss[0]["step"] == 59
    assert "NaN" in loss[0]["message"]
    # NaN then spreads to every layer's norms: one finding, at the first logged step after it
    (spread,) = [f for f in found if f["kind"] == "nan" and f["tag"] != "train/loss"]
    assert spread["first_step"] == 40 and spread["layer"] == "0.bias"
    assert "of 2 layer(s)" not in spread["message"] and "of 4 layer(s)" in spread["message"]
    assert [f["kind"] for f in found][:2] == ["nan", "nan"]  # most severe first


def test_dead_relus_are_named_by_module(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 1))
    with torch.no_grad():
        model[0].bias.fill_(-50.0)  # every unit below zero for any input: dead from the start
    train(tmp_path / "logs" / "dead", model, regression(4), steps=30, lr=1e-3)
    found = health(tmp_path / "logs", tmp_path)["dead"]
    dead = [f for f in found if f["kind"] == "dead_units"]
    assert len(dead) == 1 and dead[0]["layer"] == "1" and dead[0]["first_step"] == 0 and dead[0]["step"] == 20
    assert "100% of the units after 1 are dead" in dead[0]["message"]


def test_a_loss_that_stops_moving_is_a_plateau(tmp_path: Path) -> None:
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    fixed = regression(4)(0)
    train(tmp_path / "logs" / "stuck", model, lambda step: fixed, steps=150, lr=0.0)
    found = health(tmp_path / "logs", tmp_path)["stuck"]
    plateau = [f for f in found if f["kind"] == "plateau"]
    assert len(plateau) == 1 and plateau[0]["tag"] == "train/loss"
    assert plateau[0]["step"] == 149 and plateau[0]["first_step"] == 150 - 2 * 30


class TinyCNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 2)

    def forward(self, x: Any) -> Any:
        return self.fc(self.pool(self.relu2(self.conv2(self.relu1(self.conv1(x))))).flatten(1))


class TinyTransformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 32)
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, dropout=0.0, batch_first=True), 2
        )
        self.head = nn.Linear(32, 2)

    def forward(self, x: Any) -> Any:
        return self.head(self.encoder(self.embed(x)).mean(dim=1))


def test_healthy_models_have_no_findings(tmp_path: Path) -> None:
    g = torch.Generator().manual_seed(3)

    def images(step: int) -> tuple[Any, Any]:
        y = torch.randint(0, 2, (32,), generator=g)
        x = torch.randn(32, 1, 8, 8, generator=g) * 0.5
        x[:, :, 2:6, 2:6] += y.float().view(-1, 1, 1, 1)  # a bright square means class 1
        return x, y

    def sequences(step: int) -> tuple[Any, Any]:
        y = torch.randint(0, 2, (32,), generator=g)
        x = torch.randn(32, 6, 4, generator=g)
        x[:, :, 0] += y.float().view(-1, 1) * 2
        return x, y

    ce = nn.functional.cross_entropy
    train(tmp_path / "logs" / "cnn", TinyCNN(), images, steps=200, lr=3e-3, loss_fn=ce)
    train(tmp_path / "logs" / "transformer", TinyTransformer(), sequences, steps=200, lr=1e-3, loss_fn=ce)
    runs = health(tmp_path / "logs", tmp_path)
    assert runs == {}, runs
