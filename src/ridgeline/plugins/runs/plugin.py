"""Runs table, serve side: the table, what users say about runs (display name, color, tags,
notes: kept in the index), and deleting runs to the logdir's trash and restoring them.
The wire contract is in ``api.md``."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.runs.reader import DEFAULT_WINDOW, RunTable
from ridgeline.server.schemas import Num

PLUGIN_NAME = "runs"
_COLOR = r"^(#[0-9a-fA-F]{6})?$"


class MetricStats(BaseModel):
    last: Num | None
    min: Num | None
    max: Num | None
    best: Num | None
    best_step: int | None


class RunRow(BaseModel):
    name: str
    display_name: str
    color: str
    auto_color: str
    tags: list[str]
    notes: str
    status: str
    status_reason: str
    started: Num | None
    last_write: Num | None
    duration: Num | None
    hparams: dict[str, Any]
    last: dict[str, Num | None]
    stats: dict[str, MetricStats]


class TableBody(BaseModel):
    palette: list[str]
    now: Num
    window: Num
    hparams: list[str]
    metrics: list[str]
    hparam_metrics: list[str]
    goals: dict[str, str]
    runs: list[RunRow]


class MetaRequest(BaseModel):
    """Fields left out are kept; an empty string or list clears one."""

    run: str
    display_name: str | None = Field(default=None, max_length=200)
    color: str | None = Field(default=None, pattern=_COLOR)
    tags: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=4000)


class MetaBody(BaseModel):
    run: str
    display_name: str
    color: str
    tags: list[str]
    notes: str


class RunRequest(BaseModel):
    run: str


class RestoreRequest(BaseModel):
    id: str


class TrashBody(BaseModel):
    id: str
    run: str
    logdir: str
    folder: str
    deleted_at: Num
    runs: list[str]


class RunsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])
        table = RunTable(provider)

        @r.get("/table", response_model=TableBody)
        def get_table(
            metric: Annotated[
                list[str] | None, Query(description="scalar tags to give min/max/best of (repeat)")
            ] = None,
            window: Annotated[
                float,
                Query(
                    gt=0,
                    le=86400 * 365,
                    description="seconds since the last write that still count as running",
                ),
            ] = DEFAULT_WINDOW,
        ) -> dict[str, Any]:
            """Every run: hparams, newest value of each scalar tag, stats of the chosen metrics,
            start, last write, duration, status (running / finished / crashed, with why), and
            its display name, color and tags."""
            return table.table(metric or [], window)

        def meta_of(run: str) -> dict[str, Any]:
            m = provider.run_meta().get(run, {})
            return {
                "run": run,
                "display_name": m.get("display_name", ""),
                "color": m.get("color", ""),
                "tags": list(m.get("tags", [])),
                "notes": m.get("notes", ""),
            }

        @r.put("/meta", response_model=MetaBody)
        def put_meta(request: MetaRequest) -> dict[str, Any]:
            """Set a run's display name, color (``#rrggbb``), tags or notes; kept in the index
            (a restart, or a rebuild of the index, keeps them)."""
            if request.run not in {x.name for x in provider.list_runs()}:
                raise NotFound(f"no run named {request.run!r}")
            current = {k: v for k, v in meta_of(request.run).items() if k != "run" and v}
            for key in ("display_name", "color", "tags", "notes"):
                value = getattr(request, key)
                if value is not None:
                    if key == "tags":
                        value = list(dict.fromkeys(t.strip() for t in value if t.strip()))
                    elif key == "display_name":
                        value = value.strip()
                    current[key] = value
            kept = provider.run_meta().get(request.run, {})
            auto = {k: v for k, v in kept.items() if k == "auto_color"}
            provider.set_run_meta({request.run: {**auto, **{k: v for k, v in current.items() if v}}})
            return meta_of(request.run)

        @r.post("/delete", response_model=TrashBody)
        def delete(request: RunRequest) -> dict[str, Any]:
            """Move the run's folder (and the runs inside it) to ``.ridgeline-trash`` in its
            logdir; nothing is erased. ``POST /restore`` with the returned ``id`` undoes it."""
            return dataclasses.asdict(provider.trash_run(request.run))

        @r.post("/restore", response_model=TrashBody)
        def restore(request: RestoreRequest) -> dict[str, Any]:
            """Move a deleted run's folder back where it was."""
            return dataclasses.asdict(provider.restore_run(request.id))

        @r.get("/trash", response_model=list[TrashBody])
        def trash() -> list[dict[str, Any]]:
            """Deleted runs that can be restored, newest first."""
            return [dataclasses.asdict(e) for e in provider.list_trash()]

        return r


PLUGIN = RunsPlugin()
