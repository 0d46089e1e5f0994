"""Projector, write side: embeddings as TensorBoard's projector files (what ``add_embedding``
writes), no event records involved.

For each call, under ``<log_dir>/<global_step as 5 digits>/<tag, %-escaped>/``:

* ``tensors.tsv`` — one row per point, tab-separated floats (``repr`` precision);
* ``metadata.tsv`` — one label per line, or with ``metadata_header`` a header line and rows of
  tab-separated columns;
* ``sprite.png`` — the label images in a square grid, row-major, ``ceil(sqrt(n))`` per row;

and ``<log_dir>/projector_config.pbtxt`` is rewritten listing every embedding written so far,
with paths relative to it (tensor name ``<tag>:<step as 5 digits>``).
"""

from __future__ import annotations

import math
import os
import urllib.parse
from collections.abc import Sequence
from typing import Any

import numpy as np
from google.protobuf import text_format

from ridgeline.plugins.images.summary import png_bytes, to_nhwc, to_uint8
from ridgeline.plugins.projector import projector_config_pb2
from ridgeline.plugins.projector.metadata import CONFIG_NAME

MAX_SPRITE_PX = 8192


def _cell(value: Any) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def metadata_tsv(metadata: Sequence[Any], header: Sequence[Any] | None = None) -> str:
    """One label a line; with ``header``, a header line then tab-separated rows."""
    if not header:
        return "".join(_cell(m) + "\n" for m in metadata)
    rows = [list(header), *[list(m) if isinstance(m, (list, tuple)) else [m] for m in metadata]]
    for i, row in enumerate(rows[1:]):
        if len(row) != len(header):
            raise ValueError(f"metadata row {i} has {len(row)} columns, the header has {len(header)}")
    return "".join("\t".join(_cell(c) for c in row) + "\n" for row in rows)


def tensors_tsv(mat: np.ndarray) -> str:
    return "".join("\t".join(repr(float(v)) for v in row) + "\n" for row in mat)


def sprite(images_nhwc: np.ndarray) -> np.ndarray:
    """A square grid of ``ceil(sqrt(n))`` thumbnails a row, RGB uint8."""
    images = to_uint8(images_nhwc)
    if images.shape[3] == 1:
        images = np.repeat(images, 3, axis=3)
    images = images[..., :3]
    n, h, w, _ = images.shape
    per_row = math.ceil(math.sqrt(n))
    if per_row * max(h, w) > MAX_SPRITE_PX:
        raise ValueError(
            f"{n} label images of {w}x{h} px need a {per_row * w}x{per_row * h} px sprite; "
            f"the projector reads sprites up to {MAX_SPRITE_PX} px a side — use smaller images"
        )
    grid = np.zeros((per_row * h, per_row * w, 3), dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, per_row)
        grid[r * h : (r + 1) * h, c * w : (c + 1) * w] = images[i]
    return grid


def write_embedding(
    log_dir: str,
    config: projector_config_pb2.ProjectorConfig,
    mat: np.ndarray,
    metadata: Sequence[Any] | None,
    label_img: np.ndarray | None,
    global_step: int,
    tag: str,
    metadata_header: Sequence[Any] | None,
) -> projector_config_pb2.EmbeddingInfo:
    """Write one embedding's files, add it to ``config`` and rewrite the config file.

    Args:
        label_img: images ``(N, C, H, W)`` (floats in [0, 1] or uint8), or None.
    """
    if mat.ndim != 2:
        raise ValueError(f"an embedding is a 2-D matrix (points x dimensions), got shape {mat.shape}")
    n = mat.shape[0]
    if metadata is not None and len(metadata) != n:
        raise ValueError(f"metadata has {len(metadata)} rows for {n} points")
    if label_img is not None and label_img.shape[0] != n:
        raise ValueError(f"label_img has {label_img.shape[0]} images for {n} points")
    step = str(int(global_step)).zfill(5)
    subdir = f"{step}/{urllib.parse.quote(tag, safe='')}"
    folder = os.path.join(log_dir, *subdir.split("/"))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"{folder} exists and is not a folder")
    os.makedirs(folder, exist_ok=True)
    info = projector_config_pb2.EmbeddingInfo(
        tensor_name=f"{tag}:{step}", tensor_path=f"{subdir}/tensors.tsv"
    )
    with open(os.path.join(folder, "tensors.tsv"), "w", encoding="utf-8") as f:
        f.write(tensors_tsv(mat))
    if metadata is not None:
        with open(os.path.join(folder, "metadata.tsv"), "w", encoding="utf-8") as f:
            f.write(metadata_tsv(metadata, metadata_header))
        info.metadata_path = f"{subdir}/metadata.tsv"
    if label_img is not None:
        nhwc = to_nhwc(label_img, "NCHW")
        with open(os.path.join(folder, "sprite.png"), "wb") as f:
            f.write(png_bytes(sprite(nhwc)))
        info.sprite.image_path = f"{subdir}/sprite.png"
        info.sprite.single_image_dim.extend([int(nhwc.shape[2]), int(nhwc.shape[1])])
    kept = [e for e in config.embeddings if e.tensor_name != info.tensor_name]
    del config.embeddings[:]
    config.embeddings.extend([*kept, info])
    write_config(log_dir, config)
    return info


def write_config(log_dir: str, config: projector_config_pb2.ProjectorConfig) -> None:
    """(Re)write ``projector_config.pbtxt`` atomically (a reader never sees half a file)."""
    path = os.path.join(log_dir, CONFIG_NAME)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text_format.MessageToString(config))
    os.replace(tmp, path)
