"""Team-mode benchmark: a logdir served from an S3-API server (moto, on loopback).

Prints, for the logdir of benchmarks/make_logdir.py (default 50 runs x 20 tags x 10k steps =
10M points): the first index time, the reopen time (nothing new: a listing and the index) and
a query's p50/p95 (one series, downsampled to 1,000 points, from a cold cache) for

* embedded: a local folder + SQLite (the default mode, the reference of the ratios),
* S3 + SQLite, S3 + PostgreSQL (one ingest worker, and two worker processes),
* TensorBoard reading the same s3:// logdir (its boto3 reader; S3_ENDPOINT points it at moto):
  the time until every run's scalars are loaded, or that it did not finish in --tb-timeout.

Usage: python benchmarks/bench_team.py LOGDIR [--pg postgresql://...] [--repeat 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from bench_ingest import free_port, tensorboard_ready, wait  # noqa: E402


def start_s3() -> tuple[Any, str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_ENDPOINT_URL=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        S3_ENDPOINT=endpoint,  # TensorBoard's boto3 reader
    )
    return server, endpoint


def put(logdir: str, url: str) -> float:
    import fsspec

    fs = fsspec.filesystem("s3")
    fs.mkdir(url.split("/")[2])
    t = time.perf_counter()
    for dirpath, _, names in os.walk(logdir):
        for name in names:
            full = os.path.join(dirpath, name)
            fs.put_file(full, f"{url}/{os.path.relpath(full, logdir)}")
    return time.perf_counter() - t


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def query_times(make_store: Callable[[], Any], logdir: str, repeat: int) -> tuple[float, float]:
    from ridgeline.data.local_provider import LocalDataProvider

    store = make_store()
    provider = LocalDataProvider(store, None, [("", logdir)])
    pairs = sorted({(t.run, t.tag) for t in provider.list_scalars()})
    random.Random(0).shuffle(pairs)
    times = []
    for run, tag in pairs[:repeat]:
        t = time.perf_counter()
        points = provider.read_scalars(run, tag, 1000)
        times.append((time.perf_counter() - t) * 1000)
        assert points is not None and points.total > 0
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def two_workers(logdir: str, db: str) -> float:
    cmd = [sys.executable, "-m", "ridgeline.cli", "ingest", "--logdir", logdir, "--db", db, "--once"]
    t = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError("an ingest worker failed")
    return time.perf_counter() - t


def fresh_pg(base: str) -> str:
    import uuid

    import psycopg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rpartition("/")[0] + "/" + name


def main() -> None:
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.store import SQLiteStore
    from ridgeline.store.postgres_store import PostgresStore

    p = argparse.ArgumentParser()
    p.add_argument("logdir")
    p.add_argument("--pg", default=os.environ.get("RIDGELINE_TEST_PG"))
    p.add_argument("--repeat", type=int, default=200)
    p.add_argument("--tb-timeout", type=float, default=900)
    p.add_argument("--skip-tensorboard", action="store_true")
    a = p.parse_args()
    runs = sorted(os.listdir(a.logdir))
    tags = 20
    steps = 10_000
    server, endpoint = start_s3()
    url = "s3://bench/logs"
    print(f"uploading {a.logdir} to {url} ({endpoint}) ...", flush=True)
    print(f"  {put(a.logdir, url):.1f} s", flush=True)
    tmp = tempfile.mkdtemp()
    rows: list[tuple[str, float, float, float, float]] = []

    def measure(
        name: str, logdir: str, make_store: Callable[[], Any], workers: int = 1, db: str = ""
    ) -> None:
        store = make_store()
        if workers == 1:
            first = timed(lambda: Ingester(store, [("", logdir)]).reload())
        else:
            first = two_workers(logdir, db)
        close = getattr(store, "close", None)
        if close:
            close()
        reopen_store = make_store()
        reopen = timed(lambda: Ingester(reopen_store, [("", logdir)]).reload())
        p50, p95 = query_times(make_store, logdir, a.repeat)
        rows.append((name, first, reopen, p50, p95))
        print(
            f"{name}: first index {first:.1f} s, reopen {reopen:.2f} s, query p50 {p50:.1f} ms p95 {p95:.1f} ms",
            flush=True,
        )

    measure(
        "embedded: local folder + SQLite", a.logdir, lambda: SQLiteStore(os.path.join(tmp, "local.sqlite"))
    )
    measure("S3 + SQLite", url, lambda: SQLiteStore(os.path.join(tmp, "s3.sqlite")))
    if a.pg:
        db = fresh_pg(a.pg)
        measure("S3 + PostgreSQL, 1 worker", url, lambda: PostgresStore(db))
        db2 = fresh_pg(a.pg)
        measure("S3 + PostgreSQL, 2 worker processes", url, lambda: PostgresStore(db2), workers=2, db=db2)

    tb = "not run"
    if not a.skip_tensorboard:
        port = free_port()
        cmd = [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            url,
            "--port",
            str(port),
            "--load_fast=false",
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            seconds, _ = wait(proc, tensorboard_ready(port, len(runs), tags, steps), timeout=a.tb_timeout)
            tb = f"{seconds:.1f} s (1,000-point reservoir per series)"
        except TimeoutError:
            tb = f"not loaded after {a.tb_timeout:.0f} s"
        except RuntimeError as exc:
            tb = f"failed ({exc})"
        finally:
            proc.terminate()
            proc.wait(10)
    server.stop()

    base = rows[0]
    print(f"\n{len(runs)} runs x {tags} tags x {steps:,} steps ({len(runs) * tags * steps:,} points)")
    print(f"{'mode':<38} {'first index':>12} {'reopen':>8} {'query p50':>10} {'p95':>8}   ratios to embedded")
    for name, first, reopen, p50, p95 in rows:
        print(
            f"{name:<38} {first:>10.1f} s {reopen:>6.2f} s {p50:>7.1f} ms {p95:>5.1f} ms   "
            f"x{first / base[1]:.2f} / x{reopen / base[2]:.2f} / x{p50 / base[3]:.2f}"
        )
    print(f"{'TensorBoard --logdir s3://':<38} {tb}")


if __name__ == "__main__":
    main()
