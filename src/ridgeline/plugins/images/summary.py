"""Images, write side: arrays in, Summary proto out (no I/O).

``image_pb`` takes images as [k, h, w, c] (c = 1, 3 or 4; floats in [0, 1] or uint8), encodes
each as PNG with Pillow and stores them TensorBoard's modern way: a string tensor
``[width, height, png_0, png_1, ...]`` with ``images`` plugin metadata. ``to_nhwc`` turns any of
PyTorch's ``dataformats`` into that layout; ``make_grid`` tiles a batch as ``add_images`` does;
``gif_bytes`` encodes a video as an animated GIF (TensorBoard plays GIFs in the images view).
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np

from ridgeline.plugins.images.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def to_uint8(array: np.ndarray) -> np.ndarray:
    """Floats are taken as [0, 1], scaled to 0..255 and clipped, truncating as
    ``torch.utils.tensorboard`` does (the same pixels for the same tensor; NaN -> 0, +inf ->
    255); integers are clipped to 0..255 (torch would multiply them by 255 first)."""
    if array.dtype == np.uint8:
        return np.asarray(array)
    if array.dtype.kind == "f":
        finite = np.nan_to_num(array.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        scaled: np.ndarray = np.clip(finite * np.float32(255), 0, 255).astype(np.uint8)
        return scaled
    if array.dtype.kind in "iub":
        clipped: np.ndarray = np.clip(array, 0, 255).astype(np.uint8)
        return clipped
    raise TypeError(f"images must be float or integer arrays, got {array.dtype}")


def to_nhwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """Rearrange ``array`` described by ``dataformats`` (e.g. ``"CHW"``, ``"NHWC"``) to N,H,W,C."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set("NCHW") or not {"H", "W"} <= set(fmt):
        raise ValueError(
            f"dataformats {dataformats!r} must use each of N, C, H, W at most once and include H and W"
        )
    if array.ndim != len(fmt):
        raise ValueError(f"dataformats {dataformats!r} needs a {len(fmt)}-D array, got shape {array.shape}")
    if "N" not in fmt:
        array, fmt = array[None], "N" + fmt
    if "C" not in fmt:
        array, fmt = array[..., None], fmt + "C"
    out = np.transpose(array, [fmt.index(c) for c in "NHWC"])
    channels = out.shape[3]
    if channels == 2 or channels > 4:
        raise ValueError(
            f"images need 1, 3 or 4 channels, got {channels} (shape {array.shape} as {dataformats})"
        )
    return out


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """Tile [n, h, w, c] images into one [H, W, c] image, row-major, as ``add_images`` does."""
    n, h, w, c = images.shape
    cols = min(n, ncols)
    rows = math.ceil(n / cols)
    grid = np.zeros((rows * h, cols * w, c), dtype=images.dtype)
    for i in range(n):
        r, col = divmod(i, cols)
        grid[r * h : (r + 1) * h, col * w : (col + 1) * w] = images[i]
    return grid


def png_bytes(image: np.ndarray) -> bytes:
    """PNG of one [h, w, c] uint8 image (c = 1, 3 or 4)."""
    from PIL import Image

    mode = {1: "L", 3: "RGB", 4: "RGBA"}[image.shape[2]]
    pil = Image.fromarray(image[:, :, 0] if mode == "L" else image, mode)
    buf = io.BytesIO()
    pil.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def gif_bytes(frames: np.ndarray, fps: float) -> bytes:
    """Animated GIF of [t, h, w, c] uint8 frames."""
    from PIL import Image

    pils = []
    for frame in frames:
        rgb = np.repeat(frame, 3, axis=2) if frame.shape[2] == 1 else frame[:, :, :3]
        pils.append(Image.fromarray(np.ascontiguousarray(rgb), "RGB"))
    buf = io.BytesIO()
    duration = max(1, int(round(1000.0 / max(fps, 1e-3))))
    pils[0].save(buf, format="GIF", save_all=True, append_images=pils[1:], duration=duration, loop=0)
    return buf.getvalue()


def encoded_image_pb(
    tag: str, blobs: list[bytes], width: int, height: int, *, description: str = ""
) -> summary_pb2.Summary:
    """A Summary holding already-encoded images (PNG, GIF, JPEG...) of one size."""
    tensor = make_tensor(np.array([str(width).encode(), str(height).encode(), *blobs], dtype=object))
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=create_summary_metadata("", description), tensor=tensor
    )
    return summary_pb2.Summary(value=[value])


def image_pb(tag: str, images: Any, *, max_outputs: int = 3, description: str = "") -> summary_pb2.Summary:
    """A Summary holding up to ``max_outputs`` of the [k, h, w, c] ``images`` as PNGs."""
    arr = np.asarray(images)
    if arr.ndim != 4:
        raise ValueError(f"images must be [k, h, w, c], got shape {arr.shape}")
    arr = to_uint8(to_nhwc(arr, "NHWC")[: max(0, int(max_outputs))])
    height, width = (int(arr.shape[1]), int(arr.shape[2])) if arr.shape[0] else (0, 0)
    return encoded_image_pb(tag, [png_bytes(img) for img in arr], width, height, description=description)
