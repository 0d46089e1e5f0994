"""The package as users get it: build the wheel, install it into a fresh virtual environment
outside the checkout, and use that copy's ``ridgeline`` command (demo, export, inspect, serve)
with the dashboard and the exported report opened in headless Chromium.

An editable install reads the source tree, so it cannot show a file missing from the wheel
(the report page once was) or a dependency missing from ``pyproject.toml``. This test runs
from a folder outside the checkout with no ``PYTHONPATH``, so only the installed copy can be
imported. Pip's cache is reused, so after the first run installing costs seconds.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import stop

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["RIDGELINE_CACHE_DIR"] = str(tmp / "cache")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The ``bin`` folder of a fresh venv (outside the checkout) holding the built wheel."""
    if shutil.which("npm") is None:
        pytest.fail("building the wheel needs npm (the dashboard is built into it)")
    tmp = tmp_path_factory.mktemp("wheel")
    env = _env(tmp)
    started = time.perf_counter()
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(ROOT)],
        tmp,
        env,
        timeout=600,
    )
    (wheel,) = (tmp / "dist").glob("ridgeline-*.whl")
    _run([sys.executable, "-m", "venv", str(tmp / "venv")], tmp, env)
    bin_ = tmp / "venv" / "bin"
    _run([str(bin_ / "python"), "-m", "pip", "install", "-q", str(wheel)], tmp, env, timeout=600)
    where = _run(
        [str(bin_ / "python"), "-c", "import ridgeline, sys; print(ridgeline.__file__)"], tmp, env
    ).strip()
    assert where.startswith(str(tmp / "venv")), where  # the installed copy, not the checkout
    print(f"built and installed the wheel in {time.perf_counter() - started:.1f} s")
    yield bin_


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is not installed, and CI must run the wheel smoke test")
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"],
        )
        yield b
        b.close()


def _open(browser: Any, url: str, selector: str) -> list[str]:
    """Open ``url``, wait for ``selector``; the page's JavaScript errors and failed requests."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(url)
    page.wait_for_selector(selector, timeout=60_000)
    page.wait_for_timeout(300)  # late errors (a chunk that fails to load)
    page.close()
    return errors


@pytest.mark.browser
def test_the_installed_wheel_demos_exports_inspects_and_serves(
    installed: Path, chromium: Any, tmp_path: Path
) -> None:
    cwd = tmp_path / "elsewhere"  # not the checkout: `import ridgeline` finds only the installed copy
    cwd.mkdir()
    env = _env(tmp_path)
    ridgeline = str(installed / "ridgeline")
    logdir = tmp_path / "demo"
    _run([ridgeline, "demo", "--no-serve", "--logdir", str(logdir)], cwd, env)
    assert any(logdir.rglob("events.out.tfevents.*"))

    report = tmp_path / "report.html"
    out = _run([ridgeline, "export", "--logdir", str(logdir), "--out", str(report)], cwd, env)
    assert report.is_file() and "wrote" in out

    out = _run([ridgeline, "inspect", "--logdir", str(logdir)], cwd, env)
    assert "baseline" in out

    proc = subprocess.Popen(
        [ridgeline, "--logdir", str(logdir), "--port", "0"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        m = re.search(r"at (http://\S+/) \(index", line)
        assert m, line + proc.stdout.read() if proc.poll() is not None else line
        icon = urllib.request.urlopen(m.group(1) + "favicon.ico", timeout=30)  # shipped in the wheel
        assert icon.headers["content-type"].startswith("image/svg+xml")
        assert _open(chromium, m.group(1), 'header nav a[data-dash="scalars"]') == []
        assert _open(chromium, report.as_uri(), ".card canvas") == []
    finally:
        stop(proc)
