"""What the page says when there is nothing to show: each reason once, in words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from serving import serve

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_no_data_says_each_reason_once(tmp_path: Path, open_page: Any, artifacts: Path, kind: str) -> None:
    logdir = tmp_path / ("does not exist" if kind == "missing" else "empty")
    if kind == "empty":
        logdir.mkdir()
    for served in serve(["--logdir", str(logdir)], tmp_path):
        page = open_page(served.url + "/?dark=0", width=1280, height=800)
        page.wait_for_selector(".empty h2", timeout=60_000)
        assert page.locator(".empty h2").inner_text() == "No data found"
        reasons = page.locator(".empty li").all_inner_texts()
        assert len(reasons) == 1, reasons
        if kind == "missing":
            assert str(logdir) in reasons[0] and "does not exist" in reasons[0]
            assert "nearest existing folder is " + str(tmp_path) in reasons[0]
        else:
            assert "tfevents" in reasons[0] and "no event files" in reasons[0].lower()
        page.screenshot(path=str(artifacts / f"empty-{kind}.png"))
