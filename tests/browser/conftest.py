"""A real headless Chromium (Debian's, driven by Playwright) for the dashboard tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed, and CI must run the browser tests")
        pytest.skip("Debian chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"],
        )
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``open_page(url)`` -> a page; fails the test if the page threw a JavaScript error."""
    pages: list[tuple[Any, list[str]]] = []

    def open_(url: str, width: int = 1400, height: int = 1000) -> Any:
        page = browser.new_page(viewport={"width": width, "height": height})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # The Content-Security-Policy must never block the dashboard's own scripts, styles,
        # images or API calls ("Refused to load/connect/evaluate..."), and must itself parse.
        # (It does block inline handlers in hostile markup while DOMPurify parses it: that is
        # CSP doing its job; the XSS test checks that nothing ran.)
        def on_console(m: Any) -> None:
            csp = "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            blocked_ours = m.text.startswith("Refused to") or "does not support" in m.text
            if m.type == "error" and csp and blocked_ours:
                errors.append(m.text)

        page.on("console", on_console)
        page.goto(url)
        pages.append((page, errors))
        return page

    yield open_
    for page, errors in pages:
        page.close()
        assert not errors, errors
