"""The exported HTML report in Chromium, offline: what a reader sees. The reload button and the
auto-reload choice (nothing to reload from a file) are hidden, and the runs carry the names and
colours the user gave them in the dashboard (read from the server's index)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from serving import indexed_client

from ridgeline import SummaryWriter
from ridgeline.ingest.source import normalize
from ridgeline.store import default_db_path

pytestmark = pytest.mark.browser


def test_report_hides_reload_and_shows_the_names_users_gave(
    browser: Any, artifacts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logdir = tmp_path / "runs"
    for i, name in enumerate(("adam_seed0", "sgd_seed0")):
        with SummaryWriter(logdir / name) as w:
            for step in range(50):
                w.add_scalar("loss", 1.0 / (step + 1) + i, step)
    # The user renamed and recoloured a run in `ridgeline --logdir runs` (its default index).
    cache = tmp_path / "cache"
    monkeypatch.setenv("RIDGELINE_CACHE_DIR", str(cache))
    client = indexed_client(logdir, default_db_path(f":{normalize(str(logdir))}"))
    said = {"run": "adam_seed0", "display_name": "Adam, the baseline", "color": "#d01c8b"}
    assert client.put("/api/plugins/runs/meta", json=said).status_code == 200
    client.close()

    out = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "export", "--logdir", str(logdir), "--out", str(out)],
        capture_output=True,
        text=True,
        env=dict(os.environ, RIDGELINE_CACHE_DIR=str(cache)),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri() + "?dark=0")
    page.wait_for_selector('.card[data-tag="loss"] canvas', timeout=30_000)
    header = page.locator("header")
    assert header.locator(".report-badge").is_visible()
    # Nothing to reload in a file: the controls are not there to see (they were, greyed out).
    assert not header.locator(".reload").is_visible()
    assert not header.locator(".reload-every").is_visible()
    # The run reads as the user named it, in the user's colour.
    row = page.locator('.runs-grid tr.run-row[data-run="adam_seed0"]')
    assert row.locator(".run-name").inner_text() == "Adam, the baseline"
    assert row.locator(".swatch").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(208, 28, 139)"
    other = page.locator('.runs-grid tr.run-row[data-run="sgd_seed0"]')
    assert other.locator(".run-name").inner_text() == "sgd_seed0"
    # The card shows its title, and its menu offers no downloads (a file has no server to ask).
    card = page.locator('.card[data-tag="loss"]')
    title = card.locator(".card-title").bounding_box()
    assert title is not None and title["width"] >= 80
    card.locator(".card-menu .menu-button").click()
    menu = card.locator(".popup-menu")
    assert menu.locator("button[title='Enlarge']").is_visible()
    assert not menu.locator("button.dl").first.is_visible()
    assert not menu.locator(".dl-section").is_visible()
    page.keyboard.press("Escape")
    page.screenshot(path=str(artifacts / "report-names-no-reload.png"))
    context.close()
    assert not errors, errors
