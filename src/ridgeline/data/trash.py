"""Deleting runs without losing them: a run's folder is moved to ``.ridgeline-trash`` inside its
logdir (never ``rm``), with a small manifest, and can be moved back.

``<logdir>/.ridgeline-trash/<id>/<relative path of the run>`` holds the folder and
``<logdir>/.ridgeline-trash/<id>.json`` says which run it was and when it went. The walk
(``ingest/logdir.py``) does not enter the trash, so the next reload drops the run from the
index; restoring moves the folder back and the next reload reads it again.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict

from ridgeline.data.provider import TrashEntry
from ridgeline.errors import InvalidArgument, NotFound
from ridgeline.ingest.logdir import TRASH_DIR
from ridgeline.ingest.source import is_url


def run_folder(logdirs: list[tuple[str, str]], run: str) -> tuple[str, str]:
    """(logdir path, folder relative to it) of ``run``; NotFound if it is not a folder under a
    logdir, InvalidArgument if it is a logdir itself (its files are not one run's folder)."""
    for name, root in logdirs:
        if name:
            if run == name:
                raise InvalidArgument(f"run {run!r} is the logdir {root} itself; delete its files by hand")
            if not run.startswith(name + "/"):
                continue
            rel = run[len(name) + 1 :]
        else:
            if run == ".":
                raise InvalidArgument(f"run {run!r} is the logdir {root} itself; delete its files by hand")
            rel = run
        parts = rel.split("/")
        if any(p in ("", ".", "..", TRASH_DIR) for p in parts):
            raise InvalidArgument(f"{run!r} does not name a folder inside the logdir")
        if is_url(root):
            raise InvalidArgument(
                f"run {run!r} lies in object storage ({root}); the dashboard moves only local folders "
                "to its trash: delete the objects with the store's own tools"
            )
        folder = os.path.join(root, *parts)
        if os.path.isdir(folder):
            return root, rel
    raise NotFound(f"no folder for run {run!r} in the logdir")


def trash_run(logdirs: list[tuple[str, str]], run: str, runs: list[str]) -> TrashEntry:
    """Move ``run``'s folder into its logdir's trash; ``runs`` are all the runs known now (the
    ones inside the folder are listed in the entry)."""
    root, rel = run_folder(logdirs, run)
    entry_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    trash = os.path.join(root, TRASH_DIR)
    dest = os.path.join(trash, entry_id, *rel.split("/"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    went = [r for r in runs if r == run or r.startswith(run + "/")]
    entry = TrashEntry(entry_id, run, root, rel, time.time(), went)
    with open(os.path.join(trash, f"{entry_id}.json"), "w", encoding="utf-8") as f:
        json.dump(asdict(entry), f, ensure_ascii=False)
    os.rename(os.path.join(root, *rel.split("/")), dest)  # same filesystem: atomic, nothing copied
    return entry


def list_trash(logdirs: list[tuple[str, str]]) -> list[TrashEntry]:
    """Every deleted run that can still be restored, newest first."""
    out: list[TrashEntry] = []
    for _, root in logdirs:
        trash = os.path.join(root, TRASH_DIR)
        try:
            names = os.listdir(trash)
        except OSError:
            continue
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                with open(os.path.join(trash, name), encoding="utf-8") as f:
                    data = json.load(f)
                entry = TrashEntry(**data)
            except (OSError, ValueError, TypeError):
                continue
            if os.path.isdir(os.path.join(trash, entry.id)):
                out.append(entry)
    return sorted(out, key=lambda e: -e.deleted_at)


def restore_run(logdirs: list[tuple[str, str]], entry_id: str) -> TrashEntry:
    """Move a deleted run's folder back where it was."""
    for entry in list_trash(logdirs):
        if entry.id != entry_id:
            continue
        src = os.path.join(entry.logdir, TRASH_DIR, entry.id, *entry.folder.split("/"))
        dest = os.path.join(entry.logdir, *entry.folder.split("/"))
        if os.path.exists(dest):
            raise InvalidArgument(f"{dest} exists again; move it away first, then restore")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.rename(src, dest)
        # The (now empty) entry folders and the manifest go; the run is back.
        holder = os.path.join(entry.logdir, TRASH_DIR, entry.id)
        for dirpath, _, _ in sorted(os.walk(holder, topdown=False), key=lambda w: -len(w[0])):
            try:
                os.rmdir(dirpath)
            except OSError:
                break
        os.remove(os.path.join(entry.logdir, TRASH_DIR, f"{entry.id}.json"))
        return entry
    raise NotFound(f"nothing in the trash with id {entry_id!r}")
