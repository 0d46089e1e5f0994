"""Stage 2 (ingest): explain what a logdir holds, or why nothing was found.

Used by the dashboard's empty state and by ``ridgeline inspect``: missing folders (with the
nearest existing folder and similar names), folders without event files, unreadable or corrupt
files, and writers that created a file but never flushed anything to it.
"""

from __future__ import annotations

import difflib
import os

from ridgeline.diagnostics import LogdirStatus
from ridgeline.ingest.source import Logdir, LogdirError, open_logdir
from ridgeline.store.base import FileState


def nearest_existing(path: str) -> tuple[str | None, list[str]]:
    """The closest existing ancestor of ``path`` and names in it similar to the missing part."""
    p = os.path.abspath(path)
    missing_part = ""
    while p and not os.path.exists(p):
        parent = os.path.dirname(p)
        if parent == p:
            return None, []
        missing_part = os.path.basename(p)
        p = parent
    try:
        siblings = [n for n in os.listdir(p) if os.path.isdir(os.path.join(p, n))]
    except OSError:
        siblings = []
    return p, difflib.get_close_matches(missing_part, siblings, n=3, cutoff=0.5)


def diagnose(
    logdirs: list[tuple[str, str]], states: dict[str, FileState], sources: dict[str, Logdir] | None = None
) -> LogdirStatus:
    """What the logdirs hold and what is wrong; ``sources``: open logdirs by path (a remote one
    keeps its listing, so a status costs no full listing)."""
    status = LogdirStatus([path for _, path in logdirs])
    for name, path in logdirs:
        try:
            source = (sources or {}).get(path) or open_logdir(path)
            found = source.walk(name) if source.remote else None
            exists = bool(found and found.files) or source.exists()
        except LogdirError as exc:
            status.missing.append(path)
            status.suggestion = str(exc)
            continue
        if not exists:
            status.missing.append(path)
            if source.remote:
                status.suggestion = f"{path} holds no objects (or cannot be listed with these credentials)"
                continue
            parent, similar = nearest_existing(path)
            if parent is not None:
                hint = f"{path} does not exist; the nearest existing folder is {parent}"
                if similar:
                    hint += " (did you mean " + ", ".join(os.path.join(parent, s) for s in similar) + "?)"
                status.suggestion = hint
            continue
        if found is None:
            found = source.walk(name)
        status.problems.extend(p for p in found.problems if p not in status.problems)
        files = found.files
        # A run whose data are plugin files (projector embeddings) has an event file holding
        # only its header by design: not a problem to report.
        asset_runs = {a.run for a in found.assets}
        status.event_files += len(files)
        for ef in files:
            if not source.remote and not os.access(ef.path, os.R_OK):
                status.unreadable.append(ef.path)
                continue
            state = states.get(ef.path)
            if ef.size == 0:
                status.problems.append(
                    f"{ef.path}: empty; its writer has not flushed yet (flush_secs, or call flush())"
                )
            elif state is not None:
                status.problems.extend(f"{ef.path}: {p}" for p in state.problems)
                if (
                    state.records == 1
                    and not state.problems
                    and state.offset == ef.size
                    and ef.run not in asset_runs
                ):
                    status.problems.append(
                        f"{ef.path}: holds only its header; the writer has not flushed any data yet"
                    )
                elif (
                    not state.problems
                    and state.offset < ef.size
                    and ef.size - state.offset < 4096
                    and state.offset > 0
                ):
                    status.problems.append(
                        f"{ef.path}: ends in a partial record (still being written, or cut off)"
                    )
    if not status.missing and status.event_files == 0:
        status.suggestion = "no event files (names containing 'tfevents') were found under " + ", ".join(
            status.logdirs
        )
    return status
