"""Stage 4 (server): routes every dashboard shares: runs, plugins, status, health."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ridgeline.data.provider import DataProvider
from ridgeline.plugins.health.reader import HealthChecker
from ridgeline.plugins.health.rules import HealthConfig
from ridgeline.server.auth import current_access
from ridgeline.server.schemas import ERROR_RESPONSES, HealthBody, RunBody


def router(provider: DataProvider, health: HealthConfig | None = None) -> APIRouter:
    r = APIRouter(prefix="/api", tags=["core"], responses=dict(ERROR_RESPONSES))

    checker = HealthChecker(provider, health)

    @r.get("/health", response_model=HealthBody)
    def health_route() -> dict[str, Any]:
        """The server is up (``status``), and training health: per run, what looks wrong
        (vanishing/exploding gradients, NaN, dead units, plateaus), where and since when."""
        return {"status": "ok", **checker.as_json()}

    @r.get("/access")
    def access() -> dict[str, Any]:
        """What this request's token allows (``auth`` false: tokens are not required here)."""
        token = current_access()
        if token is None:
            return {"auth": False, "read_only": False, "runs": "", "tags": "", "name": ""}
        return {
            "auth": True,
            "read_only": token.read_only,
            "runs": token.runs,
            "tags": token.tags,
            "name": token.name,
        }

    @r.get("/upload/files")
    def upload_files() -> dict[str, Any]:
        """The event files this server holds in its upload folder, with their sizes (what
        ``ridgeline upload`` compares with the local files to send only the rest)."""
        return {"files": provider.upload_sizes()}

    @r.post("/upload/file", responses={409: {"description": "offset is not the end of the server's copy"}})
    async def upload_file(
        request: Request,
        path: Annotated[str, Query(description="the event file, relative to the logdir")],
        offset: Annotated[int, Query(ge=0, description="where the bytes go: the server's current size")],
    ) -> JSONResponse:
        """Append the body to an event file if the server's copy ends at ``offset`` (409 with
        its size otherwise: nothing is ever written twice). Needs a write token."""
        data = await request.body()
        size = await run_in_threadpool(provider.upload_append, path, offset, data)
        return JSONResponse({"size": size})

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
