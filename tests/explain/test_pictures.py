"""Pictures: Captum's normalization, tf-explain's display without its uint8 wrap-around,
overlays, method grids with a legend, feature-map and filter grids — checked by values and
layout; one picture is saved for a person to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from PIL import Image  # noqa: E402

from ridgeline import explain  # noqa: E402
from ridgeline.explain import pictures  # noqa: E402


@pytest.mark.parametrize("sign", ["absolute_value", "all", "positive", "negative"])
def test_percentile_normalization_is_captums(sign: str) -> None:
    viz = pytest.importorskip("captum.attr._utils.visualization")
    rng = np.random.default_rng(0)
    m = rng.normal(size=(1, 9, 11)) ** 3
    ours = pictures.normalize(pictures.apply_sign(m, sign), "percentile", 2.0)[0]
    ref = viz._normalize_attr(m[0], sign, 2)
    np.testing.assert_allclose(np.abs(ours), np.abs(ref), rtol=1e-12)


def test_standardize_clips_where_tf_explain_wraps() -> None:
    m = np.zeros((1, 10, 10))
    m[0, 0, 0] = 100.0  # far above the mean: tf-explain's uint8 cast wraps it to a dark pixel
    out = pictures.normalize(m, "standardize")[0]
    assert out[0, 0] == 1.0 and out.min() == 0.0


def test_overlay_and_gray_styles(model: Any, batch: Any) -> None:
    cam = explain.grad_cam(model, batch, 1, layer="features.3")  # [4, 1, 6, 8], half the input
    heat = pictures.overlay(batch, cam, "tf_explain_heatmap")
    assert heat.shape == (4, 12, 16, 3) and heat.dtype == np.uint8
    grads = explain.saliency(model, batch, 1)
    gray = pictures.overlay(batch, grads, "tf_explain_gradients")
    assert gray.shape == (4, 12, 16, 3) and (gray[..., 0] == gray[..., 1]).all()
    # the hottest cell of the map is the most yellow (viridis' top) in the overlay
    maps = pictures.resize_maps(pictures.attribution_maps(cam, "tf_explain_heatmap"), (12, 16))
    y, x = np.unravel_index(maps[0].argmax(), maps[0].shape)
    plain = pictures.overlay(np.zeros((1, 3, 12, 16)), cam[:1], "tf_explain_heatmap")[0]
    assert plain[y, x, 1] == plain[..., 1].max()


def test_method_grid_layout_and_legend(model: Any, batch: Any, artifacts: Path) -> None:
    columns = {
        "saliency": explain.saliency(model, batch, 2),
        "IG": explain.integrated_gradients(model, batch, 2, n_steps=16),
        "Grad-CAM": explain.grad_cam(model, batch, 2, layer="features.3"),
        "signed IG": explain.integrated_gradients(model, batch, 2, n_steps=16),
    }
    styles = {"Grad-CAM": "tf_explain_heatmap", "signed IG": "signed"}
    grid = pictures.method_grid(batch, columns, styles)
    n, h, w = 4, 12, 16
    assert grid.shape == (14 + 2 + n * (h + 2) + 30, 5 * (w + 2) + 2, 3)
    # the first column is the input itself
    first = (pictures.images_hwc(batch[:1]) * 255 + 0.5).astype(np.uint8)[0]
    np.testing.assert_array_equal(grid[16 : 16 + h, 2 : 2 + w], first)
    bar = pictures.legend("captum")
    assert bar.shape == (28, 160, 3) and not (bar == 255).all()
    big = Image.fromarray(grid).resize((grid.shape[1] * 4, grid.shape[0] * 4), Image.Resampling.NEAREST)
    big.save(artifacts / "explain_method_grid.png")


def test_feature_map_and_filter_grids(model: Any, batch: Any) -> None:
    acts = explain.activations(model, batch, layer="features.3")  # [4, 16, 6, 8]
    grid = pictures.feature_map_grid(acts)
    assert grid.shape == (4 * 7 + 1, 4 * 9 + 1, 3)  # 16 maps in 4 x 4, 1 px apart
    first = pictures.filter_grid(model.features[0].weight)  # [8, 3, 3, 3]: RGB tiles
    assert first.shape == (3 * 4 + 1, 3 * 4 + 1, 3)
    deeper = pictures.filter_grid(model.features[3].weight)  # [16, 8, 3, 3]: a row per filter
    assert deeper.shape == (16 * 4 + 1, 8 * 4 + 1, 3)
    with pytest.raises(ValueError, match="conv weights"):
        pictures.filter_grid(np.zeros((3, 3)))
