"""The ``DataProvider`` seam: everything the HTTP layer may ask of the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ridgeline.diagnostics import LogdirStatus


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


@dataclass(frozen=True, slots=True)
class ScalarPoints:
    """Columnar points of one series (possibly downsampled)."""

    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    total: int  # points in the full series


class DataProvider(Protocol):
    def status(self) -> LogdirStatus: ...
    def list_runs(self) -> list[RunInfo]: ...
    def list_plugins(self) -> list[str]: ...
    def list_scalars(self) -> list[TagSummary]: ...
    def read_scalars(self, run: str, tag: str, max_points: int | None = None) -> ScalarPoints | None: ...
    def generation(self) -> int: ...


__all__ = ["DataProvider", "LogdirStatus", "RunInfo", "ScalarPoints", "TagSummary"]
