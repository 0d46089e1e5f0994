"""Every method against Captum (and Grad-CAM against pytorch-grad-cam) on a seeded CNN and a
fixed batch, for each row's predicted class and for one fixed class:
``np.allclose(ours, reference, rtol=1e-5, atol=1e-5 * max|reference|)``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
captum_attr = pytest.importorskip("captum.attr")

from ridgeline import explain  # noqa: E402

TARGETS = ["predicted", 3]


def close(ours: Any, ref: Any) -> None:
    a, b = ours.detach().cpu().numpy(), ref.detach().cpu().numpy()
    assert a.shape == b.shape
    scale = float(np.abs(b).max())
    assert scale > 0, "the reference is all zeros: the test would prove nothing"
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * scale)


def captum_target(model: Any, batch: Any, target: Any) -> Any:
    """Captum needs the classes spelled out (its None means a scalar output)."""
    if target == "predicted":
        with torch.no_grad():
            return model(batch).argmax(dim=1)
    return target


def ours_target(target: Any) -> Any:
    return None if target == "predicted" else target


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("absolute", [True, False])
def test_saliency(model: Any, batch: Any, target: Any, absolute: bool) -> None:
    ref = captum_attr.Saliency(model).attribute(
        batch, target=captum_target(model, batch, target), abs=absolute
    )
    close(explain.saliency(model, batch, ours_target(target), abs=absolute), ref)


@pytest.mark.parametrize("target", TARGETS)
def test_input_x_gradient(model: Any, batch: Any, target: Any) -> None:
    ref = captum_attr.InputXGradient(model).attribute(batch, target=captum_target(model, batch, target))
    close(explain.input_x_gradient(model, batch, ours_target(target)), ref)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("method", ["gausslegendre", "riemann_trapezoid", "riemann_left", "riemann_middle"])
def test_integrated_gradients(model: Any, batch: Any, target: Any, method: str) -> None:
    ref = captum_attr.IntegratedGradients(model).attribute(
        batch, target=captum_target(model, batch, target), n_steps=50, method=method
    )
    ours = explain.integrated_gradients(model, batch, ours_target(target), n_steps=50, method=method)
    close(ours, ref)
    # bounded memory gives the same numbers
    close(
        explain.integrated_gradients(
            model, batch, ours_target(target), n_steps=50, method=method, internal_batch_size=3
        ),
        ref,
    )


def test_integrated_gradients_with_a_baseline_tensor(model: Any, batch: Any) -> None:
    base = torch.full_like(batch[:1], 0.5)
    ref = captum_attr.IntegratedGradients(model).attribute(batch, baselines=base, target=2, n_steps=20)
    close(explain.integrated_gradients(model, batch, 2, baselines=base, n_steps=20), ref)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("nt_type", ["smoothgrad", "smoothgrad_sq", "vargrad"])
def test_smoothgrad_with_the_same_noise(model: Any, batch: Any, target: Any, nt_type: str) -> None:
    n, k, stdev = batch.shape[0], 6, 0.2
    torch.manual_seed(42)
    ref = captum_attr.NoiseTunnel(captum_attr.Saliency(model)).attribute(
        batch, nt_type=nt_type, nt_samples=k, stdevs=stdev, target=captum_target(model, batch, target)
    )
    # the same draw Captum made: one normal sample of shape (N * k, ...), copies adjacent
    torch.manual_seed(42)
    noise = torch.normal(0, torch.tensor(stdev).repeat((n * k, *batch.shape[1:]))).reshape(
        n, k, *batch.shape[1:]
    )
    ours = explain.smoothgrad(model, batch, ours_target(target), nt_samples=k, nt_type=nt_type, noise=noise)
    close(ours, ref)
    # and seeding alone reproduces it too
    torch.manual_seed(42)
    close(
        explain.smoothgrad(model, batch, ours_target(target), nt_samples=k, stdevs=stdev, nt_type=nt_type),
        ref,
    )


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("upsample", [None, "bilinear", "nearest"])
def test_grad_cam(model: Any, batch: Any, target: Any, relu: bool, upsample: str | None) -> None:
    layer = model.features[3]
    raw = captum_attr.LayerGradCam(model, layer).attribute(
        batch, target=captum_target(model, batch, target), relu_attributions=relu
    )
    ref = (
        raw if upsample is None else captum_attr.LayerAttribution.interpolate(raw, batch.shape[2:], upsample)
    )
    ours = explain.grad_cam(
        model, batch, ours_target(target), layer="features.3", relu=relu, upsample=upsample
    )
    close(ours, ref)


@pytest.mark.parametrize("target", TARGETS)
def test_occlusion(model: Any, batch: Any, target: Any) -> None:
    ref = captum_attr.Occlusion(model).attribute(
        batch,
        sliding_window_shapes=(3, 4, 5),
        strides=(3, 2, 3),
        baselines=0.0,
        target=captum_target(model, batch, target),
    )
    ours = explain.occlusion(model, batch, ours_target(target), window=(3, 4, 5), strides=(3, 2, 3))
    close(ours, ref)


@pytest.mark.parametrize("target", TARGETS)
def test_guided_backprop_and_deconvolution(model: Any, batch: Any, target: Any) -> None:
    t = captum_target(model, batch, target)
    close(
        explain.guided_backprop(model, batch, ours_target(target)),
        captum_attr.GuidedBackprop(model).attribute(batch, target=t),
    )
    close(
        explain.deconvolution(model, batch, ours_target(target)),
        captum_attr.Deconvolution(model).attribute(batch, target=t),
    )


def test_layer_activations(model: Any, batch: Any) -> None:
    layer = model.features[3]
    close(
        explain.activations(model, batch, layer=layer),
        captum_attr.LayerActivation(model, layer).attribute(batch),
    )
    close(
        explain.activations(model, batch, layer="features.3"),
        captum_attr.LayerActivation(model, layer).attribute(batch),
    )
