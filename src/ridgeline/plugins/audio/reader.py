"""Audio, read side: a summary value in any form real logs use -> clips with labels.

Forms: the modern string tensor ``[k, 2]`` of (encoded clip, label) (TF2 ``tf.summary.audio``,
Ridgeline) and the legacy ``Summary.Audio`` (TF1, PyTorch, tensorboardX).
"""

from __future__ import annotations

from dataclasses import dataclass

from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy


@dataclass(frozen=True, slots=True)
class Clip:
    data: bytes
    label: str
    content_type: str


def read_clips(value: summary_pb2.Summary.Value) -> list[Clip]:
    if value.WhichOneof("value") == "audio":
        audio = value.audio
        return [Clip(audio.encoded_audio_string, "", audio.content_type or "audio/wav")]
    arr = to_numpy(value.tensor)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    out = []
    for row in arr.reshape(arr.shape[0], -1).tolist():
        label = row[1].decode("utf-8", "replace") if len(row) > 1 else ""
        out.append(Clip(bytes(row[0]), label, "audio/wav"))
    return out
