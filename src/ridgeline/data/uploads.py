"""Stage 3 (data): runs sent to this server by ``ridgeline upload``, appended byte-exactly.

Event files only grow, so an upload is a sequence of appends at known offsets: the client asks
how much of each file the server has and sends the rest; an append whose offset is not the
file's current size is refused with that size (409), so a retried or repeated chunk is never
written twice and an interrupted upload resumes where the server's copy ends. Each append is
flushed to disk before it is acknowledged. Files land in the server's first local logdir, where
ingest finds them like any other.
"""

from __future__ import annotations

import os

from ridgeline.errors import InvalidArgument, OffsetMismatch
from ridgeline.ingest.logdir import TRASH_DIR, is_event_file
from ridgeline.ingest.source import is_url

MAX_CHUNK = 64 << 20


def upload_root(logdirs: list[tuple[str, str]]) -> str:
    for _, root in logdirs:
        if not is_url(root):
            return root
    raise InvalidArgument(
        "this server's logdirs are in object storage; upload there with the store's tools (aws s3 sync), "
        "its ingest workers will index them"
    )


def _target(root: str, rel: str) -> str:
    parts = rel.replace("\\", "/").split("/")
    if (
        not rel
        or rel.startswith("/")
        or any(p in ("", ".", "..", TRASH_DIR) for p in parts)
        or not is_event_file(parts[-1])
    ):
        raise InvalidArgument(f"{rel!r} is not an event file's path inside the logdir")
    return os.path.join(root, *parts)


def sizes(root: str) -> dict[str, int]:
    """Every event file under ``root``: its path relative to it and its size."""
    out: dict[str, int] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != TRASH_DIR]
        for name in filenames:
            if is_event_file(name):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                try:
                    out[rel] = os.path.getsize(full)
                except OSError:
                    continue
    return out


def append(root: str, rel: str, offset: int, data: bytes) -> int:
    """Append ``data`` to ``rel`` if the file ends at ``offset``; its new size."""
    if len(data) > MAX_CHUNK:
        raise InvalidArgument(f"chunks are at most {MAX_CHUNK} bytes")
    path = _target(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)  # two uploads of one file: one appends at a time
        size = os.fstat(fd).st_size
        if size != offset:
            raise OffsetMismatch(size)
        os.write(fd, data)
        os.fsync(fd)
        return size + len(data)
    finally:
        os.close(fd)
