"""Page-ready time of the scalars dashboard: from navigation until every scalar card has drawn.

    python benchmarks/page_ready.py --repeat 7

Writes the demo logdir, serves it with ``ridgeline`` in its own process on loopback (waits
until the first index is done), then opens ``/?dash=scalars`` in headless Chromium (Debian's,
through Playwright) ``--repeat`` times, each in a fresh browser context (no HTTP cache, a new
keep-alive connection), in a viewport tall enough that every card is on screen (cards draw
only when visible). Reported per load: milliseconds from navigation start until every
``.card`` holds a chart ``canvas`` and the number of requests the page made; then the median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
READY = """() => {
  const cards = document.querySelectorAll('.card');
  return cards.length > 0 && [...cards].every((c) => c.querySelector('canvas'));
}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="ridgeline-page-ready-"))
    env = dict(os.environ, RIDGELINE_CACHE_DIR=str(tmp / "cache"), PYTHONUNBUFFERED="1")
    logdir = tmp / "demo"
    cli = [sys.executable, "-m", "ridgeline.cli"]
    subprocess.run([*cli, "demo", "--no-serve", "--logdir", str(logdir)], env=env, check=True)
    proc = subprocess.Popen(
        [*cli, "--logdir", str(logdir), "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        m = re.search(r"at (http://\S+/) \(index", proc.stdout.readline())
        assert m, "the server did not start"
        url = m.group(1)
        for _ in range(600):  # the first index
            if not json.loads(urllib.request.urlopen(url + "api/status").read()).get("indexing", True):
                break
            time.sleep(0.1)
        times, requests = [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"],
            )
            for i in range(args.repeat + 1):  # the first load warms the server's caches; not counted
                context = browser.new_context(viewport={"width": 1400, "height": 6000})
                page = context.new_page()
                seen: list[str] = []
                page.on("request", lambda r, seen=seen: seen.append(r.url))
                page.goto(url + "?dash=scalars")
                page.wait_for_function(READY, polling="raf", timeout=120_000)
                ms = page.evaluate("performance.now()")
                cards = page.evaluate("document.querySelectorAll('.card').length")
                context.close()
                if i:
                    times.append(ms)
                    requests.append(len(seen))
                print(
                    f"load {i}{' (warm-up)' if not i else ''}: {ms:.0f} ms, {cards} cards, {len(seen)} requests"
                )
            browser.close()
        print(
            f"median page-ready {statistics.median(times):.0f} ms over {len(times)} loads "
            f"(min {min(times):.0f}, max {max(times):.0f}); {statistics.median(requests):.0f} requests; "
            f"{os.cpu_count()} cores, {platform.python_version()}"
        )
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
