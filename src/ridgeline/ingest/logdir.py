"""Stage 2 (ingest): find runs and their event files under a logdir.

A run is any directory holding event files (basename contains ``tfevents``, not ending in
``.profile-empty``), at any depth, named by its path relative to the logdir (``.`` for files
directly in it). ``name:path,name2:path2`` specs (TensorBoard's ``--logdir_spec``) prefix each
run with its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventFile:
    run: str
    path: str
    size: int
    mtime: float


def is_event_file(name: str) -> bool:
    return "tfevents" in name and not name.endswith(".profile-empty")


def parse_logdir_spec(spec: str) -> list[tuple[str, str]]:
    """``name1:path1,name2:path2`` -> [(name, path)]; a bare path gets an empty name.

    A colon right after a single drive letter (``C:\\x``) is part of the path, not a name.
    """
    out: list[tuple[str, str]] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, path = part.partition(":")
        if sep and len(name) != 1 and "://" not in part:
            out.append((name, path))
        else:
            out.append(("", part))
    return out


def discover(root: str, prefix: str = "") -> list[EventFile]:
    """Every event file under ``root``, sorted by run then file name (TensorBoard's order)."""
    found: list[EventFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        run = rel.replace(os.sep, "/") if rel != "." else "."
        if prefix:
            run = prefix if run == "." else f"{prefix}/{run}"
        for name in sorted(filenames):
            if not is_event_file(name):
                continue
            path = os.path.join(dirpath, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            found.append(EventFile(run, path, st.st_size, st.st_mtime))
    return found
