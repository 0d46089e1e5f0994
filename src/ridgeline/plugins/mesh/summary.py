"""Meshes, write side: vertices (and optional faces, colors) in, one Summary out (no I/O)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ridgeline.plugins.mesh.metadata import (
    CONTENT_NAMES,
    MeshPluginData,
    components_bitmask,
    create_summary_metadata,
)
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def mesh_pb(
    tag: str,
    vertices: Any,
    faces: Any = None,
    colors: Any = None,
    config: dict[str, Any] | None = None,
    *,
    description: str = "",
) -> summary_pb2.Summary:
    """Values ``<tag>_VERTEX``, ``<tag>_FACE``, ``<tag>_COLOR`` (those given), as PyTorch names them."""
    parts: list[tuple[int, np.ndarray]] = []
    v = np.asarray(vertices, dtype=np.float32)
    if v.ndim == 2:
        v = v[None]
    if v.ndim != 3 or v.shape[2] != 3:
        raise ValueError(f"vertices must be [B, N, 3], got shape {v.shape}")
    parts.append((MeshPluginData.VERTEX, v))
    if faces is not None:
        f = np.asarray(faces, dtype=np.int32)
        f = f[None] if f.ndim == 2 else f
        if f.ndim != 3 or f.shape[2] != 3:
            raise ValueError(f"faces must be [B, F, 3], got shape {f.shape}")
        parts.append((MeshPluginData.FACE, f))
    if colors is not None:
        c = np.asarray(colors)
        c = c[None] if c.ndim == 2 else c
        if c.shape[:2] != v.shape[:2]:
            raise ValueError(f"colors must be [B, N, 3] like the vertices {v.shape}, got {c.shape}")
        parts.append((MeshPluginData.COLOR, np.clip(c, 0, 255).astype(np.uint8)))
    mask = components_bitmask([ct for ct, _ in parts])
    values = []
    for ct, arr in parts:
        meta = create_summary_metadata(tag, ct, mask, arr.shape, config)
        meta.summary_description = description
        values.append(
            summary_pb2.Summary.Value(
                tag=f"{tag}_{CONTENT_NAMES[ct]}", metadata=meta, tensor=make_tensor(arr)
            )
        )
    return summary_pb2.Summary(value=values)
