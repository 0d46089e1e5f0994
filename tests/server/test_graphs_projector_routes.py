"""Graphs and the projector over HTTP: every fixture's graph read as TensorBoard reads it,
projector folders (TSV, sprite, TF checkpoint) opened, projections and neighbours checked
against scikit-learn."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from fastapi.testclient import TestClient
from tb_oracle import tensorboard_graph

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore


class Served:
    def __init__(self, logdir: Path, db: Path) -> None:
        self.ingester = Ingester(SQLiteStore(db), [("", str(logdir))])
        self.ingester.reload()
        self.client = TestClient(create_app(LocalDataProvider(self.ingester.store, self.ingester)))


@pytest.fixture(scope="module")
def fixtures(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Served:
    return Served(fixtures_dir, tmp_path_factory.mktemp("db") / "i.sqlite")


def _graph(client: TestClient, run: str, tag: str | None = None) -> dict:
    params = {"run": run} if tag is None else {"run": run, "tag": tag}
    r = client.get("/api/plugins/graphs/graph", params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("run", ["torch/torch", "torch/tensorboardx", "tf/tf1_style"])
def test_run_graphs_are_the_graph_tensorboard_reads(fixtures: Served, fixtures_dir: Path, run: str) -> None:
    ours = _graph(fixtures.client, run)
    theirs = tensorboard_graph(fixtures_dir / run, ".")
    assert ours["kind"] == "op" and ours["tag"] is None
    assert [(n["name"], n["op"], n["inputs"]) for n in ours["nodes"]] == [
        (n.name, n.op, list(n.input)) for n in theirs.node
    ]


def test_every_kind_of_graph_is_listed(fixtures: Served) -> None:
    listed = fixtures.client.get("/api/plugins/graphs/list").json()["graphs"]
    found = {(g["run"], g["tag"], g["kind"]) for g in listed}
    assert {
        ("torch/torch", None, "op"),
        ("torch/torch", "step1", "run_metadata"),
        ("tf/tf1_style", None, "op"),
        ("tf/tf_summary", "traced_fn", "run_metadata"),
        ("tf/keras_fit/train", "keras", "keras"),
    } <= found
    assert not any(g["tag"] == "__meta_graph__" for g in listed), "the meta graph repeats the run graph"
    assert "graphs" in fixtures.client.get("/api/plugins").json()["plugins"]


def test_trace_export_graph(fixtures: Served) -> None:
    graph = _graph(fixtures.client, "tf/tf_summary", "traced_fn")
    by_name = {n["name"]: n for n in graph["nodes"]}
    assert by_name["MatMul"]["op"] == "MatMul" and by_name["MatMul"]["inputs"] == ["z", "ones"]
    assert by_name["Relu"]["inputs"] == ["MatMul"]


def test_keras_model_graph(fixtures: Served) -> None:
    graph = _graph(fixtures.client, "tf/keras_fit/train", "keras")
    assert "keras" in fixtures.client.get("/api/plugins/graphs/tags").json()["runs"]["tf/keras_fit/train"]
    names = [n["name"] for n in graph["nodes"]]
    assert names[0] == "functional/input_layer"
    layer1 = next(n for n in graph["nodes"] if n["name"] == "functional/layer1")
    assert layer1["op"] == "Conv2D" and layer1["inputs"] == ["functional/input_layer"]
    assert layer1["attr"]["dtype"] == "float32" and json.loads(layer1["attr"]["filters"]) == 8
    assert graph["nodes"][0]["output_shapes"] == [[-1, 28, 28, 1]]


def test_graph_errors_are_clear(fixtures: Served) -> None:
    r = fixtures.client.get("/api/plugins/graphs/graph", params={"run": "no such run"})
    assert r.status_code == 404 and "no run named" in r.json()["detail"]
    r = fixtures.client.get("/api/plugins/graphs/graph", params={"run": "tf/tf_summary"})
    assert r.status_code == 404 and "no graph of its own" in r.json()["detail"]
    r = fixtures.client.get("/api/plugins/graphs/graph", params={"run": "torch/torch", "tag": "nope"})
    assert r.status_code == 404


def test_a_graph_we_write_is_read_back_with_shapes_and_parameters(tmp_path: Path) -> None:
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(64, 5)
    )
    with SummaryWriter(str(tmp_path / "logs" / "run")) as w:
        w.add_graph(model, torch.zeros(2, 3, 6, 6))
    served = Served(tmp_path / "logs", tmp_path / "i.sqlite")
    graph = _graph(served.client, "run")
    theirs = tensorboard_graph(tmp_path / "logs" / "run", ".")
    assert [n["name"] for n in graph["nodes"]] == [n.name for n in theirs.node]
    conv = next(n for n in graph["nodes"] if n["op"] == "aten::_convolution")
    assert conv["output_shapes"] == [[2, 4, 4, 4]] and conv["attr"]["_output_types"] == ["float"]
    params = [n for n in graph["nodes"] if n["op"] == "Parameter"]
    assert sum(n["attr"]["num_params"] for n in params) == sum(p.numel() for p in model.parameters())


# ---- projector --------------------------------------------------------------------------------


def test_projector_folders_of_torch_tensorboardx_and_tensorflow_open(
    fixtures: Served, fixtures_dir: Path
) -> None:
    body = fixtures.client.get("/api/plugins/projector/embeddings").json()
    runs = body["runs"]
    assert runs["tf/projector"] == [
        {
            "name": "embedding/.ATTRIBUTES/VARIABLE_VALUE",
            "shape": [100, 16],
            "source": "checkpoint",
            "has_metadata": True,
            "sprite": None,
        }
    ]
    for run in ["torch/torch", "torch/tensorboardx"]:
        (emb,) = runs[run]
        assert emb["source"] == "tsv" and emb["sprite"] == {"width": 8, "height": 8}
    assert "projector" in fixtures.client.get("/api/plugins").json()["plugins"]
    assert "tf/projector" in [r["name"] for r in fixtures.client.get("/api/runs").json()]
    meta = fixtures.client.get(
        "/api/plugins/projector/metadata",
        params={"run": "tf/projector", "name": "embedding/.ATTRIBUTES/VARIABLE_VALUE"},
    ).json()
    assert meta["columns"] == ["label"] and meta["values"][0][:3] == ["class_0", "class_1", "class_2"]
    sprite = fixtures.client.get(
        "/api/plugins/projector/sprite", params={"run": "torch/torch", "name": runs["torch/torch"][0]["name"]}
    )
    assert sprite.status_code == 200 and sprite.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_checkpoint_tensor_is_the_one_tensorflow_saved(fixtures: Served, fixtures_dir: Path) -> None:
    from sklearn.decomposition import PCA

    from ridgeline.plugins.projector.checkpoint import latest_checkpoint, open_checkpoint

    points = open_checkpoint(latest_checkpoint(str(fixtures_dir / "tf" / "projector")) or "").tensor(
        "embedding/.ATTRIBUTES/VARIABLE_VALUE"
    )
    r = fixtures.client.get(
        "/api/plugins/projector/pca",
        params={"run": "tf/projector", "name": "embedding/.ATTRIBUTES/VARIABLE_VALUE"},
    )
    coords = np.frombuffer(r.content, dtype="<f4").reshape(json.loads(r.headers["X-Shape"]))
    ref = PCA(10).fit(points)
    assert coords.shape == (100, 3)
    np.testing.assert_allclose(np.abs(coords), np.abs(ref.transform(points)[:, :3]), rtol=1e-3, atol=1e-4)
    variance = json.loads(r.headers["X-Variance"])
    np.testing.assert_allclose(variance["variance"], ref.explained_variance_ratio_, rtol=1e-4)
    assert variance["total_variance"] == pytest.approx(ref.explained_variance_ratio_[:3].sum(), rel=1e-4)


def test_checkpoint_reader_reads_what_tensorflow_reads(tmp_path: Path) -> None:
    """A checkpoint TensorFlow writes (several variables, shapes and dtypes), read back by
    TensorFlow and by our reader (TensorFlow from ``.venv-tf``, which ``scripts/test`` makes)."""
    import os
    import subprocess

    root = Path(__file__).resolve().parents[2]
    tf_python = Path(os.environ.get("RIDGELINE_TF_PYTHON", root / ".venv-tf" / "bin" / "python"))
    if not tf_python.exists():
        pytest.skip("no TensorFlow environment (.venv-tf; scripts/test makes it)")
    script = (
        "import sys, numpy as np, tensorflow as tf\n"
        "rng = np.random.default_rng(0)\n"
        "v = {'emb': tf.Variable(rng.normal(size=(300, 24)).astype('float32')),\n"
        "     'big': tf.Variable(rng.normal(size=(70, 33)).astype('float64')),\n"
        "     'ids': tf.Variable(np.arange(12, dtype='int64').reshape(3, 4))}\n"
        "ckpt = tf.train.Checkpoint(**v)\n"
        "path = ckpt.save(sys.argv[1] + '/model')\n"
        "r = tf.train.load_checkpoint(path)\n"
        "np.savez(sys.argv[1] + '/ref.npz', **{k: r.get_tensor(k) for k in r.get_variable_to_shape_map()})\n"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [str(tf_python), "-c", script, str(tmp_path)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    from ridgeline.plugins.projector.checkpoint import latest_checkpoint, open_checkpoint

    ckpt = open_checkpoint(latest_checkpoint(str(tmp_path)) or "")
    ref = np.load(tmp_path / "ref.npz")
    names = [n for n in ref.files if n != "_CHECKPOINTABLE_OBJECT_GRAPH"]
    assert sorted(names) == sorted(n for n in ckpt.entries if n != "_CHECKPOINTABLE_OBJECT_GRAPH")
    for name in names:
        np.testing.assert_array_equal(ckpt.tensor(name), ref[name])
    assert sorted(ckpt.matrices()) == sorted(n for n in names if ref[n].ndim == 2)


def _write_embedding(tmp_path: Path, n: int = 80) -> tuple[Served, np.ndarray]:
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(4, 10)) * 5
    labels = rng.integers(0, 4, n)
    points = (centers[labels] + rng.normal(size=(n, 10))).astype(np.float32)
    with SummaryWriter(str(tmp_path / "logs" / "emb run")) as w:
        w.add_embedding(
            points,
            metadata=[[f"c{c}", str(i)] for i, c in enumerate(labels)],
            metadata_header=["class", "id"],
            tag="feat",
        )
    return Served(tmp_path / "logs", tmp_path / "i.sqlite"), points


def test_neighbors_are_the_exact_nearest(tmp_path: Path) -> None:
    from sklearn.neighbors import NearestNeighbors

    served, points = _write_embedding(tmp_path)
    for metric in ["cosine", "euclidean"]:
        body = served.client.get(
            "/api/plugins/projector/neighbors",
            params={"run": "emb run", "name": "feat:00000", "index": 5, "k": 10, "metric": metric},
        ).json()
        ref = NearestNeighbors(n_neighbors=11, metric=metric).fit(points)
        dist, idx = ref.kneighbors(points[5:6])
        assert [n["index"] for n in body["neighbors"]] == [i for i in idx[0].tolist() if i != 5][:10]
        np.testing.assert_allclose(
            [n["distance"] for n in body["neighbors"]], dist[0][1:], rtol=1e-4, atol=1e-5
        )


@pytest.mark.parametrize("method", ["tsne", "umap"])
def test_tsne_and_umap_jobs_report_progress_and_finish(tmp_path: Path, method: str) -> None:
    served, points = _write_embedding(tmp_path)
    request = {
        "run": "emb run",
        "name": "feat:00000",
        "method": method,
        "dims": 2,
        "params": {"perplexity": 10, "neighbors": 8, "iterations": 200},
    }
    job = served.client.post("/api/plugins/projector/projection", json=request).json()
    seen = [job["progress"]]
    iterations = [job["iteration"]]
    deadline = time.monotonic() + 240
    while job["state"] not in ("done", "error") and time.monotonic() < deadline:
        time.sleep(0.05)
        job = served.client.get("/api/plugins/projector/projection", params={"job": job["job"]}).json()
        seen.append(job["progress"])
        iterations.append(job["iteration"])
    assert job["state"] == "done", job["message"]
    assert seen == sorted(seen) and job["progress"] == 1.0
    assert iterations == sorted(iterations)
    if method == "tsne":  # the count never passes what was asked (early exaggeration included)
        assert max(iterations) == job["iteration"] == job["iterations"] == 200
    r = served.client.get("/api/plugins/projector/projection/coords", params={"job": job["job"]})
    coords = np.frombuffer(r.content, dtype="<f4").reshape(json.loads(r.headers["X-Shape"]))
    assert coords.shape == (80, 2) and np.isfinite(coords).all()
    # The four clusters stay apart: each point's nearest layout neighbour shares its class.
    labels = np.array(
        served.client.get(
            "/api/plugins/projector/metadata", params={"run": "emb run", "name": "feat:00000"}
        ).json()["values"][0]
    )
    d = ((coords[:, None] - coords[None]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    assert (labels[d.argmin(1)] == labels).mean() > 0.9
    again = served.client.post("/api/plugins/projector/projection", json=request).json()
    assert again["job"] == job["job"] and again["state"] == "done"


def test_the_projector_follows_the_files(tmp_path: Path) -> None:
    served, _ = _write_embedding(tmp_path)
    assert "emb run" in served.client.get("/api/plugins/projector/embeddings").json()["runs"]
    config = tmp_path / "logs" / "emb run" / "projector_config.pbtxt"
    config.write_text("not a config {{{")
    body = served.client.get("/api/plugins/projector/embeddings").json()
    assert "emb run" not in body["runs"] and "not a projector config" in body["errors"][0]["detail"]
    config.unlink()
    shutil.rmtree(tmp_path / "logs" / "emb run" / "00000")
    served.ingester.reload()
    assert served.client.get("/api/plugins/projector/embeddings").json()["runs"] == {}


def test_asset_paths_cannot_leave_the_logdir(tmp_path: Path) -> None:
    (tmp_path / "secret.tsv").write_text("1\t2\n")
    run = tmp_path / "logs" / "r"
    run.mkdir(parents=True)
    (run / "projector_config.pbtxt").write_text(
        'embeddings { tensor_name: "x" tensor_path: "../../secret.tsv" }'
    )
    served = Served(tmp_path / "logs", tmp_path / "i.sqlite")
    body = served.client.get("/api/plugins/projector/embeddings").json()
    assert body["runs"] == {} and "outside the logdir" in body["errors"][0]["detail"]
