"""The explanations dashboard on tf-explain's example (Keras, torch backend): a table per class
with the input and each method's overlay, a step slider, two steps side by side, the class
selector in the URL, a legend per method, and the attribution value under the pointer."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest
from serving import serve

pytestmark = pytest.mark.browser
pytest.importorskip("torch")
if importlib.util.find_spec("keras") is None:
    pytest.skip("keras is not installed", allow_module_level=True)

SCRIPT = Path(__file__).resolve().parents[1] / "explain" / "keras_explain_fit.py"
TITLES = [
    "Grad CAM",
    "GradientsInputs",
    "IntegratedGradients",
    "Occlusion Sensitivity",
    "SmoothGrad",
    "VanillaGradients",
]


def test_explanations_dashboard(tmp_path: Path, artifacts: Path, open_page: Any) -> None:
    logdir = tmp_path / "logs"
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(logdir)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dash=explanations&dark=0", width=1500, height=1000)
        page.locator(".ex-table").first.wait_for(timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('.ex-table').length === 2")
        assert page.locator(".ex-table .card-title").all_inner_texts() == ["Class 0", "Class 4"]
        for table in page.locator(".ex-table").all():
            heads = [h.split("\n")[0] for h in table.locator("th.ex-method").all_inner_texts()]
            assert sorted(heads) == TITLES
            assert table.locator("tbody tr").count() == 4  # one row per explained input
        assert page.locator(".ex-step-value").inner_text() == "3"  # the newest epoch
        # the legend says what the colours mean: 0 to the largest magnitude logged
        assert page.locator(".ex-legend-labels").first.inner_text().startswith("0")

        # an earlier epoch, in the URL
        page.locator("input.ex-step").fill("0")
        page.wait_for_function("() => document.querySelector('.ex-step-value').textContent === '0'")
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["exstep"] == ["0"]
        page.wait_for_function(
            "() => document.querySelector('.ex-table .card-head').textContent.includes('step 0')"
        )

        # one class
        page.select_option("select.ex-class", "4")
        page.wait_for_function("() => document.querySelectorAll('.ex-table').length === 1")
        assert page.locator(".ex-table .card-title").inner_text() == "Class 4"
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["class"] == ["4"]

        # two epochs side by side: epoch 0 against the last
        page.locator("input.ex-compare-toggle").check()
        page.locator("input.ex-compare").fill("3")
        page.wait_for_function(
            "() => document.querySelector('.ex-table .card-head').textContent.includes('step 0 vs 3')"
        )
        first_cell = page.locator(".ex-table tbody tr").first.locator("td").nth(1)
        assert first_cell.locator("img.ex-img").count() == 2
        alts = first_cell.locator("img.ex-img").evaluate_all("els => els.map(e => e.alt)")
        assert [a.split(" step ")[1] for a in alts] == ["0 #0", "3 #0"]
        page.locator("input.ex-compare-toggle").uncheck()
        page.locator("input.ex-step").fill("3")
        page.wait_for_function(
            "() => document.querySelector('.ex-table .card-head').textContent.trim().endsWith('step 3')"
        )

        # hover: the value shown is the logged attribution at that point (on the bar, class 4)
        column = [h.split("\n")[0] for h in page.locator("th.ex-method").all_inner_texts()].index(
            "IntegratedGradients"
        )
        img = page.locator(".ex-table tbody tr").first.locator("td").nth(column + 1).locator("img.ex-img")
        img.wait_for()
        page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
        box = img.bounding_box()
        r, c = 23, 20
        x, y = box["x"] + (c + 0.5) / 28 * box["width"], box["y"] + (r + 0.5) / 28 * box["height"]
        page.mouse.move(x, y)
        page.mouse.move(x + 0.5, y)  # the first move loads the map
        hover = page.locator(".ex-hover-value")
        hover.wait_for()
        run = next(
            rn
            for rn in httpx.get(served.url + "/api/plugins/explanations/tags").json()["runs"]
            if rn.startswith("integrated_gradients_4/")
        )
        values = httpx.get(
            served.url + "/api/plugins/explanations/map",
            params={"run": run, "tag": "explanations/IntegratedGradients", "sample": 0},
        ).json()["values"]
        expected = values[r][c]
        assert abs(float(hover.inner_text()) - expected) <= 5e-3 * abs(expected) + 1e-6  # 3 digits shown
        page.screenshot(path=str(artifacts / "explanations-dashboard.png"))
