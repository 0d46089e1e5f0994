"""Shared fixtures: temporary logdirs, a served logdir on a free port, fixture paths."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import Served, serve

ROOT = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures" / "tb-logs"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    if not SHARED_FIXTURES.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared fixtures not found at {SHARED_FIXTURES}; CI must run these tests")
        pytest.skip(f"shared fixtures not found at {SHARED_FIXTURES}")
    return SHARED_FIXTURES


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[Served]:
    yield from serve(["demo", "--logdir", str(tmp_path / "demo logdir 演示")], tmp_path)
