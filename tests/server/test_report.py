"""``ridgeline export``: one HTML file holding the app and the data it reads."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.report import ReportError, write_report
from ridgeline.store import SQLiteStore


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
