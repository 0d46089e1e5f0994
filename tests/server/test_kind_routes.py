"""The HTTP API of every non-scalar plugin, over the demo logdir written by our own writer."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.demo import write_demo
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore


def _client(logdir: Path, db: Path) -> TestClient:
    store = SQLiteStore(db)
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return TestClient(create_app(LocalDataProvider(store, ingester)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    root = tmp_path_factory.mktemp("demo")
    write_demo(str(root / "logs"), steps=500)
    return _client(root / "logs", root / "i.sqlite")


def test_plugins_list_every_kind(demo: TestClient) -> None:
    plugins = demo.get("/api/plugins").json()["plugins"]
    assert plugins == [
        "audio",
        "custom_scalars",
        "graphs",
        "histograms",
        "hparams",
        "images",
        "mesh",
        "pr_curves",
        "projector",
        "scalars",
        "text",
    ]


def test_demo_graph_and_embedding(demo: TestClient) -> None:
    listed = demo.get("/api/plugins/graphs/list").json()["graphs"]
    assert {"run": "baseline", "tag": None, "kind": "op", "step": 0} in listed
    graph = demo.get("/api/plugins/graphs/graph", params={"run": "baseline"}).json()
    ops = {n["name"]: n["op"] for n in graph["nodes"]}
    assert ops["MLP/layer1/weight"] == "Parameter" and ops["loss/nll"] == "aten::nll_loss"
    (embedding,) = demo.get("/api/plugins/projector/embeddings").json()["runs"]["baseline"]
    assert embedding["shape"] == [600, 24] and embedding["sprite"] == {"width": 16, "height": 16}
    meta = demo.get("/api/plugins/projector/metadata", params={"run": "baseline", "name": embedding["name"]})
    assert meta.json()["columns"] == ["label", "prediction", "confidence"]


def test_images(demo: TestClient) -> None:
    q = {"run": "baseline", "tag": "val/samples"}
    steps = demo.get("/api/plugins/images/steps", params=q).json()
    assert steps["step"] == [0, 100, 200, 300, 400, 499]
    info = demo.get("/api/plugins/images/step", params={**q, "index": 2}).json()
    assert (info["step"], info["width"], info["height"], info["samples"]) == (200, 96, 32, 1)
    r = demo.get("/api/plugins/images/image", params={**q, "index": 2})
    assert r.headers["content-type"] == "image/png" and r.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(r.content)).size == (96, 32)
    bad = demo.get("/api/plugins/images/image", params={**q, "index": 2, "sample": 5})
    assert bad.status_code == 404 and "has 1 images" in bad.json()["detail"]
    assert demo.get("/api/plugins/images/steps", params={"run": "baseline", "tag": "nope"}).status_code == 404
    assert (
        demo.get("/api/plugins/images/steps", params={"run": "nope", "tag": "x"}).json()["detail"]
        == "no run named 'nope'"
    )


def test_audio(demo: TestClient) -> None:
    q = {"run": "baseline", "tag": "samples/tone"}
    assert demo.get("/api/plugins/audio/steps", params=q).json()["step"] == [0, 499]
    assert demo.get("/api/plugins/audio/step", params=q).json()["clips"] == [
        {"label": "", "content_type": "audio/wav"}
    ]
    r = demo.get("/api/plugins/audio/clip", params={**q, "index": 0})
    assert r.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(r.content)) as f:
        assert (f.getframerate(), f.getnframes()) == (8000, 8000)


def test_histograms_and_distributions(demo: TestClient) -> None:
    q = {"run": "baseline", "tag": "layer1/weight"}
    h = demo.get("/api/plugins/histograms/histograms", params=q).json()
    assert h["step"] == [0, 100, 200, 300, 400, 499]
    assert all(sum(b[2] for b in buckets) == 4000 for buckets in h["buckets"])
    assert len(demo.get("/api/plugins/histograms/histograms", params={**q, "points": 2}).json()["step"]) == 2
    d = demo.get("/api/plugins/histograms/distributions", params=q).json()
    assert d["basis_points"][4] == 5000
    for p in d["percentiles"]:
        assert p == sorted(p)
    # the weights widen as training goes on: the 7%..93% band grows
    assert d["percentiles"][-1][7] - d["percentiles"][-1][1] > d["percentiles"][0][7] - d["percentiles"][0][1]


def test_text_pr_hparams_layout_mesh(demo: TestClient) -> None:
    texts = demo.get(
        "/api/plugins/text/texts", params={"run": "baseline", "tag": "notes/text_summary"}
    ).json()
    assert texts["total"] == 6 and texts["texts"][0]["strings"][0].startswith("**Epoch 0**")
    curves = demo.get(
        "/api/plugins/pr_curves/curves", params={"run": "baseline", "tag": "val/pr_curve"}
    ).json()["curves"]
    assert len(curves) == 6 and len(curves[0]["precision"]) == 127 and curves[0]["recall"][0] == 1.0
    exp = demo.get("/api/plugins/hparams/experiment").json()
    assert [h["name"] for h in exp["hparams"]] == ["learning_rate", "optimizer", "width"]
    assert len(exp["sessions"]) == 4 and all(s["status"] == "success" for s in exp["sessions"])
    assert all(isinstance(s["metrics"]["hparam/val_loss"], float) for s in exp["sessions"])
    layout = demo.get("/api/plugins/custom_scalars/layout").json()["categories"]
    assert [c["title"] for c in layout] == ["Losses", "Accuracy"]
    assert layout[1]["charts"][0]["margin"][0]["upper"] == "val/accuracy_high"
    mesh = demo.get("/api/plugins/mesh/mesh", params={"run": "baseline", "name": "model/point_cloud"}).json()
    assert mesh["step"] == 499 and len(mesh["vertices"]) == len(mesh["colors"]) == 48 * 24 * 3


def test_pr_curve_marks_thresholds_with_no_predictions(tmp_path: Path) -> None:
    """Predictions all below 0.6: thresholds from 0.6 up have TP + FP = 0, their precision is
    undefined (stored 0, recall 0); the API marks them so the dashboard leaves them out."""
    with SummaryWriter(str(tmp_path / "logs" / "r")) as w:
        w.add_pr_curve("pr", np.array([1, 0, 1, 0]), np.array([0.5, 0.1, 0.3, 0.55]), 0, num_thresholds=11)
    client = _client(tmp_path / "logs", tmp_path / "i.sqlite")
    (curve,) = client.get("/api/plugins/pr_curves/curves", params={"run": "r", "tag": "pr"}).json()["curves"]
    filled = [tp + fp for tp, fp in zip(curve["true_positives"], curve["false_positives"], strict=True)]
    assert filled == [4, 4, 3, 3, 2, 2, 0, 0, 0, 0, 0]
    assert curve["empty"] == [n == 0 for n in filled]
    assert curve["precision"][-1] == 0 and curve["recall"][-1] == 0  # kept, marked: not a real (0, 0)


def test_values_survive_reopen_and_restarts_drop_orphans(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    img = np.zeros((3, 4, 4), dtype=np.float32)
    with SummaryWriter(logdir / "r") as w:
        for s in range(10):
            w.add_image("x", img, s)
    with SummaryWriter(logdir / "r", purge_step=5) as w:  # crashed at 9, resumed from 5
        w.add_image("x", img + 1, 5)
    first = _client(logdir, tmp_path / "i.sqlite")
    steps = first.get("/api/plugins/images/steps", params={"run": "r", "tag": "x"}).json()["step"]
    assert steps == [0, 1, 2, 3, 4, 5]
    again = _client(logdir, tmp_path / "i.sqlite")  # reopened index: nothing re-read, refs still valid
    r = again.get("/api/plugins/images/image", params={"run": "r", "tag": "x", "index": 5})
    assert np.asarray(Image.open(io.BytesIO(r.content))).min() == 255


def test_a_truncated_file_gives_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "r") as w:
        for s in range(3):
            w.add_image("x", np.zeros((3, 8, 8)), s)
    client = _client(logdir, tmp_path / "i.sqlite")
    (path,) = (logdir / "r").glob("*tfevents*")
    path.write_bytes(path.read_bytes()[:200])  # replaced by a shorter file after indexing
    r = client.get("/api/plugins/images/image", params={"run": "r", "tag": "x", "index": 2})
    assert r.status_code == 404 and "shorter than when it was indexed" in r.json()["detail"]
    path.unlink()
    r = client.get("/api/plugins/images/step", params={"run": "r", "tag": "x", "index": 1})
    assert r.status_code == 404 and "cannot read" in r.json()["detail"]


def test_a_file_rewritten_in_place_gives_a_clear_error(tmp_path: Path) -> None:
    logdir = tmp_path / "logs"
    with SummaryWriter(logdir / "r") as w:
        w.add_image("x", np.zeros((3, 8, 8)), 0)
    client = _client(logdir, tmp_path / "i.sqlite")
    (path,) = (logdir / "r").glob("*tfevents*")
    path.write_bytes(b"\xff" * path.stat().st_size)  # same size, other bytes
    r = client.get("/api/plugins/images/image", params={"run": "r", "tag": "x", "index": 0})
    assert r.status_code == 404 and "changed since it was indexed" in r.json()["detail"]
