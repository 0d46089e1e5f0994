"""Audio, serve side: tags, steps, one step's clips (labels) and each clip's WAV bytes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.audio.metadata import PLUGIN_NAME
from ridgeline.plugins.audio.reader import read_clips
from ridgeline.plugins.common import Index, Run, Tag
from ridgeline.server.encoding import content_disposition
from ridgeline.server.schemas import Num


class ClipInfo(BaseModel):
    label: str
    content_type: str


class AudioStepBody(BaseModel):
    step: int
    wall_time: Num
    clips: list[ClipInfo]


class AudioPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/step", response_model=AudioStepBody)
        def step(run: Run, tag: Tag, index: Index = -1) -> dict[str, Any]:
            """One logged set of clips: step, time and each clip's label and type."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            clips = common.decode(read_clips, value, run, tag)
            return {
                "step": value.step,
                "wall_time": value.wall_time,
                "clips": [{"label": c.label, "content_type": c.content_type} for c in clips],
            }

        @r.get(
            "/clip",
            response_class=Response,
            responses={200: {"content": {"audio/wav": {}}, "description": "The clip"}},
        )
        def clip(run: Run, tag: Tag, index: Index = -1, sample: int = 0) -> Response:
            """The bytes of one clip (WAV)."""
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            clips = common.decode(read_clips, value, run, tag)
            if not 0 <= sample < len(clips):
                raise NotFound(f"step {value.step} of {tag!r} has {len(clips)} clips; no sample {sample}")
            return Response(
                clips[sample].data,
                media_type="audio/wav",
                headers={
                    "Cache-Control": "private, no-cache",
                    "Content-Disposition": content_disposition(
                        "inline", f"{tag[:80]}_step{value.step}_{sample}.wav"
                    ),
                },
            )

        return r


PLUGIN = AudioPlugin()
