"""schemathesis over the OpenAPI schema: generated requests to every operation (valid and
invalid parameters, odd strings, huge numbers) over a logdir with every kind, NaN and inf
values and a bad file. No request may end in a server error (5xx), and every answer's status,
content type and body must be what the schema documents (typed response models)."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import numpy as np
import schemathesis
import torch
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.server.plugin_registry import default_plugins
from ridgeline.store import SQLiteStore


def _app(root: Path) -> object:
    logdir = root / "logs"
    with SummaryWriter(logdir / "run") as w:
        for s in range(20):
            w.add_scalar("loss", float("nan") if s == 7 else 1.0 / (s + 1), s)
            if s % 5 == 0:
                w.add_image("img", np.random.default_rng(s).random((3, 4, 4)), s)
                w.add_histogram("h", np.random.default_rng(s).normal(size=50), s)
                w.add_text("note", f"step {s}", s)
                w.add_audio("clip", np.zeros(64), s, sample_rate=8000)
                w.add_pr_curve("pr", np.array([0, 1]), np.array([0.2, 0.7]), s)
                w.add_mesh("cloud", np.zeros((1, 4, 3)), global_step=s)
        w.add_custom_scalars({"c": {"loss": ["Multiline", ["loss"]]}})
        w.add_graph(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU()), torch.zeros(1, 3))
        w.add_embedding(
            np.random.default_rng(0).normal(size=(12, 4)), metadata=[str(i % 3) for i in range(12)]
        )
        w.add_hparams({"lr": float("inf")}, {"hp/m": 1.0}, run_name=".")
    (logdir / "bad").mkdir()
    (logdir / "bad" / "events.out.tfevents.1.x").write_bytes(b"\x00" * 40 + b"garbage" * 30)
    store = SQLiteStore(root / "i.sqlite")
    ingester = Ingester(store, [("", str(logdir))])
    ingester.reload()
    return create_app(LocalDataProvider(store, ingester))


import tempfile  # noqa: E402

_TMP = tempfile.TemporaryDirectory()
schema = schemathesis.openapi.from_asgi("/openapi.json", _app(Path(_TMP.name)))


@schema.parametrize()
@hypothesis.settings(max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_every_operation_answers_as_its_schema_says(case: schemathesis.Case) -> None:
    """No 5xx; every status code, content type and body is one the schema documents."""
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


def test_the_schema_covers_every_route() -> None:
    paths = set(schema.raw_schema["paths"])
    kinds = [p.name for p in default_plugins()]
    assert {"scalars", "graphs", "projector", "explanations"} <= set(kinds)
    for kind in kinds:
        assert any(p.startswith(f"/api/plugins/{kind}/") for p in paths), kind
    assert {"/api/runs", "/api/plugins", "/api/status"} <= paths
