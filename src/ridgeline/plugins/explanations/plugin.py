"""Explanations, serve side: tags, steps, one step's header, each sample's input and overlay
PNGs and its attribution values (for hover)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Index, Run, Tag
from ridgeline.plugins.explanations.metadata import PLUGIN_NAME
from ridgeline.plugins.explanations.reader import read_explanation
from ridgeline.server.schemas import Num


class ExplanationStep(BaseModel):
    step: int
    wall_time: Num
    samples: int
    method: str
    title: str
    targets: list[int] | None
    style: str
    signed: bool
    scale: str
    colormap: str | None
    width: int
    height: int
    map_shape: list[int]
    ranges: list[list[Num]]


class ExplanationMap(BaseModel):
    step: int
    shape: list[int]
    values: list[list[Num]]


class ExplanationsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        def load(run: str, tag: str, index: int) -> tuple[Any, Any]:
            value = common.value_at(provider, PLUGIN_NAME, run, tag, index)
            return value, common.decode(read_explanation, value, run, tag)

        @r.get("/step", response_model=ExplanationStep)
        def step(run: Run, tag: Tag, index: Index = -1) -> dict[str, Any]:
            """One logged explanation: its step, method, classes, style, sizes, and each map's
            value range."""
            value, exp = load(run, tag, index)
            h = exp.header
            return {
                "step": value.step,
                "wall_time": value.wall_time,
                "samples": len(exp.samples),
                "method": str(h.get("method", "")),
                "title": str(h.get("title", tag)),
                "targets": h.get("targets"),
                "style": str(h.get("style", "")),
                "signed": bool(h.get("signed", False)),
                "scale": str(h.get("scale", "symmetric" if h.get("signed") else "zero")),
                "colormap": h.get("colormap"),
                "width": int(h.get("width", 0)),
                "height": int(h.get("height", 0)),
                "map_shape": list(h.get("map_shape", [0, 0])),
                "ranges": h.get("ranges", []),
            }

        @r.get(
            "/image",
            response_class=Response,
            responses={
                200: {"content": {"image/png": {}}, "description": "The PNG"},
                304: {"description": "Not modified"},
            },
        )
        def image(
            run: Run,
            tag: Tag,
            index: Index = -1,
            sample: int = 0,
            kind: Annotated[str, Query(pattern="^(input|overlay)$")] = "overlay",
            if_none_match: Annotated[str | None, Header()] = None,
        ) -> Response:
            """A sample's input or overlay image."""
            value, exp = load(run, tag, index)
            if not 0 <= sample < len(exp.samples):
                raise NotFound(
                    f"step {value.step} of {tag!r} has {len(exp.samples)} samples; no sample {sample}"
                )
            blob = exp.samples[sample].input_png if kind == "input" else exp.samples[sample].overlay_png
            return common.blob_response(blob, "image/png", if_none_match)

        @r.get("/map", response_model=ExplanationMap)
        def attribution_map(run: Run, tag: Tag, index: Index = -1, sample: int = 0) -> dict[str, Any]:
            """A sample's attribution values, downsampled (rows of the map, top first)."""
            value, exp = load(run, tag, index)
            if not 0 <= sample < len(exp.samples):
                raise NotFound(
                    f"step {value.step} of {tag!r} has {len(exp.samples)} samples; no sample {sample}"
                )
            m = exp.samples[sample].values
            return {"step": value.step, "shape": list(m.shape), "values": m.astype(float).tolist()}

        return r


PLUGIN = ExplanationsPlugin()
