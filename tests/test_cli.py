"""The command line: serving, port handling, inspect, empty states."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from serving import serve

from ridgeline import SummaryWriter


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_port_in_use_gets_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = run_cli("--logdir", str(tmp_path), "--port", str(port))
    assert out.returncode != 0
    assert f"port {port}" in out.stderr and "already in use" in out.stderr and "--port 0" in out.stderr


def test_inspect_reports_runs_and_problems(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "logs" / "run 一") as w:
        for s in range(5):
            w.add_scalar("loss", s, s)
    (tmp_path / "logs" / "stalled").mkdir()
    (tmp_path / "logs" / "stalled" / "events.out.tfevents.1.host").write_bytes(b"")
    out = run_cli("inspect", "--logdir", str(tmp_path / "logs"))
    assert "run 'run 一'" in out.stdout and "tag 'loss' [scalars, scalar] steps 0..4, 5 points" in out.stdout
    assert "has not flushed" in out.stdout
    typo = run_cli("inspect", "--logdir", str(tmp_path / "logz"))
    assert typo.returncode == 1 and "did you mean" in typo.stdout and str(tmp_path / "logs") in typo.stdout


def test_missing_logdir_is_explained_by_the_api(tmp_path: Path) -> None:
    for served in serve(["--logdir", str(tmp_path / "nowhere")], tmp_path):
        status = json.loads(urllib.request.urlopen(served.url + "/api/status").read())
        assert status["missing"] == [str(tmp_path / "nowhere")]
        assert status["suggestion"].startswith(str(tmp_path / "nowhere") + " does not exist")


def test_logdir_spec_names_runs(tmp_path: Path) -> None:
    for name in ("x", "y"):
        with SummaryWriter(tmp_path / name / "run") as w:
            w.add_scalar("loss", 1.0, 0)
    spec = f"first:{tmp_path / 'x'},second:{tmp_path / 'y'}"
    for served in serve(["--logdir_spec", spec], tmp_path):
        import time

        for _ in range(100):
            runs = [r["name"] for r in json.loads(urllib.request.urlopen(served.url + "/api/runs").read())]
            if len(runs) == 2:
                break
            time.sleep(0.1)
        assert runs == ["first/run", "second/run"]


def test_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    import signal

    for served in serve(["--logdir", str(tmp_path)], tmp_path):
        urllib.request.urlopen(served.url + "/api/health").read()  # fully up
        served.proc.send_signal(signal.SIGINT)
        out, _ = served.proc.communicate(timeout=20)
        assert served.proc.returncode == 0
        assert "Ridgeline stopped." in out and "Traceback" not in out
