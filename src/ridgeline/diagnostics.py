"""What is known about where data is read from: shared by ingest, the provider and the server."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class LogdirStatus:
    """What is known about where data is read from."""

    logdirs: list[str]
    missing: list[str] = field(default_factory=list)
    event_files: int = 0
    unreadable: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    indexing: bool = False
    progress: float = 1.0
    suggestion: str | None = None
