"""Graph view and projector in headless Chromium (software WebGL), Ridgeline and TensorBoard on
the same logdirs in one run.

Graph: a ResNet-50 training graph written by TensorFlow's own ``FileWriter`` (~9.8k nodes:
forward, gradients, Adam) — time from navigation to the first drawn graph, and frame times
while panning (rAF intervals during a drag; ours also with every group open).
Projector: 100,000 points x 64 dims shown in 3-D and 1,000,000 x 16 in 2-D (binary tensor
files TensorBoard reads too) — time to the first drawn points, frame times while rotating /
panning and zooming. TensorBoard shows at most 100,000 points (``LIMIT_NUM_POINTS``).

Usage: ``python benchmarks/bench_graphs_projector.py [--part graph|projector|all] [--repeat N]``.
The graph needs a Python with TensorFlow (``RIDGELINE_TF_PYTHON``, default ``.venv-tf``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
RECORD = """() => { window.__frames = []; window.__rec = true;
  const f = (t) => { window.__frames.push(t); if (window.__rec) requestAnimationFrame(f); };
  requestAnimationFrame(f); }"""
STOP = """() => { window.__rec = false; const f = window.__frames; const d = [];
  for (let i = 1; i < f.length; i++) d.push(f[i] - f[i - 1]); return d; }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(kind: str, logdir: Path, work: Path, extra: list[str] | None = None) -> Iterator[str]:
    port = free_port()
    if kind == "ridgeline":
        cmd = [
            sys.executable,
            "-m",
            "ridgeline.cli",
            "--logdir",
            str(logdir),
            "--port",
            str(port),
            "--db",
            str(work / f"idx-{port}.sqlite"),
        ]
    else:
        cmd = [
            sys.executable,
            "-m",
            "tensorboard.main",
            "--logdir",
            str(logdir),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--load_fast=false",
            *(extra or []),
        ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RIDGELINE_CACHE_DIR": str(work / "cache")},
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{kind} did not start: {' '.join(cmd)}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def stats(intervals: list[float]) -> str:
    if not intervals:
        return "no frames"
    xs = sorted(intervals)
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return f"median {statistics.median(xs):.1f} ms, p95 {p95:.1f} ms, max {xs[-1]:.1f} ms ({len(xs)} frames)"


def drag(
    page: Any, target: Any, x: float, y: float, dx: float, dy: float, button: str = "left", steps: int = 60
) -> list[float]:
    """Drag from (x, y) by (dx, dy) in ``steps`` moves; rAF intervals of ``target`` (a frame)."""
    target.evaluate(RECORD)
    page.mouse.move(x, y)
    page.mouse.down(button=button)
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y + dy * i / steps)
    page.mouse.up(button=button)
    page.wait_for_timeout(200)
    intervals: list[float] = target.evaluate(STOP)
    return intervals


