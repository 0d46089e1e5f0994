"""Jupyter: a real notebook executed with nbclient: ``%load_ext ridgeline`` and ``%ridgeline
--logdir`` embed the dashboard (an iframe to a server that answers), a second call reuses the
server, and records of dead servers clean themselves up."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

from ridgeline import SummaryWriter
from ridgeline.notebook import ServerInfo, register, running


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RIDGELINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def iframe_port(cell: nbformat.NotebookNode) -> int:
    (out,) = [o for o in cell.outputs if o.get("output_type") == "display_data"]
    markup = out["data"]["text/html"]
    m = re.search(r'<iframe src="http://127\.0\.0\.1:(\d+)/"', markup)
    assert m, markup
    return int(m.group(1))


def test_magic_embeds_the_dashboard_and_reuses_the_server(tmp_path: Path, cache: Path) -> None:
    logdir = tmp_path / "logs 日志"
    with SummaryWriter(logdir / "run") as w:
        w.add_scalar("loss", 0.5, 1)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext ridgeline"),
        nbformat.v4.new_code_cell(f"%ridgeline --logdir '{logdir}' --height 600"),
        nbformat.v4.new_code_cell(f"%ridgeline --logdir '{logdir}'"),
        nbformat.v4.new_code_cell("import ridgeline.notebook as n; print([s.port for s in n.running()])"),
    ]
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
        first, again = iframe_port(nb.cells[1]), iframe_port(nb.cells[2])
        assert first == again  # the second call reused the running server
        markup = nb.cells[1].outputs[0]["data"]["text/html"]
        assert 'height="600"' in markup
        pid = running()[0].pid  # the output says how the server ends
        assert f"it stops with this kernel, or now with <code>!kill {pid}</code>" in markup
        assert nb.cells[3].outputs[0]["text"].strip() == f"[{first}]"
        runs = json.loads(urllib.request.urlopen(f"http://localhost:{first}/api/runs", timeout=30).read())
        for _ in range(100):  # the first index may still be running
            if runs:
                break
            time.sleep(0.1)
            runs = json.loads(urllib.request.urlopen(f"http://localhost:{first}/api/runs", timeout=30).read())
        assert [r["name"] for r in runs] == ["run"]
        page = urllib.request.urlopen(f"http://localhost:{first}/", timeout=30)
        assert "frame-ancestors 'self' http://localhost:*" in page.headers["content-security-policy"]
        listed = subprocess.run(
            [sys.executable, "-m", "ridgeline.cli", "list"],
            capture_output=True,
            text=True,
            timeout=60,
            env=os.environ,
        )
        assert f"http://127.0.0.1:{first}/" in listed.stdout and str(logdir) in listed.stdout
    finally:
        for s in running():
            os.kill(s.pid, signal.SIGTERM)


def test_records_of_dead_servers_clean_themselves_up(cache: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = register(ServerInfo(dead.pid, "127.0.0.1", 1, ["/nowhere"], 0.0))
    (cache / "servers" / "garbage.json").write_text("{not json")
    assert running() == [] and not path.exists() and not (cache / "servers" / "garbage.json").exists()
    out = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "list"], capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "no ridgeline server is running"


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("how", ["exits", "is killed"])
def test_a_server_the_magic_started_stops_with_its_kernel(tmp_path: Path, cache: Path, how: str) -> None:
    """The kernel's end (a normal exit, or SIGKILL as a kernel restart does) stops the server."""
    kernel = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, ridgeline.notebook as n; print(n.start(sys.argv[1]).pid, flush=True); sys.stdin.read()",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert kernel.stdout is not None and kernel.stdin is not None
    pid = int(kernel.stdout.readline())
    try:
        assert not gone(pid) and [s.pid for s in running()] == [pid]
        if how == "exits":
            kernel.stdin.close()
        else:
            kernel.kill()
        kernel.wait(30)
        deadline = time.monotonic() + 30
        while not gone(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert gone(pid), f"the server outlived its kernel ({how})"
        assert running() == []
    finally:
        if not gone(pid):
            os.kill(pid, signal.SIGKILL)
