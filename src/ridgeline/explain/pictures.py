"""Pictures of explanations: attribution maps → heatmap overlays, method grids with a legend,
feature-map and filter grids. numpy in, ``uint8`` RGB arrays out (``[H, W, 3]``), ready for
``writer.add_image(tag, picture, step, dataformats="HWC")``.

Turning an attribution ``[N, C, H, W]`` into a map ``[N, H, W]`` takes three choices, each named:

* ``sign``: ``"absolute_value"`` (magnitude), ``"all"`` (signed, shown with a diverging
  colormap), ``"positive"``, ``"negative"`` — applied after the channel reduction, as Captum's
  ``visualize_image_attr`` does.
* ``reduce``: ``"sum"`` over channels (tf-explain, Captum), ``"mean"``, ``"max_abs"`` (the
  channel with the largest magnitude), or ``None`` for one-channel maps.
* ``normalize``, per image: ``"percentile"`` (Captum: divide by the value where the sorted
  magnitudes reach ``100 − outlier_perc`` % of their sum, clip to [−1, 1]), ``"minmax"``
  (to [0, 1]; Grad-CAM and occlusion in tf-explain and pytorch-grad-cam), ``"abs_max"``
  (divide by the largest magnitude), ``"standardize"`` (tf-explain's gradient display: zero
  mean, unit variance, ×255 — here clipped to [0, 255] and per image, not wrapped around in
  uint8 and over the whole batch as tf-explain does).

``STYLES`` bundles the usual combinations by name: ``"tf_explain_gradients"`` (vanilla
gradients, gradients×inputs, SmoothGrad, Integrated Gradients in tf-explain: absolute value,
channel sum, standardized gray), ``"tf_explain_heatmap"`` (Grad-CAM, occlusion: signed values
min-max scaled, so the lowest value is the colormap's bottom, viridis at 30 % over the image),
``"captum"`` (absolute value, channel sum, 2 % outliers), ``"signed"`` (diverging, 0 in the
middle).

Colormaps are matplotlib's (perceptually uniform ``viridis`` by default; ``RdBu_r`` for signed
maps); importing this module imports matplotlib's colormap registry only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class Style:
    sign: str = "absolute_value"
    reduce: str | None = "sum"
    normalize: str = "percentile"
    outlier_perc: float = 2.0
    cmap: str | None = "viridis"  # None: gray, no overlay
    heat_weight: float = 0.5  # the heatmap's share in the overlay (1 − the image's)

    @property
    def diverging(self) -> bool:
        """Signed maps scaled around 0 (to [−1, 1]), drawn with 0 in the colormap's middle."""
        return self.sign == "all" and self.normalize in ("percentile", "abs_max")


STYLES: dict[str, Style] = {
    "captum": Style(),
    "tf_explain_gradients": Style(normalize="standardize", cmap=None),
    "tf_explain_heatmap": Style(sign="all", normalize="minmax", heat_weight=0.3),
    "signed": Style(sign="all", normalize="percentile", cmap="RdBu_r"),
}


