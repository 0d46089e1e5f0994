"""Explanations, write side: inputs and attributions (numpy) in, Summary protos out (no I/O).

One logged explanation is a string tensor ``[header, input₀, overlay₀, map₀, input₁, ...]``:
the header is JSON (method, title, class per sample, style, map shape, each map's range), the
inputs and overlays are PNGs, and each map is the attribution (channels reduced, signed)
averaged down to at most ``MAP_SIDE`` pixels a side, as little-endian float32 — what the
dashboard shows on hover. With it goes an ``images`` summary of the overlays in one grid, under
the method's own tag (tf-explain's names), so the images dashboard and TensorBoard show it too.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ridgeline.explain.pictures import (
    STYLES,
    Style,
    images_hwc,
    overlay,
    reduce_channels,
    tile_grid,
)
from ridgeline.plugins.explanations.metadata import create_summary_metadata
from ridgeline.plugins.images.summary import encoded_image_pb, png_bytes
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor

MAP_SIDE = 64


def downsample(m: np.ndarray, side: int = MAP_SIDE) -> np.ndarray:
    """Average ``[H, W]`` over blocks so neither side exceeds ``side`` (exact block means where
    the size divides, else the nearest block grid)."""
    h, w = m.shape
    f = max(1, math.ceil(max(h, w) / side))
    if f == 1:
        return m.astype(np.float32)
    hh, ww = math.ceil(h / f), math.ceil(w / f)
    padded = np.full((hh * f, ww * f), np.nan)
    padded[:h, :w] = m
    return np.asarray(np.nanmean(padded.reshape(hh, f, ww, f), axis=(1, 3)), dtype=np.float32)


def explanation_pb(
    tag: str,
    inputs: Any,
    attributions: Any,
    *,
    method: str,
    title: str,
    targets: Sequence[int] | None,
    style: str | Style = "captum",
    channel_axis: int = 1,
    description: str = "",
) -> summary_pb2.Summary:
    """The ``explanations`` value for ``tag`` and an ``images`` value (a grid of the overlays)
    under ``title``, in one Summary."""
    s = STYLES[style] if isinstance(style, str) else style
    attr = np.asarray(attributions, dtype=np.float64)
    reduce = s.reduce if attr.ndim == 4 and attr.shape[channel_axis] > 1 else None
    raw = reduce_channels(attr, reduce, channel_axis) if attr.ndim == 4 else attr
    if s.sign != "all":
        raw = np.abs(raw) if s.sign == "absolute_value" else raw
    over = overlay(inputs, attr, s, channel_axis)
    shown = (images_hwc(inputs, channel_axis) * 255 + 0.5).astype(np.uint8)
    maps = [downsample(m) for m in raw]
    header = {
        "method": method,
        "title": title,
        "targets": None if targets is None else [int(t) for t in targets],
        "style": style if isinstance(style, str) else "custom",
        "signed": s.diverging,
        # how the colours map to values: "zero" (0 .. max), "symmetric" (-max .. +max) or
        # "minmax" (each map's min .. max)
        "scale": "symmetric" if s.diverging else ("minmax" if s.normalize == "minmax" else "zero"),
        "colormap": s.cmap,
        "width": int(over.shape[2]),
        "height": int(over.shape[1]),
        "map_shape": list(maps[0].shape) if maps else [0, 0],
        "ranges": [[float(np.nanmin(m)), float(np.nanmax(m))] if m.size else [0.0, 0.0] for m in maps],
    }
    blobs: list[bytes] = [json.dumps(header).encode()]
    for i in range(over.shape[0]):
        blobs += [png_bytes(shown[i]), png_bytes(over[i]), maps[i].astype("<f4").tobytes()]
    value = summary_pb2.Summary.Value(
        tag=tag,
        metadata=create_summary_metadata(method, description),
        tensor=make_tensor(np.array(blobs, dtype=object)),
    )
    grid = tile_grid(over.astype(np.float64) / 255.0, pad=0)
    images = encoded_image_pb(title, [png_bytes(grid)], grid.shape[1], grid.shape[0])
    return summary_pb2.Summary(value=[value, *images.value])


def explanation_tag(title: str) -> str:
    """Where an explanation titled ``title`` is logged (``explanations/<title>``)."""
    return f"explanations/{title}"
