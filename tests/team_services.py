"""Real services for the team-mode tests: a PostgreSQL server and an S3-API server on loopback.

PostgreSQL: ``RIDGELINE_TEST_PG`` names a server (``scripts/test`` starts Debian's and sets it);
each test gets a database of its own. S3: moto's server, in this process, on a free port; the
standard ``AWS_ENDPOINT_URL`` points every client (s3fs here and in the subprocesses) at it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def pg_database() -> Iterator[str]:
    base = os.environ.get("RIDGELINE_TEST_PG")
    if not base:
        pytest.skip("no PostgreSQL server (set RIDGELINE_TEST_PG; scripts/test starts one)")
    import psycopg

    name = f"rl_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    head, _, _ = base.rpartition("/")
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s AND pid<>pg_backend_pid()",
                (name,),
            )
            conn.execute(f"DROP DATABASE IF EXISTS {name}")


def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    keys = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_ENDPOINT_URL=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
    )
    try:
        yield endpoint
    finally:
        server.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def new_bucket() -> str:
    import fsspec

    fs = fsspec.filesystem("s3")
    name = f"logs-{uuid.uuid4().hex[:10]}"
    fs.mkdir(name)
    return name


def put_logdir(local: Path, url: str) -> None:
    """Copy a local logdir's files to ``url`` (s3://bucket/prefix), keeping the layout."""
    import fsspec

    fs = fsspec.filesystem("s3")
    for path in sorted(local.rglob("*")):
        if path.is_file():
            fs.put_file(str(path), f"{url}/{path.relative_to(local).as_posix()}")
