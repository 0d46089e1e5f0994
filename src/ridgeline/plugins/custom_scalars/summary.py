"""Custom scalars, write side: PyTorch's layout dict in, a ``Layout`` Summary out.

``{category: {chart title: ["Multiline", [tag regexes]] | ["Margin", [value, lower, upper]]}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ridgeline.plugins.custom_scalars import layout_pb2
from ridgeline.plugins.custom_scalars.metadata import CONFIG_TAG, create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def layout_proto(layout: Mapping[str, Mapping[str, Sequence[Any]]]) -> layout_pb2.Layout:
    categories = []
    for category, charts in layout.items():
        protos = []
        for title, spec in charts.items():
            if len(spec) != 2:
                raise ValueError(f'chart {title!r}: expected ["Multiline" | "Margin", [tags]], got {spec!r}')
            kind, tags = spec[0], list(spec[1])
            if kind == "Multiline":
                protos.append(
                    layout_pb2.Chart(title=title, multiline=layout_pb2.MultilineChartContent(tag=tags))
                )
            elif kind == "Margin":
                if len(tags) != 3:
                    raise ValueError(
                        f"margin chart {title!r} needs exactly 3 tags (value, lower, upper), got {len(tags)}"
                    )
                series = layout_pb2.MarginChartContent.Series(value=tags[0], lower=tags[1], upper=tags[2])
                protos.append(
                    layout_pb2.Chart(title=title, margin=layout_pb2.MarginChartContent(series=[series]))
                )
            else:
                raise ValueError(f'chart {title!r}: kind must be "Multiline" or "Margin", got {kind!r}')
        categories.append(layout_pb2.Category(title=category, chart=protos))
    return layout_pb2.Layout(category=categories)


def layout_pb(layout: layout_pb2.Layout) -> summary_pb2.Summary:
    tensor = make_tensor(np.array(layout.SerializeToString(), dtype=object))
    value = summary_pb2.Summary.Value(tag=CONFIG_TAG, metadata=create_summary_metadata(), tensor=tensor)
    return summary_pb2.Summary(value=[value])
