"""Comparing runs, Ridgeline and TensorBoard on the same logdirs in one run.

Runs table: 1,000 runs (a sweep: lr, optimizer, batch, dropout, seed via ``config=``; loss,
accuracy and learning rate, 100 points each). Ridgeline: the table's HTTP body (newest values
only, and with min/max/best of ``loss`` read from every series), then in headless Chromium the
time to the first drawn table, to re-sort by a column and to apply an expression filter and a
regex (action to updated rows, in the page's clock), and the hparams dashboard (table, then the
parallel-coordinates and scatter-matrix views). TensorBoard: its hparams session list
(``/data/plugin/hparams/session_groups``, what its hparams dashboard reads) and its run
selector's regex filter with the same 1,000 runs.

Export: a 1,000,000-point selection (10 runs x 100,000 points of ``loss``) as CSV, JSON and
Parquet (``/api/plugins/scalars/export``), and ``ridgeline export --all-points`` (one HTML file,
opened offline until its chart is drawn). TensorBoard keeps every point only with
``--samples_per_plugin scalars=100000`` (its default keeps 1,000; ``=0`` serves none in 2.21) and
serves one run x tag per CSV request.

Usage: ``python benchmarks/bench_compare.py [--part table|export|all] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_graphs_projector import CHROMIUM, server

from ridgeline import SummaryWriter


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(0.95 * len(s)))]


def fmt(xs: list[float]) -> str:
    return f"median {med(xs):.1f} ms, p95 {p95(xs):.1f} ms ({len(xs)} runs)"


def timed_get(url: str, repeat: int, **kw: Any) -> tuple[list[float], httpx.Response]:
    out = []
    resp = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        resp = httpx.get(url, timeout=600, **kw)
        resp.raise_for_status()
        out.append((time.perf_counter() - t0) * 1000)
    assert resp is not None
    return out, resp


# ---- the runs table ---------------------------------------------------------------------------


def wait_indexed(url: str, runs: int) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status = httpx.get(url + "/api/status", timeout=60).json()
        if not status["indexing"] and len(httpx.get(url + "/api/runs", timeout=60).json()) >= runs:
            return
        time.sleep(0.5)
    raise TimeoutError("indexing did not finish")


def sweep_logdir(work: Path, n: int) -> Path:
    logdir = work / "sweep"
    if logdir.exists():
        return logdir
    rnd = random.Random(0)
    for i in range(n):
        cfg = {
            "lr": rnd.choice([1e-4, 3e-4, 1e-3, 3e-3, 1e-2]),
            "optimizer": rnd.choice(["adam", "sgd", "adamw"]),
            "batch": rnd.choice([32, 64, 128, 256]),
            "dropout": rnd.choice([0.0, 0.1, 0.3]),
            "seed": i % 5,
        }
        floor = 0.2 + 20 * abs(math.log10(cfg["lr"]) + 3) / 40 + cfg["dropout"] / 3
        with SummaryWriter(logdir / f"run{i:04d}", config=cfg) as w:
            for s in range(100):
                w.add_scalar("loss", floor + math.exp(-s / 20) + rnd.gauss(0, 0.02), s)
                w.add_scalar("accuracy", 1 - floor / 2 - math.exp(-s / 20) / 2, s)
                w.add_scalar("lr", cfg["lr"] * (1 - s / 100), s)
    return logdir


MEASURE = """async ([selector, count]) => {
  // Action -> the rows the user reads changed (count, or the first row's name), in this page's clock.
  const t0 = performance.now();
  const first = () => document.querySelector('.runs-grid tr.run-row')?.dataset.run;
  const before = first();
  window.__act();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const n = document.querySelectorAll(selector).length;
    if ((count >= 0 && n === count) || (count < 0 && first() !== before)) return performance.now() - t0;
    if (performance.now() - t0 > 10000) return NaN;
  }
}"""


def bench_table(browser: Any, work: Path, repeat: int) -> None:
    n = 1000
    t0 = time.perf_counter()
    logdir = sweep_logdir(work, n)
    print(f"runs table: {n} runs (written in {time.perf_counter() - t0:.0f} s)")
    with server("ridgeline", logdir, work) as ours:
        wait_indexed(ours, n)
        httpx.get(ours + "/api/plugins/runs/table", timeout=600)  # colors given once
        plain, resp = timed_get(ours + "/api/plugins/runs/table", repeat)
        print(f"  ridgeline /runs/table (newest values)      {fmt(plain)}; {len(resp.content) / 1e6:.1f} MB")
        cold, _ = timed_get(ours + "/api/plugins/runs/table?metric=loss", 1)
        warm, _ = timed_get(ours + "/api/plugins/runs/table?metric=loss", repeat)
        print(f"  ridgeline /runs/table + loss stats          first {cold[0]:.0f} ms, then {fmt(warm)}")
        exp, _ = timed_get(ours + "/api/plugins/hparams/experiment", repeat)
        print(f"  ridgeline /hparams/experiment               {fmt(exp)}")

        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        cols = (
            "status%0Ahp:lr%0Ahp:optimizer%0Ahp:batch%0Ahp:dropout%0Ahp:seed%0Am:loss%0Abest:loss%0Aduration"
        )
        firsts = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            page.goto(ours + f"/?dark=0&wide=1&cols={cols}")
            page.wait_for_selector('.runs-grid td[data-col="best:loss"]:not(:empty)', timeout=120_000)
            firsts.append((time.perf_counter() - t0) * 1000)
        print(f"  ridgeline runs table drawn (navigation)     {fmt(firsts)}")
        sorts = []
        for col in ["best:loss", "hp:lr", "m:loss", "hp:optimizer", "duration", "hp:batch"] * max(
            1, repeat // 2
        ):
            page.evaluate(
                f"() => {{ window.__act = () => document.querySelector('.runs-grid th[data-col=\"{col}\"]').click(); }}"
            )
            sorts.append(page.evaluate(MEASURE, [".runs-grid tr.run-row", -1]))
            page.wait_for_timeout(400)  # the page follows the new order a moment later (URL, charts)
        print(f"  ridgeline sort 1,000 runs                   {fmt([s for s in sorts if s == s])}")
        filters = []
        for expr, regex in [
            ('lr < 0.001 and optimizer == "adam"', "run0[0-4]"),
            ("best.loss < 0.5", "7$"),
        ] * repeat:
            for text in (expr, regex, ""):
                count = page.evaluate(
                    """(t) => { const el = document.querySelector('input.run-filter');
                      window.__act = () => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }; return 0; }""",
                    text,
                )
                del count
                # The expected row count is what the filter leaves: read after, compare to the server's table.
                ms = page.evaluate(
                    """async () => { const t0 = performance.now(); const before = document.querySelectorAll('.runs-grid tr.run-row').length;
                      window.__act();
                      for (;;) { await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
                        const c = document.querySelector('.runs-head .count').textContent;
                        if (c !== window.__lastCount || performance.now() - t0 > 5000) { window.__lastCount = c; return performance.now() - t0; } } }"""
                )
                filters.append(ms)
        print(f"  ridgeline filter 1,000 runs (expr / regex)  {fmt(filters)}")
        page.screenshot(path=str(work / "bench-runs-table.png"))

        hp_first, hp_views = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            page.goto(ours + "/?dark=0&dash=hparams")
            page.wait_for_function(
                "() => document.querySelector('.pager .page-of')?.textContent.includes('(1000 sessions)')",
                timeout=120_000,
            )
            hp_first.append((time.perf_counter() - t0) * 1000)
            for label in ("Parallel coordinates", "Scatter plot matrix", "Table view"):
                page.evaluate(
                    "(l) => { window.__act = () => [...document.querySelectorAll('button.tab')].find((b) => b.textContent === l).click(); }",
                    label,
                )
                hp_views.append(
                    page.evaluate(
                        """async () => { const t0 = performance.now(); window.__act();
                          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - t0; }"""
                    )
                )
        print(f"  ridgeline hparams dashboard, 1,000 sessions {fmt(hp_first)}; view switch {fmt(hp_views)}")
        page.locator("button.tab", has_text="Table view").click()
        timed = """async () => { const t0 = performance.now(); window.__act();
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); return performance.now() - t0; }"""
        hp_sort = []
        for col in ["h:lr", "m:loss", "h:optimizer", "h:batch"] * repeat:
            page.evaluate(
                f"() => {{ window.__act = () => document.querySelector('.hp-table th[data-col=\"{col}\"]').click(); }}"
            )
            hp_sort.append(page.evaluate(timed))
        hp_filter = []
        for text in ["0.001", "", "0.0003", ""] * repeat:
            page.evaluate(
                """(t) => { const el = document.querySelector('.hp-filters fieldset[data-col="h:lr"] input.range-min');
                  window.__act = () => { el.value = t; el.dispatchEvent(new Event('input', { bubbles: true })); }; }""",
                text,
            )
            hp_filter.append(page.evaluate(timed))
        print(f"  ridgeline hparams sort 1,000 sessions       {fmt(hp_sort)}")
        print(f"  ridgeline hparams range filter (lr >= x)    {fmt(hp_filter)}")
        page.screenshot(path=str(work / "bench-hparams.png"))
        page.close()

    with server("tensorboard", logdir, work) as theirs:
        body = {
            "experimentName": "",
            "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_FAILURE", "STATUS_RUNNING"],
            "colParams": [],
            "startIndex": 0,
            "sliceSize": 1000000,
        }
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # TensorBoard loads runs in the background
            r = httpx.post(theirs + "/data/plugin/hparams/session_groups", json=body, timeout=600)
            if r.status_code == 200 and r.json().get("totalSize", 0) >= n:
                break
            time.sleep(1)
        tb = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            httpx.post(
                theirs + "/data/plugin/hparams/session_groups", json=body, timeout=600
            ).raise_for_status()
            tb.append((time.perf_counter() - t0) * 1000)
        print(
            f"  tensorboard /hparams/session_groups         {fmt(tb)}  (ratio to ours /experiment: {med(tb) / med(exp):.1f}x)"
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        t0 = time.perf_counter()
        page.goto(theirs + "/#timeseries")
        box = page.get_by_role("textbox", name="Filter runs (regex)")
        box.wait_for(timeout=120_000)
        page.wait_for_selector("tb-runs-table, runs-table", timeout=120_000)
        print(f"  tensorboard time series + run list drawn    {(time.perf_counter() - t0) * 1000:.0f} ms")
        tb_filter = []
        for text in ["run0[0-4]", "", "7$", ""] * repeat:
            t0 = time.perf_counter()
            box.fill(text)
            page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
            page.wait_for_timeout(0)
            tb_filter.append((time.perf_counter() - t0) * 1000)
        print(
            f"  tensorboard run filter (regex, 1,000 runs)  {fmt(tb_filter)}  (no sorting by metric or hparam; no expressions)"
        )
        page.close()


# ---- export -----------------------------------------------------------------------------------


def export_logdir(work: Path) -> Path:
    logdir = work / "million"
    if logdir.exists():
        return logdir
    rnd = random.Random(1)
    for r in range(10):
        with SummaryWriter(logdir / f"run{r}") as w:
            for s in range(100_000):
                w.add_scalar("loss", 1 / (1 + s / 1000) + rnd.gauss(0, 0.01), s)
    return logdir


def bench_export(browser: Any, work: Path, repeat: int) -> None:
    logdir = export_logdir(work)
    print("export: 10 runs x 100,000 points of loss (1,000,000 points)")
    with server("ridgeline", logdir, work) as ours:
        wait_indexed(ours, 10)
        ours_ms: dict[str, float] = {}
        for fmt_ in ("csv", "json", "parquet"):
            times, resp = timed_get(ours + f"/api/plugins/scalars/export?tags=loss&format={fmt_}", repeat)
            ours_ms[fmt_] = med(times)
            print(f"  ridgeline /export {fmt_:<8} {fmt(times)}; {len(resp.content) / 1e6:.1f} MB")
    out = work / "report.html"
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ridgeline.cli",
            "export",
            "--logdir",
            str(logdir),
            "--out",
            str(out),
            "--all-points",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    print(
        f"  ridgeline export --all-points (HTML)        {time.perf_counter() - t0:.1f} s incl. indexing: {done.stdout.strip()}"
    )
    ctx = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    opens = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        page.goto(out.as_uri() + "?dark=0")
        page.wait_for_selector('.card[data-tag="loss"] canvas', timeout=120_000)
        page.wait_for_function(
            "() => document.querySelector('.card[data-tag=\"loss\"] .chart-host').dataset.yTicks"
        )
        opens.append((time.perf_counter() - t0) * 1000)
    print(f"  the report opened offline, chart drawn      {fmt(opens)}")
    ctx.close()
    with server("tensorboard", logdir, work, extra=["--samples_per_plugin", "scalars=100000"]) as theirs:
        deadline = time.monotonic() + 900
        url = theirs + "/data/plugin/scalars/scalars"
        while time.monotonic() < deadline:
            r = httpx.get(url, params={"run": "run9", "tag": "loss"}, timeout=600)
            if r.status_code == 200 and len(r.json()) == 100_000:
                break
            time.sleep(2)
        tb = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            size = 0
            for run in range(10):
                resp = httpx.get(
                    url, params={"run": f"run{run}", "tag": "loss", "format": "csv"}, timeout=600
                )
                resp.raise_for_status()
                assert resp.text.count("\n") >= 100_000, "TensorBoard did not serve every point"
                size += len(resp.content)
            tb.append((time.perf_counter() - t0) * 1000)
        print(
            f"  tensorboard CSV, 10 requests (all points)   {fmt(tb)}; {size / 1e6:.1f} MB  (ratio to ours CSV: {med(tb) / ours_ms['csv']:.1f}x)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["table", "export", "all"], default="all")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None, help="keep the logdirs here between runs")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(args.work or tempfile.mkdtemp(prefix="bench-compare-"))
    work.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        if args.part in ("table", "all"):
            bench_table(browser, work, args.repeat)
        if args.part in ("export", "all"):
            bench_export(browser, work, args.repeat)
        browser.close()
    print(json.dumps({"work": str(work)}))


if __name__ == "__main__":
    main()
