"""PR curves, serve side: tags and, per step, thresholds with precision, recall and counts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.common import Run, Tag
from ridgeline.plugins.pr_curves.metadata import PLUGIN_NAME
from ridgeline.plugins.pr_curves.reader import read_curve
from ridgeline.server.schemas import Num, StepError


class Curve(BaseModel):
    step: int
    wall_time: Num
    thresholds: list[Num]
    precision: list[Num]
    recall: list[Num]
    true_positives: list[Num]
    false_positives: list[Num]
    true_negatives: list[Num]
    false_negatives: list[Num]
    empty: list[bool]


class CurvesBody(BaseModel):
    curves: list[Curve]
    errors: list[StepError]


def empty_thresholds(curve: dict[str, list[float]]) -> list[bool]:
    """True where TP + FP = 0: nothing scored at or above the threshold, so precision is
    undefined (stored as 0). TensorBoard leaves these points out of the curve; so does the dashboard."""
    return [tp + fp <= 0 for tp, fp in zip(curve["true_positives"], curve["false_positives"], strict=True)]


class PrCurvesPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.tag_router(provider, PLUGIN_NAME)

        @r.get("/curves", response_model=CurvesBody)
        def curves(
            run: Run, tag: Tag, points: Annotated[int | None, Query(ge=1, le=10_000)] = 100
        ) -> dict[str, Any]:
            """Per step: ``{step, wall_time, thresholds, precision, recall, true_positives, ...}``."""
            _, values = common.values(provider, PLUGIN_NAME, run, tag, points)
            good, errors = common.decode_each(read_curve, values, run, tag)
            return {
                "curves": [
                    {"step": v.step, "wall_time": v.wall_time, **curve, "empty": empty_thresholds(curve)}
                    for v, curve in good
                ],
                "errors": errors,
            }

        return r


PLUGIN = PrCurvesPlugin()
