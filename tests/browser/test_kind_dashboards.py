"""Every non-scalar dashboard in headless Chromium, on the demo logdir (and a hostile one).

Each test saves a screenshot under test-artifacts/ (looked at when the dashboards were built).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from seen import DEMO_DASHBOARDS, dashboards, open_dashboard
from serving import Served, serve

from ridgeline import SummaryWriter

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("demo")
    yield from serve(["demo", "--logdir", str(tmp / "demo")], tmp)


def _open(open_page: Any, demo: Served, query: str) -> Any:
    page = open_page(f"{demo.url}/?dark=0&{query}")
    page.wait_for_selector("header nav a.tab", timeout=60_000)
    return page


def test_navigation_shows_only_dashboards_with_data_and_keeps_the_active_one(
    open_page: Any, demo: Served
) -> None:
    page = _open(open_page, demo, "")
    # Every dashboard, in order: the tabs that fit and those under "more".
    labels = [label for _, label in dashboards(page)]
    assert labels == DEMO_DASHBOARDS
    open_dashboard(page, "images")
    page.wait_for_function("() => location.search.includes('dash=images')")
    page.reload()
    page.wait_for_selector("header nav a.tab.active")
    assert page.locator("header nav a.tab.active").inner_text() == "Images"


def test_images(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=images")
    card = page.locator('.card[data-tag="train/samples"]')
    card.locator("img").first.wait_for()
    assert card.locator(".run-images").count() == 5  # runs side by side
    first = card.locator(".run-images").first
    assert first.locator(".step-value").inner_text() == "1999"  # newest step by default
    page.wait_for_function(
        "() => [...document.querySelectorAll('.image-row img')].some(i => i.complete && i.naturalWidth === 96)"
    )
    page.screenshot(path=str(artifacts / "images-dashboard.png"))
    first.locator("input[type=range]").fill("0")
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"train/samples\"] .step-value').textContent === '0'"
    )
    assert "index=0" in first.locator("img").first.get_attribute("src")
    page.locator("input.brightness").fill("1.8")
    page.wait_for_function("() => location.search.includes('bright=1.8')")
    assert "brightness(1.8)" in (first.locator("img").first.get_attribute("style") or "")
    page.locator("input.actual-size").check()
    assert first.locator("img.actual").count() == 1
    first.locator("img").first.click()
    page.locator(".lightbox img").wait_for()
    page.screenshot(path=str(artifacts / "images-enlarged.png"))
    page.locator(".lightbox").click()
    assert page.locator(".lightbox").count() == 0


def test_audio(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=audio")
    card = page.locator('.card[data-tag="samples/tone"]')
    card.locator("audio").wait_for()
    src = card.locator("audio").get_attribute("src")
    assert "index=1" in src
    assert card.locator("a[download]").count() == 1
    ok = page.evaluate(
        "async (u) => { const r = await fetch(u); return r.headers.get('content-type'); }", src
    )
    assert ok == "audio/wav"
    page.screenshot(path=str(artifacts / "audio-dashboard.png"))


def test_histograms_offset_and_overlay(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=histograms&runs=baseline")
    card = page.locator('.card[data-tag="layer1/weight"]')
    canvas = card.locator("canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.75)
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"layer1/weight\"] .hover-line').textContent.startsWith('step')"
    )
    page.screenshot(path=str(artifacts / "histograms-offset.png"))
    page.locator("select.hist-mode").select_option("overlay")
    page.wait_for_function("() => location.search.includes('hist=overlay')")
    page.screenshot(path=str(artifacts / "histograms-overlay.png"))


def test_distributions(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=distributions&runs=baseline")
    page.locator('.card[data-tag="layer1/weight"] canvas').first.wait_for()
    assert page.locator('.card[data-tag="layer1/weight"] .run-distribution').count() == 1
    page.screenshot(path=str(artifacts / "distributions.png"))


def test_text_and_pr_curves(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=text&runs=baseline")
    md = page.locator(".card .markdown").first
    md.wait_for()
    assert md.locator("strong").first.inner_text() == "Epoch 5"  # newest first
    assert md.locator("table").count() == 1
    page.screenshot(path=str(artifacts / "text-dashboard.png"))
    page = _open(open_page, demo, "dash=pr_curves")
    card = page.locator('.card[data-tag="val/pr_curve"]')
    card.locator("polyline").first.wait_for()
    assert card.locator("polyline").count() == 5
    box = card.locator("svg").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.3)
    page.wait_for_function("() => document.querySelector('.pr-tip').textContent.includes('threshold')")
    page.screenshot(path=str(artifacts / "pr-curves.png"))


def test_pr_curves_leave_out_thresholds_with_no_predictions(
    open_page: Any, demo: Served, artifacts: Path
) -> None:
    """At step 0 nothing scores above ~0.75: those thresholds have TP + FP = 0 and precision
    stored as 0. TensorBoard does not draw them; a line down to (recall 0, precision 0) is wrong."""
    page = _open(open_page, demo, "dash=pr_curves&runs=baseline")
    card = page.locator('.card[data-tag="val/pr_curve"]')
    line = card.locator("polyline")
    line.wait_for()
    card.locator(".run-slider input[type=range]").fill("0")
    page.wait_for_function(
        "() => document.querySelector('.card[data-tag=\"val/pr_curve\"] .run-slider .step-value')"
        ".textContent === '0'"
    )
    (curve, *_) = page.request.get(
        f"{demo.url}/api/plugins/pr_curves/curves?run=baseline&tag=val/pr_curve"
    ).json()["curves"]
    assert curve["step"] == 0
    counts = [tp + fp for tp, fp in zip(curve["true_positives"], curve["false_positives"], strict=True)]
    empty = [i for i, n in enumerate(counts) if n == 0]
    assert len(empty) > 10  # the case this test is about
    points = [tuple(float(v) for v in p.split(",")) for p in (line.get_attribute("points") or "").split()]
    assert len(points) == len(counts) - len(empty)
    # the chart's own geometry: the (recall 0, precision 0) corner is where the two axes meet
    corner = (44.0, 248.0)
    assert corner not in points
    drawn = [int(i) for i in (line.get_attribute("data-thresholds") or "").split()]
    assert drawn and not set(drawn) & set(empty)
    # what the eye sees: the line's lowest point stays well above the x axis
    box = line.bounding_box()
    axis = card.locator("svg line").first.bounding_box()  # x = recall 0 grid line, spans the plot height
    assert box is not None and axis is not None
    assert box["y"] + box["height"] < axis["y"] + axis["height"] - 20
    page.screenshot(path=str(artifacts / "pr-curves-step0.png"))


def test_hparams_views_and_session_curves(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=hparams")
    rows = page.locator(".hp-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 4
    header = page.locator(".hp-table th").all_inner_texts()
    loss_col = header.index("hparam/val_loss")
    page.locator(".hp-table th", has_text="hparam/val_loss").click()
    losses = [float(r.locator("td").nth(loss_col).inner_text()) for r in rows.all()]
    assert losses == sorted(losses)
    page.locator(".hp-filters fieldset", has_text="optimizer").locator("label", has_text="sgd").locator(
        "input"
    ).uncheck()
    page.wait_for_function("() => document.querySelectorAll('.hp-table tbody tr').length === 2")
    page.screenshot(path=str(artifacts / "hparams-table.png"))
    with page.expect_download() as dl:
        page.locator(".filter-bar button", has_text="CSV").click()
    csv_rows = Path(dl.value.path()).read_text().splitlines()
    assert csv_rows[0].startswith("run,learning_rate,optimizer,width,") and len(csv_rows) == 1 + 2
    page.locator(".hp-table tbody tr").first.click()
    page.locator(".hp-session .card canvas").first.wait_for(timeout=30_000)
    assert page.locator(".hp-session .card").count() >= 5
    page.locator(".filter-bar .tab", has_text="Parallel").click()
    assert page.locator(".hp-parallel polyline").count() == 2
    page.locator("select.color-by").select_option(label="optimizer")
    page.screenshot(path=str(artifacts / "hparams-parallel.png"))
    page.locator(".filter-bar .tab", has_text="Scatter").click()
    assert page.locator(".hp-scatter .hp-cell").count() == 2 * 3
    page.screenshot(path=str(artifacts / "hparams-scatter.png"))


def test_custom_scalars_and_mesh(open_page: Any, demo: Served, artifacts: Path) -> None:
    page = _open(open_page, demo, "dash=custom_scalars")
    multi = page.locator('.card[data-tag="train vs val"]')
    multi.locator("canvas").first.wait_for()
    assert multi.locator(".legend > span").count() == 10  # 5 runs x (train/loss, val/loss)
    page.locator('.card[data-tag="val accuracy with 95% band"] canvas').first.wait_for()
    page.screenshot(path=str(artifacts / "custom-scalars.png"))
    page = _open(open_page, demo, "dash=mesh")
    page.locator(".mesh-host canvas").wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "mesh.png"))
    assert "1152 vertices" in page.locator(".run-mesh .run-label").inner_text()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("hostile")
    logdir = tmp / "logs"
    evil = '<img src=x onerror="window.__pwned=1">'
    with SummaryWriter(logdir / evil.replace("/", "_")) as w:
        w.add_text(
            "notes",
            "# Title\n\n<script>window.__pwned=2</script>\n\n"
            + evil
            + "\n\n[click](javascript:window.__pwned=3)",
            0,
        )
        w.add_text(evil, "a tag name that is markup", 0)
        w.add_image(evil, np.zeros((3, 4, 4)), 0)
    yield from serve(["--logdir", str(logdir)], tmp)


def test_markdown_and_names_never_run_script(open_page: Any, hostile: Served, artifacts: Path) -> None:
    page = open_page(f"{hostile.url}/?dark=0&dash=text")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator(".card .markdown h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator(".markdown script").count() == 0
    assert page.locator(".markdown img[onerror]").count() == 0
    assert page.locator(".markdown a[href^='javascript']").count() == 0
    # Run and tag names that are markup show as text.
    assert page.locator(".run-name", has_text="<img").count() == 1
    assert page.locator(".card-title", has_text="<img").count() == 1
    open_dashboard(page, "images")
    page.locator(".card .image-row img").first.wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned") is None and not dialogs
    page.screenshot(path=str(artifacts / "text-hostile.png"))


def test_cards_name_runs_as_the_user_renamed_them(tmp_path: Path, open_page: Any, artifacts: Path) -> None:
    """A run renamed in the runs table reads by that name above its images, histograms and
    texts too (the folder's name on hover)."""
    import json
    import urllib.request

    rng = np.random.default_rng(0)
    with SummaryWriter(tmp_path / "logs" / "run_2026_12_04_a1b2") as w:
        w.add_image("samples", rng.random((3, 16, 16)), 0)
        w.add_histogram("weights", rng.normal(0, 1, 500), 0)
        w.add_text("notes", "hello", 0)
    for served in serve(["--logdir", str(tmp_path / "logs")], tmp_path):
        body = json.dumps({"run": "run_2026_12_04_a1b2", "display_name": "baseline, wide"}).encode()
        put = urllib.request.Request(
            served.url + "/api/plugins/runs/meta",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/json", "Origin": served.url},
        )
        assert urllib.request.urlopen(put, timeout=30).status == 200
        for dash in ("images", "histograms", "text"):
            page = open_page(f"{served.url}/?dark=0&dash={dash}", width=1280, height=800)
            label = page.locator(".card .run-label").first
            label.wait_for(timeout=60_000)
            page.wait_for_function(
                "() => document.querySelector('.card .run-label-name')?.textContent === 'baseline, wide'"
            )
            assert label.get_attribute("title") == "baseline, wide (run_2026_12_04_a1b2)"
            assert label.locator(".run-label-name").is_visible()
        page.screenshot(path=str(artifacts / "renamed-run-text.png"))
