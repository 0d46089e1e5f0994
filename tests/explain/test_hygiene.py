"""Explaining a model leaves no trace on it: mode, requires_grad, hooks and gradients as they
were, also inside torch.no_grad() and in the middle of training; in-place and functional ReLUs;
targets per row; clear errors."""

from __future__ import annotations

from typing import Any

import pytest

torch = pytest.importorskip("torch")

from explain_models import make_model  # noqa: E402

from ridgeline import explain  # noqa: E402

CALLS = {
    "saliency": lambda m, x: explain.saliency(m, x),
    "input_x_gradient": lambda m, x: explain.input_x_gradient(m, x, 1),
    "integrated_gradients": lambda m, x: explain.integrated_gradients(m, x, n_steps=4),
    "smoothgrad": lambda m, x: explain.smoothgrad(m, x, nt_samples=2, stdevs=0.1),
    "grad_cam": lambda m, x: explain.grad_cam(m, x, layer="features.3", upsample="bilinear"),
    "grad_cam_plus_plus": lambda m, x: explain.grad_cam_plus_plus(m, x, layer="features.3"),
    "occlusion": lambda m, x: explain.occlusion(m, x, window=(3, 6, 8), strides=(3, 6, 8)),
    "guided_backprop": lambda m, x: explain.guided_backprop(m, x),
    "deconvolution": lambda m, x: explain.deconvolution(m, x),
    "activations": lambda m, x: explain.activations(m, x, layer="features.3"),
}


def hooks(model: Any) -> int:
    return sum(
        len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) for m in model.modules()
    )


@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_trace_left_on_the_model(name: str, batch: Any) -> None:
    model = make_model()
    model.train()
    model.head[2].weight.requires_grad_(False)  # a frozen layer stays frozen, the others trainable
    flags = [p.requires_grad for p in model.parameters()]
    with torch.no_grad():  # works inside no_grad too (evaluation loops)
        out = CALLS[name](model, batch)
    assert isinstance(out, torch.Tensor) and not out.requires_grad and torch.isfinite(out).all()
    assert model.training
    assert [p.requires_grad for p in model.parameters()] == flags
    assert all(p.grad is None for p in model.parameters())
    assert hooks(model) == 0
    assert torch.is_grad_enabled()


def test_explaining_mid_training_keeps_the_accumulated_gradients(batch: Any) -> None:
    model = make_model()
    model(batch).sum().backward()
    before = [p.grad.clone() for p in model.parameters()]
    explain.integrated_gradients(model, batch, n_steps=3)
    explain.grad_cam(model, batch, layer="features.3")
    assert all(torch.equal(a, p.grad) for a, p in zip(before, model.parameters(), strict=True))


def test_batch_norm_statistics_are_not_updated(batch: Any) -> None:
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(), torch.nn.LazyLinear(2)
    )
    model(batch)
    model.train()
    mean = model[1].running_mean.clone()
    explain.saliency(model, batch)
    assert torch.equal(mean, model[1].running_mean)


def test_rows_are_explained_independently_and_targets_per_row(model: Any, batch: Any) -> None:
    together = explain.integrated_gradients(model, batch, [0, 1, 2, 3], n_steps=8)
    for i in range(batch.shape[0]):
        alone = explain.integrated_gradients(model, batch[i : i + 1], i, n_steps=8)
        torch.testing.assert_close(together[i : i + 1], alone, rtol=1e-5, atol=1e-6)
    t = torch.tensor([4, 4, 4, 4])
    torch.testing.assert_close(explain.saliency(model, batch, t), explain.saliency(model, batch, 4))
    with pytest.raises(ValueError, match="3 classes for 4 rows"):
        explain.saliency(model, batch, [0, 1, 2])


def test_in_place_relu_after_the_layer(batch: Any) -> None:
    plain, inplace = make_model(), make_model(inplace=True)
    # the layer's own output, not the ReLU'd one (Captum returns the latter here)
    acts = explain.activations(inplace, batch, layer="features.3")
    assert (acts < 0).any()
    torch.testing.assert_close(acts, explain.activations(plain, batch, layer="features.3"))
    for fn in (explain.guided_backprop, explain.deconvolution, explain.saliency):
        torch.testing.assert_close(fn(inplace, batch, 1), fn(plain, batch, 1))
    torch.testing.assert_close(
        explain.grad_cam(inplace, batch, 1, layer="features.3"),
        explain.grad_cam(plain, batch, 1, layer="features.3"),
    )


def test_functional_relus_get_the_guided_rule_too(batch: Any) -> None:
    class Functional(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, base: Any) -> None:
            super().__init__()
            self.base = base

        def forward(self, x: Any) -> Any:
            f = self.base.features
            h = torch.nn.functional.relu(f[0](x))
            h = f[3](f[2](h)).relu()
            return self.base.head(h)

    base = make_model()
    functional = Functional(base)
    torch.testing.assert_close(
        explain.guided_backprop(functional, batch, 2), explain.guided_backprop(base, batch, 2)
    )
    assert not torch.allclose(
        explain.guided_backprop(functional, batch, 2), explain.saliency(functional, batch, 2, abs=False)
    )


def test_clear_errors(model: Any, batch: Any) -> None:
    with pytest.raises(ValueError, match="no layer 'features.9'"):
        explain.grad_cam(model, batch, layer="features.9")
    with pytest.raises(ValueError, match="method must be one of"):
        explain.integrated_gradients(model, batch, method="simpson")
    with pytest.raises(ValueError, match="nt_type"):
        explain.smoothgrad(model, batch, nt_type="sg")
    with pytest.raises(ValueError, match="noise must be shaped"):
        explain.smoothgrad(model, batch, nt_samples=2, noise=torch.zeros(4, 3, 3, 12, 16))
    with pytest.raises(ValueError, match="window"):
        explain.occlusion(model, batch, window=(3, 4))
    with pytest.raises(ValueError, match="upsample"):
        explain.grad_cam(model, batch, layer="features.3", upsample="cubic")

    class Pair(torch.nn.Module):  # type: ignore[misc]
        def forward(self, x: Any) -> Any:
            return model(x), x

    with pytest.raises(TypeError, match="returned tuple, not a tensor"):
        explain.saliency(Pair(), batch)
