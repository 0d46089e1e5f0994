"""Histograms, serve side: tags, the buckets of every step (offset/overlay views) and the
percentile bands of every step (the distributions view).

Every step is kept in the index; ``points`` asks for an evenly spaced subset (first and last
always included) when a tag has more steps than a chart can show.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.common import Run, Tag
from ridgeline.plugins.histograms.metadata import PLUGIN_NAME
from ridgeline.plugins.histograms.reader import BASIS_POINTS, percentiles, read_buckets
from ridgeline.server.schemas import Num, StepError

Points = Annotated[int | None, Query(ge=1, le=100_000, description="at most this many steps (evenly spaced)")]


class HistogramsBody(BaseModel):
    step: list[int]
    wall_time: list[Num]
    buckets: list[list[list[Num]]]  # per step: [left, right, count] per bucket
    errors: list[StepError]


class DistributionsBody(BaseModel):
    basis_points: list[int]
    step: list[int]
    wall_time: list[Num]
    percentiles: list[list[Num]]
    errors: list[StepError]


class HistogramsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/histograms", response_model=HistogramsBody)
        def histograms(run: Run, tag: Tag, points: Points = 500) -> dict[str, Any]:
            """Per step: ``[[left, right, count], ...]``."""
            _, values = common.values(provider, PLUGIN_NAME, run, tag, points)
            good, errors = common.decode_each(read_buckets, values, run, tag)
            return {
                "step": [v.step for v, _ in good],
                "wall_time": [v.wall_time for v, _ in good],
                "buckets": [b.tolist() for _, b in good],
                "errors": errors,
            }

        @r.get("/distributions", response_model=DistributionsBody)
        def distributions(run: Run, tag: Tag, points: Points = 1000) -> dict[str, Any]:
            """Per step: the values at ``basis_points`` (min ... median ... max)."""
            _, values = common.values(provider, PLUGIN_NAME, run, tag, points)
            good, errors = common.decode_each(read_buckets, values, run, tag)
            rows = [(v, percentiles(b)) for v, b in good]
            rows = [(v, p) for v, p in rows if p is not None]
            return {
                "basis_points": list(BASIS_POINTS),
                "step": [v.step for v, _ in rows],
                "wall_time": [v.wall_time for v, _ in rows],
                "percentiles": [p for _, p in rows],
                "errors": errors,
            }

        return r


PLUGIN = HistogramsPlugin()
