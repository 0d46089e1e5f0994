"""Images dashboard benchmark: a logdir with 5,000 images, opened in headless Chromium.

Writes RUNS runs x TAGS tags x STEPS steps of 64x64 images (default 10 x 50 x 10 = 5,000),
serves it (already indexed) and opens the images dashboard in Debian's Chromium. Measures, for
Ridgeline and for TensorBoard in the same run:
* first screen: from navigation start (the page's own clock, ``performance.now()``) until
  every image inside the viewport has loaded, a new browser each time (cold cache);
* images fetched by then, and how many the page shows in the viewport.
Usage: python benchmarks/bench_images.py [--runs 10 --tags 50 --steps 10] [--skip-tensorboard]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from bench_ingest import free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
VISIBLE_LOADED = """() => {
  const imgs = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'IMG') imgs.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const inView = imgs.filter((i) => { const r = i.getBoundingClientRect();
    return r.width > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth; });
  return inView.length > 0 && inView.every((i) => i.complete && i.naturalWidth > 0)
    ? { n: inView.length, ms: performance.now() } : null;
}"""


def write_logdir(root: str, runs: int, tags: int, steps: int) -> int:
    from ridgeline import SummaryWriter

    rng = np.random.default_rng(0)
    for r in range(runs):
        with SummaryWriter(os.path.join(root, f"run_{r:02d}"), max_queue=1000) as w:
            for s in range(steps):
                for t in range(tags):
                    w.add_image(f"group_{t // 10}/image_{t:02d}", rng.random((3, 64, 64)), s)
    return runs * tags * steps


def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:
            time.sleep(0.1)
    raise TimeoutError(url)


def measure(page_url: str, image_path: str, settle: float = 2.0) -> tuple[float, int, int]:
    """(first screen seconds, images fetched by then, images in the viewport)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        fetched: list[str] = []
        page.on("request", lambda r: fetched.append(r.url) if image_path in r.url else None)
        page.goto(page_url)
        handle = page.wait_for_function(VISIBLE_LOADED, timeout=120_000, polling=20)
        done = handle.json_value()
        elapsed, in_view = done["ms"] / 1000, int(done["n"])
        at_first_screen = len(fetched)
        page.wait_for_timeout(settle * 1000)  # anything fetched later without scrolling counts too
        browser.close()
    return elapsed, max(at_first_screen, len(fetched)), in_view


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--tags", type=int, default=50)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-tensorboard", action="store_true")
    a = p.parse_args()
    tmp = tempfile.mkdtemp()
    logdir = os.path.join(tmp, "images")
    t = time.perf_counter()
    n = write_logdir(logdir, a.runs, a.tags, a.steps)
    print(
        f"wrote {n:,} images ({a.runs} runs x {a.tags} tags x {a.steps} steps) in {time.perf_counter() - t:.1f} s"
    )

    results = {}
    port = free_port()
    db = os.path.join(tmp, "index.sqlite")
    exe = shutil.which("ridgeline") or "ridgeline"
    proc = subprocess.Popen(
        [exe, "--logdir", logdir, "--port", str(port), "--db", db],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/api/plugins/images/tags")
        time.sleep(2)  # first index done
        runs = [
            measure(f"http://127.0.0.1:{port}/?dash=images&dark=0", "/api/plugins/images/image")
            for _ in range(a.repeat)
        ]
        results["ridgeline"] = runs
    finally:
        proc.terminate()
        proc.wait(10)

    if not a.skip_tensorboard:
        port = free_port()
        tb = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tensorboard.main",
                "--logdir",
                logdir,
                "--port",
                str(port),
                "--load_fast=true",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:  # until TensorBoard has loaded every run's images
                try:
                    body = urllib.request.urlopen(f"{url}/data/plugin/images/tags", timeout=5).read()
                    if body.count(b"image_") >= a.runs * a.tags:
                        break
                except Exception:
                    pass
                time.sleep(0.5)
            results["tensorboard"] = [
                measure(f"{url}/#images", "/data/plugin/images/individualImage") for _ in range(a.repeat)
            ]
        finally:
            tb.terminate()
            tb.wait(10)

    print(f"{'':12} {'first screen (s)':>18} {'images fetched':>15} {'in viewport':>12}")
    for name, rows in results.items():
        best = min(r[0] for r in rows)
        med = sorted(r[0] for r in rows)[len(rows) // 2]
        print(f"{name:12} {med:>11.2f} (min {best:.2f}) {rows[-1][1]:>12,} {rows[-1][2]:>12}")
    if "tensorboard" in results:
        ours = sorted(r[0] for r in results["ridgeline"])[len(results["ridgeline"]) // 2]
        theirs = sorted(r[0] for r in results["tensorboard"])[len(results["tensorboard"]) // 2]
        print(f"ratio ridgeline/tensorboard first screen: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
