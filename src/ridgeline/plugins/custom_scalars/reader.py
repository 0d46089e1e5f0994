"""Custom scalars, read side: layout values -> one merged layout (categories merged by title,
charts kept in the order first seen, duplicates dropped)."""

from __future__ import annotations

from typing import Any

from ridgeline.plugins.custom_scalars import layout_pb2
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import to_numpy


def read_layout(value: summary_pb2.Summary.Value) -> layout_pb2.Layout:
    raw = to_numpy(value.tensor).reshape(-1)
    return layout_pb2.Layout.FromString(bytes(raw[0])) if raw.size else layout_pb2.Layout()


def merge_layouts(layouts: list[layout_pb2.Layout]) -> list[dict[str, Any]]:
    categories: dict[str, dict[str, Any]] = {}
    for layout in layouts:
        for cat in layout.category:
            entry = categories.setdefault(cat.title, {"title": cat.title, "closed": cat.closed, "charts": []})
            for chart in cat.chart:
                if chart.WhichOneof("content") == "margin":
                    item: dict[str, Any] = {
                        "title": chart.title,
                        "margin": [
                            {"value": s.value, "lower": s.lower, "upper": s.upper}
                            for s in chart.margin.series
                        ],
                    }
                else:
                    item = {"title": chart.title, "multiline": list(chart.multiline.tag)}
                if item not in entry["charts"]:
                    entry["charts"].append(item)
    return list(categories.values())
