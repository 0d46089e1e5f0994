"""Audio, write side: sample arrays in, Summary proto out (no I/O).

Clips are [k, t, c] floats in [-1, 1] (clipped), encoded as 16-bit PCM WAV with the standard
``wave`` module and stored TensorBoard's modern way: a string tensor ``[k, 2]`` of
(WAV bytes, label) with ``audio`` plugin metadata.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np

from ridgeline.plugins.audio.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit PCM WAV of a [t, c] float clip (scaled by 32767 and truncated toward zero, as
    ``torch.utils.tensorboard`` does: the same samples for the same clip)."""
    if samples.ndim == 1:
        samples = samples[:, None]
    pcm = (np.clip(np.nan_to_num(samples.astype(np.float64)), -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(int(samples.shape[1]))
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def audio_pb(
    tag: str,
    clips: Any,
    sample_rate: int,
    *,
    labels: list[str] | None = None,
    max_outputs: int = 3,
    description: str = "",
) -> summary_pb2.Summary:
    """A Summary holding up to ``max_outputs`` clips of ``clips`` ([k, t, c] or [k, t])."""
    arr = np.asarray(clips)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise ValueError(f"audio must be [k, t, c] or [k, t], got shape {arr.shape}")
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, got {sample_rate}")
    arr = arr[: max(0, int(max_outputs))]
    names = list(labels or [])
    rows = [
        [wav_bytes(clip, sample_rate), (names[i] if i < len(names) else "").encode()]
        for i, clip in enumerate(arr)
    ]
    table = np.empty((len(rows), 2), dtype=object)
    for i, row in enumerate(rows):
        table[i] = row
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=create_summary_metadata("", description), tensor=make_tensor(table)
    )
    return summary_pb2.Summary(value=[value])
