"""Scalars, serve side: tags, series (downsampled or whole), bulk series and downloads.

Logic methods return plain data and raise ``ridgeline.errors``; route functions only parse
parameters, call them and encode. The wire contract is in ``api.md``.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ridgeline.data.provider import DataProvider
from ridgeline.errors import InvalidArgument, NotFound
from ridgeline.plugins.scalars import export
from ridgeline.plugins.scalars.metadata import PLUGIN_NAME
from ridgeline.server.encoding import (
    JSONBody,
    content_disposition,
    dumps,
    float_list,
    json_float,
    points_json,
)
from ridgeline.server.schemas import ERROR_RESPONSES, Num

MAX_POINTS = 1_000_000


class SeriesRequest(BaseModel):
    run: str
    tag: str


class BatchRequest(BaseModel):
    series: list[SeriesRequest] = Field(max_length=10_000)
    points: int | None = Field(default=None, ge=4, le=MAX_POINTS)


class ScalarTag(BaseModel):
    count: int
    first_step: int | None
    last_step: int | None
    last_wall_time: Num | None
    last_value: Num | None
    display_name: str
    description: str


class ScalarTagsBody(BaseModel):
    runs: dict[str, dict[str, ScalarTag]]


class SeriesBody(BaseModel):
    run: str
    tag: str
    total: int
    step: list[int]
    wall_time: list[Num]
    value: list[Num]


class SeriesError(BaseModel):
    run: str
    tag: str
    detail: str


class BatchBody(BaseModel):
    series: list[SeriesBody]
    errors: list[SeriesError]


class InspectRequest(BaseModel):
    series: list[SeriesRequest] = Field(max_length=10_000)
    step: int | None = None
    range: tuple[int, int] | None = None


class PointAt(BaseModel):
    step: int
    wall_time: Num
    value: Num
    relative: Num


class RangeStats(BaseModel):
    count: int
    first_step: int | None
    last_step: int | None
    min: Num | None
    max: Num | None
    mean: Num | None
    change: Num | None


class Inspected(BaseModel):
    run: str
    tag: str
    at: PointAt | None
    range: RangeStats | None


class InspectBody(BaseModel):
    series: list[Inspected]
    errors: list[SeriesError]


def _f(v: float) -> float | str | None:
    return json_float(v)


class ScalarsLogic:
    """What the routes do, callable without HTTP."""

    def __init__(self, provider: DataProvider) -> None:
        self.provider = provider

    def tags(self) -> dict[str, Any]:
        runs: dict[str, dict[str, Any]] = {}
        for t in self.provider.list_scalars():
            runs.setdefault(t.run, {})[t.tag] = {
                "count": t.count,
                "first_step": t.first_step,
                "last_step": t.last_step,
                "last_wall_time": t.last_wall_time,
                "last_value": json_float(t.last_value),
                "display_name": t.display_name,
                "description": t.description,
            }
        return {"runs": runs}

    def series(self, run: str, tag: str, points: int | None) -> dict[str, Any]:
        data = self.provider.read_scalars(run, tag, points)
        if data is None:
            known_runs = {r.name for r in self.provider.list_runs()}
            if run not in known_runs:
                raise NotFound(f"no run named {run!r}")
            raise NotFound(f"run {run!r} has no scalar tag {tag!r}")
        body = points_json(data.steps, data.wall_times, data.values)
        body.update(run=run, tag=tag, total=data.total)
        return body

    def batch(self, request: BatchRequest) -> dict[str, Any]:
        out: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        for item in request.series:
            try:
                out.append(self.series(item.run, item.tag, request.points))
            except NotFound as exc:
                errors.append({"run": item.run, "tag": item.tag, "detail": str(exc)})
        return {"series": out, "errors": errors}

    def inspect(self, request: InspectRequest) -> dict[str, Any]:
        """Exact values from every point (not the downsampled view): the point nearest
        ``step`` and min/max/mean/change over the steps in ``range``."""
        out: list[dict[str, Any]] = []
        errors: list[dict[str, str]] = []
        for item in request.series:
            data = self.provider.read_scalars(item.run, item.tag)
            if data is None or data.steps.size == 0:
                errors.append(
                    {
                        "run": item.run,
                        "tag": item.tag,
                        "detail": f"run {item.run!r} has no scalar tag {item.tag!r}",
                    }
                )
                continue
            entry: dict[str, Any] = {"run": item.run, "tag": item.tag, "at": None, "range": None}
            t0 = float(data.wall_times[0])
            if request.step is not None:
                i = int(np.argmin(np.abs(data.steps - request.step)))
                entry["at"] = {
                    "step": int(data.steps[i]),
                    "wall_time": _f(float(data.wall_times[i])),
                    "value": _f(float(data.values[i])),
                    "relative": _f(float(data.wall_times[i]) - t0),
                }
            if request.range is not None:
                lo, hi = sorted(request.range)
                inside = (data.steps >= lo) & (data.steps <= hi)
                values = data.values[inside]
                steps = data.steps[inside]
                finite = values[np.isfinite(values)]
                entry["range"] = {
                    "count": int(values.size),
                    "first_step": int(steps[0]) if steps.size else None,
                    "last_step": int(steps[-1]) if steps.size else None,
                    "min": _f(float(finite.min())) if finite.size else None,
                    "max": _f(float(finite.max())) if finite.size else None,
                    "mean": _f(float(finite.mean())) if finite.size else None,
                    "change": _f(float(values[-1] - values[0])) if values.size else None,
                }
            out.append(entry)
        return {"series": out, "errors": errors}

    def download(self, tag: str, runs: list[str] | None, fmt: str) -> tuple[bytes, str]:
        """Every point of ``tag`` for the given runs (default: all runs having it)."""
        if fmt not in ("csv", "json", "parquet"):
            raise InvalidArgument(f"format must be 'csv', 'json' or 'parquet', not {fmt!r}")
        have = sorted({t.run for t in self.provider.list_scalars() if t.tag == tag})
        if not have:
            raise NotFound(f"no run has a scalar tag {tag!r}")
        chosen = [r for r in (runs or have) if r in have]
        if runs and not chosen:
            raise NotFound(f"none of the runs {runs!r} has tag {tag!r}")
        if fmt == "parquet":
            return export.export(export.select(self.provider, chosen, [tag]), fmt)
        if fmt == "json":
            payload = {}
            for run in chosen:
                data = self.provider.read_scalars(run, tag)
                assert data is not None
                payload[run] = points_json(data.steps, data.wall_times, data.values)
            return dumps({"tag": tag, "runs": payload}), "application/json"
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["run", "step", "wall_time", "value"])
        for run in chosen:
            data = self.provider.read_scalars(run, tag)
            assert data is not None
            for step, wall, value in zip(
                data.steps.tolist(), float_list(data.wall_times), float_list(data.values), strict=True
            ):
                writer.writerow([run, step, wall, value])
        return buf.getvalue().encode("utf-8"), "text/csv; charset=utf-8"


class ScalarsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        logic = ScalarsLogic(provider)
        r = APIRouter(tags=[PLUGIN_NAME], responses=dict(ERROR_RESPONSES))

        @r.get("/tags", responses={200: {"model": ScalarTagsBody}})
        def tags() -> JSONBody:
            """run -> tag -> {count, first_step, last_step, last_wall_time, display_name, description}."""
            return JSONBody(logic.tags())

        @r.get("/series", responses={200: {"model": SeriesBody}})
        def series(
            run: Annotated[str, Query(description="run name, as /api/runs lists it")],
            tag: Annotated[str, Query(description="scalar tag")],
            points: Annotated[
                int | None,
                Query(ge=4, le=MAX_POINTS, description="about this many points; omit for all"),
            ] = None,
        ) -> JSONBody:
            """Columnar points of one series; each bucket's first/last/min/max/NaN/inf are kept."""
            return JSONBody(logic.series(run, tag, points))

        @r.post("/series/batch", responses={200: {"model": BatchBody}})
        def batch(request: BatchRequest) -> JSONBody:
            """Many run x tag series in one request (unknown pairs are listed under errors)."""
            return JSONBody(logic.batch(request))

        @r.post("/inspect", responses={200: {"model": InspectBody}})
        def inspect(request: InspectRequest) -> JSONBody:
            """Exact values behind a pinned step (the point nearest ``step``, with its wall and
            relative time) and a step ``range`` ([from, to]: count, min, max, mean, change),
            read from every point of each series."""
            return JSONBody(logic.inspect(request))

        @r.get(
            "/download",
            response_class=Response,
            responses={
                200: {"content": {"text/csv": {}, "application/json": {}}, "description": "Every point"}
            },
        )
        def download(
            tag: str,
            runs: Annotated[list[str] | None, Query(description="repeat for several runs")] = None,
            format: Annotated[str, Query(pattern="^(csv|json|parquet)$")] = "csv",
        ) -> Response:
            """All points of a tag for several runs at once, as CSV, JSON or Parquet."""
            body, media = logic.download(tag, runs, format)
            return Response(
                body,
                media_type=media,
                headers={"Content-Disposition": content_disposition("attachment", f"{tag}.{format}")},
            )

        @r.get(
            "/export",
            response_class=Response,
            responses={
                200: {
                    "content": {"text/csv": {}, "application/json": {}, "application/vnd.apache.parquet": {}},
                    "description": "Every point of the selection",
                }
            },
        )
        def export_route(
            runs: Annotated[list[str] | None, Query(description="repeat; omit for every run")] = None,
            tags: Annotated[list[str] | None, Query(description="repeat; omit for every scalar tag")] = None,
            format: Annotated[str, Query(pattern="^(csv|json|parquet)$")] = "csv",
        ) -> Response:
            """Every point of a selection (runs x tags) as one long table:
            ``run, tag, step, wall_time, value``."""
            body, media = export.export(export.select(provider, runs, tags), format)
            return Response(
                body,
                media_type=media,
                headers={"Content-Disposition": content_disposition("attachment", f"scalars.{format}")},
            )

        return r


PLUGIN = ScalarsPlugin()
