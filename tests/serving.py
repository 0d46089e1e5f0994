"""Start ``ridgeline`` in a subprocess on a free port and wait until it serves."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


class Served:
    def __init__(self, proc: subprocess.Popen[str], url: str) -> None:
        self.proc = proc
        self.url = url


def serve(args: list[str], tmp: Path, timeout: float = 120) -> Iterator[Served]:
    env = dict(os.environ, RIDGELINE_CACHE_DIR=str(tmp / "cache"), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ridgeline.cli", *args, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    url = None
    deadline = time.monotonic() + timeout
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(r"at (http://\S+?)/? \(index", line)
        if m:
            url = m.group(1).rstrip("/")
            break
    if url is None:
        proc.kill()
        raise RuntimeError("server did not start:\n" + "".join(lines))
    try:
        yield Served(proc, url)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[str]) -> None:
    """Ask a server process to stop; kill it if it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def indexed_client(logdir: Path, db: Path, **app_kwargs: object) -> TestClient:
    """The HTTP API over ``logdir`` indexed once into ``db``, in process (no socket)."""
    from fastapi.testclient import TestClient

    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.server.app import create_app
    from ridgeline.store import SQLiteStore

    store = SQLiteStore(db)
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return TestClient(create_app(LocalDataProvider(store, ingester), **app_kwargs))  # type: ignore[arg-type]
