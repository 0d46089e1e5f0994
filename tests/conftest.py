"""Shared fixtures: temporary logdirs, a served logdir on a free port, fixture paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import team_services
from serving import Served, serve

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures" / "tb-logs"
ARTIFACTS = ROOT / "test-artifacts"


# A subset of the shared logdirs (every writer and edge case; 1.2 MB) lives in the repo, so a
# plain clone runs the compatibility tests too; the full shared set is used when present.
REPO_FIXTURES = ROOT / "tests" / "fixtures" / "tb-logs"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return SHARED_FIXTURES if SHARED_FIXTURES.is_dir() else REPO_FIXTURES


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[Served]:
    yield from serve(["demo", "--logdir", str(tmp_path / "demo logdir 演示")], tmp_path)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database on a real PostgreSQL server."""
    yield from team_services.pg_database()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-API server (moto) on loopback, for the whole session."""
    yield from team_services.s3_server()


@pytest.fixture
def s3_bucket(s3_endpoint: str) -> str:
    """A new empty bucket: its ``s3://`` URL."""
    return "s3://" + team_services.new_bucket()


@pytest.fixture(scope="session")
def azurite() -> Iterator[str]:
    """Azure's blob storage emulator on loopback, for the whole session."""
    yield from team_services.azurite_server()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI (``CI`` set), a skipped test is a failed one: nothing is skipped silently there
    (a missing browser, torch or fixture is an install bug)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI: {report.longrepr}"
