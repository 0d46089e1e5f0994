"""Query benchmark: one chart of RUNS runs x 10k points, downsampled to 1,000 points per run.

Times POST /api/plugins/scalars/series/batch (one tag, every run, points=1000) against a
served, indexed logdir (benchmarks/make_logdir.py): first request, then p50/p95 over repeats,
with and without gzip, with and without the client's JSON parse. Usage: python benchmarks/bench_query.py LOGDIR [REPEAT]
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from bench_ingest import free_port, ridgeline_ready, wait  # noqa: E402


def main() -> None:
    logdir = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    runs = sorted(os.listdir(logdir))
    port = free_port()
    db = os.path.join(tempfile.mkdtemp(), "index.sqlite")
    proc = subprocess.Popen(
        ["ridgeline", "--logdir", logdir, "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(proc, ridgeline_ready(port, len(runs), 20, 10_000))
        body = json.dumps(
            {"series": [{"run": r, "tag": "train/metric_00"} for r in runs], "points": 1000}
        ).encode()
        for encoding in ("identity", "gzip"):
            fetch, total = [], []
            for _ in range(repeat + 1):
                t = time.perf_counter()
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/plugins/scalars/series/batch",
                    data=body,
                    headers={"Content-Type": "application/json", "Accept-Encoding": encoding},
                )
                with urllib.request.urlopen(req) as resp:
                    raw = resp.read()
                t_fetch = time.perf_counter()
                if encoding == "gzip":
                    raw = gzip.decompress(raw)
                out = json.loads(raw)
                fetch.append((t_fetch - t) * 1000)
                total.append((time.perf_counter() - t) * 1000)
            n = sum(len(s["step"]) for s in out["series"])
            print(
                f"[{encoding}] {len(out['series'])} runs, {n:,} points returned (of {len(runs) * 10_000:,})"
            )
            print(f"  first request: {total[0]:.1f} ms")
            w_fetch, w_total = sorted(fetch[1:]), sorted(total[1:])
            print(
                f"  p50 {statistics.median(w_total):.1f} ms including the client's JSON parse "
                f"(p95 {w_total[int(0.95 * (len(w_total) - 1))]:.1f}); server + transfer alone p50 "
                f"{statistics.median(w_fetch):.1f} ms"
            )
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
