"""Values with valid framing and bad content: a 4xx that names the value, never a 500, and
never a route broken for the good runs next to it. Non-finite numbers survive as data.

Every bad value here is one a buggy or hostile writer can produce; run ``a_bad`` sorts before
the good run ``b_good``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient
from records import event, tensor, write

from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.plugins.custom_scalars.summary import layout_pb, layout_proto
from ridgeline.plugins.histograms.summary import histogram_pb_from_buckets
from ridgeline.plugins.hparams.summary import session_start_pb
from ridgeline.plugins.images.summary import image_pb
from ridgeline.plugins.mesh.metadata import parse_plugin_data as mesh_data
from ridgeline.plugins.mesh.summary import mesh_pb
from ridgeline.plugins.text.summary import text_pb
from ridgeline.proto import summary_pb2, types_pb2
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore


def one(summary: summary_pb2.Summary) -> summary_pb2.Summary.Value:
    return summary.value[0]


def with_tensor(value: summary_pb2.Summary.Value, t: object) -> summary_pb2.Summary.Value:
    out = summary_pb2.Summary.Value()
    out.CopyFrom(value)
    out.tensor.CopyFrom(t)  # type: ignore[arg-type]
    return out


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    root = tmp_path_factory.mktemp("bad")
    logdir = root / "logs"
    image = one(image_pb("img", np.zeros((1, 2, 2, 3), dtype=np.uint8)))
    text = one(text_pb("note", "hello"))
    histo = one(histogram_pb_from_buckets("h", np.array([[0.0, 1.0, 2.0]])))
    # a mesh whose JSON config is not JSON: rewrite the json_config field inside the plugin data
    mesh_bad = mesh_pb("cloud", np.zeros((1, 4, 3)), config={"camera": {"fov": 75}})
    for v in mesh_bad.value:
        data = mesh_data(v.metadata)
        data.json_config = "{not json"
        v.metadata.plugin_data.content = data.SerializeToString()
    layout = one(layout_pb(layout_proto({"cat": {"chart": ["Multiline", ["loss"]]}})))
    garbage_layout = with_tensor(
        layout, tensor(types_pb2.DT_STRING, [], string_val=[b"\xff\xff\xff garbage"])
    )
    session = one(session_start_pb({"lr": float("nan"), "depth": 3}))
    bad_session = summary_pb2.Summary.Value()
    bad_session.CopyFrom(session)
    bad_session.metadata.plugin_data.content = b"\xff\xff\xff\xff"
    write(
        logdir / "a_bad" / "events.out.tfevents.1.x",
        event(0, with_tensor(image, tensor(types_pb2.DT_FLOAT, [3], float_val=[1.0, 2.0, 3.0]))),
        event(0, with_tensor(text, tensor(types_pb2.DT_STRING, [100_000_000], string_val=[b"x"]))),
        event(0, with_tensor(histo, tensor(types_pb2.DT_DOUBLE, [1, 3], tensor_content=b"\x00" * 7))),
        event(1, with_tensor(histo, tensor(999, [1, 3], tensor_content=b"\x00" * 24))),
        event(2, histo),  # one good step among bad ones
        event(0, *mesh_bad.value),
        event(0, garbage_layout),
        event(0, bad_session),
    )
    inf_histo = histogram_pb_from_buckets("h", np.array([[-np.inf, 0.0, 1.0], [0.0, np.inf, 2.0]]))
    write(
        logdir / "b_good" / "events.out.tfevents.1.x",
        event(0, image),
        event(0, text),
        event(0, *inf_histo.value),
        event(0, *mesh_pb("cloud", np.array([[0.0, np.inf, 1.0], [1, 2, 3]])).value),
        event(0, layout),
        event(0, session),
    )
    store = SQLiteStore(root / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return TestClient(create_app(LocalDataProvider(store, ingester)))


def test_a_float_tensor_labelled_as_an_image(client: TestClient) -> None:
    r = client.get("/api/plugins/images/image", params={"run": "a_bad", "tag": "img"})
    assert r.status_code == 422 and "a_bad" in r.json()["detail"] and "img" in r.json()["detail"]
    card = client.get("/api/plugins/images/card", params={"tag": "img", "run": ["a_bad", "b_good"]}).json()
    assert card["runs"]["b_good"]["last"] == {"width": 2, "height": 2, "samples": 1}
    assert [e["run"] for e in card["errors"]] == ["a_bad"]
    assert client.get("/api/plugins/images/image", params={"run": "b_good", "tag": "img"}).status_code == 200


def test_a_huge_declared_text_shape_is_refused_quickly_and_small(client: TestClient) -> None:
    r = client.get("/api/plugins/text/texts", params={"run": "a_bad", "tag": "note"})
    assert r.status_code == 200 and len(r.content) < 10_000
    assert r.json()["texts"] == [] and "100,000,000" in r.json()["errors"][0]["detail"]
    good = client.get("/api/plugins/text/texts", params={"run": "b_good", "tag": "note"}).json()
    assert good["texts"][0]["strings"] == ["hello"]


def test_histogram_steps_with_bad_content_cost_only_themselves(client: TestClient) -> None:
    r = client.get("/api/plugins/histograms/histograms", params={"run": "a_bad", "tag": "h"}).json()
    assert r["step"] == [2] and r["buckets"] == [[[0.0, 1.0, 2.0]]]
    assert [e["step"] for e in r["errors"]] == [0, 1]
    assert "needs 24" in r["errors"][0]["detail"] and "dtype 999" in r["errors"][1]["detail"]
    d = client.get("/api/plugins/histograms/distributions", params={"run": "a_bad", "tag": "h"}).json()
    assert d["step"] == [2] and len(d["errors"]) == 2


def test_infinite_histogram_edges_and_mesh_vertices_are_kept(client: TestClient) -> None:
    r = client.get("/api/plugins/histograms/histograms", params={"run": "b_good", "tag": "h"})
    assert r.json()["buckets"] == [[["-Infinity", 0.0, 1.0], [0.0, "Infinity", 2.0]]]
    mesh = client.get("/api/plugins/mesh/mesh", params={"run": "b_good", "name": "cloud"}).json()
    assert mesh["vertices"] == [0.0, "Infinity", 1.0, 1.0, 2.0, 3.0]


def test_a_bad_mesh_config_does_not_break_the_mesh_routes(client: TestClient) -> None:
    meshes = client.get("/api/plugins/mesh/meshes").json()["runs"]
    assert meshes["a_bad"]["cloud"]["config"] == {} and "not JSON" in meshes["a_bad"]["cloud"]["config_error"]
    assert "b_good" in meshes
    assert client.get("/api/plugins/mesh/mesh", params={"run": "a_bad", "name": "cloud"}).status_code == 200


def test_a_garbage_layout_does_not_hide_the_good_one(client: TestClient) -> None:
    r = client.get("/api/plugins/custom_scalars/layout").json()
    assert r["categories"] == [
        {"title": "cat", "closed": False, "charts": [{"title": "chart", "multiline": ["loss"]}]}
    ]
    assert [e["run"] for e in r["errors"]] == ["a_bad"]


def test_hparams_nan_values_survive_and_a_garbled_session_is_listed(client: TestClient) -> None:
    r = client.get("/api/plugins/hparams/experiment")
    assert r.status_code == 200
    body = r.json()
    (session,) = body["sessions"]
    assert session["run"] == "b_good" and session["hparams"] == {"lr": "NaN", "depth": 3}
    assert [e["run"] for e in body["errors"]] == ["a_bad"]
    assert math.isnan(float(session["hparams"]["lr"]))  # what Number("NaN") gives in the browser
