"""Comparing runs in a real headless Chromium: the runs table (expression filter, sorting,
rename, recolor, delete and undo), grouping seeds into a band, pinning a step and a step range,
another scalar as the x axis, the tooltip, and the offline HTML report."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from seen import open_dashboard
from serving import Served, serve

from ridgeline import SummaryWriter

pytestmark = pytest.mark.browser

T0 = 1_700_000_000.0
LR = {"adam": 0.001, "sgd": 0.1}


def loss(opt: str, seed: int, step: int) -> float:
    return (
        (0.3 if opt == "adam" else 0.6)
        + math.exp(-step / 40)
        + 0.02 * seed
        + 0.03 * math.sin(step * 0.7 + seed)
    )


def write_run(logdir: Path, opt: str, seed: int, steps: int = 200) -> None:
    with SummaryWriter(
        logdir / f"{opt}_seed{seed}", config={"lr": LR[opt], "optimizer": opt, "seed": seed}
    ) as w:
        for step in range(steps):
            w.add_scalar("loss", loss(opt, seed, step), step, walltime=T0 + step * 2 + seed)
            if step % 20 == 0:
                w.add_scalar("epoch", step / 20, step, walltime=T0 + step * 2 + seed)


@pytest.fixture
def sweep(tmp_path: Path) -> Iterator[tuple[Served, Path]]:
    logdir = tmp_path / "sweep 实验"
    for opt in LR:
        for seed in range(5):
            write_run(logdir, opt, seed)
    for served in serve(["--logdir", str(logdir)], tmp_path):
        yield served, logdir


def rows(page: Any) -> list[str]:
    return page.locator(".runs-grid tr.run-row").evaluate_all("els => els.map(e => e.dataset.run)")


def swatches(page: Any) -> dict[str, str]:
    return page.locator(".runs-grid tr.run-row").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.run, getComputedStyle(e.querySelector('.swatch')).backgroundColor]))"
    )


def test_runs_table_filter_sort_rename_recolor_delete_undo(sweep, open_page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    served, logdir = sweep
    page = open_page(served.url + "/?dark=0&wide=1&cols=status%0Ahp:lr%0Ahp:optimizer%0Ahp:seed%0Abest:loss")
    page.wait_for_function(
        "() => document.querySelectorAll('.runs-grid tr.run-row').length === 10", timeout=60_000
    )
    page.wait_for_selector('.runs-grid td[data-col="hp:lr"]:has-text("0.001")')

    # Filter by expression: the five adam seeds, and the kind of filter is said.
    page.locator("input.run-filter").fill('lr < 0.01 and optimizer == "adam"')
    page.wait_for_function("() => document.querySelectorAll('.runs-grid tr.run-row').length === 5")
    assert sorted(rows(page)) == [f"adam_seed{s}" for s in range(5)]
    assert page.locator(".filter-kind").inner_text() == "expression"
    page.locator("input.run-filter").fill("seed[34]$")
    page.wait_for_function("() => document.querySelectorAll('.runs-grid tr.run-row').length === 4")
    assert page.locator(".filter-kind").inner_text() == "regex on names"
    page.locator("input.run-filter").fill("")

    # Sort by best loss: the values read in the column go up, then down.
    page.locator('.runs-grid th[data-col="best:loss"]').click()
    page.wait_for_function("() => location.search.includes('sort=best%3Aloss%3Aasc')")
    best = page.locator('.runs-grid td[data-col="best:loss"]').all_inner_texts()
    values = [float(b.split(" @")[0]) for b in best]
    assert len(values) == 10 and values == sorted(values)
    expected = min(min(loss("adam", 0, s) for s in range(200)), min(loss("adam", 1, s) for s in range(200)))
    assert values[0] == pytest.approx(expected, rel=1e-4)
    page.locator('.runs-grid th[data-col="best:loss"]').click()
    values = [
        float(b.split(" @")[0]) for b in page.locator('.runs-grid td[data-col="best:loss"]').all_inner_texts()
    ]
    assert values == sorted(values, reverse=True)
    page.screenshot(path=str(artifacts / "runs-table-wide.png"))

    # Rename (display name): double-click the name, type, Enter. Kept after a reload.
    row = page.locator('.runs-grid tr.run-row[data-run="adam_seed0"]')
    row.locator(".run-name").dblclick()
    page.locator("input.rename-input").fill("adam baseline")
    page.locator("input.rename-input").press("Enter")
    page.wait_for_selector('.runs-grid tr.run-row[data-run="adam_seed0"] .run-name:text-is("adam baseline")')

    # Recolor a run, then a new run appears: no color moves.
    row.locator("input.color-input").evaluate(
        "el => { el.value = '#00cc44'; el.dispatchEvent(new Event('change', { bubbles: true })); }"
    )
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.runs-grid tr.run-row[data-run=\"adam_seed0\"] .swatch')).backgroundColor === 'rgb(0, 204, 68)'"
    )
    before = swatches(page)
    write_run(logdir, "adam", 7, steps=30)
    page.wait_for_function(
        "() => document.querySelectorAll('.runs-grid tr.run-row').length === 11", timeout=30_000
    )
    after = swatches(page)
    assert {r: after[r] for r in before} == before
    page.reload()
    page.wait_for_selector('.runs-grid tr.run-row[data-run="adam_seed0"] .run-name:text-is("adam baseline")')
    assert swatches(page)["adam_seed0"] == "rgb(0, 204, 68)"

    # Delete (after a confirmation naming what happens), then undo.
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.locator('.runs-grid tr.run-row[data-run="sgd_seed4"] button.row-menu').click()
    page.locator(".menu button.m-delete").click()
    page.wait_for_function("() => !document.querySelector('.runs-grid tr.run-row[data-run=\"sgd_seed4\"]')")
    assert "trash" in dialogs[0] and "undo" in dialogs[0]
    assert not (logdir / "sgd_seed4").exists()
    trashed = [p for p in (logdir / ".ridgeline-trash").iterdir() if p.is_dir()]
    assert len(trashed) == 1 and (trashed[0] / "sgd_seed4").is_dir()
    page.screenshot(path=str(artifacts / "runs-deleted-undo-bar.png"))
    page.locator(".undo-bar button.undo").click()
    page.wait_for_selector('.runs-grid tr.run-row[data-run="sgd_seed4"]')
    assert (logdir / "sgd_seed4").is_dir() and not any(
        p.is_dir() for p in (logdir / ".ridgeline-trash").iterdir()
    )


def test_a_name_being_typed_survives_new_data(sweep, open_page) -> None:  # type: ignore[no-untyped-def]
    """Training goes on while a run is renamed: the table reloads under the edit box, and what
    was typed stays (it was reset to the old name, and Enter saved that)."""
    served, logdir = sweep
    page = open_page(served.url + "/?dark=0", width=1280, height=900)
    page.wait_for_function(
        "() => document.querySelectorAll('.runs-grid tr.run-row').length === 10", timeout=60_000
    )
    page.locator('.runs-grid tr.run-row[data-run="adam_seed0"] .run-name').dblclick()
    box = page.locator("input.rename-input")
    box.fill("typed while training")
    with page.expect_response(lambda r: "/api/plugins/runs/table" in r.url, timeout=30_000):
        write_run(logdir, "adam", 9, steps=5)  # new data: the page reads the table again
    page.wait_for_selector('.runs-grid tr.run-row[data-run="adam_seed9"]')
    assert box.input_value() == "typed while training"
    box.press("Enter")
    page.wait_for_selector(
        '.runs-grid tr.run-row[data-run="adam_seed0"] .run-name:text-is("typed while training")'
    )


def test_expanded_table_takes_the_page_and_a_filter_reads_what_it_names(
    sweep, open_page, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    served, _ = sweep
    page = open_page(served.url + "/?dark=0", width=1280, height=900)
    page.wait_for_selector('.card[data-tag="loss"] canvas', timeout=60_000)

    # The README's filter, with no "best loss" column switched on: it reads the best values it names.
    page.locator("input.run-filter").fill("best.loss < 0.5")
    want = sorted(
        f"{o}_seed{s}" for o in LR for s in range(5) if min(loss(o, s, t) for t in range(200)) < 0.5
    )
    assert want and len(want) < 10
    page.wait_for_function(f"() => document.querySelectorAll('.runs-grid tr.run-row').length === {len(want)}")
    assert sorted(rows(page)) == want
    page.locator("input.run-filter").fill("")
    page.wait_for_function("() => document.querySelectorAll('.runs-grid tr.run-row').length === 10")

    # Expanded, the table takes the page and shows the hyperparameters and the loss by default.
    page.locator(".runs-tools button.expand").click()
    page.wait_for_selector('.runs-grid th[data-col="hp:lr"]')
    assert page.locator("main").count() == 0
    aside = page.locator("aside").bounding_box()
    assert aside is not None and aside["width"] >= 1280 * 0.95, aside
    heads = page.locator(".runs-grid th[data-col]").all_inner_texts()
    # (epoch and loss: the metrics the runs' config sessions name)
    assert heads == ["status", "lr", "optimizer", "seed", "epoch", "loss"], heads
    cell = page.locator('.runs-grid tr.run-row[data-run="adam_seed1"] td[data-col="m:loss"]')
    assert float(cell.inner_text()) == pytest.approx(loss("adam", 1, 199), rel=1e-4)
    box = page.locator(".runs-grid").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280
    page.screenshot(path=str(artifacts / "runs-table-expanded.png"))

    # Collapsed, the charts come back beside the run list.
    page.locator(".runs-tools button.expand").click()
    page.wait_for_selector('.card[data-tag="loss"] canvas')
    chart = page.locator('.card[data-tag="loss"]').bounding_box()
    aside = page.locator("aside").bounding_box()
    assert chart is not None and aside is not None and chart["x"] >= aside["x"] + aside["width"]
    assert chart["width"] >= 400


def test_group_pin_range_and_x_axis(sweep, open_page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    served, _ = sweep
    page = open_page(served.url + "/?dark=0&dash=scalars")
    page.wait_for_selector('.card[data-tag="loss"] canvas', timeout=60_000)

    # Group the seeds by name pattern: two lines, each with a band, "(5 runs)" in the tooltip.
    page.locator("select.group-by").select_option(label="group by name pattern")
    page.locator("input.group-pattern").fill(r"_seed\d+")
    host = page.locator('.card[data-tag="loss"] .chart-host')
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"loss\"] .chart-host').dataset.lines === 'adam|sgd'"
    )
    assert host.get_attribute("data-bands") == "2"
    over = page.locator('.card[data-tag="loss"] .u-over')
    box = over.bounding_box()
    assert box is not None
    over.hover(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
    tip = page.locator('.card[data-tag="loss"] .tooltip')
    tip.wait_for(state="visible")
    assert tip.locator("tr", has_text="adam (5 runs)").count() == 1
    assert tip.locator("tr", has_text="sgd (5 runs)").count() == 1
    page.screenshot(path=str(artifacts / "compare-grouped-band.png"))
    page.locator("button.ungroup").click()
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"loss\"] .chart-host').dataset.lines.split('|').length === 10"
    )

    # Pin a step by clicking the chart: every chart marks it; its table has each run's value.
    over.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.wait_for_function("() => /[?&]step=\\d+/.test(location.search)")
    step = int(re.search(r"[?&]step=(\d+)", page.url).group(1))  # type: ignore[union-attr]
    table = page.locator('.card[data-tag="loss"] .step-table')
    table.locator("tbody tr").nth(9).wait_for()
    assert table.locator("tbody tr").count() == 10
    cells = table.locator('tr[data-run="sgd_seed2"] td').all_inner_texts()
    assert float(cells[2]) == pytest.approx(loss("sgd", 2, step), rel=1e-4) and int(cells[4]) == step
    assert cells[5] == f"{2 * step:.1f}s" if 2 * step < 60 else cells[5].endswith("m")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[6])
    assert page.locator('.card[data-tag="epoch"] .step-table').count() == 1
    assert host.get_attribute("data-pin-x") == str(step)
    page.screenshot(path=str(artifacts / "compare-pinned-step.png"))

    # Shift-drag a range: min/max/mean/change per run over it.
    page.keyboard.down("Shift")
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    page.keyboard.up("Shift")
    page.wait_for_function("() => /[?&]range=\\d+%3A\\d+/.test(location.search)")
    lo, hi = map(int, re.search(r"range=(\d+)%3A(\d+)", page.url).groups())  # type: ignore[union-attr]
    assert 0 < lo < hi < 200
    rt = page.locator('.card[data-tag="loss"] .range-table tr[data-run="adam_seed3"] td')
    rt.nth(6).wait_for()
    got = rt.all_inner_texts()
    vals = [loss("adam", 3, s) for s in range(lo, hi + 1)]
    assert float(got[2]) == pytest.approx(min(vals), rel=1e-4) and float(got[3]) == pytest.approx(
        max(vals), rel=1e-4
    )
    assert float(got[4]) == pytest.approx(sum(vals) / len(vals), rel=1e-4)
    assert float(got[5]) == pytest.approx(vals[-1] - vals[0], rel=1e-3, abs=1e-5) and int(got[6]) == len(vals)

    # Another scalar as the x axis: epochs (0..9.95), not steps (0..199), on every chart.
    page.locator("select.x-axis").select_option("tag:epoch")
    page.wait_for_function("() => location.search.includes('x=tag%3Aepoch')")
    page.wait_for_function(
        "() => Math.max(...document.querySelector('.card[data-tag=\"loss\"] .chart-host').dataset.xTicks.split('|').map(Number)) <= 10"
    )
    over.hover(position={"x": box["width"] * 0.6, "y": box["height"] * 0.5})
    tip.wait_for(state="visible")
    assert tip.locator("th", has_text="epoch").count() == 1
    page.screenshot(path=str(artifacts / "compare-x-epoch.png"))

    # The tooltip stays inside the window at the right edge; it can be sorted by name and limited.
    page.locator("select.tip-sort").select_option("name")
    page.locator("input.tip-rows").fill("3")
    page.locator("input.tip-rows").press("Enter")
    over.hover(position={"x": box["width"] - 3, "y": box["height"] * 0.5})
    tip.wait_for(state="visible")
    tbox = tip.bounding_box()
    assert tbox is not None and tbox["x"] >= 0 and tbox["x"] + tbox["width"] <= 1400
    names = tip.locator("tr td:nth-child(2)").all_inner_texts()
    assert names == ["adam_seed0", "adam_seed1", "adam_seed2"]
    assert tip.locator("tr").last.inner_text().strip() == "… 7 more"


def test_exported_report_opens_offline(sweep, browser, artifacts: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, logdir = sweep
    out = tmp_path / "report 报告.html"
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
        env=dict(os.environ, RIDGELINE_CACHE_DIR=str(tmp_path / "cache")),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "10 runs" in done.stdout and "2,100 points" in done.stdout
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri() + "?dark=0&step=100")
    page.wait_for_selector('.card[data-tag="loss"] canvas', timeout=30_000)
    assert page.locator(".report-badge").count() == 1
    assert sorted(rows(page)) == sorted(f"{o}_seed{s}" for o in LR for s in range(5))
    cells = page.locator('.card[data-tag="loss"] .step-table tr[data-run="adam_seed1"] td').all_inner_texts()
    assert float(cells[2]) == pytest.approx(loss("adam", 1, 100), rel=1e-4) and cells[4] == "100"
    open_dashboard(page, "hparams")
    page.wait_for_selector('.hp-table th:has-text("optimizer")')
    assert page.locator(".hp-table tbody tr").count() == 10
    page.screenshot(path=str(artifacts / "report-offline-hparams.png"))
    open_dashboard(page, "scalars")
    page.wait_for_selector('.card[data-tag="loss"] canvas')
    page.screenshot(path=str(artifacts / "report-offline.png"))
    context.close()
    assert not errors, errors
    assert all(r.startswith("file:") or r.startswith("data:") for r in requests), requests


def test_hparams_many_sessions_columns_axes_paging_brushing(
    tmp_path: Path, open_page, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    logdir = tmp_path / "big sweep"
    for i in range(150):
        lr = [1e-4, 1e-3, 1e-2, 1e-1][i % 4]
        with SummaryWriter(
            logdir / f"r{i:03d}", config={"lr": lr, "width": 32 * (1 + i % 3), "seed": i}
        ) as w:
            w.add_scalar("loss", 1 + math.log10(lr) / 10 + i / 1000, 0)
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dark=0&dash=hparams")
        rows = page.locator(".hp-table tbody tr")
        page.wait_for_function(  # the first index may still be running: wait for every session
            "() => document.querySelector('.pager .page-of')?.textContent === 'page 1 of 2 (150 sessions)'",
            timeout=60_000,
        )
        assert rows.count() == 100
        page.locator(".pager button.next").click()
        page.wait_for_function("() => document.querySelectorAll('.hp-table tbody tr').length === 50")

        # A numeric range filter on an hparam: lr >= 0.005 leaves 0.01 and 0.1 (37 + 37 sessions).
        page.locator('.hp-filters fieldset[data-col="h:lr"] input.range-min').fill("0.005")
        page.wait_for_function(
            "() => document.querySelector('.session-count').textContent.startsWith('74 of 150')"
        )
        lrs = {float(t) for t in page.locator(".hp-table tbody tr td:nth-child(3)").all_inner_texts()}
        assert lrs == {0.01, 0.1}
        page.locator('.hp-filters fieldset[data-col="h:lr"] input.range-min').fill("")

        # Hide a column; put lr on a log axis.
        page.locator("button.cols-btn").click()
        page.locator('.hp-col-row[data-col="h:seed"] input').uncheck()
        assert "seed" not in page.locator(".hp-table th").all_inner_texts()
        page.locator('.hp-col-row[data-col="h:lr"] select.axis-scale').select_option("log")

        # The scatter matrix: one cell per metric x hparam, each axis labelled once.
        page.locator(".filter-bar .tab", has_text="Scatter").click()
        cells = page.locator(".hp-matrix .hp-cell")
        assert cells.count() == 1 * 2  # loss x (lr, width)
        labels = page.locator(".hp-matrix .axis-label").evaluate_all("els => els.map((e) => e.textContent)")
        assert sorted(labels) == sorted(["loss", "lr (log)", "width"])
        ticks = page.locator(".hp-matrix .tick").evaluate_all("els => els.map((e) => e.textContent)")
        assert "0.0001" in ticks and "0.1" in ticks and "0.001" in ticks  # a log axis: decades
        # Hover one point: the same session is marked in both cells.
        point = page.locator('.hp-cell[data-cell="m:loss|h:lr"] circle').last
        point.hover(force=True)
        assert page.locator(".hp-matrix circle.hot").count() == 2
        # ... and its row in the table under the matrix; hovering a row marks its points.
        hot = page.locator(".hp-table tr.hover")
        assert hot.count() == 1
        run = hot.get_attribute("data-run")
        assert f"{run}\n" in page.locator(".hp-matrix circle.hot title").first.text_content()  # type: ignore[operator]
        other = page.locator(".hp-table tbody tr").nth(5)
        other.hover()
        assert run not in page.locator(".hp-matrix circle.hot title").first.text_content()  # type: ignore[operator]
        # Brush: a box over the left half of the lr cell keeps the small learning rates.
        box = page.locator('.hp-cell[data-cell="m:loss|h:lr"] rect.frame').bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] - 2, steps=4)
        page.mouse.up()
        page.wait_for_selector(".brush-bar")
        brushed = int(page.locator(".brush-bar").inner_text().split()[0])
        assert brushed == 38 + 38  # 1e-4 and 1e-3 sit left of the middle of a log axis from 1e-4 to 1e-1
        assert page.locator(".session-count").inner_text().startswith("76 of 150")
        page.screenshot(path=str(artifacts / "hparams-scatter-brushed.png"))
        page.locator("button.clear-brush").click()
        assert page.locator(".session-count").inner_text().startswith("150 of 150")


YELLOW = """(el) => { const c = el.getContext('2d'); const d = c.getImageData(0, 0, el.width, el.height).data; let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] > 190 && d[i + 2] < 120 && d[i + 3] > 0) n++; return n; }"""


def test_histograms_round_ticks_offset_axis_and_color_by_step(
    demo_server, open_page, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(demo_server.url + "/?dark=0&dash=histograms")
    canvas = page.locator('.card[data-tag="layer1/weight"] .histogram canvas').first
    canvas.wait_for(timeout=60_000)
    page.wait_for_function("(el) => el.dataset.xTicks", arg=canvas.element_handle())
    ticks = canvas.get_attribute("data-x-ticks").split("|")  # type: ignore[union-attr]
    values = [float(t) for t in ticks]
    steps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
    assert len(steps) == 1
    step = steps.pop()
    assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1, 2, 5)  # a round step
    assert all(re.fullmatch(r"-?\d+(\.\d{1,2})?", t) for t in ticks), ticks
    assert canvas.get_attribute("data-y-ticks").split("|")[0] == "0"  # type: ignore[union-attr]
    assert canvas.evaluate(YELLOW) == 0  # the run's own color
    page.locator("select.hist-offset").select_option("relative")
    page.locator("select.hist-color").select_option("step")
    page.wait_for_function(
        "() => location.search.includes('hoffset=relative') && location.search.includes('hcolor=step')"
    )
    page.wait_for_function("(el) => el.dataset.yTicks.startsWith('0.0s')", arg=canvas.element_handle())
    assert canvas.get_attribute("data-y-ticks").split("|")[-1].endswith(("s", "m", "h"))  # type: ignore[union-attr]
    assert canvas.evaluate(YELLOW) > 200  # the oldest slice in the ramp's light yellow
    page.screenshot(path=str(artifacts / "histograms-by-step.png"))


def test_time_series_mixes_kinds_with_a_type_filter(demo_server, open_page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page = open_page(demo_server.url + "/?dark=0&dash=timeseries")
    page.wait_for_selector(".timeseries .card canvas", timeout=60_000)
    bar = page.locator(".timeseries .filter-bar")
    total = int(re.search(r"(\d+) of (\d+) cards", bar.inner_text()).group(2))  # type: ignore[union-attr]
    page.locator(".timeseries input.tag-filter").fill("^layer1/")
    page.wait_for_function("() => document.querySelectorAll('.timeseries .card').length === 2")
    assert page.locator(".timeseries section.group h2").inner_text().startswith("layer1 (2 histograms)")
    page.locator(".timeseries input.tag-filter").fill("")
    page.wait_for_selector(".timeseries .image-card")
    kinds_shown = page.locator(".timeseries section.group h2").all_inner_texts()
    assert any("image" in k for k in kinds_shown) and any("scalar" in k for k in kinds_shown)
    page.locator('.timeseries input[data-kind="images"]').uncheck()
    page.wait_for_function("() => !document.querySelector('.timeseries .image-card')")
    assert "tstypes=scalars%2Chistograms" in page.url
    shown = int(re.search(r"(\d+) of (\d+) cards", bar.inner_text()).group(1))  # type: ignore[union-attr]
    assert shown < total

    # Card width (this dashboard's settings): two cards a row, then one.
    def columns() -> int:
        return len(
            {
                round(c["x"])
                for c in page.locator(".timeseries .cards")
                .first.locator(".card")
                .evaluate_all("els => els.map((e) => e.getBoundingClientRect().toJSON())")
            }
        )

    assert columns() == 2
    page.locator("input.card-width").fill("900")
    page.wait_for_function("() => location.search.includes('cardw=900')")
    assert columns() == 1
    page.screenshot(path=str(artifacts / "time-series.png"))
