"""Stage 4 (server): routes every dashboard shares: runs, plugins, status, health."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider
from ridgeline.server.schemas import ERROR_RESPONSES, RunBody


def router(provider: DataProvider) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["core"], responses=dict(ERROR_RESPONSES))

    @r.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

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
