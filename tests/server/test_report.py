"""``ridgeline export``: one HTML file holding the app and the data it reads."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from serving import indexed_client

from ridgeline import SummaryWriter, cli
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.ingest.source import normalize
from ridgeline.server.report import ReportError, write_report
from ridgeline.store import SQLiteStore, default_db_path


@pytest.fixture
def provider(tmp_path: Path) -> LocalDataProvider:
    logdir = tmp_path / "logs"
    for name in ("keep_a", "keep_b", "drop"):
        with SummaryWriter(logdir / name, config={"lr": 0.1}) as w:
            for s in range(5000):
                w.add_scalar("loss", float("nan") if s == 4999 else 1.0 / (s + 1), s)
            w.add_text("note", "hello </script><b>x</b>", 0)
            w.add_histogram("w", np.arange(100.0), 0)
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return LocalDataProvider(store, ingester)


def _data(path: Path) -> dict:  # type: ignore[type-arg]
    page = path.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="ridgeline-data">(.*?)</script>', page, re.S)
    assert m is not None
    assert page.count("</script>") == 2  # the data and the app: nothing inside ended one early
    assert 'src="./' not in page and 'href="./' not in page  # everything inlined
    return json.loads(m.group(1))


def _floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), "<f8")


def test_report_holds_every_point_and_the_routes(provider: LocalDataProvider, tmp_path: Path) -> None:
    stats = write_report(provider, tmp_path / "r.html", runs="^keep", points=None)
    assert (stats.runs, stats.series, stats.points) == (2, 2, 10_000)
    data = _data(tmp_path / "r.html")
    values = _floats(data["series"]["keep_a"]["loss"]["value"])
    assert values.size == 5000 and values[0] == 1.0 and np.isnan(values[-1])
    assert set(data["series"]) == {"keep_a", "keep_b"}
    routes = data["routes"]
    assert [r["name"] for r in routes["GET /api/runs"]] == ["keep_a", "keep_b"]
    assert sorted(routes["GET /api/plugins"]["plugins"]) == ["histograms", "hparams", "scalars", "text"]
    assert [s["run"] for s in routes["GET /api/plugins/hparams/experiment"]["sessions"]] == [
        "keep_a",
        "keep_b",
    ]
    key = next(k for k in routes if k.startswith("GET /api/plugins/text/texts?") and "keep_a" in k)
    assert routes[key]["texts"][0]["strings"] == ["hello </script><b>x</b>"]
    assert 'GET /api/plugins/histograms/distributions?[["run","keep_b"],["tag","w"]]' in routes
    table = routes["GET /api/plugins/runs/table"]
    assert table["runs"][0]["stats"]["loss"]["min"] == pytest.approx(1 / 4999)


def test_report_downsamples_and_chooses_dashboards(provider: LocalDataProvider, tmp_path: Path) -> None:
    stats = write_report(provider, tmp_path / "r.html", dashboards=["scalars"], points=200)
    data = _data(tmp_path / "r.html")
    assert data["routes"]["GET /api/plugins"]["plugins"] == ["scalars"]
    assert not any(k.startswith("GET /api/plugins/text/") for k in data["routes"])
    values = _floats(data["series"]["drop"]["loss"]["value"])
    assert values.size <= 260 and values[0] == 1.0 and np.isnan(values[-1])  # ends and spikes kept
    assert data["series"]["drop"]["loss"]["total"] == 5000 and stats.points == values.size * 3
    with pytest.raises(ReportError, match="cannot hold"):
        write_report(provider, tmp_path / "x.html", dashboards=["images"])
    with pytest.raises(ReportError, match="regular expression"):
        write_report(provider, tmp_path / "x.html", runs="(")
    with pytest.raises(ReportError, match="nothing to put"):
        write_report(provider, tmp_path / "x.html", dashboards=["custom_scalars"])


def _named_by_the_user(logdir: Path, db: Path) -> None:
    """What a user does in the dashboard: give a run a name, a colour, tags and notes."""
    client = indexed_client(logdir, db)
    assert client.get("/api/plugins/runs/table").status_code == 200  # the dashboard picks colours
    said = {"run": "keep_a", "display_name": "Baseline, lr 0.1", "color": "#123456", "tags": ["best"]}
    assert client.put("/api/plugins/runs/meta", json={**said, "notes": "the one"}).status_code == 200
    client.close()


def _exported_rows(out: Path) -> dict[str, dict[str, object]]:
    table = _data(out)["routes"]["GET /api/plugins/runs/table"]
    return {r["name"]: r for r in table["runs"]}


def test_export_carries_run_names_and_colors_from_the_given_index(
    provider: LocalDataProvider, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logdir, db = tmp_path / "logs", tmp_path / "server.sqlite"
    _named_by_the_user(logdir, db)
    cli.main(["export", "--logdir", str(logdir), "--db", str(db), "--out", str(tmp_path / "r.html")])
    rows = _exported_rows(tmp_path / "r.html")
    assert rows["keep_a"]["display_name"] == "Baseline, lr 0.1"
    assert rows["keep_a"]["color"] == "#123456"
    assert rows["keep_a"]["tags"] == ["best"] and rows["keep_a"]["notes"] == "the one"
    assert rows["keep_b"]["display_name"] == "" and rows["keep_b"]["color"] == ""
    # the colours the dashboard picked itself carry over too (the same run, the same colour)
    server = SQLiteStore(db)
    assert rows["keep_b"]["auto_color"] == server.run_meta()["keep_b"]["auto_color"]
    server.close()
    assert "wrote" in capsys.readouterr().out


def test_export_reads_the_default_index_of_the_logdir(
    provider: LocalDataProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ridgeline --logdir runs`` keeps its index in the cache folder; export finds it there."""
    monkeypatch.setenv("RIDGELINE_CACHE_DIR", str(tmp_path / "cache"))
    logdir = tmp_path / "logs"
    _named_by_the_user(logdir, default_db_path(f":{normalize(str(logdir))}"))
    cli.main(["export", "--logdir", str(logdir), "--out", str(tmp_path / "r.html")])
    assert _exported_rows(tmp_path / "r.html")["keep_a"]["display_name"] == "Baseline, lr 0.1"
    # no index there: the report still comes out, with the runs' own names
    monkeypatch.setenv("RIDGELINE_CACHE_DIR", str(tmp_path / "elsewhere"))
    cli.main(["export", "--logdir", str(logdir), "--out", str(tmp_path / "s.html")])
    assert _exported_rows(tmp_path / "s.html")["keep_a"]["display_name"] == ""
    assert not (tmp_path / "elsewhere").exists()  # looking does not create an index
