"""Ingest benchmark: seconds until every point of a big logdir is queryable over HTTP.

Usage: python benchmarks/bench_ingest.py LOGDIR [--steps 10000]
(make LOGDIR with benchmarks/make_logdir.py). Measures, in one run:

* ridgeline, first open (fresh index): until /api/plugins/scalars/tags reports every tag at its
  last step with all its points, and a reopen of the indexed logdir;
* TensorBoard --load_fast=true with default sampling, and with every point kept
  (--samples_per_plugin=scalars=STEPS), until its HTTP API returns the last step of every tag.

Also the peak RSS of each server (its whole process tree), sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tree_rss_mb(pid: int) -> float:
    total = 0
    pids = [pid]
    try:
        out = subprocess.run(["ps", "-o", "pid=,ppid=,rss=", "-A"], capture_output=True, text=True).stdout
    except OSError:
        return 0.0
    rows = [tuple(map(int, line.split())) for line in out.splitlines() if line.strip()]
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for p, pp, r in rows:
        children.setdefault(pp, []).append(p)
        rss[p] = r
    while pids:
        p = pids.pop()
        total += rss.get(p, 0)
        pids.extend(children.get(p, []))
    return total / 1024


def get(url: str, data: bytes | None = None) -> object:
    req = urllib.request.Request(url, data=data)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def wait(proc: subprocess.Popen[bytes], ready: object, timeout: float = 900) -> tuple[float, float]:
    """Seconds until ready() is true, and the peak RSS meanwhile."""
    t0 = time.perf_counter()
    peak = 0.0
    last_check = 0.0
    while time.perf_counter() - t0 < timeout:
        peak = max(peak, tree_rss_mb(proc.pid))
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        if time.perf_counter() - last_check > 0.05:
            last_check = time.perf_counter()
            try:
                if ready():  # type: ignore[operator]
                    return time.perf_counter() - t0, peak
            except Exception:
                pass
        time.sleep(0.02)
    raise TimeoutError


def ridgeline_ready(port: int, runs: int, tags: int, steps: int):  # noqa: ANN201
    def ready() -> bool:
        body = get(f"http://127.0.0.1:{port}/api/plugins/scalars/tags")["runs"]  # type: ignore[index]
        return len(body) == runs and all(
            len(t) == tags and all(v["last_step"] == steps - 1 and v["count"] == steps for v in t.values())
            for t in body.values()
        )

    return ready


def tensorboard_ready(port: int, runs: int, tags: int, steps: int):  # noqa: ANN201
    def ready() -> bool:
        body = get(f"http://127.0.0.1:{port}/data/plugin/scalars/tags")
        if len(body) != runs or any(len(t) != tags for t in body.values()):  # type: ignore[union-attr]
            return False
        tag_names = sorted(next(iter(body.values())))  # type: ignore[union-attr]
        run_names = sorted(body)  # type: ignore[arg-type]
        for tag in tag_names:
            data = urllib.parse.urlencode([("tag", tag)] + [("runs", r) for r in run_names]).encode()
            series = get(f"http://127.0.0.1:{port}/data/plugin/scalars/scalars_multirun", data)
            if len(series) != runs or any(s[-1][1] != steps - 1 for s in series.values()):  # type: ignore[union-attr]
                return False
        return True

    return ready


def run_server(cmd: list[str], ready: object) -> tuple[float, float]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return wait(proc, ready)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def main() -> None:
    import urllib.parse  # noqa: F401

    p = argparse.ArgumentParser()
    p.add_argument("logdir")
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--skip-tensorboard", action="store_true")
    a = p.parse_args()
    runs = sorted(d for d in os.listdir(a.logdir) if os.path.isdir(os.path.join(a.logdir, d)))
    n_runs = len(runs)
    n_tags = 20
    total_bytes = sum(f.stat().st_size for f in Path(a.logdir).rglob("*tfevents*"))
    print(f"logdir {a.logdir}: {n_runs} runs, {total_bytes / 1e6:,.0f} MB, cpus {os.cpu_count()}")
    results: dict[str, tuple[float, float]] = {}
    tmp = tempfile.mkdtemp()
    db = os.path.join(tmp, "index.sqlite")
    exe = shutil.which("ridgeline") or "ridgeline"
    port = free_port()
    cmd = [exe, "--logdir", a.logdir, "--port", str(port), "--db", db]
    results["ridgeline first open (every point)"] = run_server(
        cmd, ridgeline_ready(port, n_runs, n_tags, a.steps)
    )
    port = free_port()
    cmd = [exe, "--logdir", a.logdir, "--port", str(port), "--db", db]
    results["ridgeline reopen (indexed)"] = run_server(cmd, ridgeline_ready(port, n_runs, n_tags, a.steps))
    if not a.skip_tensorboard:
        tb = [sys.executable, "-m", "tensorboard.main", "--logdir", a.logdir, "--load_fast=true"]
        port = free_port()
        results["tensorboard --load_fast=true (default 1000-point sampling)"] = run_server(
            [*tb, "--port", str(port)], tensorboard_ready(port, n_runs, n_tags, a.steps)
        )
        port = free_port()
        results[f"tensorboard --load_fast=true --samples_per_plugin=scalars={a.steps}"] = run_server(
            [*tb, "--port", str(port), f"--samples_per_plugin=scalars={a.steps}"],
            tensorboard_ready(port, n_runs, n_tags, a.steps),
        )
    print(f"{'server':<70} {'seconds':>8} {'peak RSS MB':>12}")
    for name, (secs, rss) in results.items():
        print(f"{name:<70} {secs:8.2f} {rss:12.0f}")
    ours = results["ridgeline first open (every point)"]
    for name, (secs, rss) in results.items():
        if name.startswith("tensorboard"):
            print(f"ratio vs {name}: time {ours[0] / secs:.2f}x, peak RSS {ours[1] / rss:.2f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
