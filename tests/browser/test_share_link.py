"""A team server in a real headless Chromium: the page asks for a token, a read-only share link
limited to some runs opens the dashboard with only those runs, without the token in the address,
and with nothing that could change data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from serving import serve

from ridgeline import SummaryWriter

pytestmark = pytest.mark.browser


def test_share_link_opens_a_read_only_dashboard_of_its_runs(
    open_page: Any, tmp_path: Path, artifacts: Path
) -> None:
    logdir = tmp_path / "logs"
    for run in ("resnet/lr0.1", "resnet/lr0.01", "vit/base"):
        with SummaryWriter(logdir / run) as w:
            for s in range(50):
                w.add_scalar("loss", 1.0 / (s + 1), s)
    db = tmp_path / "index.sqlite"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "ridgeline.cli",
            "token",
            "create",
            "--db",
            str(db),
            "--read-only",
            "--runs",
            "^resnet/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    link = made.stdout.split(": ", 1)[1].split()[0]
    for served in serve(["--logdir", str(logdir), "--db", str(db), "--auth", "on"], tmp_path):
        page = open_page(served.url + "/")
        assert "needs an access token" in page.inner_text("body")
        page.fill("input[name=token]", "rl_00000000_" + "n" * 32)
        page.click("button[type=submit]")
        assert "not valid" in page.inner_text("body")
        page.fill("input[name=token]", link)
        page.click("button[type=submit]")
        page.wait_for_selector(".runs-grid tr.run-row", timeout=30_000)
        page.wait_for_selector(".uplot", timeout=30_000)
        assert "token=" not in page.url
        runs = page.eval_on_selector_all(".runs-grid tr.run-row", "rows => rows.map(r => r.dataset.run)")
        assert sorted(runs) == ["resnet/lr0.01", "resnet/lr0.1"]
        assert page.inner_text(".runs-tools .read-only") == "read-only"
        assert page.locator(".row-menu").count() == 0 and page.locator(".trash-btn").count() == 0
        assert page.locator("input[type=color]").count() == 0
        page.screenshot(path=str(artifacts / "share-link-read-only.png"))
