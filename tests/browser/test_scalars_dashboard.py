"""The scalars dashboard in a real headless Chromium, on the demo logdir."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def page(demo_server, open_page):  # type: ignore[no-untyped-def]
    return open_page(demo_server.url + "/?dark=0")


def test_demo_dashboard(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    # A card per tag, grouped by prefix, each with a drawn chart.
    page.wait_for_selector(".card canvas", timeout=60_000)
    tags = page.locator(".card .card-title").all_inner_texts()
    assert {"train/loss", "train/accuracy", "train/learning_rate", "val/loss", "val/accuracy"} <= set(tags)
    groups = page.locator(".group h2").all_inner_texts()
    assert any(g.startswith("train") for g in groups) and any(g.startswith("val") for g in groups)
    assert page.locator(".runs-grid tr.run-row").count() == 5
    page.screenshot(path=str(artifacts / "scalars-dashboard.png"))

    # Hover shows a tooltip listing every run.
    # (Charts are drawn when their card comes near the screen: bring the card there first.)
    page.locator('.card[data-tag="train/loss"]').scroll_into_view_if_needed()
    over = page.locator('.card[data-tag="train/loss"] .u-over')
    over.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # cards above finish loading and stop shifting the page
    box = over.bounding_box()
    assert box is not None
    over.hover(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    tooltip = page.locator('.card[data-tag="train/loss"] .tooltip')
    tooltip.wait_for(state="visible")
    assert tooltip.locator("tr").count() == 1 + 5
    page.screenshot(path=str(artifacts / "scalars-tooltip.png"))

    # Smoothing slider changes the state and the URL.
    page.locator("input.smoothing").fill("0.95")
    page.wait_for_function("() => location.search.includes('smooth=0.95')")

    # Toggling a run removes it from the charts (and the URL keeps it).
    page.locator(".runs-grid tr.run-row", has_text="baseline").locator("td.sel input").uncheck()
    page.wait_for_function("() => location.search.includes('hide=baseline')")
    # The charts follow the selection a moment after the runs table (typing does not redraw them).
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"train/loss\"] .chart-host').dataset.lines.split('|').length === 4"
    )
    over.hover(position={"x": box["width"] * 0.4, "y": box["height"] * 0.5})
    tooltip.wait_for(state="visible")
    assert tooltip.locator("tr").count() == 1 + 4

    # Filtering tags leaves only the matches.
    page.locator("input.tag-filter").fill("^val/(loss|accuracy)$")
    page.wait_for_function("() => document.querySelectorAll('.card').length === 2")
    assert set(page.locator(".card .card-title").all_inner_texts()) == {"val/loss", "val/accuracy"}

    # Reloading the page from its URL restores the same view.
    page.reload()
    page.wait_for_selector(".card canvas")
    assert page.locator("input.tag-filter").input_value() == "^val/(loss|accuracy)$"
    assert not page.locator(".runs-grid tr.run-row", has_text="baseline").locator("td.sel input").is_checked()
    page.screenshot(path=str(artifacts / "scalars-filtered.png"))


def test_dark_mode_and_data_table(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector(".card canvas", timeout=60_000)
    page.locator("header button.theme").click()
    page.wait_for_function("() => document.documentElement.dataset.theme === 'dark'")
    card = page.locator('.card[data-tag="train/loss"]')
    card.locator("button[title='Data table']").click()
    rows = card.locator(".data-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5
    narrow = card.bounding_box()
    card.locator(".card-menu .menu-button").click()
    card.locator("button[title='Enlarge']").click()
    page.wait_for_function(
        "(w) => document.querySelector('.card[data-tag=\"train/loss\"]').getBoundingClientRect().width > w + 100",
        arg=narrow["width"] if narrow else 0,
    )
    assert not card.locator(".popup-menu").count()  # the menu closes once an action is chosen
    page.screenshot(path=str(artifacts / "scalars-dark-table.png"))


def test_live_reload_follows_the_run_as_it_grows_and_is_written_again(
    tmp_path: Path, artifacts: Path, open_page: Any
) -> None:
    """Live updates without a page reload; then `rm -rf run && train again`: the table shows the
    new run's points, once each, and so does a restarted server."""
    import json
    import urllib.request

    from serving import serve

    from ridgeline import SummaryWriter

    logdir = tmp_path / "live"
    writer = SummaryWriter(logdir / "run", flush_secs=1)
    for s in range(10):
        writer.add_scalar("loss", 1.0 / (s + 1), s)
    writer.flush()
    last_cell = "() => [...document.querySelectorAll('.data-table tbody td')]"
    for served in serve(["--logdir", str(logdir), "--reload_interval", "0.5"], tmp_path):
        page = open_page(served.url + "/?dark=0", width=1000, height=700)
        card = page.locator('.card[data-tag="loss"]')
        card.locator("button[title='Data table']").click()
        cell = card.locator(".data-table tbody tr td").last
        cell.wait_for()
        assert cell.inner_text() == "10"
        page.evaluate("window.__marker = 1")  # gone if the page reloads
        for s in range(10, 25):
            writer.add_scalar("loss", 1.0 / (s + 1), s)
        writer.flush()
        page.wait_for_function(f"{last_cell}.pop()?.textContent === '25'", timeout=10_000)
        assert page.evaluate("window.__marker") == 1
        page.screenshot(path=str(artifacts / "scalars-live.png"))
        writer.close()

        shutil.rmtree(logdir / "run")  # the most common move: delete the run, train again
        with SummaryWriter(logdir / "run") as again:
            for s in range(5):
                again.add_scalar("loss", 2.0, s)
        page.wait_for_function(f"{last_cell}.pop()?.textContent === '5'", timeout=10_000)
        series = json.loads(
            urllib.request.urlopen(served.url + "/api/plugins/scalars/series?run=run&tag=loss").read()
        )
        assert series["step"] == [0, 1, 2, 3, 4] and series["value"] == [2.0] * 5
    for served in serve(["--logdir", str(logdir)], tmp_path):  # restart on the same index
        for _ in range(100):
            tags = json.loads(urllib.request.urlopen(served.url + "/api/plugins/scalars/tags").read())
            if tags.get("runs", {}).get("run"):
                break
            time.sleep(0.1)
        series = json.loads(
            urllib.request.urlopen(served.url + "/api/plugins/scalars/series?run=run&tag=loss").read()
        )
        assert series["step"] == [0, 1, 2, 3, 4]


