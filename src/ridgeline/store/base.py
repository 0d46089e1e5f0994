"""The ``Store`` seam: what ingest writes and the data provider reads."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ridgeline.tokens import TokenRecord


@dataclass(frozen=True, slots=True)
class FileState:
    """How far one event file has been read, and which file it was.

    A file is identified by more than its name: ``dev``/``ino`` and a hash of its first
    ``head_len`` bytes (``head``) tell a file that grew from one that was replaced, truncated
    and rewritten, or renamed over.
    """

    path: str
    run: str
    offset: int
    size: int
    mtime: float
    records: int
    file_version: str | None
    problems: tuple[str, ...]
    dev: int = 0
    ino: int = 0
    head_len: int = 0
    head: str = ""


@dataclass(frozen=True, slots=True)
class TagInfo:
    """One tag of one run, with what is known about its series."""

    run: str
    tag: str
    plugin: str
    data_class: int
    metadata: bytes
    count: int
    first_step: int | None
    last_step: int | None
    last_wall_time: float | None
    version: int
    last_value: float | None = None  # newest scalar value (None for other kinds)


@dataclass(frozen=True, slots=True)
class ScalarSeries:
    """A whole scalar series, columnar, in the order it was logged."""

    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray


@dataclass(frozen=True, slots=True)
class ValueRef:
    """Where one non-scalar summary value lies: the event record in its file.

    Blobs (PNG, WAV, histogram and PR tensors) stay in the event files; the index keeps only
    this reference. ``offset``/``length`` frame the serialized Event; ``index`` is the value's
    position in ``Event.summary.value``.
    """

    step: int
    wall_time: float
    path: str
    offset: int
    length: int
    index: int


class LeaseLost(RuntimeError):
    """This ingest worker's claim on a run expired and another worker took it over: what it
    read since its last commit is thrown away (the other worker reads it again)."""


class Store(Protocol):
    notes: list[str]  # what happened to the index file itself (moved aside, rebuilt), for status

    # ---- the index file ----
    def try_lock_writer(self) -> bool: ...
    def forget_cached_ids(self) -> None: ...
    def recover(self, reason: str) -> None: ...
    def classify(self, exc: BaseException) -> str | None: ...

    # ---- ingest side ----
    def file_states(self, runs: list[str] | None = None) -> dict[str, FileState]: ...
    def save_file_state(self, state: FileState) -> None: ...
    def register_tag(self, run: str, tag: str, plugin: str, data_class: int, metadata: bytes) -> None: ...
    def append_scalars(
        self, run: str, tag: str, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray
    ) -> None: ...
    def append_refs(self, run: str, tag: str, refs: list[ValueRef]) -> None: ...
    def purge(self, run: str, step: int, tags: list[str] | None = None) -> None: ...
    def reset_run(self, run: str) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def savepoint(self) -> AbstractContextManager[None]: ...
    def epoch(self) -> int: ...

    # ---- provider side ----
    def runs(self) -> list[str]: ...
    def tags(self, data_class: int | None = None, run: str | None = None) -> list[TagInfo]: ...
    def read_scalars(self, run: str, tag: str) -> ScalarSeries | None: ...
    def read_refs(self, run: str, tag: str) -> list[ValueRef]: ...
    def generation(self) -> int: ...

    # ---- what users say about runs (kept across rebuilds) ----
    def run_meta(self) -> dict[str, dict[str, Any]]: ...
    def set_run_meta(self, updates: dict[str, dict[str, Any] | None], wait: float = 5.0) -> None: ...

    # ---- several ingest workers on one index ----
    def claim(self, key: str, owner: str, ttl: float) -> bool: ...
    def renew(self, keys: list[str], owner: str, ttl: float) -> None: ...
    def release(self, keys: list[str], owner: str) -> None: ...
    def leases(self) -> dict[str, tuple[str, float]]: ...

    # ---- access tokens ----
    def add_token(self, token: TokenRecord, secret_hash: str) -> None: ...
    def tokens(self) -> list[TokenRecord]: ...
    def token_by_hash(self, secret_hash: str) -> TokenRecord | None: ...
    def revoke_token(self, token_id: str) -> bool: ...
