"""Text, serve side: tags and the texts of every step (raw strings; the browser renders
sanitized markdown)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.common import Run, Tag
from ridgeline.plugins.text.metadata import PLUGIN_NAME
from ridgeline.plugins.text.reader import read_text
from ridgeline.server.schemas import Num, StepError


class TextStep(BaseModel):
    step: int
    wall_time: Num
    shape: list[int]
    strings: list[str]
    warning: str


class TextsBody(BaseModel):
    total: int
    texts: list[TextStep]
    errors: list[StepError]


class TextPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/texts", response_model=TextsBody)
        def texts(
            run: Run, tag: Tag, points: Annotated[int | None, Query(ge=1, le=10_000)] = 100
        ) -> dict[str, Any]:
            """The newest ``points`` steps: ``[{step, wall_time, shape, strings, warning}]``."""
            total, values = common.values(provider, PLUGIN_NAME, run, tag, points, newest=True)
            good, errors = common.decode_each(read_text, values, run, tag)
            out = []
            for v, t in good:
                out.append(
                    {
                        "step": v.step,
                        "wall_time": v.wall_time,
                        "shape": t.shape,
                        "strings": t.strings,
                        "warning": t.warning,
                    }
                )
            return {"total": total, "texts": out, "errors": errors}

        return r


PLUGIN = TextPlugin()
