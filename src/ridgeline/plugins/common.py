"""Helpers every plugin's routes share: tag listings, step lists and picking one logged value.

Plugins whose values stay in the event files (images, audio, histograms, text, PR curves,
meshes) all expose ``tags`` and ``steps`` the same way; these functions keep that one shape.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import Response

from ridgeline.data.provider import DataProvider, PluginTag, StepValue
from ridgeline.errors import BadData, NotFound
from ridgeline.proto import summary_pb2
from ridgeline.server.encoding import DataJSON
from ridgeline.server.schemas import ERROR_RESPONSES, StepsBody, TagsBody

Run = Annotated[str, Query(description="run name")]
Tag = Annotated[str, Query(description="tag name")]
Index = Annotated[int, Query(description="position in /steps; negative counts from the end")]


T = TypeVar("T")


class DataRouter(APIRouter):
    """A plugin's router: JSON bodies through :class:`DataJSON` (non-finite numbers kept as
    strings, wherever they are), not through a response model that would make them null.

    A route's ``response_model`` documents its 200 body in the OpenAPI schema (and
    schemathesis checks responses against it) without serializing through it; the 4xx
    bodies are :class:`~ridgeline.server.schemas.ErrorBody`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_response_class", DataJSON)
        kwargs.setdefault("responses", dict(ERROR_RESPONSES))
        super().__init__(**kwargs)

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        model = kwargs.get("response_model")
        if model is not None and not isinstance(model, DefaultPlaceholder):
            responses = dict(kwargs.get("responses") or {})
            responses[200] = {"model": model, "description": "Successful Response"}
            kwargs["responses"] = responses
        kwargs["response_model"] = None
        super().add_api_route(path, endpoint, **kwargs)


def decode(reader: Callable[[summary_pb2.Summary.Value], T], value: StepValue, run: str, tag: str) -> T:
    """``reader(value)``, or a 422 naming the run, tag and step when the value's content is
    bad (valid framing, garbage inside: wrong dtype, a shape its data does not fill...)."""
    try:
        return reader(value.value)
    except BadData:
        raise
    except Exception as exc:  # any decoding failure of one stored value costs that value
        raise BadData(
            f"run {run!r} tag {tag!r} step {value.step}: the value cannot be read ({type(exc).__name__}: {exc})"
        ) from exc


def tags_by_run(provider: DataProvider, plugin: str) -> dict[str, Any]:
    """``{"runs": {run: {tag: {count, first_step, last_step, ...}}}, "generation": g}``.

    ``generation`` is the data generation read (as ``/api/plugins`` reports it), so a client
    can tell whether a list it fetched early is still current."""
    generation = provider.generation()
    runs: dict[str, dict[str, Any]] = {}
    for t in provider.list_tags(plugin):
        runs.setdefault(t.run, {})[t.tag] = tag_entry(t)
    return {"runs": runs, "generation": generation}


def tag_entry(t: PluginTag) -> dict[str, Any]:
    return {
        "count": t.count,
        "first_step": t.first_step,
        "last_step": t.last_step,
        "last_wall_time": t.last_wall_time,
        "display_name": t.metadata.display_name,
        "description": t.metadata.summary_description,
    }


def not_found(provider: DataProvider, plugin: str, run: str, tag: str) -> NotFound:
    if run not in {r.name for r in provider.list_runs()}:
        return NotFound(f"no run named {run!r}")
    return NotFound(f"run {run!r} has no {plugin} tag {tag!r}")


def steps(provider: DataProvider, plugin: str, run: str, tag: str) -> dict[str, Any]:
    """``{"step": [...], "wall_time": [...]}``: every logged value of the tag, in order."""
    found = provider.list_steps(run, tag)
    if found is None:
        raise not_found(provider, plugin, run, tag)
    return {"step": [s.step for s in found], "wall_time": [s.wall_time for s in found]}


def value_at(provider: DataProvider, plugin: str, run: str, tag: str, index: int) -> StepValue:
    """The value at position ``index`` of :func:`steps` (negative counts from the end)."""
    found = provider.read_values(run, tag, [index])
    if found is None:
        raise not_found(provider, plugin, run, tag)
    if not found:
        raise NotFound(f"run {run!r} tag {tag!r} has no value at index {index}")
    return found[0]


def values(
    provider: DataProvider, plugin: str, run: str, tag: str, points: int | None, newest: bool = False
) -> tuple[int, list[StepValue]]:
    """(how many values the tag has, at most ``points`` of them): evenly spaced with the first
    and last kept, or the newest ``points`` when ``newest``."""
    found = provider.list_steps(run, tag)
    if found is None:
        raise not_found(provider, plugin, run, tag)
    total = len(found)
    if newest and points is not None and total > points:
        indices: list[int] | None = list(range(total - points, total))
    else:
        indices = None if newest else sample_indices(total, points)
    return total, provider.read_values(run, tag, indices) or []


def sample_indices(total: int, limit: int | None) -> list[int] | None:
    """Evenly spaced positions (first and last kept) when ``total`` exceeds ``limit``."""
    if limit is None or total <= limit:
        return None
    if limit <= 1:
        return [total - 1]
    return sorted({round(i * (total - 1) / (limit - 1)) for i in range(limit)})


def tag_router(provider: DataProvider, plugin: str) -> APIRouter:
    """A router with the routes every tag-based plugin has: ``/tags`` and ``/steps``."""
    r = DataRouter(tags=[plugin])

    @r.get("/tags", summary=f"{plugin} tags per run", response_model=TagsBody)
    def list_tags() -> dict[str, Any]:
        return tags_by_run(provider, plugin)

    @r.get("/steps", summary="steps and wall times of every logged value, in order", response_model=StepsBody)
    def list_steps(run: Run, tag: Tag) -> dict[str, Any]:
        return steps(provider, plugin, run, tag)

    return r


def decode_each(
    reader: Callable[[summary_pb2.Summary.Value], T], values: list[StepValue], run: str, tag: str
) -> tuple[list[tuple[StepValue, T]], list[dict[str, Any]]]:
    """Decode every value; bad ones are left out and listed (``{"step", "detail"}``), so one
    bad step costs that step, not the chart."""
    good: list[tuple[StepValue, T]] = []
    errors: list[dict[str, Any]] = []
    for v in values:
        try:
            good.append((v, decode(reader, v, run, tag)))
        except BadData as exc:
            errors.append({"step": v.step, "detail": str(exc)})
    return good, errors


def blob_response(blob: bytes, media_type: str, if_none_match: str | None) -> Response:
    """Stored bytes (an image, a clip) with an ETag and ``no-cache``: the same URL names other
    bytes after a run is re-written, so the browser revalidates each time (unchanged: 304)."""
    etag = '"' + hashlib.blake2b(blob, digest_size=12).hexdigest() + '"'
    headers = {"Cache-Control": "private, no-cache", "ETag": etag}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    return Response(blob, media_type=media_type, headers=headers)
