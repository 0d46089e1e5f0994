"""PR curves, serve side: tags and, per step, thresholds with precision, recall and counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.pr_curves.metadata import PLUGIN_NAME
from ridgeline.plugins.pr_curves.reader import read_curve

Run = Annotated[str, Query(description="run name")]
Tag = Annotated[str, Query(description="tag name")]


class PrCurvesPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = APIRouter(tags=[PLUGIN_NAME])

        @r.get("/tags")
        def tags() -> dict[str, Any]:
            """PR curve tags per run."""
            return common.tags_by_run(provider, PLUGIN_NAME)

        @r.get("/curves")
        def curves(
            run: Run, tag: Tag, points: Annotated[int | None, Query(ge=1, le=10_000)] = 100
        ) -> dict[str, Any]:
            """Per step: ``{step, wall_time, thresholds, precision, recall, true_positives, ...}``."""
            found = provider.list_steps(run, tag)
            if found is None:
                raise common.not_found(provider, PLUGIN_NAME, run, tag)
            values = provider.read_values(run, tag, common.sample_indices(len(found), points)) or []
            return {
                "curves": [{"step": v.step, "wall_time": v.wall_time, **read_curve(v.value)} for v in values]
            }

        return r


PLUGIN = PrCurvesPlugin()
