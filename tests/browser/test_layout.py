"""Every dashboard as a person sees it: at 1024, 1280 and 1920 px, in the light and dark theme,
on the demo logdir and on one of long run and tag names.

Layout is checked from bounding boxes (``seen.layout_problems``): card titles readable, no
control on top of another, every dashboard reachable from the header, distinct tick labels, no
text cut without an ellipsis and a hover title. axe-core finds no serious or critical
accessibility violation on any dashboard, and each dashboard at 1280 px matches its committed
baseline screenshot (``baselines/``; a perceptual diff, see ``seen.match_baseline``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from seen import (
    DEMO_DASHBOARDS,
    axe_violations,
    dashboards,
    layout_problems,
    match_baseline,
    open_dashboard,
    wait_ready,
)
from serving import Served, serve

from ridgeline import SummaryWriter
from ridgeline.explain.callbacks import log_explanation

pytestmark = pytest.mark.browser

LONG_RUN = "resnet50_imagenet_bs=256_lr=0.001_wd=5e-5_cosine_warmup=5_label_smoothing=0.1_seed={}"
LAYER = "encoder.layers.{}.self_attention.query_key_value.weight"


def write_long_names(logdir: Path) -> None:
    """Two runs with long names; eight `grad_norm/<long layer name>` charts that differ only in
    the middle; a learning rate from 0.001 to 0.003 (a small range that rounds badly); an image,
    a histogram, a text and explanations with long tags and method names."""
    rng = np.random.default_rng(0)
    for seed in range(2):
        with SummaryWriter(logdir / LONG_RUN.format(seed)) as w:
            for step in range(0, 200, 5):
                w.add_scalar("train/learning_rate", 0.001 + 0.002 * step / 195, step)
                w.add_scalar("train/loss", 2.0 * np.exp(-step / 80) + 0.05 * rng.random(), step)
                for i in range(8):
                    w.add_scalar(f"grad_norm/{LAYER.format(i)}", 1.0 + 0.1 * i + 0.02 * rng.random(), step)
            w.add_image(
                "samples/validation_inputs_outputs_and_targets_at_the_end_of_the_epoch",
                rng.random((3, 32, 64)),
                0,
            )
            w.add_histogram(f"weights/{LAYER.format(0)}", rng.normal(0, 1, 1000), 0)
            w.add_text("notes/a_rather_long_description_of_this_experiment_and_its_purpose", "**hi**", 0)
            x = rng.random((2, 1, 16, 16))
            for step in (0, 1):
                for method in (
                    "IntegratedGradients_with_a_gauss_legendre_baseline",
                    "Grad CAM of layer4.2.conv3",
                ):
                    log_explanation(w, method, x, rng.normal(size=x.shape), step, targets=[3, 7])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("layout-demo")
    yield from serve(["demo", "--logdir", str(tmp / "demo")], tmp)


@pytest.fixture(scope="module")
def long_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("layout-long")
    write_long_names(tmp / "logs")
    yield from serve(["--logdir", str(tmp / "logs")], tmp)


def _page(browser: Any, url: str, width: int, dark: bool, **context: Any) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, **context)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # reload=0: no polling, so "the page stopped fetching" means it is drawn.
    page.goto(f"{url}/?dark={int(dark)}&reload=0")
    page.wait_for_selector("header nav a.tab", timeout=60_000)
    return ctx, page, errors


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", [1024, 1280, 1920])
@pytest.mark.parametrize("logdir", ["demo", "long_names"])
def test_every_dashboard_is_readable(
    browser: Any, request: pytest.FixtureRequest, artifacts: Path, logdir: str, width: int, dark: bool
) -> None:
    served: Served = request.getfixturevalue(logdir)
    ctx, page, errors = _page(browser, served.url, width, dark)
    try:
        found = dashboards(page)
        labels = [label for _, label in found]
        if logdir == "demo":
            assert labels == DEMO_DASHBOARDS, labels  # every one reachable, at any width
        problems: list[str] = []
        for dash, label in found:
            open_dashboard(page, dash)
            wait_ready(page)
            problems += [f"{label}: {p}" for p in layout_problems(page)]
            if problems and not any(p.startswith(f"{label}:") for p in problems[:-1]):
                page.screenshot(
                    path=str(artifacts / f"layout-{logdir}-{width}-{'dark' if dark else 'light'}-{dash}.png")
                )
        assert not problems, "\n".join(problems)
        assert not errors, errors
    finally:
        ctx.close()


def test_long_titles_are_told_apart(browser: Any, long_names: Served, artifacts: Path) -> None:
    """The eight grad_norm charts differ only in the middle of their tags: each title shows its
    whole tag (wrapped onto a second line, not cut), and hovering shows it too."""
    ctx, page, _ = _page(browser, long_names.url, 1280, False)
    try:
        wait_ready(page)
        cards = page.locator(".card[data-tag^='grad_norm/']")
        assert cards.count() == 8
        for i in range(8):
            title = cards.nth(i).locator(".card-title")
            tag = f"grad_norm/{LAYER.format(i)}"
            assert title.inner_text().replace("\n", "") == tag
            assert title.get_attribute("title") == tag
            box = title.bounding_box()
            assert box is not None and box["width"] >= 200 and box["height"] <= 2 * 18 + 1, box
            # Nothing of it is cut off: drawn whole within its two lines.
            assert title.evaluate(
                "(el) => el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1"
            )
        page.screenshot(path=str(artifacts / "layout-long-titles.png"))
    finally:
        ctx.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("logdir", ["demo", "long_names"])
def test_no_serious_accessibility_violations(
    browser: Any, request: pytest.FixtureRequest, logdir: str, dark: bool
) -> None:
    served: Served = request.getfixturevalue(logdir)
    # axe-core is injected as a script: the page's Content-Security-Policy would refuse it.
    ctx, page, _ = _page(browser, served.url, 1280, dark, bypass_csp=True)
    try:
        found: list[str] = []
        for dash, label in dashboards(page):
            open_dashboard(page, dash)
            wait_ready(page)
            found += [f"{label}: {v}" for v in axe_violations(page)]
        assert not found, "\n".join(found)
    finally:
        ctx.close()


def test_dashboards_match_their_baselines(
    browser: Any, demo: Served, long_names: Served, artifacts: Path
) -> None:
    """Each dashboard at 1280 px (light) against baselines/<name>.png. The logdir's path, which
    differs per run, is masked."""
    failures: list[str] = []
    for key, served in (("demo", demo), ("long", long_names)):
        ctx, page, _ = _page(browser, served.url, 1280, False)
        try:
            for dash, _label in dashboards(page):
                open_dashboard(page, dash)
                wait_ready(page)
                page.mouse.move(0, 899)
                png = page.screenshot(mask=[page.locator("header .logdir")], animations="disabled")
                problem = match_baseline(png, f"{key}-{dash}", artifacts)
                if problem:
                    failures.append(problem)
        finally:
            ctx.close()
    assert not failures, "\n".join(failures)
