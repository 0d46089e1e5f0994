"""``scripts/test`` (the README's test command, which CI runs) with every program it calls
replaced by a stub that records its arguments: it installs into and runs everything from the
checkout's own ``.venv`` (never the machine's ``python3`` beyond making that venv), and stops
the PostgreSQL cluster it started, on success and failure, but not one that was running."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A stub: append "<name> <args>" to $STUB_LOG; a few of them act.
STUB = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$STUB_LOG"
"""
PYTHON3 = (
    STUB
    + """if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  for tool in python ruff mypy lint-imports; do
    printf '#!/usr/bin/env bash\\necho "%s/bin/$(basename "$0") $*" >> "$STUB_LOG"\\n' "$3" > "$3/bin/$tool"
    printf 'if [ "$2" = pytest ]; then exit "${PYTEST_RC:-0}"; fi\\n' >> "$3/bin/$tool"
    chmod +x "$3/bin/$tool"
  done
fi
"""
)
PG_CTLCLUSTER = (
    STUB
    + """case "$3" in
  status) [ -e "$PG_STATE" ] ;;
  start) touch "$PG_STATE" ;;
  stop) rm -f "$PG_STATE" ;;
esac
"""
)
PG_LSCLUSTERS = STUB + 'echo "15  main    5432 online postgres /var/lib/postgresql/15/main log"\n'
SUDO = STUB + 'exec "$@"\n'


def run_script(tmp: Path, pg_running: bool, pytest_rc: int = 0) -> tuple[int, list[str], bool]:
    """Run a copy of scripts/test in a stub checkout: (exit status, calls, cluster running after)."""
    repo = tmp / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "test", repo / "scripts" / "test")
    stubs = tmp / "bin"
    stubs.mkdir()
    scripts = {"python3": PYTHON3, "pg_ctlcluster": PG_CTLCLUSTER, "pg_lsclusters": PG_LSCLUSTERS}
    scripts["sudo"] = SUDO
    for name in ("chromium", "su", "npm", "apt-get", "psql"):
        scripts[name] = STUB
    for name, text in scripts.items():
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755)
    log, state = tmp / "calls.log", tmp / "pg-running"
    if pg_running:
        state.touch()
    log.touch()
    env = {
        "PATH": f"{stubs}:/usr/bin:/bin",
        "HOME": str(tmp),
        "STUB_LOG": str(log),
        "PG_STATE": str(state),
        "PYTEST_RC": str(pytest_rc),
    }
    done = subprocess.run(
        ["bash", str(repo / "scripts" / "test")], env=env, capture_output=True, text=True, timeout=60
    )
    calls = log.read_text().splitlines()
    assert "pytest" in log.read_text(), done.stdout + done.stderr
    return done.returncode, calls, state.exists()


@pytest.mark.parametrize("pytest_rc", [0, 1])
def test_it_runs_everything_from_its_own_venv_and_stops_the_cluster_it_started(
    tmp_path: Path, pytest_rc: int
) -> None:
    rc, calls, running_after = run_script(tmp_path, pg_running=False, pytest_rc=pytest_rc)
    assert rc == pytest_rc
    venv = ".venv/bin/"  # as the stub venv's programs name themselves
    python3 = [c for c in calls if c.startswith("python3 ")]
    # the machine's python3 only makes the venvs (.venv, and .venv-tf for TensorFlow)
    assert python3 and all(c.startswith("python3 -m venv ") for c in python3), python3
    assert "python3 -m venv .venv" in python3, python3
    ran = [c.split()[0] for c in calls]
    for tool in ("ruff", "mypy", "lint-imports"):
        assert venv + tool in ran, calls
    assert "ruff" not in ran and "mypy" not in ran and "lint-imports" not in ran
    assert any(c.startswith(venv + "python -m pip install") and "[test]" in c for c in calls), calls
    assert any(c.startswith(venv + "python -m pytest") for c in calls), calls
    assert "pg_ctlcluster 15 main start" in calls and "pg_ctlcluster 15 main stop" in calls
    assert not running_after


def test_it_leaves_a_cluster_that_was_already_running_alone(tmp_path: Path) -> None:
    rc, calls, running_after = run_script(tmp_path, pg_running=True)
    assert rc == 0
    assert [c for c in calls if c.startswith("pg_ctlcluster")] == ["pg_ctlcluster 15 main status"]
    assert running_after


def test_ci_runs_scripts_test() -> None:
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text()
    assert os.access(ROOT / "scripts" / "test", os.X_OK)
