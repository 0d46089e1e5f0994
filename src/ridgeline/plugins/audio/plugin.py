"""Audio, serve side: tags, steps, one step's clips (labels) and each clip's WAV bytes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.audio.metadata import PLUGIN_NAME
from ridgeline.plugins.audio.reader import read_clips
from ridgeline.plugins.common import Index, Run, Tag


class AudioPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/step")
        def step(run: Run, tag: Tag, index: Index = -1) -> dict[str, Any]:
            """One logged set of clips: step, time and each clip's label and type."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            clips = read_clips(value.value)
            return {
                "step": value.step,
                "wall_time": value.wall_time,
                "clips": [{"label": c.label, "content_type": c.content_type} for c in clips],
            }

        @r.get("/clip", response_class=Response)
        def clip(run: Run, tag: Tag, index: Index = -1, sample: int = 0) -> Response:
            """The bytes of one clip (WAV)."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            clips = read_clips(value.value)
            if not 0 <= sample < len(clips):
                raise NotFound(f"step {value.step} of {tag!r} has {len(clips)} clips; no sample {sample}")
            safe = "".join(ch if ch.isalnum() else "_" for ch in tag)[:80]
            return Response(
                clips[sample].data,
                media_type="audio/wav",
                headers={
                    "Cache-Control": "private, max-age=60",
                    "X-Content-Type-Options": "nosniff",
                    "Content-Disposition": f'inline; filename="{safe}_step{value.step}_{sample}.wav"',
                },
            )

        return r


PLUGIN = AudioPlugin()
