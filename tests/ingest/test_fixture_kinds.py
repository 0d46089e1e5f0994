"""Every non-scalar value in the shared real-world logdirs reads as TensorBoard reads it.

The logs were written by TensorFlow 2 (``tf.summary``), Keras 3's callback (weight histograms
and images), ``tf.compat.v1`` (legacy merged summaries), ``torch.utils.tensorboard`` and
tensorboardX. For each plugin, our reader's view of every value is compared with what the real
``tensorboard`` package's accumulator gives after its own legacy-to-tensor migration.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from tb_oracle import tensorboard_tensors

from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.plugins.audio.reader import read_clips
from ridgeline.plugins.histograms.reader import read_buckets
from ridgeline.plugins.images.reader import read_images
from ridgeline.plugins.pr_curves.reader import read_curve
from ridgeline.plugins.text.reader import read_text
from ridgeline.proto import summary_pb2
from ridgeline.store import SQLiteStore


def _images(value: summary_pb2.Summary.Value) -> object:
    s = read_images(value)
    return [str(s.width).encode(), str(s.height).encode(), *s.blobs]


def _audio(value: summary_pb2.Summary.Value) -> object:
    return [c.data for c in read_clips(value)]


def _tb_audio(arr: np.ndarray) -> object:
    return [bytes(row[0]) for row in arr.reshape(arr.shape[0], -1)]


def _pr(value: summary_pb2.Summary.Value) -> object:
    c = read_curve(value)
    return np.array(
        [
            c[k]
            for k in (
                "true_positives",
                "false_positives",
                "true_negatives",
                "false_negatives",
                "precision",
                "recall",
            )
        ]
    )


KINDS = {
    "images": (_images, lambda a: [bytes(b) for b in a.reshape(-1)]),
    "audio": (_audio, _tb_audio),
    "histograms": (read_buckets, lambda a: a.astype(np.float64).reshape(-1, 3)),
    "text": (lambda v: read_text(v).strings, lambda a: [b.decode() for b in np.asarray(a).reshape(-1)]),
    "pr_curves": (_pr, lambda a: a.astype(np.float64)),
}


@pytest.fixture(scope="module")
def provider(fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> LocalDataProvider:
    store = SQLiteStore(tmp_path_factory.mktemp("idx") / "index.sqlite")
    ingester = Ingester(store, [("", str(fixtures_dir))])
    ingester.reload()
    return LocalDataProvider(store, ingester)


@pytest.mark.parametrize("plugin", sorted(KINDS))
def test_every_fixture_value_matches_tensorboard(
    plugin: str, provider: LocalDataProvider, fixtures_dir: Path
) -> None:
    ours_of, theirs_of = KINDS[plugin]
    run_dirs = sorted({p.parent for p in fixtures_dir.rglob("*tfevents*")})
    compared = 0
    for run_dir in run_dirs:
        run = os.path.relpath(run_dir, fixtures_dir).replace(os.sep, "/")
        want = tensorboard_tensors(run_dir, plugin)
        have = {t.tag for t in provider.list_tags(plugin) if t.run == run}
        assert have == set(want), (run, plugin)
        for tag, events in want.items():
            values = provider.read_values(run, tag)
            assert values is not None
            assert [(v.step, v.wall_time) for v in values] == [(e[0], e[1]) for e in events], (run, tag)
            for v, (_, _, arr) in zip(values, events, strict=True):
                ours, theirs = ours_of(v.value), theirs_of(arr)
                if isinstance(theirs, np.ndarray):
                    np.testing.assert_allclose(
                        np.asarray(ours, dtype=np.float64), theirs, rtol=1e-6, err_msg=f"{run} {tag}"
                    )
                else:
                    assert ours == theirs, (run, tag)
                compared += 1
    assert compared >= 10, f"only {compared} {plugin} values in the fixtures"


def test_fixture_hparams_sessions_match_tensorboard(provider: LocalDataProvider, fixtures_dir: Path) -> None:
    from google.protobuf import json_format
    from tb_oracle import tensorboard_metadata
    from tensorboard.plugins.hparams import api_pb2 as tb_api
    from tensorboard.plugins.hparams import plugin_data_pb2 as tb_hparams

    from ridgeline.plugins.hparams.reader import experiment

    sessions = {s["run"]: s for s in experiment(provider)["sessions"]}
    compared = 0
    for run_dir in sorted({p.parent for p in fixtures_dir.rglob("*tfevents*")}):
        run = os.path.relpath(run_dir, fixtures_dir).replace(os.sep, "/")
        meta = tensorboard_metadata(run_dir, "hparams")
        if "_hparams_/session_start_info" not in meta:
            continue
        start = tb_hparams.HParamsPluginData.FromString(
            meta["_hparams_/session_start_info"]
        ).session_start_info
        want = json_format.MessageToDict(start)["hparams"]
        assert sessions[run]["hparams"] == want, run
        if "_hparams_/session_end_info" in meta:
            end = tb_hparams.HParamsPluginData.FromString(meta["_hparams_/session_end_info"]).session_end_info
            assert sessions[run]["status"] == tb_api.Status.Name(end.status).removeprefix("STATUS_").lower()
        compared += 1
    assert compared >= 8 and len(sessions) == compared


def test_fixture_meshes_and_layouts_match_tensorboard(
    provider: LocalDataProvider, fixtures_dir: Path
) -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2 as tb_layout

    from ridgeline.plugins.custom_scalars.reader import read_layout
    from ridgeline.tensor_util import to_numpy

    meshes = layouts = 0
    for run_dir in sorted({p.parent for p in fixtures_dir.rglob("*tfevents*")}):
        run = os.path.relpath(run_dir, fixtures_dir).replace(os.sep, "/")
        for tag, events in tensorboard_tensors(run_dir, "mesh").items():
            values = provider.read_values(run, tag) or []
            for v, (_, _, arr) in zip(values, events, strict=True):
                np.testing.assert_array_equal(to_numpy(v.value.tensor), arr)
                meshes += 1
        for tag, events in tensorboard_tensors(run_dir, "custom_scalars").items():
            values = provider.read_values(run, tag) or []
            for v, (_, _, arr) in zip(values, events, strict=True):
                theirs = tb_layout.Layout.FromString(arr.reshape(-1)[0])
                assert read_layout(v.value).SerializeToString() == theirs.SerializeToString()
                layouts += 1
    assert meshes >= 2 and layouts >= 2
