"""Stage 4 (server): routes every dashboard shares: runs, plugins, status, health."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider
from ridgeline.plugins.health.reader import HealthChecker
from ridgeline.plugins.health.rules import HealthConfig
from ridgeline.server.schemas import ERROR_RESPONSES, HealthBody, RunBody


def router(provider: DataProvider, health: HealthConfig | None = None) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["core"], responses=dict(ERROR_RESPONSES))

    checker = HealthChecker(provider, health)

    @r.get("/health", response_model=HealthBody)
    def health_route() -> dict[str, Any]:
        """The server is up (``status``), and training health: per run, what looks wrong
        (vanishing/exploding gradients, NaN, dead units, plateaus), where and since when."""
        return {"status": "ok", **checker.as_json()}

    @r.get("/runs", response_model=list[RunBody])
    def runs() -> list[dict[str, Any]]:
        """Every run, with the wall time of its newest point and its tag count."""
        return [dataclasses.asdict(run) for run in provider.list_runs()]

    @r.get("/plugins")
    def plugins() -> dict[str, Any]:
        """Dashboards that have data, and the data generation (changes when data arrives)."""
        return {"plugins": provider.list_plugins(), "generation": provider.generation()}

    @r.get("/status")
    def status() -> dict[str, Any]:
        """Where data is read from, indexing progress, and what went wrong if nothing shows."""
        return dataclasses.asdict(provider.status())

    return r
