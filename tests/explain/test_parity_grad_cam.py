"""Grad-CAM and Grad-CAM++ against pytorch-grad-cam (package ``grad-cam``), whose maps are
ReLU'd, min-max scaled per image, resized bilinearly to the input and scaled again.

grad-cam imports torchvision at import time for preprocessing helpers this test does not use
(``Compose``/``ToTensor`` in its image utilities, a detection target class). PyPI's torchvision
does not load beside the CPU build of torch the tests use, so a stand-in module answers those
imports; every number compared comes from grad-cam's own code and OpenCV.
"""

from __future__ import annotations

import sys
import types
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("cv2")
pytest.importorskip("ttach")

from ridgeline import explain  # noqa: E402


def _grad_cam_package() -> Any:
    if "pytorch_grad_cam" in sys.modules:
        return sys.modules["pytorch_grad_cam"]
    try:
        import torchvision  # noqa: F401

        return pytest.importorskip("pytorch_grad_cam")
    except Exception:
        pass
    # stand-ins only while grad-cam is imported, then gone: nothing else in this process sees
    # a torchvision that is not there
    names = ("torchvision", "torchvision.transforms", "torchvision.transforms.functional")
    stand_ins = {name: types.ModuleType(name) for name in names}
    for name in ("Compose", "Normalize", "ToTensor"):
        setattr(stand_ins["torchvision.transforms"], name, object)
    stand_ins["torchvision.transforms.functional"].resize = None  # type: ignore[attr-defined]
    stand_ins["torchvision"].transforms = stand_ins["torchvision.transforms"]  # type: ignore[attr-defined]
    saved = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    sys.modules.update(stand_ins)
    try:
        return pytest.importorskip("pytorch_grad_cam")
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)


def as_grad_cam_does(cam: Any, size: tuple[int, int]) -> np.ndarray:
    """Our raw ReLU'd map through the same display steps, in torch: per-image min-max
    (``(a - min) / (1e-7 + max)``), bilinear resize without corner alignment, min-max again."""

    def scale(a: Any) -> Any:
        flat = a.reshape(a.shape[0], -1)
        lo = flat.min(dim=1).values.reshape(-1, 1, 1, 1)
        a = a - lo
        hi = a.reshape(a.shape[0], -1).max(dim=1).values.reshape(-1, 1, 1, 1)
        return a / (1e-7 + hi)

    up = torch.nn.functional.interpolate(scale(cam), size=size, mode="bilinear", align_corners=False)
    return scale(up)[:, 0].numpy()


@pytest.mark.parametrize("method", ["GradCAM", "GradCAMPlusPlus"])
@pytest.mark.parametrize("target", ["predicted", 3])
def test_matches_pytorch_grad_cam(model: Any, batch: Any, method: str, target: Any) -> None:
    gc = _grad_cam_package()
    from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

    layer = model.features[3]
    targets = None if target == "predicted" else [ClassifierOutputTarget(target)] * batch.shape[0]
    with getattr(gc, method)(model=model, target_layers=[layer]) as cam:
        ref = cam(input_tensor=batch, targets=targets)
    fn = explain.grad_cam if method == "GradCAM" else explain.grad_cam_plus_plus
    raw = fn(model, batch, None if target == "predicted" else target, layer=layer, relu=True)
    ours = as_grad_cam_does(raw, tuple(batch.shape[2:]))
    assert ours.shape == ref.shape
    assert float(np.abs(ref).max()) > 0
    np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5 * float(np.abs(ref).max()))