def to_numpy(x: Any) -> np.ndarray:
    """A torch tensor (any device), jax/TF array or numpy array as a float64 numpy array."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x, dtype=np.float64)


def reduce_channels(attr: Any, how: str | None = "sum", channel_axis: int = 1) -> np.ndarray:
    """``[N, C, H, W]`` (or ``[N, H, W, C]`` with ``channel_axis=-1``) → ``[N, H, W]``."""
    a = to_numpy(attr)
    if a.ndim == 3:
        return a
    if a.ndim != 4:
        raise ValueError(f"attributions must be [N, C, H, W] or [N, H, W], got shape {a.shape}")
    a = np.moveaxis(a, channel_axis, 1)
    out: np.ndarray
    if how is None:
        if a.shape[1] != 1:
            raise ValueError(f"reduce=None needs one channel, got {a.shape[1]}")
        out = a[:, 0]
    elif how == "sum":
        out = a.sum(axis=1)
    elif how == "mean":
        out = a.mean(axis=1)
    elif how == "max_abs":
        idx = np.abs(a).argmax(axis=1)[:, None]
        out = np.take_along_axis(a, idx, axis=1)[:, 0]
    else:
        raise ValueError(f"reduce must be 'sum', 'mean', 'max_abs' or None, not {how!r}")
    return out


def apply_sign(maps: np.ndarray, sign: str) -> np.ndarray:
    if sign == "absolute_value":
        return np.asarray(np.abs(maps))
    if sign == "all":
        return maps
    if sign == "positive":
        return np.asarray(np.maximum(maps, 0))
    if sign == "negative":
        return np.asarray(np.maximum(-maps, 0))
    raise ValueError(f"sign must be 'absolute_value', 'all', 'positive' or 'negative', not {sign!r}")


def normalize(maps: np.ndarray, how: str = "percentile", outlier_perc: float = 2.0) -> np.ndarray:
    """Per image: to [0, 1] (or [−1, 1] for signed maps with ``"percentile"``/``"abs_max"``)."""
    out = np.empty_like(maps, dtype=np.float64)
    for i, m in enumerate(np.nan_to_num(maps.astype(np.float64))):
        if how == "minmax":
            lo, hi = m.min(), m.max()
            out[i] = (m - lo) / (hi - lo) if hi > lo else np.zeros_like(m)
        elif how == "abs_max":
            top = np.abs(m).max()
            out[i] = m / top if top > 0 else m
        elif how == "percentile":
            flat = np.sort(np.abs(m).reshape(-1))
            cum = np.cumsum(flat)
            if cum[-1] <= 0:
                out[i] = np.zeros_like(m)
                continue
            at = np.searchsorted(cum, cum[-1] * 0.01 * (100 - outlier_perc))
            threshold = flat[min(int(at), flat.size - 1)]
            out[i] = np.clip(m / threshold, -1, 1) if threshold > 0 else np.zeros_like(m)
        elif how == "standardize":
            std = max(float(m.std()), 1.0 / math.sqrt(m.size))  # tf.image.per_image_standardization
            out[i] = np.clip((m - m.mean()) / std * 255.0, 0, 255) / 255.0
        else:
            raise ValueError(
                f"normalize must be 'percentile', 'minmax', 'abs_max' or 'standardize', not {how!r}"
            )
    return out


def attribution_maps(attr: Any, style: str | Style = "captum", channel_axis: int = 1) -> np.ndarray:
    """Attributions → normalized ``[N, H, W]`` maps by a style (a name from ``STYLES``)."""
    s = STYLES[style] if isinstance(style, str) else style
    a = to_numpy(attr)
    reduce = s.reduce if a.ndim == 4 and a.shape[channel_axis] > 1 else None
    maps = reduce_channels(a, reduce, channel_axis) if a.ndim == 4 else a
    return normalize(apply_sign(maps, s.sign), s.normalize, s.outlier_perc)


def images_hwc(images: Any, channel_axis: int = 1) -> np.ndarray:
    """A batch of input images as float RGB ``[N, H, W, 3]`` in [0, 1]: uint8 /255, floats in
    [0, 1] kept, other floats (standardized inputs) min-max scaled per image; gray → RGB."""
    raw = images.detach().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    a = np.asarray(raw, dtype=np.float64)
    if a.ndim == 3:
        a = a[:, None] if channel_axis == 1 else a[..., None]
    a = np.moveaxis(a, channel_axis, -1)
    if raw.dtype == np.uint8:
        a = a / 255.0
    else:
        for i in range(a.shape[0]):
            lo, hi = a[i].min(), a[i].max()
            if lo < 0 or hi > 1:
                a[i] = (a[i] - lo) / (hi - lo) if hi > lo else 0.0
    if a.shape[-1] == 1:
        a = np.repeat(a, 3, axis=-1)
    return np.clip(a[..., :3], 0, 1)


def colorize(maps: np.ndarray, cmap: str = "viridis", signed: bool = False) -> np.ndarray:
    """``[N, H, W]`` maps in [0, 1] ([−1, 1] when ``signed``) → RGB floats ``[N, H, W, 3]``."""
    from matplotlib import colormaps

    values = (maps + 1) / 2 if signed else maps
    rgba = colormaps[cmap](np.clip(values, 0, 1))
    rgb: np.ndarray = rgba[..., :3]
    return rgb


def resize_maps(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of ``[N, h, w]`` to ``[N, H, W]`` (half-pixel centres)."""
    if maps.shape[1:] == size:
        return maps
    h, w = size
    return np.stack(
        [
            np.asarray(Image.fromarray(m.astype(np.float32), "F").resize((w, h), Image.Resampling.BILINEAR))
            for m in maps
        ]
    )


