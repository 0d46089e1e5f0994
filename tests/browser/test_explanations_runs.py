"""The explanations dashboard with several training runs, each logging the same methods (our
own ``log_explanation``, no model needed), at a laptop's 1280 px: each run is its own section
under its name, its methods once each; two steps side by side stay inside the page (or scroll
inside their card) with each of the two images labelled by its step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from serving import serve

from ridgeline import SummaryWriter
from ridgeline.explain.callbacks import log_explanation

pytestmark = pytest.mark.browser

RUNS = ["lr_0.1", "lr_0.01"]
LOADED = "() => [...document.querySelectorAll('img.ex-img')].every(i => i.complete && i.naturalWidth > 0)"
TITLES = ["Grad CAM", "IntegratedGradients", "Occlusion", "SmoothGrad", "VanillaGradients", "Saliency"]


def _write(logdir: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.random((3, 1, 28, 28))
    for run in RUNS:
        with SummaryWriter(str(logdir / run)) as w:
            for step in (0, 1):
                for title in TITLES:
                    log_explanation(w, title, x, rng.normal(size=x.shape), step, targets=[4, 4, 4])


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
        and inner["y"] >= outer["y"] - 1
    )


def test_runs_are_sections_and_compare_fits(tmp_path: Path, artifacts: Path, open_page: Any) -> None:
    _write(tmp_path / "logs")
    for served in serve(["--logdir", str(tmp_path / "logs")], tmp_path):
        page = open_page(served.url + "/?dash=explanations&dark=0", width=1280, height=900)
        page.locator(".ex-table img.ex-img").first.wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('.ex-table').length === 2")
        main = page.locator("main").bounding_box()

        # One section per run, its name a visible heading above its table; the methods once each.
        sections = page.locator(".ex-run")
        assert sections.count() == 2
        names = []
        for section in sections.all():
            heading = section.locator(".ex-run-name")
            assert heading.is_visible()
            names.append(heading.inner_text().strip())
            table = section.locator(".ex-table")
            assert table.count() == 1
            hbox, tbox = heading.bounding_box(), table.bounding_box()
            assert hbox["y"] + hbox["height"] <= tbox["y"] + 1  # the name is above its table
            heads = [h.split("\n")[0] for h in table.locator("th.ex-method").all_inner_texts()]
            assert sorted(heads) == sorted(TITLES)  # not repeated once per run
            assert _inside(tbox, main)
        assert sorted(names) == sorted(RUNS)
        page.wait_for_function(LOADED, timeout=30_000)
        page.screenshot(path=str(artifacts / "explanations-runs.png"), full_page=True)

        # Two steps side by side: each card stays inside the page; every pair says which step is which.
        page.locator("input.ex-compare-toggle").check()  # the newest step (1) against the first (0)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.ex-table .card-head')].every(h => h.textContent.includes('step 1 vs 0'))"
        )
        page.wait_for_function(
            "() => [...document.querySelectorAll('.ex-table tbody tr:first-child td:nth-child(2)')]"
            ".every(td => td.querySelectorAll('img.ex-img').length === 2)"
        )
        main = page.locator("main").bounding_box()
        for section in page.locator(".ex-run").all():
            card = section.locator(".ex-table")
            assert _inside(card.bounding_box(), main), (card.bounding_box(), main)
            scroller = card.locator(".ex-scroll")
            sbox = scroller.bounding_box()
            assert _inside(sbox, main)
            labels = card.locator("thead .ex-step-label")
            assert labels.count() == 2 * len(TITLES)
            first, second = labels.nth(0), labels.nth(1)
            assert (first.inner_text(), second.inner_text()) == ("step 1", "step 0")
            # the first pair's labels are on screen, side by side over the two images
            for lab in (first, second):
                assert lab.is_visible() and _inside(lab.bounding_box(), sbox)
            # scrolled to the end, the last pair's labels are on screen too
            scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
            for lab in (labels.nth(2 * len(TITLES) - 2), labels.nth(2 * len(TITLES) - 1)):
                assert lab.is_visible() and _inside(lab.bounding_box(), sbox)
        page.wait_for_function(LOADED, timeout=30_000)
        page.screenshot(path=str(artifacts / "explanations-runs-compare.png"), full_page=True)
