"""Custom scalars, serve side: the merged layout; the charts' data come from the scalars API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider
from ridgeline.plugins.custom_scalars import layout_pb2
from ridgeline.plugins.custom_scalars.metadata import CONFIG_TAG, PLUGIN_NAME
from ridgeline.plugins.custom_scalars.reader import merge_layouts, read_layout


class CustomScalarsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = APIRouter(tags=[PLUGIN_NAME])

        @r.get("/layout")
        def layout() -> dict[str, Any]:
            """``{categories: [{title, closed, charts: [{title, multiline: [regex]} | {title, margin: [...]}]}]}``."""
            layouts: list[layout_pb2.Layout] = []
            for t in provider.list_tags(PLUGIN_NAME):
                if t.tag != CONFIG_TAG:
                    continue
                values = provider.read_values(t.run, t.tag, [-1]) or []
                layouts.extend(read_layout(v.value) for v in values)
            return {"categories": merge_layouts(layouts)}

        return r


PLUGIN = CustomScalarsPlugin()