def overlay(images: Any, attr: Any, style: str | Style = "captum", channel_axis: int = 1) -> np.ndarray:
    """Each input with its attribution map on top: uint8 ``[N, H, W, 3]``. Maps smaller than
    the image (Grad-CAM, occlusion at a stride) are resized bilinearly; a style without a
    colormap gives the gray map alone."""
    s = STYLES[style] if isinstance(style, str) else style
    imgs = images_hwc(images, channel_axis)
    maps = resize_maps(attribution_maps(attr, s, channel_axis), imgs.shape[1:3])
    if s.cmap is None:
        gray = np.repeat(np.clip(np.abs(maps), 0, 1)[..., None], 3, axis=-1)
        return (gray * 255).astype(np.uint8)
    heat = colorize(maps, s.cmap, signed=s.diverging)
    out = (1 - s.heat_weight) * imgs + s.heat_weight * heat
    return (np.clip(out, 0, 1) * 255 + 0.5).astype(np.uint8)


def _font(size: int = 11) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def legend(style: str | Style = "captum", width: int = 160, height: int = 28) -> np.ndarray:
    """A colour bar with its ends labelled (``0 … max`` or ``−max … +max``): uint8 RGB."""
    s = STYLES[style] if isinstance(style, str) else style
    bar = np.linspace(-1 if s.sign == "all" else 0, 1, width - 20)[None, :].repeat(10, axis=0)
    rgb = (
        colorize(bar[None], s.cmap or "gray", signed=s.sign == "all")[0]
        if s.cmap
        else np.repeat(np.abs(bar)[..., None], 3, axis=-1)
    )
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(Image.fromarray((rgb * 255).astype(np.uint8)), (10, 2))
    draw = ImageDraw.Draw(canvas)
    low = "−max" if s.diverging else ("min" if s.normalize == "minmax" else "0")
    draw.text((10, 14), low, fill="black", font=_font())
    draw.text((width - 34, 14), "+max" if s.diverging else "max", fill="black", font=_font())
    return np.asarray(canvas)


