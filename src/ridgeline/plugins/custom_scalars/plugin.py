"""Custom scalars, serve side: the merged layout; the charts' data come from the scalars API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.errors import RidgelineError
from ridgeline.plugins import common
from ridgeline.plugins.custom_scalars import layout_pb2
from ridgeline.plugins.custom_scalars.metadata import CONFIG_TAG, PLUGIN_NAME
from ridgeline.plugins.custom_scalars.reader import merge_layouts, read_layout
from ridgeline.server.schemas import RunError


class MarginSeries(BaseModel):
    value: str
    lower: str
    upper: str


class Chart(BaseModel):
    title: str
    multiline: list[str] | None = None
    margin: list[MarginSeries] | None = None


class Category(BaseModel):
    title: str
    closed: bool
    charts: list[Chart]


class LayoutBody(BaseModel):
    categories: list[Category]
    errors: list[RunError]


class CustomScalarsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])

        @r.get("/layout", response_model=LayoutBody)
        def layout() -> dict[str, Any]:
            """``{categories: [{title, closed, charts: [{title, multiline: [regex]} | {title, margin: [...]}]}]}``."""
            layouts: list[layout_pb2.Layout] = []
            errors: list[dict[str, Any]] = []
            for t in provider.list_tags(PLUGIN_NAME):
                if t.tag != CONFIG_TAG:
                    continue
                try:  # one run's bad layout costs that layout, not the dashboard
                    values = provider.read_values(t.run, t.tag, [-1]) or []
                    layouts.extend(common.decode(read_layout, v, t.run, t.tag) for v in values)
                except RidgelineError as exc:
                    errors.append({"run": t.run, "detail": str(exc)})
            return {"categories": merge_layouts(layouts), "errors": errors}

        return r


PLUGIN = CustomScalarsPlugin()
