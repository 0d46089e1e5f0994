"""The server under load: concurrent clients over every route, and a burst of image requests.

    python benchmarks/load_server.py --clients 100 --seconds 300

Serves the demo logdir with ``ridgeline`` in its own process, on loopback. Then:

1. ``--clients`` concurrent clients (asyncio + httpx, one connection each) request, in a loop
   for ``--seconds``, a random route of every kind (runs, plugins, status, scalar tags, series
   at several resolutions, batch, CSV download, image cards and bytes, audio, histograms,
   distributions, texts, PR curves, hparams, custom scalars layout, meshes). Reported: requests,
   errors (any status >= 500, or a 4xx on a request that must succeed, or a failed connection),
   p50/p99/max latency, server RSS (sampled from /proc).
2. ``--burst`` image requests at once, ten times: the server's peak RSS must stay bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from typing import Any

import httpx


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def start_server(logdir: str, cache: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ridgeline.cli", "demo", "--logdir", logdir, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, RIDGELINE_CACHE_DIR=cache),
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        m = re.search(r"at (http://\S+?)/? \(index", line)
        if m:
            threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
            return proc, m.group(1).rstrip("/")
    raise RuntimeError("server did not start")


def routes(base: str) -> list[str]:
    """Every route, with parameters that exist in the demo."""
    c = httpx.Client(base_url=base, timeout=60)
    for _ in range(300):  # until the first index is done
        if not c.get("/api/status").json()["indexing"] and c.get("/api/runs").json():
            break
        time.sleep(0.2)
    q = urllib.parse.urlencode
    out = ["/api/runs", "/api/plugins", "/api/status", "/api/health", "/api/plugins/scalars/tags", "/"]
    scalars = c.get("/api/plugins/scalars/tags").json()["runs"]
    for run, tags in scalars.items():
        for tag in list(tags)[:3]:
            for points in (None, 200, 1000):
                p = {"run": run, "tag": tag} | ({"points": points} if points else {})
                out.append(f"/api/plugins/scalars/series?{q(p)}")
            out.append(f"/api/plugins/scalars/download?{q({'tag': tag, 'format': 'csv'})}")
    for kind, extra in (
        ("images", ["card", "image", "steps"]),
        ("audio", ["step", "clip"]),
        ("histograms", ["histograms", "distributions"]),
        ("text", ["texts"]),
        ("pr_curves", ["curves"]),
    ):
        runs = c.get(f"/api/plugins/{kind}/tags").json()["runs"]
        for run, tags in runs.items():
            for tag in list(tags)[:2]:
                for route in extra:
                    p: dict[str, Any] = {"tag": tag, "run": run}
                    out.append(f"/api/plugins/{kind}/{route}?{q(p)}")
    out += [
        "/api/plugins/hparams/experiment",
        "/api/plugins/custom_scalars/layout",
        "/api/plugins/mesh/meshes",
    ]
    for run, meshes in c.get("/api/plugins/mesh/meshes").json()["runs"].items():
        for name in meshes:
            out.append(f"/api/plugins/mesh/mesh?{q({'run': run, 'name': name})}")
    return out


BATCH = "/api/plugins/scalars/series/batch"


async def client(
    base: str, paths: list[str], batch: dict[str, Any], until: float, lat: list[float], errors: list[str]
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        rng = random.Random()
        while time.monotonic() < until:
            path = rng.choice(paths)
            t0 = time.perf_counter()
            try:
                if path == BATCH:
                    r = await c.post(path, json=batch)
                else:
                    r = await c.get(path, headers={"Accept-Encoding": "gzip"})
                bad = r.status_code >= 400
            except httpx.HTTPError as exc:
                bad, r = True, None
                errors.append(f"{path}: {type(exc).__name__}")
            lat.append(time.perf_counter() - t0)
            if bad and r is not None:
                errors.append(f"{path}: {r.status_code}")


def percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--burst", type=int, default=100)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, base = start_server(os.path.join(tmp, "demo"), os.path.join(tmp, "cache"))
        try:
            paths = routes(base)
            scalars = httpx.get(base + "/api/plugins/scalars/tags").json()["runs"]
            batch = {
                "series": [{"run": r, "tag": t} for r, tags in scalars.items() for t in tags][:40],
                "points": 500,
            }
            paths.append(BATCH)
            rss: list[float] = []
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(0.2):
                    rss.append(rss_mb(proc.pid))

            threading.Thread(target=sample, daemon=True).start()
            lat: list[float] = []
            errors: list[str] = []
            until = time.monotonic() + a.seconds
            started = time.perf_counter()

            async def run_all() -> None:
                await asyncio.gather(
                    *(client(base, paths, batch, until, lat, errors) for _ in range(a.clients))
                )

            asyncio.run(run_all())
            elapsed = time.perf_counter() - started
            load_rss = max(rss)
            # Burst: many image requests at once.
            images = [p for p in paths if "/images/image?" in p]
            burst_rss: list[float] = []

            async def burst() -> None:
                async with httpx.AsyncClient(
                    base_url=base, timeout=60, limits=httpx.Limits(max_connections=a.burst)
                ) as c:
                    for _ in range(10):
                        rs = await asyncio.gather(*(c.get(random.choice(images)) for _ in range(a.burst)))
                        errors.extend(f"burst: {r.status_code}" for r in rs if r.status_code != 200)
                        burst_rss.append(rss_mb(proc.pid))

            before = rss_mb(proc.pid)
            asyncio.run(burst())
            stop.set()
        finally:
            proc.terminate()
            proc.wait(10)
    print(
        f"# load_server: {a.clients} clients x {a.seconds:.0f} s over {len(paths)} URLs ({platform.machine()}, {os.cpu_count()} cores)"
    )
    print("| requests | errors | req/s | p50 ms | p99 ms | max ms | server RSS peak MB |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(lat):,} | {len(errors)} | {len(lat) / elapsed:,.0f} | {percentile(lat, 50) * 1000:.0f} | "
        f"{percentile(lat, 99) * 1000:.0f} | {max(lat) * 1000:.0f} | {load_rss:.0f} |"
    )
    print(f"image burst: {a.burst} at once x 10: RSS {before:.0f} MB before, peak {max(burst_rss):.0f} MB")
    for e in sorted(set(errors))[:20]:
        print("ERROR", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