def method_grid(
    images: Any,
    columns: Mapping[str, Any],
    styles: Mapping[str, str | Style] | None = None,
    channel_axis: int = 1,
    pad: int = 2,
) -> np.ndarray:
    """One row per input, the input then one column per method (``{"Grad-CAM": attr, ...}``),
    each overlaid in its style (default ``"captum"``), labelled on top, a legend below:
    uint8 ``[H, W, 3]``."""
    imgs = (images_hwc(images, channel_axis) * 255 + 0.5).astype(np.uint8)
    tiles = [imgs] + [
        overlay(images, attr, (styles or {}).get(name, "captum"), channel_axis)
        for name, attr in columns.items()
    ]
    n, h, w = imgs.shape[:3]
    header = 14
    cols = len(tiles)
    canvas = Image.new("RGB", (cols * (w + pad) + pad, header + n * (h + pad) + pad + 30), "white")
    draw = ImageDraw.Draw(canvas)
    for j, (name, block) in enumerate(zip(["input", *columns], tiles, strict=True)):
        x = pad + j * (w + pad)
        draw.text((x, 1), name[: max(1, w // 6)], fill="black", font=_font(10))
        for i in range(n):
            canvas.paste(Image.fromarray(block[i]), (x, header + pad + i * (h + pad)))
    first = next(iter((styles or {}).values()), "captum")
    bar = legend(first, width=min(160, canvas.width))
    canvas.paste(Image.fromarray(bar), (0, canvas.height - 29))
    return np.asarray(canvas)


def tile_grid(
    tiles: np.ndarray, pad: int = 1, columns: int | None = None, pad_value: float = 1.0
) -> np.ndarray:
    """``[K, h, w]`` or ``[K, h, w, 3]`` floats in [0, 1] → one grid (``ceil(sqrt(K))`` columns),
    ``pad`` pixels of ``pad_value`` between tiles: uint8 RGB."""
    t = tiles if tiles.ndim == 4 else np.repeat(tiles[..., None], 3, axis=-1)
    k, h, w = t.shape[:3]
    cols = columns or max(1, math.ceil(math.sqrt(k)))
    rows = math.ceil(k / cols)
    grid = np.full((rows * (h + pad) + pad, cols * (w + pad) + pad, 3), pad_value, dtype=np.float64)
    for i in range(k):
        r, c = divmod(i, cols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + c * (w + pad) : pad + c * (w + pad) + w] = (
            t[i]
        )
    return (np.clip(grid, 0, 1) * 255 + 0.5).astype(np.uint8)


def _scale(a: np.ndarray, per_tile: bool) -> np.ndarray:
    if per_tile:
        lo = a.reshape(a.shape[0], -1).min(axis=1).reshape((-1,) + (1,) * (a.ndim - 1))
        hi = a.reshape(a.shape[0], -1).max(axis=1).reshape((-1,) + (1,) * (a.ndim - 1))
    else:
        lo, hi = a.min(), a.max()
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.asarray((a - lo) / span)


def feature_map_grid(
    activations: Any, scale: str = "per_map", channel_axis: int = 1, pad: int = 1
) -> np.ndarray:
    """One input's feature maps (``[C, h, w]``, or the first row of ``[N, C, h, w]``) as a grid
    of gray tiles; ``scale="per_map"`` stretches each map (structure), ``"global"`` uses one
    range for all (relative strength, as tf-explain)."""
    a = to_numpy(activations)
    if a.ndim == 4:
        a = np.moveaxis(a, channel_axis, 1)[0]
    if a.ndim != 3:
        raise ValueError(f"feature maps must be [C, h, w] or [N, C, h, w], got shape {a.shape}")
    return tile_grid(_scale(a, scale == "per_map"), pad=pad, pad_value=1.0)


def filter_grid(weight: Any, scale: str = "per_filter", pad: int = 1) -> np.ndarray:
    """Conv kernels ``[out, in, kh, kw]`` as a grid: RGB tiles when ``in == 3`` (first-layer
    filters), otherwise one gray tile per (out, in) slice; ``scale`` per filter or global."""
    w = to_numpy(weight)
    if w.ndim != 4:
        raise ValueError(f"conv weights must be [out, in, kh, kw], got shape {w.shape}")
    if w.shape[1] == 3:
        tiles = np.moveaxis(_scale(w, scale == "per_filter"), 1, -1)
        return tile_grid(tiles, pad=pad)
    flat = w.reshape(-1, w.shape[2], w.shape[3])
    return tile_grid(
        _scale(flat, scale == "per_filter"), pad=pad, columns=w.shape[1] if w.shape[1] > 1 else None
    )


def grid_rows(blocks: Sequence[np.ndarray], pad: int = 2) -> np.ndarray:
    """uint8 images stacked vertically on white, left-aligned."""
    width = max(b.shape[1] for b in blocks)
    height = sum(b.shape[0] for b in blocks) + pad * (len(blocks) - 1)
    out = np.full((height, width, 3), 255, dtype=np.uint8)
    y = 0
    for b in blocks:
        out[y : y + b.shape[0], : b.shape[1]] = b
        y += b.shape[0] + pad
    return out