def wheel(page: Any, target: Any, x: float, y: float, times: int = 20) -> list[float]:
    target.evaluate(RECORD)
    page.mouse.move(x, y)
    for i in range(times):
        page.mouse.wheel(0, -120 if i < times // 2 else 120)
        page.wait_for_timeout(16)
    page.wait_for_timeout(200)
    intervals: list[float] = target.evaluate(STOP)
    return intervals


def deep(frame: Any, selector: str) -> Any:
    """The first frame of ``page`` holding ``selector`` (TensorBoard puts plugins in iframes)."""
    for f in frame.frames:
        try:
            if f.locator(selector).count():
                return f
        except Exception:  # noqa: BLE001 - a frame being replaced
            continue
    return None


def wait_deep(page: Any, selector: str, timeout: float, text: bool = False) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        f = deep(page, selector)
        if f is not None and (not text or f.locator(selector).first.inner_text().strip()):
            return f
        time.sleep(0.02)
    raise TimeoutError(selector)


# ---- graph -------------------------------------------------------------------------------------


def graph_logdir(work: Path) -> Path:
    logdir = work / "graph-logs"
    if not logdir.exists():
        tf_python = os.environ.get("RIDGELINE_TF_PYTHON") or str(ROOT / ".venv-tf" / "bin" / "python")
        out = subprocess.run(
            [tf_python, str(ROOT / "benchmarks" / "make_tf_graph.py"), str(logdir / "resnet50_train")],
            capture_output=True,
            text=True,
            check=True,
        )
        print(
            f"graph: ResNet-50 training graph written by TensorFlow, {out.stdout.strip().splitlines()[-1]} nodes"
        )
    return logdir


def bench_graph(browser: Any, work: Path, repeat: int) -> None:
    logdir = graph_logdir(work)
    first: dict[str, list[float]] = {"ridgeline": [], "tensorboard": []}
    with server("ridgeline", logdir, work) as ours, server("tensorboard", logdir, work) as theirs:
        for _ in range(repeat):
            for name, url in [
                ("ridgeline", ours + "/?dash=graphs&dark=0"),
                ("tensorboard", theirs + "/#graphs&run=resnet50_train"),
            ]:
                page = browser.new_page(viewport={"width": 1500, "height": 950})
                t0 = time.perf_counter()
                page.goto(url)
                if name == "ridgeline":
                    page.wait_for_function(
                        "() => document.querySelector('.graph-canvas')?.dataset.firstFrameAt",
                        polling="raf",
                        timeout=60_000,
                    )
                else:
                    wait_deep(page, "g.node", 120)
                first[name].append(time.perf_counter() - t0)
                page.close()
        print(f"graph first draw, navigation to nodes on screen (s), {repeat} runs:")
        for name, xs in first.items():
            print(
                f"  {name:12s} "
                + ", ".join(f"{x:.2f}" for x in xs)
                + f"  (median {statistics.median(xs):.2f})"
            )
        ratio = statistics.median(first["tensorboard"]) / statistics.median(first["ridgeline"])
        print(f"  ratio TensorBoard / Ridgeline: {ratio:.1f}x")

        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.goto(ours + "/?dash=graphs&dark=0")
        page.wait_for_function(
            "() => document.querySelector('.graph-canvas')?.dataset.firstFrameAt", timeout=60_000
        )
        box = page.locator(".graph-canvas").bounding_box()
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        print("graph panning, rAF intervals during a 60-step drag:")
        print("  ridgeline (first view)     " + stats(drag(page, page, cx, cy, 300, 200)))
        t0 = time.perf_counter()
        page.locator(".graph-open-all").click()
        page.wait_for_function(
            "() => +document.querySelector('.graph-pane').dataset.boxes > 9000", timeout=300_000
        )
        page.locator(".graph-fit").click()
        opened = time.perf_counter() - t0
        print(
            f"  ridgeline, every group open: laid out in {opened:.1f} s, "
            f"{page.locator('.graph-pane').get_attribute('data-boxes')} boxes"
        )
        print("  ridgeline (all open, fit)  " + stats(drag(page, page, cx, cy, 300, 200)))
        print(f"    last frame's draw: {page.locator('.graph-canvas').get_attribute('data-draw-ms')} ms")
        page.close()
        page = browser.new_page(viewport={"width": 1500, "height": 950})
        page.goto(theirs + "/#graphs&run=resnet50_train")
        frame = wait_deep(page, "g.node", 120)
        page.wait_for_timeout(1000)
        scene = (
            frame.locator("svg#svg").first if frame.locator("svg#svg").count() else frame.locator("svg").first
        )
        b = scene.bounding_box()
        print(
            "  tensorboard (first view)   "
            + stats(drag(page, frame, b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, 300, 200))
        )
        page.close()


# ---- projector ---------------------------------------------------------------------------------


def projector_logdir(work: Path, name: str, n: int, d: int) -> Path:
    logdir = work / f"projector-{name}"
    run = logdir / name
    if run.exists():
        return logdir
    run.mkdir(parents=True)
    rng = np.random.default_rng(0)
    k = 10
    labels = rng.integers(0, k, n)
    centers = rng.normal(size=(k, d)).astype(np.float32) * 4
    points = centers[labels] + rng.normal(size=(n, d)).astype(np.float32)
    points.astype("<f4").tofile(run / "tensors.bytes")
    (run / "metadata.tsv").write_text("".join(f"class {c}\n" for c in labels.tolist()))
    (run / "projector_config.pbtxt").write_text(
        f'embeddings {{\n  tensor_name: "points"\n  tensor_path: "tensors.bytes"\n  tensor_shape: {n}\n  tensor_shape: {d}\n'
        f'  metadata_path: "metadata.tsv"\n}}\n'
    )
    # TensorBoard lists runs from event files: give the folder one.
    from ridgeline import SummaryWriter

    with SummaryWriter(str(run)) as w:
        w.add_scalar("x", 0.0, 0)
    return logdir


def tensorboard_projector_outcome(page: Any, timeout: float) -> Any:
    """The frame of TensorBoard's projector once PCA is shown, or None if it refused to start
    (it asks WebGL for a context without a "major performance caveat"; a software renderer
    has one) or did not finish in ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for f in page.frames:
            try:
                if f.get_by_text("does not have WebGL enabled").count():
                    print(
                        "  tensorboard: refuses to start — 'Your browser or device does not have WebGL enabled'"
                    )
                    return None
                variance = f.locator("#total-variance")
                if variance.count() and "%" in variance.first.inner_text():
                    return f
            except Exception:  # noqa: BLE001 - a frame being replaced
                continue
        time.sleep(0.05)
    print(f"  tensorboard: no projection after {timeout:.0f} s")
    return None


def bench_projector(browser: Any, work: Path, repeat: int) -> None:
    for name, n, d, dims in [("p100k", 100_000, 64, 3), ("p1m", 1_000_000, 16, 2)]:
        logdir = projector_logdir(work, name, n, d)
        print(f"projector {n:,} points x {d} dims, {dims}-D:")
        first: dict[str, list[float]] = {"ridgeline": [], "tensorboard": []}
        with server("ridgeline", logdir, work) as ours, server("tensorboard", logdir, work) as theirs:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1500, "height": 950})
                t0 = time.perf_counter()
                page.goto(ours + f"/?dash=projector&dark=0&pdims={dims}&pcolor=label")
                page.wait_for_function(
                    "() => document.querySelector('.projector-view')?.dataset.firstFrameAt",
                    polling="raf",
                    timeout=300_000,
                )
                first["ridgeline"].append(time.perf_counter() - t0)
                if _ == repeat - 1:
                    box = page.locator(".projector-view").bounding_box()
                    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                    move = "rotating" if dims == 3 else "panning"
                    print(f"  ridgeline {move:8s} " + stats(drag(page, page, cx, cy, 250, 120)))
                    print(
                        f"    last frame's WebGL draw call: {page.locator('.projector-view').get_attribute('data-draw-ms')} ms"
                    )
                    print("  ridgeline zooming  " + stats(wheel(page, page, cx, cy)))
                page.close()
                page = browser.new_page(viewport={"width": 1500, "height": 950})
                t0 = time.perf_counter()
                page.goto(theirs + "/#projector")
                outcome = tensorboard_projector_outcome(page, 600)
                if outcome is None:  # refused or never finished: no figure
                    first["tensorboard"].append(float("nan"))
                    page.close()
                    continue
                first["tensorboard"].append(time.perf_counter() - t0)
                if _ == repeat - 1:
                    page.wait_for_timeout(500)
                    canvas = outcome.locator("canvas").first
                    b = canvas.bounding_box()
                    cx, cy = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
                    print("  tensorboard rotating " + stats(drag(page, outcome, cx, cy, 250, 120)))
                    print("  tensorboard zooming  " + stats(wheel(page, outcome, cx, cy)))
                page.close()
        for tool, xs in first.items():
            print(f"  first draw {tool:12s} " + ", ".join(f"{x:.2f}" for x in xs) + " s")
        ours_m = statistics.median(first["ridgeline"])
        shown = [x for x in first["tensorboard"] if x == x]
        if shown:
            ratio = statistics.median(shown) / ours_m
            note = " (TensorBoard shows only its first 100,000 points)" if n > 100_000 else ""
            print(f"  ratio TensorBoard / Ridgeline (first draw): {ratio:.1f}x{note}")
        else:
            print("  ratio: none — TensorBoard drew nothing")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=["graph", "projector", "all"], default="all")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default=None, help="keep generated logdirs here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="ridgeline-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"Chromium {CHROMIUM}, software WebGL (SwiftShader); work dir {work}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--use-gl=swiftshader",
                "--enable-unsafe-swiftshader",
                "--ignore-gpu-blocklist",
            ],
        )
        try:
            if args.part in ("graph", "all"):
                bench_graph(browser, work, args.repeat)
            if args.part in ("projector", "all"):
                bench_projector(browser, work, args.repeat)
        finally:
            browser.close()
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
