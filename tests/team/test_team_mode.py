"""Team mode end to end, on real parts: event files in an S3-API server (moto, on loopback), the
index in a real PostgreSQL server, two ``ridgeline ingest`` workers and two ``ridgeline serve``
processes on one index. Every point is indexed once and every query answers as the embedded
mode (local folder + SQLite) does; a worker killed mid-file is replaced without loss."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from serving import indexed_client, serve
from team_services import put_logdir

from ridgeline import SummaryWriter
from ridgeline.ingest.ingester import Ingester
from ridgeline.store.postgres_store import PostgresStore


def write_logdir(root: Path, runs: int, steps: int) -> None:
    rng = np.random.default_rng(0)
    for r in range(runs):
        with SummaryWriter(root / f"group{r % 3}" / f"run{r:02d}") as w:
            for s in range(steps):
                w.add_scalar("train/loss", float(np.exp(-s / 50) + r), s)
                w.add_scalar("val/acc", s / steps, s)
                if s % 50 == 0:
                    w.add_histogram("weights", rng.normal(size=200), s)
                    w.add_image("sample", rng.random((3, 8, 8)), s)


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def queries(tags: dict[str, dict[str, object]]) -> list[str]:
    """The requests the dashboards make for every run and tag."""
    out = [
        "/api/runs",
        "/api/plugins/scalars/tags",
        "/api/plugins/images/tags",
        "/api/plugins/histograms/tags",
    ]
    for run, run_tags in sorted(tags.items()):
        for tag in sorted(run_tags):
            q = urllib.parse.urlencode({"run": run, "tag": tag})
            out += [f"/api/plugins/scalars/series?{q}", f"/api/plugins/scalars/series?{q}&points=40"]
        q = urllib.parse.urlencode({"run": run, "tag": "weights"})
        out.append(f"/api/plugins/histograms/histograms?{q}")
        out.append(f"/api/plugins/images/card?{urllib.parse.urlencode({'run': run, 'tag': 'sample'})}")
    return out


def strip(body: object) -> object:
    """What may differ between two indexes of the same data: when the index was written."""
    if isinstance(body, dict):
        return {k: strip(v) for k, v in body.items() if k != "generation"}
    if isinstance(body, list):
        return [strip(v) for v in body]
    return body


def test_s3_logdir_two_workers_two_servers_answer_like_embedded(
    tmp_path: Path, pg_url: str, s3_bucket: str
) -> None:
    local = tmp_path / "local logs"
    write_logdir(local, runs=40, steps=300)
    url = f"{s3_bucket}/team exp"
    put_logdir(local, url)

    env = dict(os.environ, PYTHONUNBUFFERED="1")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "ridgeline.cli", "ingest", "--logdir", url, "--db", pg_url, "--once"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs

    # Every point once: each series has every step exactly once.
    store = PostgresStore(pg_url)
    series = {(t.run, t.tag): store.read_scalars(t.run, t.tag) for t in store.tags() if t.plugin == "scalars"}
    assert len(series) == 80
    for s in series.values():
        assert s is not None and s.steps.tolist() == list(range(300))
    refs = {
        (t.run, t.tag): [r.step for r in store.read_refs(t.run, t.tag)]
        for t in store.tags()
        if t.plugin != "scalars"
    }
    assert all(steps == list(range(0, 300, 50)) for steps in refs.values()) and len(refs) == 80
    assert all(p.startswith(url + "/") for p in store.file_states())  # URLs, not local paths
    assert store.leases() == {}  # both workers gave their runs back
    store.close()

    embedded = indexed_client(local, tmp_path / "embedded.sqlite")
    want_tags = embedded.get("/api/plugins/scalars/tags").json()["runs"]
    assert len(want_tags) == 40
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(
                contextlib.closing(serve(["serve", "--logdir", url, "--db", pg_url], tmp_path / f"s{i}"))
            )
            for i in range(2)
        ]
        urls = [next(s).url for s in servers]
        for q in queries(want_tags):
            want = strip(embedded.get(q).json())
            for base in urls:
                assert strip(get(base + q)) == want, (base, q)
        # An image's bytes come out of the S3 object, ranged.
        step = embedded.get(
            "/api/plugins/images/step?"
            + urllib.parse.urlencode({"run": "group0/run00", "tag": "sample", "index": 0})
        )
        assert step.status_code == 200
        first = get(
            urls[0]
            + "/api/plugins/images/step?"
            + urllib.parse.urlencode({"run": "group0/run00", "tag": "sample", "index": 0})
        )
        assert strip(first) == strip(step.json())


def test_live_reload_reaches_every_server_through_the_generation(
    tmp_path: Path, pg_url: str, s3_bucket: str
) -> None:
    local = tmp_path / "logs"
    write_logdir(local, runs=2, steps=100)
    url = f"{s3_bucket}/live"
    put_logdir(local, url)
    store = PostgresStore(pg_url)
    worker = Ingester(store, [("", url)])
    worker.reload()
    with contextlib.closing(serve(["serve", "--logdir", url, "--db", pg_url], tmp_path / "s")) as gen:
        base = next(gen).url
        before = get(base + "/api/plugins")
        tags = get(base + "/api/plugins/scalars/tags")
        assert sorted(tags["runs"]) == ["group0/run00", "group1/run01"]  # type: ignore[index]
        write_logdir(local / "later", runs=1, steps=10)
        put_logdir(local / "later", f"{url}/later")
        worker.reload()
        after = get(base + "/api/plugins")
        assert after["generation"] > before["generation"]  # type: ignore[index,operator]
        tags = get(base + "/api/plugins/scalars/tags")
        assert "later/group0/run00" in tags["runs"]  # type: ignore[index,operator]
    store.close()


CRASHING_WORKER = textwrap.dedent(
    """
    import os, sys
    import ridgeline.ingest.ingester as ing
    from ridgeline.store.postgres_store import PostgresStore
    url, db = sys.argv[1], sys.argv[2]
    store = PostgresStore(db)
    real = store.append_scalars
    calls = [0]
    def dying(*args):
        calls[0] += 1
        if calls[0] == 5:
            os._exit(9)  # killed mid-file, mid-transaction: no cleanup, no release
        real(*args)
    store.append_scalars = dying
    ing._COMMIT_BYTES = 1  # commit after every chunk, so part of the file is committed
    ing.Ingester(store, [("", url)], lease_ttl=3).reload()
    """
)


def test_worker_killed_mid_file_another_finishes_without_loss_or_duplicates(
    tmp_path: Path, pg_url: str, s3_bucket: str
) -> None:
    local = tmp_path / "logs"
    steps = 400_000
    with SummaryWriter(local / "big", max_queue=10_000) as w:
        for s in range(steps):
            w.add_scalar("loss", 1.0 / (s + 1), s)
            w.add_scalar("lr", 0.1, s)
    url = f"{s3_bucket}/crash"
    put_logdir(local, url)
    size = next((local / "big").iterdir()).stat().st_size
    assert size > 3 * (8 << 20)  # several ranged chunks

    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_WORKER, url, pg_url], capture_output=True, timeout=300
    )
    assert proc.returncode == 9, proc.stderr
    store = PostgresStore(pg_url)
    [state] = store.file_states().values()
    assert 0 < state.offset < size  # died mid-file with part of it committed
    [(owner, _)] = store.leases().values()

    other = Ingester(store, [("", url)], lease_ttl=3)
    assert other.owner != owner
    report = other.reload()
    assert report.files == 0  # the dead worker's claim has not expired yet: the run is left alone
    time.sleep(3.5)
    report = other.reload()
    assert report.files == 1 and report.bytes_read == size - state.offset
    for tag in ("loss", "lr"):
        series = store.read_scalars("big", tag)
        assert series is not None and series.steps.tolist() == list(range(steps))
    store.close()


@pytest.mark.parametrize("spec", ["exp:{url}", "{url}"])
def test_cli_keeps_urls_as_given(tmp_path: Path, s3_bucket: str, spec: str) -> None:
    local = tmp_path / "logs"
    write_logdir(local, runs=1, steps=5)
    url = f"{s3_bucket}/as given"
    put_logdir(local, url)
    arg = spec.format(url=url)
    flag = "--logdir_spec" if arg.startswith("exp:") else "--logdir"
    out = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "inspect", flag, arg],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert url in out.stdout, out.stdout + out.stderr
    assert ("exp/group0/run00" if flag == "--logdir_spec" else "group0/run00") in out.stdout
