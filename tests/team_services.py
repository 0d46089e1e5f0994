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


AZURITE = (
    Path(__file__).resolve().parents[1] / ".tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
)


def azurite_server() -> Iterator[str]:
    """Azure's storage emulator (Azurite, from npm; ``scripts/test`` installs it into
    ``.tools/``) on a free port: yields the connection string, also set as
    ``AZURE_STORAGE_CONNECTION_STRING`` for adlfs here and in subprocesses."""
    import base64
    import socket
    import subprocess
    import time

    if not AZURITE.exists():
        pytest.skip("Azurite is not installed (scripts/test puts it in .tools/azurite)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    key = base64.b64encode(b"ridgeline-test-key-0123456789abcdef").decode()
    env = dict(os.environ, AZURITE_ACCOUNTS=f"rlacct:{key}")
    proc = subprocess.Popen(
        [
            str(AZURITE),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--silent",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("Azurite did not start") from None
            time.sleep(0.2)
    conn = (
        f"DefaultEndpointsProtocol=http;AccountName=rlacct;AccountKey={key};"
        f"BlobEndpoint=http://127.0.0.1:{port}/rlacct;"
    )
    saved = os.environ.get("AZURE_STORAGE_CONNECTION_STRING")
    os.environ["AZURE_STORAGE_CONNECTION_STRING"] = conn
    try:
        yield conn
    finally:
        proc.kill()  # in memory: nothing to save
        proc.wait(10)
        if saved is None:
            os.environ.pop("AZURE_STORAGE_CONNECTION_STRING", None)
        else:
            os.environ["AZURE_STORAGE_CONNECTION_STRING"] = saved


def put_az(local: Path, url: str) -> None:
    import fsspec

    fs = fsspec.filesystem("az")
    container = url.removeprefix("az://").split("/")[0]
    if not fs.exists(container):
        fs.mkdir(container)
    for path in sorted(local.rglob("*")):
        if path.is_file():
            fs.put_file(str(path), f"{url}/{path.relative_to(local).as_posix()}")
