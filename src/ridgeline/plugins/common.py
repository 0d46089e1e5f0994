"""Helpers every plugin's routes share: tag listings, step lists and picking one logged value.

Plugins whose values stay in the event files (images, audio, histograms, text, PR curves,
meshes) all expose ``tags`` and ``steps`` the same way; these functions keep that one shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ridgeline.data.provider import DataProvider, PluginTag, StepValue
from ridgeline.errors import NotFound

Run = Annotated[str, Query(description="run name")]
Tag = Annotated[str, Query(description="tag name")]
Index = Annotated[int, Query(description="position in /steps; negative counts from the end")]


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
    r = APIRouter(tags=[plugin])

    @r.get("/tags", summary=f"{plugin} tags per run")
    def list_tags() -> dict[str, Any]:
        return tags_by_run(provider, plugin)

    @r.get("/steps", summary="steps and wall times of every logged value, in order")
    def list_steps(run: Run, tag: Tag) -> dict[str, Any]:
        return steps(provider, plugin, run, tag)

    return r
