"""Stage 3 (data): what one request may see — the provider seen through its access token.

The server's auth middleware puts the request's :class:`~ridgeline.tokens.TokenRecord` in
:data:`ACCESS`; :class:`ScopedProvider` (what every plugin's routes are given) answers through
it. A share link limited to some runs or tags lists only those, and reading anything else is
"not found" — the same answer as for a run that does not exist, so a link reveals nothing of
the rest. Without a token in the context (auth off, or a full token) it is the provider itself.

Caches keyed by :meth:`generation` (health findings, encoded graphs) must not hand one scope's
answer to another: a scoped request's generation is the data generation combined with a number
of its scope, so such a cache recomputes for it.
"""

from __future__ import annotations

import zlib
from contextvars import ContextVar
from typing import Any

from ridgeline.data.provider import (
    DataProvider,
    LogdirStatus,
    PluginTag,
    RunActivity,
    RunInfo,
    ScalarPoints,
    StepInfo,
    StepValue,
    TagSummary,
    TrashEntry,
)
from ridgeline.errors import NotFound
from ridgeline.tokens import TokenRecord

ACCESS: ContextVar[TokenRecord | None] = ContextVar("ridgeline_access", default=None)
_SCOPES = 1_000_003


def _scope() -> TokenRecord | None:
    access = ACCESS.get()
    return access if access is not None and access.scoped else None


class ScopedProvider:
    """A :class:`DataProvider` limited to what the current request's token allows."""

    def __init__(self, inner: DataProvider) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:  # methods with nothing to limit (find_token, ...)
        return getattr(self.inner, name)

    def _check(self, run: str, tag: str | None = None) -> None:
        scope = _scope()
        if scope is not None and not (scope.allows_run(run) and (tag is None or scope.allows_tag(tag))):
            raise NotFound(f"no run {run!r}" if tag is None else f"no tag {tag!r} in run {run!r}")

    def generation(self) -> int:
        gen = self.inner.generation()
        scope = _scope()
        if scope is None:
            return gen
        return gen * _SCOPES + 1 + zlib.crc32(f"{scope.runs}\0{scope.tags}".encode()) % (_SCOPES - 1)

    def status(self) -> LogdirStatus:
        status = self.inner.status()
        if _scope() is not None:
            # The problems name files of every run; a link limited to some runs sees none.
            status.problems, status.unreadable, status.suggestion = [], [], None
        return status

    def list_runs(self) -> list[RunInfo]:
        scope = _scope()
        runs = self.inner.list_runs()
        return runs if scope is None else [r for r in runs if scope.allows_run(r.name)]

    def list_plugins(self) -> list[str]:
        if _scope() is None:
            return self.inner.list_plugins()
        found = {t.plugin for p in self.inner.list_plugins() for t in self.list_tags(p)}
        assets = {p for p in self.inner.list_plugins() if self.list_asset_runs(p)}
        return sorted(found | assets)

    def list_scalars(self) -> list[TagSummary]:
        scope = _scope()
        tags = self.inner.list_scalars()
        if scope is None:
            return tags
        return [t for t in tags if scope.allows_run(t.run) and scope.allows_tag(t.tag)]

    def read_scalars(self, run: str, tag: str, max_points: int | None = None) -> ScalarPoints | None:
        self._check(run, tag)
        return self.inner.read_scalars(run, tag, max_points)

    def list_tags(self, plugin: str) -> list[PluginTag]:
        scope = _scope()
        tags = self.inner.list_tags(plugin)
        if scope is None:
            return tags
        return [t for t in tags if scope.allows_run(t.run) and scope.allows_tag(t.tag)]

    def list_steps(self, run: str, tag: str) -> list[StepInfo] | None:
        self._check(run, tag)
        return self.inner.list_steps(run, tag)

    def read_values(self, run: str, tag: str, indices: list[int] | None = None) -> list[StepValue] | None:
        self._check(run, tag)
        return self.inner.read_values(run, tag, indices)

    def list_asset_runs(self, plugin: str) -> list[str]:
        scope = _scope()
        runs = self.inner.list_asset_runs(plugin)
        return runs if scope is None else [r for r in runs if scope.allows_run(r)]

    def asset_path(self, run: str, path: str) -> str:
        self._check(run)
        return self.inner.asset_path(run, path)

    def run_activity(self) -> dict[str, RunActivity]:
        scope = _scope()
        out = self.inner.run_activity()
        return out if scope is None else {k: v for k, v in out.items() if scope.allows_run(k)}

    def run_meta(self) -> dict[str, dict[str, Any]]:
        scope = _scope()
        out = self.inner.run_meta()
        return out if scope is None else {k: v for k, v in out.items() if scope.allows_run(k)}

    # Writes: the middleware lets only full (write) tokens reach these.
    def set_run_meta(self, updates: dict[str, dict[str, Any] | None], wait: float = 5.0) -> None:
        self.inner.set_run_meta(updates, wait)

    def trash_run(self, run: str) -> TrashEntry:
        return self.inner.trash_run(run)

    def restore_run(self, entry_id: str) -> TrashEntry:
        return self.inner.restore_run(entry_id)

    def list_trash(self) -> list[TrashEntry]:
        return [] if _scope() is not None else self.inner.list_trash()

    def find_token(self, token: str) -> TokenRecord | None:
        return self.inner.find_token(token)

    def upload_sizes(self) -> dict[str, int]:
        return self.inner.upload_sizes()

    def upload_append(self, rel: str, offset: int, data: bytes) -> int:
        return self.inner.upload_append(rel, offset, data)
