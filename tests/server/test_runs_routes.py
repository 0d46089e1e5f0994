"""The runs table, run meta (names, colors, tags) and delete-to-trash over a real logdir."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore


def _logdir(root: Path) -> Path:
    logdir = root / "logs dir 日志"
    for i, lr in enumerate([0.1, 0.01, 0.001]):
        with SummaryWriter(
            logdir / f"lr{lr}", config={"lr": lr, "opt": {"name": "adam" if i else "sgd"}}
        ) as w:
            for s in range(20):
                w.add_scalar("loss", (i + 1) * (20 - s) / 20 + (0.5 if s == 7 else 0), s)
                w.add_scalar("acc", s / 20 * (i + 1) / 3, s)
    try:
        with SummaryWriter(logdir / "broken", config={"lr": 1.0}) as w:
            w.add_scalar("loss", 3.0, 0)
            raise RuntimeError("out of memory")
    except RuntimeError:
        pass
    with SummaryWriter(logdir / "diverged") as w:
        w.add_scalar("loss", 1.0, 0)
        w.add_scalar("loss", float("nan"), 1)
    with SummaryWriter(logdir / "nested") as w:
        w.add_scalar("loss", 1.0, 0)
    with SummaryWriter(logdir / "nested" / "eval") as w:
        w.add_scalar("loss", 2.0, 0)
    return logdir


def _client(logdir: Path, db: Path) -> tuple[TestClient, SQLiteStore]:
    store = SQLiteStore(db)
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return TestClient(create_app(LocalDataProvider(store, ingester))), store


@pytest.fixture
def logdir(tmp_path: Path) -> Path:
    return _logdir(tmp_path)


def test_table_rows_hparams_stats_and_status(logdir: Path, tmp_path: Path) -> None:
    client, _ = _client(logdir, tmp_path / "i.sqlite")
    # Everything was just written: running. A tiny window makes them stopped.
    body = client.get("/api/plugins/runs/table", params={"metric": ["loss", "acc"]}).json()
    rows = {r["name"]: r for r in body["runs"]}
    assert set(rows) == {"lr0.1", "lr0.01", "lr0.001", "broken", "diverged", "nested", "nested/eval"}
    assert all(r["status"] == "running" for r in rows.values())
    time.sleep(0.05)
    body = client.get("/api/plugins/runs/table", params={"metric": ["loss", "acc"], "window": 0.01}).json()
    rows = {r["name"]: r for r in body["runs"]}
    assert body["hparams"] == ["lr", "opt.name"]
    assert rows["lr0.01"]["hparams"] == {"lr": 0.01, "opt.name": "adam"}
    assert rows["lr0.1"]["hparams"]["opt.name"] == "sgd"
    assert rows["lr0.01"]["status"] == "finished"
    assert rows["broken"]["status"] == "crashed" and "failure" in rows["broken"]["status_reason"]
    assert rows["diverged"]["status"] == "crashed" and "NaN" in rows["diverged"]["status_reason"]
    loss = rows["lr0.01"]["stats"]["loss"]
    # (i+1)*(20-s)/20 for i=1: 2.0 at s=0 ... 0.1 at s=19; the spike at s=7 is 1.3+0.5.
    assert loss["last"] == pytest.approx(0.1) and loss["min"] == pytest.approx(0.1)
    assert (
        loss["max"] == pytest.approx(2.0) and loss["best"] == pytest.approx(0.1) and loss["best_step"] == 19
    )
    acc = rows["lr0.001"]["stats"]["acc"]
    assert acc["best"] == acc["max"] == pytest.approx(19 / 20) and body["goals"] == {
        "acc": "max",
        "loss": "min",
    }
    assert rows["lr0.01"]["last"]["acc"] == pytest.approx(19 / 20 * 2 / 3)
    assert rows["diverged"]["last"]["loss"] == "NaN"
    assert rows["lr0.01"]["started"] <= rows["lr0.01"]["last_write"]
    assert rows["lr0.01"]["duration"] == pytest.approx(
        rows["lr0.01"]["last_write"] - rows["lr0.01"]["started"]
    )


def test_meta_persists_across_restart_and_rebuild(logdir: Path, tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    client, store = _client(logdir, db)
    gen = client.get("/api/plugins").json()["generation"]
    got = client.put(
        "/api/plugins/runs/meta",
        json={
            "run": "lr0.01",
            "display_name": " best lr ",
            "color": "#123abc",
            "tags": ["baseline", "baseline", "x"],
        },
    ).json()
    assert got == {
        "run": "lr0.01",
        "display_name": "best lr",
        "color": "#123abc",
        "tags": ["baseline", "x"],
        "notes": "",
    }
    assert client.get("/api/plugins").json()["generation"] > gen
    # A partial update keeps the other fields; an empty value clears one.
    got = client.put("/api/plugins/runs/meta", json={"run": "lr0.01", "tags": []}).json()
    assert got["display_name"] == "best lr" and got["tags"] == [] and got["color"] == "#123abc"
    assert client.put("/api/plugins/runs/meta", json={"run": "lr0.01", "color": "red"}).status_code == 400
    assert client.put("/api/plugins/runs/meta", json={"run": "nope", "color": "#000000"}).status_code == 404
    store.close()
    # A restart reads it back; so does an index rebuilt for a newer layout.
    client, store = _client(logdir, db)
    row = next(r for r in client.get("/api/plugins/runs/table").json()["runs"] if r["name"] == "lr0.01")
    assert (row["display_name"], row["color"]) == ("best lr", "#123abc")
    store._conn().execute("UPDATE meta SET value='1' WHERE key='schema'")
    store._conn().commit()
    store.close()
    client, _ = _client(logdir, db)
    row = next(r for r in client.get("/api/plugins/runs/table").json()["runs"] if r["name"] == "lr0.01")
    assert (row["display_name"], row["color"]) == ("best lr", "#123abc")


def test_delete_moves_to_trash_and_restore_brings_it_back(logdir: Path, tmp_path: Path) -> None:
    client, _ = _client(logdir, tmp_path / "i.sqlite")
    before = sorted(os.listdir(logdir / "nested"))
    entry = client.post("/api/plugins/runs/delete", json={"run": "nested"}).json()
    assert entry["run"] == "nested" and sorted(entry["runs"]) == ["nested", "nested/eval"]
    # Nothing erased: the folder sits in the trash, the runs are gone from every listing.
    moved = logdir / ".ridgeline-trash" / entry["id"] / "nested"
    assert sorted(os.listdir(moved)) == before and not (logdir / "nested").exists()
    names = [r["name"] for r in client.get("/api/runs").json()]
    assert "nested" not in names and "nested/eval" not in names
    assert "nested" not in client.get("/api/plugins/scalars/tags").json()["runs"]
    assert [e["id"] for e in client.get("/api/plugins/runs/trash").json()] == [entry["id"]]
    # Undo.
    assert client.post("/api/plugins/runs/restore", json={"id": entry["id"]}).status_code == 200
    assert sorted(os.listdir(logdir / "nested")) == before
    assert not (logdir / ".ridgeline-trash" / entry["id"]).exists()
    names = [r["name"] for r in client.get("/api/runs").json()]
    assert "nested" in names and "nested/eval" in names
    series = client.get("/api/plugins/scalars/series", params={"run": "nested/eval", "tag": "loss"}).json()
    assert series["value"] == [2.0]
    assert client.get("/api/plugins/runs/trash").json() == []
    # Errors say what is wrong.
    assert client.post("/api/plugins/runs/restore", json={"id": entry["id"]}).status_code == 404
    assert client.post("/api/plugins/runs/delete", json={"run": "nope"}).status_code == 404


def test_the_logdir_itself_is_not_deleted(tmp_path: Path) -> None:
    logdir = tmp_path / "flat"
    with SummaryWriter(logdir) as w:
        w.add_scalar("loss", 1.0, 0)
    client, _ = _client(logdir, tmp_path / "i.sqlite")
    resp = client.post("/api/plugins/runs/delete", json={"run": "."})
    assert resp.status_code == 400 and "logdir" in resp.json()["detail"]
    assert any(n.startswith("events") for n in os.listdir(logdir))


def test_export_selection_csv_json_parquet(logdir: Path, tmp_path: Path) -> None:
    import io

    import pyarrow.parquet as pq

    client, _ = _client(logdir, tmp_path / "i.sqlite")
    params = {"runs": ["lr0.01", "diverged"], "tags": ["loss"]}
    csv_text = client.get("/api/plugins/scalars/export", params={**params, "format": "csv"}).text
    lines = csv_text.splitlines()
    assert lines[0] == "run,tag,step,wall_time,value" and len(lines) == 1 + 20 + 2
    assert lines[1].startswith("lr0.01,loss,0,") and lines[1].endswith(",2.0")
    assert lines[-1].startswith("diverged,loss,1,") and lines[-1].endswith(",nan")
    body = client.get("/api/plugins/scalars/export", params={**params, "format": "json"}).json()
    assert [(s["run"], s["tag"], len(s["step"])) for s in body["series"]] == [
        ("lr0.01", "loss", 20),
        ("diverged", "loss", 2),
    ]
    assert body["series"][1]["value"] == [1.0, "NaN"]
    resp = client.get("/api/plugins/scalars/export", params={**params, "format": "parquet"})
    assert resp.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(resp.content)).to_pydict()
    assert table["run"][:1] == ["lr0.01"] and table["step"][:3] == [0, 1, 2] and len(table["value"]) == 22
    assert table["value"][-1] != table["value"][-1]  # NaN kept as a float
    # Every tag of every run when nothing is chosen; unknown selections are a 404.
    everything = client.get("/api/plugins/scalars/export", params={"format": "json"}).json()["series"]
    assert len(everything) == 3 * 2 + 4
    assert client.get("/api/plugins/scalars/export", params={"tags": ["nope"]}).status_code == 404


def test_inspect_reads_exact_points(logdir: Path, tmp_path: Path) -> None:
    client, _ = _client(logdir, tmp_path / "i.sqlite")
    body = client.post(
        "/api/plugins/scalars/inspect",
        json={
            "series": [{"run": "lr0.01", "tag": "loss"}, {"run": "x", "tag": "loss"}],
            "step": 7,
            "range": [5, 9],
        },
    ).json()
    (got,) = body["series"]
    assert got["at"]["step"] == 7 and got["at"]["value"] == pytest.approx(2 * 13 / 20 + 0.5)
    assert got["at"]["relative"] >= 0
    values = [2 * (20 - s) / 20 + (0.5 if s == 7 else 0) for s in range(5, 10)]
    assert got["range"]["count"] == 5 and (got["range"]["first_step"], got["range"]["last_step"]) == (5, 9)
    assert got["range"]["min"] == pytest.approx(min(values)) and got["range"]["max"] == pytest.approx(
        max(values)
    )
    assert got["range"]["mean"] == pytest.approx(sum(values) / 5)
    assert got["range"]["change"] == pytest.approx(values[-1] - values[0])
    assert [e["run"] for e in body["errors"]] == ["x"]


def test_colors_are_given_once_and_never_move(logdir: Path, tmp_path: Path) -> None:
    client, store = _client(logdir, tmp_path / "i.sqlite")
    body = client.get("/api/plugins/runs/table").json()
    colors = {r["name"]: r["auto_color"] for r in body["runs"]}
    # Seven runs seen together: seven different colors of the palette.
    assert len(set(colors.values())) == 7 and set(colors.values()) <= set(body["palette"])
    # A user color wins but the given one is kept; new runs get unused colors, old ones stay.
    client.put("/api/plugins/runs/meta", json={"run": "lr0.1", "color": "#000000"})
    with SummaryWriter(logdir / "aaa_new") as w:
        w.add_scalar("loss", 1.0, 0)
    store.close()
    client2, _ = _client(logdir, tmp_path / "i.sqlite")
    rows = {r["name"]: r for r in client2.get("/api/plugins/runs/table").json()["runs"]}
    assert {r: rows[r]["auto_color"] for r in colors} == colors
    assert rows["lr0.1"]["color"] == "#000000" and rows["aaa_new"]["auto_color"] not in colors.values()
