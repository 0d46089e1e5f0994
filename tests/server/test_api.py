"""The HTTP API over a real logdir, index and provider."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from ridgeline import SummaryWriter
from ridgeline.data.downsample import extreme_indices
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    logdir = tmp_path / "logs"
    values = np.sin(np.arange(10_000) / 300)
    values[7777] = 50.0  # one spike
    with SummaryWriter(logdir / "a") as w:
        for s, v in enumerate(values):
            w.add_scalar("train/loss", v, s, walltime=1000.0 + s)
        w.add_scalar("weird", float("nan"), 0)
        w.add_scalar("weird", float("inf"), 1)
        w.add_scalar("weird", float("-inf"), 2)
    with SummaryWriter(logdir / "b") as w:
        for s in range(10):
            w.add_scalar("train/loss", s, s)
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return TestClient(create_app(LocalDataProvider(store, ingester)))


def test_runs_and_tags(client: TestClient) -> None:
    assert [r["name"] for r in client.get("/api/runs").json()] == ["a", "b"]
    tags = client.get("/api/plugins/scalars/tags").json()["runs"]
    assert tags["a"]["train/loss"]["count"] == 10_000 and tags["a"]["train/loss"]["last_step"] == 9999
    assert client.get("/api/plugins").json()["plugins"] == ["scalars"]


def test_full_series_and_downsampled_keeps_the_spike(client: TestClient) -> None:
    full = client.get("/api/plugins/scalars/series", params={"run": "a", "tag": "train/loss"}).json()
    assert len(full["step"]) == 10_000 and full["total"] == 10_000
    small = client.get(
        "/api/plugins/scalars/series", params={"run": "a", "tag": "train/loss", "points": 200}
    ).json()
    assert 100 <= len(small["step"]) <= 260
    assert 7777 in small["step"] and max(small["value"]) == 50.0
    assert small["step"][0] == 0 and small["step"][-1] == 9999
    assert small["step"] == sorted(small["step"])


def test_non_finite_values_survive(client: TestClient) -> None:
    body = client.get("/api/plugins/scalars/series", params={"run": "a", "tag": "weird"}).json()
    assert body["value"] == ["NaN", "Infinity", "-Infinity"]


def test_bulk(client: TestClient) -> None:
    body = client.post(
        "/api/plugins/scalars/series/batch",
        json={
            "series": [
                {"run": "a", "tag": "train/loss"},
                {"run": "b", "tag": "train/loss"},
                {"run": "c", "tag": "x"},
            ],
            "points": 100,
        },
    ).json()
    assert [s["run"] for s in body["series"]] == ["a", "b"]
    assert body["errors"] == [{"run": "c", "tag": "x", "detail": "no run named 'c'"}]


def test_csv_download_for_all_runs(client: TestClient) -> None:
    resp = client.get("/api/plugins/scalars/download", params={"tag": "train/loss"})
    lines = resp.text.strip().splitlines()
    assert lines[0] == "run,step,wall_time,value" and len(lines) == 1 + 10_000 + 10
    assert "attachment" in resp.headers["content-disposition"]
    js = client.get(
        "/api/plugins/scalars/download", params={"tag": "train/loss", "runs": ["b"], "format": "json"}
    ).json()
    assert list(js["runs"]) == ["b"] and js["runs"]["b"]["step"] == list(range(10))


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"run": "nope", "tag": "train/loss"}, 404, "no run named 'nope'"),
        ({"run": "a", "tag": "nope"}, 404, "has no scalar tag 'nope'"),
        ({"run": "a", "tag": "train/loss", "points": 1}, 400, "points"),
        ({"run": "a", "tag": "train/loss", "points": "many"}, 400, "points"),
        ({"run": "a"}, 400, "tag"),
    ],
)
def test_errors_say_what_was_wrong(
    client: TestClient, params: dict[str, object], status: int, fragment: str
) -> None:
    resp = client.get("/api/plugins/scalars/series", params=params)
    assert resp.status_code == status
    assert fragment in resp.json()["detail"]


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/plugins/scalars/series" in client.get("/openapi.json").json()["paths"]


def test_extreme_indices_rule() -> None:
    v = np.zeros(1000)
    v[123] = -9.0
    v[456] = math.nan
    idx = extreme_indices(v, 40)
    assert {0, 123, 456, 999} <= set(idx.tolist())
    assert extreme_indices(v, 5000).tolist() == list(range(1000))


def test_tags_carry_the_newest_value_non_finite_included(client: TestClient) -> None:
    tags = client.get("/api/plugins/scalars/tags").json()["runs"]
    assert tags["a"]["train/loss"]["last_value"] == pytest.approx(np.sin(9999 / 300))
    assert tags["a"]["weird"]["last_value"] == "-Infinity"
    assert tags["b"]["train/loss"]["last_value"] == 9


def test_hparams_metric_of_a_diverged_run_is_nan(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "sweep") as w:
        w.add_hparams({"lr": 1.0}, {"hparam/loss": float("nan")}, run_name="diverged")
        w.add_hparams({"lr": 0.1}, {"hparam/loss": 0.5}, run_name="fine")
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    exp = (
        TestClient(create_app(LocalDataProvider(store, ingester)))
        .get("/api/plugins/hparams/experiment")
        .json()
    )
    metrics = {s["run"]: s["metrics"]["hparam/loss"] for s in exp["sessions"]}
    assert metrics == {"sweep/diverged": "NaN", "sweep/fine": 0.5}
