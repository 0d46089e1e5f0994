"""The ``DataProvider`` seam: everything the HTTP layer may ask of the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ridgeline.diagnostics import LogdirStatus
from ridgeline.proto import summary_pb2
from ridgeline.tokens import TokenRecord


@dataclass(frozen=True, slots=True)
class RunInfo:
    name: str
    last_wall_time: float | None
    tags: int


@dataclass(frozen=True, slots=True)
class TagSummary:
    """A scalar tag of one run, without its points."""

    run: str
    tag: str
    count: int
    first_step: int | None
    last_step: int | None
    last_wall_time: float | None
    display_name: str
    description: str
    last_value: float | None = None


@dataclass(frozen=True, slots=True)
class ScalarPoints:
    """Columnar points of one series (possibly downsampled)."""

    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    total: int  # points in the full series


@dataclass(frozen=True, slots=True)
class PluginTag:
    """A tag of one run that belongs to a plugin, with its first metadata."""

    run: str
    tag: str
    plugin: str
    count: int
    first_step: int | None
    last_step: int | None
    last_wall_time: float | None
    metadata: summary_pb2.SummaryMetadata


@dataclass(frozen=True, slots=True)
class StepInfo:
    """One logged value of a non-scalar tag, without its content."""

    step: int
    wall_time: float


@dataclass(frozen=True, slots=True)
class StepValue:
    """One logged value of a non-scalar tag, read from its event file."""

    step: int
    wall_time: float
    value: summary_pb2.Summary.Value


@dataclass(frozen=True, slots=True)
class RunActivity:
    """When a run's event files were started and last grew (from the files, not the data)."""

    run: str
    started: float | None  # the earliest event file's creation time (its name's timestamp)
    last_write: float | None  # the newest event file's modification time
    files: int
    bytes: int


@dataclass(frozen=True, slots=True)
class TrashEntry:
    """A run deleted from the dashboard: its folder moved to ``.ridgeline-trash`` (undo
    moves it back)."""

    id: str
    run: str  # the run's name when it was deleted
    logdir: str
    folder: str  # where the folder was, relative to the logdir
    deleted_at: float
    runs: list[str]  # every run that went with it (nested runs move with their parent)


class DataProvider(Protocol):
    def status(self) -> LogdirStatus: ...
    def list_runs(self) -> list[RunInfo]: ...
    def list_plugins(self) -> list[str]: ...
    def list_scalars(self) -> list[TagSummary]: ...
    def read_scalars(self, run: str, tag: str, max_points: int | None = None) -> ScalarPoints | None: ...
    def generation(self) -> int: ...
    def list_tags(self, plugin: str) -> list[PluginTag]: ...
    def list_steps(self, run: str, tag: str) -> list[StepInfo] | None: ...
    def read_values(self, run: str, tag: str, indices: list[int] | None = None) -> list[StepValue] | None: ...
    def list_asset_runs(self, plugin: str) -> list[str]: ...
    def asset_path(self, run: str, path: str) -> str: ...
    def run_activity(self) -> dict[str, RunActivity]: ...
    def run_meta(self) -> dict[str, dict[str, Any]]: ...
    def set_run_meta(self, updates: dict[str, dict[str, Any] | None], wait: float = 5.0) -> None: ...
    def trash_run(self, run: str) -> TrashEntry: ...
    def restore_run(self, entry_id: str) -> TrashEntry: ...
    def list_trash(self) -> list[TrashEntry]: ...
    def find_token(self, token: str) -> TokenRecord | None: ...
    def upload_sizes(self) -> dict[str, int]: ...
    def upload_append(self, rel: str, offset: int, data: bytes) -> int: ...


__all__ = [
    "DataProvider",
    "LogdirStatus",
    "PluginTag",
    "RunActivity",
    "RunInfo",
    "ScalarPoints",
    "StepInfo",
    "StepValue",
    "TagSummary",
    "TrashEntry",
]
