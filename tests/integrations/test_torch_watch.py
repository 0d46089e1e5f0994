"""``ridgeline.torch.watch`` on a real PyTorch training loop: what it logs, at which steps, and
with which values (checked against torch computing the same thing by hand)."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
from tb_oracle import tensorboard_scalars, tensorboard_tensors  # noqa: E402

import ridgeline  # noqa: E402
import ridgeline.torch as rtorch  # noqa: E402


class Net(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = torch.nn.Linear(8, 16)
        self.act = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(16, 4)
        self.gate = torch.nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gate(self.fc2(self.act(self.fc1(x))))


def batches(n: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(32, 8, generator=g), torch.rand(32, 4, generator=g)) for _ in range(n)]


def test_watch_logs_histograms_norms_ratios_and_activations(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = Net()
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    data = batches(12)
    expected: dict[str, dict[int, float]] = {}
    with ridgeline.SummaryWriter(tmp_path) as w:
        rtorch.watch(model, w, log="all", log_freq=5)
        for step, (x, y) in enumerate(data):
            before = {n: p.detach().clone() for n, p in model.named_parameters()}
            loss = torch.nn.functional.mse_loss(model(x), y)
            opt.zero_grad()
            loss.backward()
            if step % 5 == 0:
                for n, p in model.named_parameters():
                    expected.setdefault(f"grad_norm/{n}", {})[step] = float(p.grad.norm())
                    expected.setdefault(f"weight_norm/{n}", {})[step] = float(before[n].norm())
            opt.step()
            if step % 5 == 0:
                for n, p in model.named_parameters():
                    scale = max(float(before[n].norm()), float(p.detach().norm()))
                    ratio = float((p.detach() - before[n]).norm()) / scale
                    expected.setdefault(f"update_ratio/{n}", {})[step] = ratio
            model.eval()
            model(x)  # evaluation batches are not counted
            model.train()
        rtorch.unwatch(model)
        loss = torch.nn.functional.mse_loss(model(data[0][0]), data[0][1])
        loss.backward()  # nothing is logged after unwatch
    scalars = tensorboard_scalars(tmp_path)
    for tag, by_step in expected.items():
        got = {s: v for s, _, v in scalars[tag]}
        assert sorted(got) == [0, 5, 10], tag
        for s, v in by_step.items():
            assert got[s] == pytest.approx(v, rel=1e-5), (tag, s)
    dead = {s: v for s, _, v in scalars["activations/act/dead_fraction"]}
    assert sorted(dead) == [0, 5, 10] and all(0.0 <= v <= 1.0 for v in dead.values())
    assert "activations/gate/saturation" in scalars
    hist = tensorboard_tensors(tmp_path, "histograms")
    assert {t for t in hist if t.startswith("parameters/")} == {
        f"parameters/{n}" for n, _ in model.named_parameters()
    }
    for tag, rows in hist.items():
        assert [s for s, _, _ in rows] == [0, 5, 10], tag
        buckets = rows[0][2]
        if tag == "gradients/fc1.weight":
            assert buckets[:, 2].sum() == 16 * 8  # every element counted once
    # the histogram's range is the tensor's range, computed on its device
    w0 = hist["parameters/fc2.bias"][0][2]
    assert w0[0, 0] <= w0[-1, 1]


def test_dead_relus_are_counted_per_unit(tmp_path: Path) -> None:
    model = Net()
    with torch.no_grad():
        model.fc1.bias[:8] = -100.0  # half of the 16 units can never fire
    with ridgeline.SummaryWriter(tmp_path) as w:
        rtorch.watch(model, w, log=None, log_freq=1)
        model(torch.randn(64, 8))
    (point,) = tensorboard_scalars(tmp_path)["activations/act/dead_fraction"]
    assert point[2] == pytest.approx(0.5)


def test_unwatch_removes_every_hook() -> None:
    model = Net()
    writer_dir = Path(__import__("tempfile").mkdtemp())
    with ridgeline.SummaryWriter(writer_dir) as w:
        rtorch.watch(model, w, log="all")
        rtorch.watch(model, w, log="all")  # watching again replaces, never doubles
        assert len(model._forward_pre_hooks) == 1
        rtorch.unwatch(model)
    assert not model._forward_pre_hooks and not model.act._forward_hooks and not model.gate._forward_hooks
    assert all(not p._post_accumulate_grad_hooks for p in model.parameters())


def test_watch_arguments_are_checked() -> None:
    with ridgeline.SummaryWriter(Path(__import__("tempfile").mkdtemp())) as w:
        with pytest.raises(ValueError, match="log must be one of"):
            rtorch.watch(Net(), w, log="weights")
        with pytest.raises(ValueError, match="log_freq"):
            rtorch.watch(Net(), w, log_freq=0)


def test_import_ridgeline_does_not_import_torch() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, ridgeline; ridgeline.SummaryWriter; print('torch' in sys.modules)",
        ],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == "False"
