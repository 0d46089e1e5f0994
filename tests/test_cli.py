"""The command line: serving, port handling, inspect, empty states."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
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


def test_help_shows_the_serve_options_and_commands() -> None:
    out = run_cli("--help")
    assert out.returncode == 0
    for option in ("--logdir", "--port", "--host", "--db", "--reindex", "--reload_interval", "--cors_origin"):
        assert option in out.stdout, option
    assert "ridgeline demo" in out.stdout and "ridgeline inspect" in out.stdout
    from ridgeline import __version__

    assert run_cli("--version").stdout.strip() == f"ridgeline {__version__}"
    assert "--no-serve" in run_cli("demo", "--help").stdout


def test_a_file_given_as_logdir_is_named_as_a_file(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "runs" / "exp") as w:
        w.add_scalar("loss", 1.0, 0)
    (f,) = (tmp_path / "runs" / "exp").glob("*tfevents*")
    for args in (["--logdir", str(f), "--port", "0"], ["inspect", "--logdir", str(f)]):
        out = run_cli(*args)
        assert out.returncode != 0
        assert "is a file" in out.stderr and f"--logdir {tmp_path / 'runs'}" in out.stderr
        assert "Traceback" not in out.stderr


def test_inspect_exit_status_follows_what_it_reports(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path / "clean" / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    clean = run_cli("inspect", "--logdir", str(tmp_path / "clean"))
    assert clean.returncode == 0 and "no problems found" in clean.stdout
    bad = tmp_path / "clean" / "run" / "events.out.tfevents.2.garbage"
    bad.write_bytes(os.urandom(3000))
    out = run_cli("inspect", "--logdir", str(tmp_path / "clean"))
    assert out.returncode == 1
    assert f"{bad}: skipped unreadable bytes from byte 0 (not TFRecord data" in out.stdout
    assert "holds only its header" not in out.stdout and "partial record" not in out.stdout


def test_special_files_and_link_loops_are_skipped_with_a_message(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    os.mkfifo(logdir / "run" / "events.out.tfevents.9.fifo")
    os.symlink("/dev/zero", logdir / "run" / "events.out.tfevents.9.zero")
    os.symlink("..", logdir / "run" / "loop")
    os.symlink(logdir, logdir / "self")
    out = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "inspect", "--logdir", str(logdir)],
        capture_output=True,
        text=True,
        timeout=30,  # a FIFO opened for reading, or a walk that loops, would hang here
    )
    assert out.returncode == 1
    assert "run 'run'" in out.stdout and out.stdout.count("run '") == 1
    assert "events.out.tfevents.9.fifo: named like an event file but is a FIFO" in out.stdout
    assert "events.out.tfevents.9.zero: named like an event file but is a character device" in out.stdout
    assert "loop: a link to a folder already read" in out.stdout


def test_closed_pipe_is_no_traceback(tmp_path: Path) -> None:
    for r in range(200):
        (tmp_path / "logs" / f"run{r}").mkdir(parents=True)
        (tmp_path / "logs" / f"run{r}" / "events.out.tfevents.1.x").write_bytes(b"")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ridgeline.cli", "inspect", "--logdir", str(tmp_path / "logs")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    proc.wait(30)
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_demo_checks_the_port_before_writing_anything(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = run_cli("demo", "--logdir", str(target), "--port", str(port))
    assert out.returncode != 0 and "already in use" in out.stderr
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_demo_replaces_an_earlier_demo_and_leaves_other_folders_alone(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    assert run_cli("demo", "--logdir", str(target), "--no-serve").returncode == 0
    files = sorted(p.relative_to(target) for p in target.rglob("*tfevents*"))
    assert run_cli("demo", "--logdir", str(target), "--no-serve").returncode == 0
    again = sorted(p.relative_to(target) for p in target.rglob("*tfevents*"))
    assert len(again) == len(files)  # replaced, not added to
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # no staging folder left behind
    mine = tmp_path / "mine"
    (mine / "exp").mkdir(parents=True)
    (mine / "exp" / "notes.txt").write_text("keep me")
    out = run_cli("demo", "--logdir", str(mine), "--no-serve")
    assert out.returncode != 0 and "not a Ridgeline demo" in out.stderr
    assert (mine / "exp" / "notes.txt").read_text() == "keep me"


def test_reindex_throws_the_index_away(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "run") as w:
        for s in range(10):
            w.add_scalar("loss", float(s), s)
    db = tmp_path / "index.sqlite"
    for served in serve(["--logdir", str(logdir), "--db", str(db)], tmp_path):
        urllib.request.urlopen(served.url + "/api/health").read()
        busy = run_cli("--logdir", str(logdir), "--db", str(db), "--reindex", "--port", "0")
        assert busy.returncode != 0 and "another ridgeline server is using the index" in busy.stderr
    for served in serve(["--logdir", str(logdir), "--db", str(db), "--reindex"], tmp_path):
        for _ in range(100):
            tags = json.loads(urllib.request.urlopen(served.url + "/api/plugins/scalars/tags").read())
            if tags["runs"]:
                break
            time.sleep(0.1)
        assert tags["runs"]["run"]["loss"]["count"] == 10


def test_unwritable_index_folder_is_explained(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    out = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "--logdir", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, RIDGELINE_CACHE_DIR=str(blocked / "cache")),
    )
    assert out.returncode != 0 and "cannot create the index" in out.stderr and "--db" in out.stderr
    assert "Traceback" not in out.stderr


def test_health_thresholds_are_parsed_and_checked() -> None:
    from ridgeline.plugins.health.rules import HealthConfig

    cfg = HealthConfig.parse("vanishing_abs=1e-9, plateau_min_points=500")
    assert cfg.vanishing_abs == 1e-9 and cfg.plateau_min_points == 500 and cfg.exploding_abs == 1e3
    out = run_cli("--logdir", ".", "--port", "0", "--health", "vanish=1")
    assert out.returncode != 0 and "unknown health threshold 'vanish=1'" in out.stderr
    assert "vanishing_abs" in out.stderr  # the known names are listed


def test_help_lists_every_command() -> None:
    from ridgeline.cli import _parser

    out = run_cli("--help").stdout
    for name in _parser()[1]:
        assert f"ridgeline {name} " in out or f"ridgeline [{name}] " in out, name


def test_list_shows_the_address_the_server_printed(tmp_path: Path) -> None:
    env = dict(os.environ, RIDGELINE_CACHE_DIR=str(tmp_path / "cache"))
    for served in serve(["--logdir", str(tmp_path)], tmp_path):
        for _ in range(100):  # the server records itself just after it prints its address
            listed = subprocess.run(
                [sys.executable, "-m", "ridgeline.cli", "list"],
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
            )
            if "no ridgeline server" not in listed.stdout:
                break
            time.sleep(0.1)
        assert listed.stdout.startswith(f"{served.url}/  pid {served.proc.pid} "), (served.url, listed.stdout)
