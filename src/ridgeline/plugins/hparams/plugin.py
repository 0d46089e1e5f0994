"""HParams, serve side: the experiment with every session, its hparams, status and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.hparams.metadata import PLUGIN_NAME
from ridgeline.plugins.hparams.reader import experiment
from ridgeline.server.schemas import Num


class Domain(BaseModel):
    values: list[Any] | None = None  # discrete
    min: Num | None = None  # interval
    max: Num | None = None


class HParamInfo(BaseModel):
    name: str
    display_name: str
    description: str
    type: str
    domain: Domain | None


class MetricInfo(BaseModel):
    key: str
    group: str
    tag: str
    display_name: str
    description: str


class SessionBody(BaseModel):
    run: str
    group: str
    hparams: dict[str, Any]
    metrics: dict[str, Num | None]
    status: str
    start_time: Num | None
    end_time: Num | None


class SessionError(BaseModel):
    run: str
    tag: str
    detail: str


class ExperimentBody(BaseModel):
    hparams: list[HParamInfo]
    metrics: list[MetricInfo]
    sessions: list[SessionBody]
    errors: list[SessionError]


class HParamsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])

        @r.get("/experiment", response_model=ExperimentBody)
        def get_experiment() -> dict[str, Any]:
            """Hparams (with domains), metrics and sessions (hparam values, metric values, status)."""
            return experiment(provider)

        return r


PLUGIN = HParamsPlugin()