def test_axes_pin_zoom_and_download(page, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    """What the chart's axes read after each change (their tick labels), never a guess at when
    it has redrawn: every step waits for the labels it expects."""
    card = page.locator('.card[data-tag="train/loss"]').first
    card.scroll_into_view_if_needed()  # charts load when their card comes near the screen
    host = card.locator(".chart-host")
    host.wait_for(timeout=60_000)

    def ticks(tag: str, axis: str) -> list[str]:
        """The tick labels the chart draws (kept in data-*-ticks, "|"-separated)."""
        el = page.locator(f'.card[data-tag="{tag}"] .chart-host').first
        return [t for t in (el.get_attribute(f"data-{axis}-ticks") or "").split("|") if t]

    def until(what: str, check: Any, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            page.wait_for_timeout(100)

    def number(t: str) -> float:
        return float(t.replace(",", ""))

    step_ticks = until("step ticks", lambda: ticks("train/loss", "x"))
    assert all(t.replace(",", "").isdigit() for t in step_ticks), step_ticks
    assert number(step_ticks[-1]) <= 2000  # the demo logs 2,000 steps
    linear_y = ticks("train/loss", "y")
    page.locator("aside select.x-axis").select_option("relative")
    relative = until(
        "relative-time ticks",
        lambda: (t := ticks("train/loss", "x")) and all(x[-1] in "smh" for x in t) and t,
    )
    assert all(t[:-1].replace(".", "").isdigit() for t in relative), relative
    page.locator("aside select.x-axis").select_option("wall")
    wall = until(
        "wall-clock ticks", lambda: (t := ticks("train/loss", "x")) and all(":" in x for x in t) and t
    )
    assert len(set(wall)) == len(wall), wall
    page.locator("aside select.x-axis").select_option("step")
    until("step ticks again", lambda: ticks("train/loss", "x") == step_ticks)
    page.locator("label.check", has_text="Log-scale y").locator("input").check()
    log_y = until("log-scale ticks", lambda: (t := ticks("train/loss", "y")) != linear_y and t)
    assert all(number(t) > 0 for t in log_y), log_y
    page.locator("label.check", has_text="Log-scale y").locator("input").uncheck()
    until("linear ticks again", lambda: ticks("train/loss", "y") == linear_y)

    # Pin: the card also appears in a "Pinned" section at the top.
    card.locator("button[title='Pin to top']").click()
    page.wait_for_function("() => document.querySelector('.group h2')?.textContent?.startsWith('Pinned')")
    assert page.locator('.card[data-tag="train/loss"]').count() == 2
    page.screenshot(path=str(artifacts / "scalars-pinned.png"))

    # Drag to zoom narrows the x axis; "fit" brings back the whole range.
    card = page.locator('.card[data-tag="val/loss"]').first
    card.scroll_into_view_if_needed()
    full = until("val/loss ticks", lambda: ticks("val/loss", "x"))
    over = card.locator(".u-over")
    box = over.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.7, steps=6)
    page.mouse.up()
    zoomed = until("zoomed ticks", lambda: (t := ticks("val/loss", "x")) != full and t)
    assert number(zoomed[0]) > number(full[0]) and number(zoomed[-1]) < number(full[-1]), (zoomed, full)
    card.locator("button[title='Fit to data']").click()
    until("the whole range again", lambda: ticks("val/loss", "x") == full)

    # Downloads are in the card's menu: a CSV of every run's points for the tag.
    card.locator(".card-menu .menu-button").click()
    with page.expect_download() as dl:
        card.locator("button[title='Download CSV (all runs)']").click()
    import csv

    rows = list(csv.reader(Path(dl.value.path()).read_text().splitlines()))
    assert rows[0] == ["run", "step", "wall_time", "value"]
    assert {r[0] for r in rows[1:]} == {
        "baseline",
        *(f"sweep/lr={lr},width={w}" for lr in ("0.003", "0.03") for w in (32, 128)),
    }
    assert len(rows) == 1 + 5 * 40  # val/* is logged every 50 of 2,000 steps


def test_a_cards_own_x_axis_is_chosen_in_its_menu(page) -> None:  # type: ignore[no-untyped-def]
    """The per-card x axis (a scalar such as the learning rate, or relative time) lives in the
    card's menu; the choice shows as the axis' labels and is kept in the URL."""
    card = page.locator('.card[data-tag="train/loss"]').first
    card.scroll_into_view_if_needed()
    card.locator(".chart-host").wait_for(timeout=60_000)
    card.locator(".card-menu .menu-button").click()
    menu = card.locator(".popup-menu")
    box = menu.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1400
    menu.locator("button.x-choice[data-x='relative']").click()
    page.wait_for_function('() => decodeURIComponent(location.search).includes(\'"train/loss":"relative"\')')
    page.wait_for_function(
        """() => (document.querySelector('.card[data-tag="train/loss"] .chart-host').dataset.xTicks || '')
                 .split('|').every((t) => /[smh]$/.test(t))"""
    )
    # The other cards keep the page's axis (steps).
    other = page.locator('.card[data-tag="train/accuracy"] .chart-host').first
    assert all(t.replace(",", "").isdigit() for t in (other.get_attribute("data-x-ticks") or "").split("|"))


def test_warnings_name_what_was_skipped_next_to_the_data(
    tmp_path: Path, artifacts: Path, open_page: Any
) -> None:
    """A good run and a file of garbage: the good run's chart shows, and the header says one
    warning; its panel names the file and the offset."""
    import os

    from serving import serve

    from ridgeline import SummaryWriter

    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "good") as w:
        for s in range(10):
            w.add_scalar("loss", 1.0 / (s + 1), s)
    bad = logdir / "broken" / "events.out.tfevents.1.garbage"
    bad.parent.mkdir()
    bad.write_bytes(os.urandom(2048))
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dark=0", width=1200, height=700)
        page.locator('.card[data-tag="loss"] canvas').first.wait_for()
        # Hovering the last point: the tooltip reads the run, its value and step.
        over = page.locator('.card[data-tag="loss"] .u-over').first
        box = over.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
        row = page.locator('.card[data-tag="loss"] .tooltip tr').nth(1)
        row.wait_for()
        cells = row.locator("td").all_inner_texts()
        assert cells[1] == "good" and cells[3] == "0.1" and cells[4] == "9", cells
        page.mouse.move(0, 0)
        button = page.locator("header button.warnings")
        button.wait_for(timeout=15_000)
        assert button.inner_text() == "1 warning"
        button.click()
        item = page.locator(".warnings-panel li")
        assert item.count() == 1
        text = item.inner_text()
        assert str(bad) in text and "byte 0" in text and "not TFRecord data" in text
        page.screenshot(path=str(artifacts / "warnings-panel.png"))
