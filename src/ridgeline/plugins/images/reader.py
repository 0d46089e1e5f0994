"""Images, read side: a summary value in any form real logs use -> width, height, blobs.

Forms: the modern string tensor ``[width, height, blob...]`` (TF2 ``tf.summary.image``, Keras,
Ridgeline) and the legacy ``Summary.Image`` (TF1, PyTorch, tensorboardX, including GIF videos).
"""

from __future__ import annotations

from dataclasses import dataclass

from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy


@dataclass(frozen=True, slots=True)
class ImageSet:
    width: int
    height: int
    blobs: list[bytes]


def read_images(value: summary_pb2.Summary.Value) -> ImageSet:
    if value.WhichOneof("value") == "image":
        img = value.image
        return ImageSet(img.width, img.height, [img.encoded_image_string])
    flat = to_numpy(value.tensor).reshape(-1).tolist()
    if len(flat) < 2:
        return ImageSet(0, 0, [])

    def dim(b: bytes) -> int:
        try:
            return int(b)
        except ValueError:
            return 0

    return ImageSet(dim(flat[0]), dim(flat[1]), [bytes(b) for b in flat[2:]])


def mime_type(blob: bytes) -> str:
    """The image type from its first bytes (what TensorBoard's detector recognises)."""
    if blob.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if blob.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if blob.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if blob.startswith(b"BM"):
        return "image/bmp"
    return "application/octet-stream"  # never let a browser guess (and render markup from a log)
