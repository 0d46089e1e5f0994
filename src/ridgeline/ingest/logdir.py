"""Stage 2 (ingest): find runs and their event files under a logdir.

A run is any directory holding event files (basename contains ``tfevents``, not ending in
``.profile-empty``), at any depth, named by its path relative to the logdir (``.`` for files
directly in it). ``name:path,name2:path2`` specs (TensorBoard's ``--logdir_spec``) prefix each
run with its name.

The walk follows symbolic links (a run may live elsewhere) but enters each real directory
once, so a link to an ancestor cannot make it loop. Only regular files are event files: a
FIFO, device or socket named like one is reported and never opened (opening a FIFO blocks).
Folders named ``.ridgeline-trash`` (runs deleted from the dashboard) are not entered.
Each file carries its identity (device, inode, size, mtime) so the ingester can tell a file
that grew from one that was replaced.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class EventFile:
    run: str
    path: str
    size: int
    mtime: float
    dev: int = 0
    ino: int = 0


@dataclass(frozen=True, slots=True)
class AssetRun:
    """A folder holding some plugin's files that are not event files (``hooks.py``)."""

    run: str
    folder: str
    root: str  # the logdir it was found in
    plugins: tuple[str, ...]


@dataclass(slots=True)
class Discovery:
    """What one walk found: event files in TensorBoard's order, folders with plugin assets,
    and what it had to skip."""

    files: list[EventFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    assets: list[AssetRun] = field(default_factory=list)


# Where the dashboard moves a deleted run's folder (inside the logdir, so undo is a move back).
TRASH_DIR = ".ridgeline-trash"


def is_event_file(name: str) -> bool:
    return "tfevents" in name and not name.endswith(".profile-empty")


def parse_logdir_spec(spec: str) -> list[tuple[str, str]]:
    """``name1:path1,name2:path2`` -> [(name, path)]; a bare path gets an empty name.

    A colon right after a single drive letter (``C:\\x``) is part of the path, not a name, and
    so is a URL's (``s3://b/x``; ``exp:s3://b/x`` names it ``exp``).
    """
    out: list[tuple[str, str]] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, path = part.partition(":")
        if sep and len(name) != 1 and not path.startswith("//"):  # not a bare s3://...
            out.append((name, path))
        else:
            out.append(("", part))
    return out


_KIND = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def special_file_kind(mode: int) -> str:
    """How to name a file that is not a regular file, for a message."""
    return _KIND.get(stat.S_IFMT(mode), "not a regular file")


def walk(root: str, prefix: str = "") -> Discovery:
    """Every event file under ``root``, sorted by run then file name (TensorBoard's order),
    and the folders whose files a plugin reads (:func:`hooks.asset_plugins`)."""
    from ridgeline.ingest.hooks import asset_plugins

    out = Discovery()
    try:
        st = os.stat(root)
    except OSError:
        return out
    seen = {(st.st_dev, st.st_ino)}
    stack = [(root, ".")]
    runs: list[tuple[str, list[EventFile]]] = []
    while stack:
        dirpath, rel = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.problems.append(f"{dirpath}: cannot list this folder ({exc.strerror or exc}); skipped")
            continue
        run = rel if not prefix else (prefix if rel == "." else f"{prefix}/{rel}")
        files: list[EventFile] = []
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            path = entry.path
            try:
                est = entry.stat(follow_symlinks=True)
            except OSError as exc:
                if is_event_file(entry.name):
                    why = "a broken link" if entry.is_symlink() else (exc.strerror or str(exc))
                    out.problems.append(f"{path}: cannot be read ({why}); skipped")
                continue
            if stat.S_ISDIR(est.st_mode):
                if entry.name == TRASH_DIR:
                    continue  # runs deleted from the dashboard (undo possible) are not runs
                key = (est.st_dev, est.st_ino)
                if key in seen:
                    if entry.is_symlink():
                        out.problems.append(f"{path}: a link to a folder already read (a loop?); skipped")
                    continue
                seen.add(key)
                subdirs.append((path, entry.name if rel == "." else f"{rel}/{entry.name}"))
            elif is_event_file(entry.name):
                if not stat.S_ISREG(est.st_mode):
                    out.problems.append(
                        f"{path}: named like an event file but is {special_file_kind(est.st_mode)}; skipped"
                    )
                    continue
                files.append(EventFile(run, path, est.st_size, est.st_mtime, est.st_dev, est.st_ino))
        if files:
            runs.append((run, files))
        plugins = asset_plugins(dirpath, [e.name for e in entries])
        if plugins:
            out.assets.append(AssetRun(run, dirpath, root, tuple(plugins)))
        stack.extend(reversed(subdirs))  # depth first, in name order
    for _, files in sorted(runs, key=lambda r: r[0]):
        out.files.extend(files)
    return out
