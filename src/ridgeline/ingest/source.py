"""Stage 2 (ingest): the ``Logdir`` seam — list, stat and read byte ranges of event files,
wherever they lie.

A logdir is a local folder or a URL (``s3://bucket/prefix``, ``gs://…``, ``az://…``,
``memory://…``; any fsspec protocol whose package is installed: the ``s3``/``gcs``/``azure``
extras). Everything that touches event files goes through here: discovery (:meth:`walk`),
chunked ingest and value reads (:meth:`read`, a byte range), identity checks (:func:`head_hash`)
and diagnostics (:meth:`exists`). The index stores what this module is given: a local path for
a local file, the full URL for a remote object, so every server and worker that opens the index
reads the same object.

Remote reads are ranged requests (``Range: bytes=a-b``): ingest reads big chunks past the offset
it remembers; value reads (one image, one histogram) go through a block cache, so stepping
through a slider or a PR curve's neighbours costs one request per 1 MiB block.

Listing is incremental. A full listing is one recursive prefix listing (S3's ListObjectsV2:
pages of 1,000 keys, not one request per folder); it is made at the first look and then every
``full_every`` seconds (60) to find new and deleted runs. In between, a look re-lists only the
*hot* folders — those with an object written in the last ``hot_window`` seconds (10 minutes),
i.e. runs still training — one request each, unless a full listing would cost no more (a small
logdir is always listed whole, so its new runs show up at once). A logdir of 100,000 finished
files and a few live runs costs a few requests per look, not a hundred; a new run there shows up
within ``full_every``.

Credentials and endpoints come from each library's usual places (``AWS_*`` variables,
``~/.aws``, ``AWS_ENDPOINT_URL`` for an S3-API server such as MinIO; ``GOOGLE_APPLICATION_
CREDENTIALS``; ``AZURE_STORAGE_*``).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import threading
import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Protocol

from ridgeline.ingest.logdir import TRASH_DIR, Discovery, EventFile, is_event_file, special_file_kind, walk

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_BLOCK = 1 << 20
_CACHE_BLOCKS = 64  # 64 MiB of remote blocks per process
_EXTRAS = {
    "s3": "s3",
    "s3a": "s3",
    "gs": "gcs",
    "gcs": "gcs",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
}


class LogdirError(RuntimeError):
    """A logdir URL that cannot be opened (unknown scheme, missing package)."""


def is_url(path: str) -> bool:
    """Whether ``path`` names a remote object store (``file://`` counts as local)."""
    m = _URL.match(path)
    return m is not None and m.group(1).lower() != "file"


def normalize(path: str) -> str:
    """What the CLI keeps of a ``--logdir``: URLs as given (trailing ``/`` dropped), local paths
    absolute (``file://`` turned into a path)."""
    path = path.strip()
    if path.lower().startswith("file://"):
        path = path[len("file://") :]
    if is_url(path):
        return path.rstrip("/")
    return os.path.abspath(os.path.expanduser(path))


class Logdir(Protocol):
    """Where event files come from."""

    root: str
    remote: bool
    chunk_bytes: int  # how much ingest reads at a time

    def exists(self) -> bool: ...
    def is_file(self) -> bool: ...
    def walk(self, prefix: str = "") -> Discovery: ...
    def read(self, path: str, offset: int, length: int, cached: bool = False) -> bytes: ...


class LocalLogdir:
    """A folder on this machine (the embedded default)."""

    remote = False
    chunk_bytes = 1 << 20

    def __init__(self, root: str) -> None:
        self.root = root

    def exists(self) -> bool:
        return os.path.isdir(self.root)

    def is_file(self) -> bool:
        return os.path.isfile(self.root)

    def walk(self, prefix: str = "") -> Discovery:
        return walk(self.root, prefix)

    def read(self, path: str, offset: int, length: int, cached: bool = False) -> bytes:
        return read_local(path, offset, length)


def read_local(path: str, offset: int, length: int) -> bytes:
    """Read a byte range of a regular file, without blocking on a FIFO swapped in for it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{special_file_kind(st.st_mode)}, not an event file")
        return os.pread(fd, length, offset) if hasattr(os, "pread") else _seek_read(fd, offset, length)
    finally:
        os.close(fd)


def _seek_read(fd: int, offset: int, length: int) -> bytes:  # pragma: no cover - Windows
    os.lseek(fd, offset, os.SEEK_SET)
    return os.read(fd, length)


class _BlockCache:
    """Whole 1 MiB blocks of remote objects, least recently used dropped first."""

    def __init__(self, blocks: int = _CACHE_BLOCKS) -> None:
        self._blocks: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._max = blocks
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, int]) -> bytes | None:
        """The cached block (a hit), or None (a miss; the caller reads and puts it)."""
        with self._lock:
            data = self._blocks.get(key)
            if data is not None:
                self._blocks.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return data

    def put(self, key: tuple[str, int], data: bytes) -> None:
        with self._lock:
            self._blocks[key] = data
            while len(self._blocks) > self._max:
                self._blocks.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()


_cache = _BlockCache()


def clear_cache() -> None:
    """Forget cached remote blocks (the index saw an object replaced)."""
    _cache.clear()


class FsspecLogdir:
    """A prefix in an object store (or any fsspec filesystem), by URL."""

    remote = True
    chunk_bytes = 8 << 20  # fewer, larger ranged requests

    full_every = 60.0
    hot_window = 600.0

    def __init__(self, url: str, storage_options: dict[str, Any] | None = None) -> None:
        self.root = url.rstrip("/")
        self.protocol = _URL.match(url).group(1).lower()  # type: ignore[union-attr]
        self.fs = _filesystem(self.protocol, tuple(sorted((storage_options or {}).items())))
        # folder (relative to the root, "." for the root) -> its objects, from the last listing
        self._folders: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self._full_at: float | None = None
        self._full_cost = 1  # requests the last full listing took
        self.requests = 0  # listing requests made (full listings count one per 1,000 keys)
        self._lock = threading.Lock()  # the ingester and a status request may list at once

    def _key(self, url: str) -> str:
        return str(self.fs._strip_protocol(url))

    def _url(self, key: str) -> str:
        return f"{self.protocol}://{key}"

    def exists(self) -> bool:
        """Whether the prefix holds objects; LogdirError when the store cannot be asked (no
        such endpoint, refused credentials), with the store's own words."""
        try:
            return bool(self.fs.isdir(self._key(self.root)))
        except FileNotFoundError:
            return False
        except Exception as exc:  # noqa: BLE001 - botocore/azure/google errors are not OSErrors
            raise LogdirError(f"cannot list {self.root}: {_reason(exc)}") from None

    def is_file(self) -> bool:
        try:
            return bool(self.fs.isfile(self._key(self.root)))
        except Exception:  # noqa: BLE001 - exists() reports why
            return False

    def _list(self, now: float) -> None:
        """Bring the folder listing up to date: all of it, or only the hot folders."""
        root = self._key(self.root)
        wall = time.time()
        hot = [
            rel
            for rel, entries in self._folders.items()
            if wall - max((_mtime(info) for _, info in entries), default=0.0) <= self.hot_window
        ]
        if self._full_at is None or now - self._full_at >= self.full_every or self._full_cost <= len(hot):
            # (Also whenever a full listing costs no more requests than the hot folders would.)
            self.fs.invalidate_cache(root)
            found = self.fs.find(root, detail=True, withdirs=False)
            self._full_cost = 1 + len(found) // 1000
            self.requests += self._full_cost
            folders: dict[str, list[tuple[str, dict[str, Any]]]] = {}
            for key, info in found.items():
                rel = key[len(root) :].lstrip("/")
                parts = rel.split("/")
                if TRASH_DIR in parts[:-1]:
                    continue
                folders.setdefault("/".join(parts[:-1]) or ".", []).append((parts[-1], info))
            self._folders = folders
            self._full_at = now
            return
        for rel in hot:
            folder = root if rel == "." else f"{root}/{rel}"
            self.fs.invalidate_cache(folder)
            try:
                listed = self.fs.ls(folder, detail=True)
            except FileNotFoundError:
                listed = []
            self.requests += 1
            files = [(str(i["name"]).rsplit("/", 1)[-1], i) for i in listed if i.get("type") != "directory"]
            if files:
                self._folders[rel] = files
            else:
                del self._folders[rel]

    def walk(self, prefix: str = "") -> Discovery:
        """Every event file under the prefix, in TensorBoard's order (run, then file name)."""
        with self._lock:
            return self._walk(prefix)

    def _walk(self, prefix: str) -> Discovery:
        from ridgeline.ingest.hooks import asset_plugins

        out = Discovery()
        root = self._key(self.root)
        try:
            self._list(time.monotonic())
        except FileNotFoundError:
            self._folders, self._full_at = {}, None
            return out
        except Exception as exc:  # noqa: BLE001 - any backend's error: reported, retried next look
            out.problems.append(f"{self.root}: cannot list ({_reason(exc)}); skipped")
            return out
        folders = self._folders
        runs: list[tuple[str, list[EventFile]]] = []
        for rel in sorted(folders):
            entries = sorted(folders[rel], key=lambda e: e[0])
            run = rel if not prefix else (prefix if rel == "." else f"{prefix}/{rel}")
            files = [
                EventFile(run, self._url(info["name"]), int(info.get("size") or 0), _mtime(info))
                for name, info in entries
                if is_event_file(name)
            ]
            if files:
                runs.append((run, files))
            folder = root if rel == "." else f"{root}/{rel}"
            plugins = asset_plugins(self._url(folder), [name for name, _ in entries])
            if plugins:
                out.problems.append(
                    f"{self._url(folder)}: holds {', '.join(plugins)} files; they are read from local "
                    "logdirs only (event files here are indexed)"
                )
        for _, files in sorted(runs, key=lambda r: r[0]):
            out.files.extend(files)
        return out

    def read(self, path: str, offset: int, length: int, cached: bool = False) -> bytes:
        """A ranged read; ``cached`` reads go through whole cached 1 MiB blocks (value reads:
        neighbours share blocks), others straight to the store (ingest, identity checks)."""
        if length <= 0:
            return b""
        key = self._key(path)
        if not cached or length > _BLOCK:
            return bytes(self.fs.cat_file(key, start=offset, end=offset + length))
        first, last = offset // _BLOCK, (offset + length - 1) // _BLOCK
        parts = []
        for block in range(first, last + 1):
            needed = min(_BLOCK, offset + length - block * _BLOCK)
            data = _cache.get((path, block))
            if data is None or len(data) < needed:
                # (A cached last block shorter than what is asked for: the object grew.)
                data = bytes(self.fs.cat_file(key, start=block * _BLOCK, end=(block + 1) * _BLOCK))
                _cache.put((path, block), data)
            parts.append(data)
        joined = b"".join(parts)
        start = offset - first * _BLOCK
        return joined[start : start + length]


def _reason(exc: BaseException) -> str:
    """An object store's error in one line (botocore's can be long)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."


def _mtime(info: dict[str, Any]) -> float:
    value = info.get("LastModified") or info.get("mtime") or info.get("last_modified") or info.get("created")
    if value is None:
        return 0.0
    if hasattr(value, "timestamp"):
        return float(value.timestamp())
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


@lru_cache(maxsize=16)
def _filesystem(protocol: str, options: tuple[tuple[str, Any], ...]) -> Any:
    try:
        import fsspec
    except ImportError:
        raise LogdirError(
            f"reading {protocol}:// logdirs needs fsspec: pip install 'ridgeline[{_EXTRAS.get(protocol, 's3')}]'"
        ) from None
    try:
        return fsspec.filesystem(protocol, **dict(options))
    except (ImportError, ValueError) as exc:
        extra = _EXTRAS.get(protocol)
        hint = f": pip install 'ridgeline[{extra}]'" if extra else ""
        raise LogdirError(f"cannot open {protocol}:// logdirs ({exc}){hint}") from None


def open_logdir(path: str) -> Logdir:
    """The :class:`Logdir` for a local folder or a URL."""
    return FsspecLogdir(path) if is_url(path) else LocalLogdir(path)


def read_range(path: str, offset: int, length: int, cached: bool = False) -> bytes:
    """``length`` bytes of the file (path or URL) at ``offset`` (fewer at its end)."""
    if is_url(path):
        return open_logdir(path).read(path, offset, length, cached)
    return read_local(path, offset, length)


def head_hash(path: str, length: int) -> str:
    """Hash of the first ``length`` bytes of a file ('' if it cannot be read): with its size,
    what tells a file that grew from one that was replaced."""
    try:
        data = read_range(path, 0, length)
    except (OSError, LogdirError):
        return ""
    return hashlib.blake2b(data, digest_size=12).hexdigest()
