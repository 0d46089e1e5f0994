"""Keras 3: ``ridgeline.keras.TensorBoard`` against the real ``keras.callbacks.TensorBoard``.

The reference logdir is written by real Keras on the tensorflow backend (in the TensorFlow
environment ``scripts/test`` makes, ``.venv-tf``); ours is written on the tensorflow backend
there (tag for tag, step for step and value for value), and on the torch and jax backends here
with TensorFlow blocked (tag for tag and step for step). Each fit runs in a process of its
own, as the backend is fixed at import. Read back with the real ``tensorboard`` package.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from tb_oracle import tensorboard_logdir

ROOT = Path(__file__).resolve().parents[2]
FIT = Path(__file__).with_name("keras_fit.py")
TF_PYTHON = Path(os.environ.get("RIDGELINE_TF_PYTHON", ROOT / ".venv-tf" / "bin" / "python"))

Logdir = dict[tuple[str, str], tuple[str, list[tuple[int, Any]]]]


def fit(python: Path | str, which: str, backend: str, logdir: Path, case: str, no_tf: bool = False) -> Logdir:
    # ridgeline from this checkout (the TensorFlow venv has the writer's dependencies, not ridgeline)
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
    env = {
        **os.environ,
        "KERAS_BACKEND": backend,
        "PYTHONPATH": path,
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "CUDA_VISIBLE_DEVICES": "",
    }
    args = [str(python), str(FIT), which, str(logdir), case] + (["--no-tensorflow"] if no_tf else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    return tensorboard_logdir(logdir)


def tf_python() -> Path:
    if not TF_PYTHON.exists():
        pytest.skip(f"no TensorFlow environment at {TF_PYTHON} (scripts/test makes it)")
    return TF_PYTHON


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Logdir]]:
    """What real Keras writes, per case, on the tensorflow backend."""
    python = tf_python()
    out = {}
    for case in ("full", "defaults", "embedding"):
        logdir = tmp_path_factory.mktemp(f"keras-{case}")
        out[case] = (logdir, fit(python, "keras", "tensorflow", logdir, case))
    return out


def layout(logdir: Logdir) -> dict[tuple[str, str], tuple[str, list[int]]]:
    return {key: (plugin, [step for step, _ in points]) for key, (plugin, points) in logdir.items()}


def pngs(value: Any) -> list[np.ndarray]:
    return [np.asarray(Image.open(io.BytesIO(b))) for b in value[2:]]


def assert_same_values(ref: Logdir, ours: Logdir) -> None:
    for key, (plugin, points) in ref.items():
        for (step, a), (_, b) in zip(points, ours[key][1], strict=True):
            where = (key, step)
            if plugin == "scalars":
                if "steps_per_second" not in key[1]:  # a timing
                    assert float(b) == pytest.approx(float(a), rel=1e-5, abs=1e-7), where
            elif plugin == "histograms":
                np.testing.assert_allclose(b, a, rtol=1e-6, atol=1e-9, err_msg=str(where))
            elif plugin == "images":
                assert list(b[:2]) == list(a[:2]), where
                for x, y in zip(pngs(a), pngs(b), strict=True):
                    np.testing.assert_array_equal(y, x, err_msg=str(where))
            elif plugin == "graph_keras_model":
                assert json.loads(b.item()) == json.loads(a.item()), where


def assert_same_shapes(ref: Logdir, ours: Logdir) -> None:
    for key, (plugin, points) in ref.items():
        for (step, a), (_, b) in zip(points, ours[key][1], strict=True):
            if plugin == "histograms":
                assert b.shape == a.shape and b[:, 2].sum() == a[:, 2].sum(), (key, step)
            elif plugin == "images":
                assert [p.shape for p in pngs(b)] == [p.shape for p in pngs(a)], (key, step)
            elif plugin == "scalars":
                assert np.isfinite(float(b)), (key, step)
            elif plugin == "graph_keras_model":
                ref_layers = [layer["class_name"] for layer in json.loads(a.item())["config"]["layers"]]
                our_layers = [layer["class_name"] for layer in json.loads(b.item())["config"]["layers"]]
                assert our_layers == ref_layers, key


@pytest.mark.parametrize("case", ["full", "defaults"])
def test_tensorflow_backend_matches_keras_value_for_value(
    case: str, reference: dict[str, tuple[Path, Logdir]], tmp_path: Path
) -> None:
    ref = reference[case][1]
    ours = fit(tf_python(), "ridgeline", "tensorflow", tmp_path, case)
    assert layout(ours) == layout(ref)
    assert_same_values(ref, ours)


@pytest.mark.parametrize("backend", ["torch", "jax"])
@pytest.mark.parametrize("case", ["full", "defaults"])
def test_torch_and_jax_backends_match_keras_tag_for_tag_without_tensorflow(
    backend: str, case: str, reference: dict[str, tuple[Path, Logdir]], tmp_path: Path
) -> None:
    pytest.importorskip(backend)
    ref = reference[case][1]
    ours = fit(sys.executable, "ridgeline", backend, tmp_path, case, no_tf=True)
    assert layout(ours) == layout(ref)
    assert_same_shapes(ref, ours)


def test_what_keras_writes_is_what_the_issue_names(reference: dict[str, tuple[Path, Logdir]]) -> None:
    """The reference itself, spelled out: the tags users look for are there, at the steps
    they expect (so a Keras change that moves them fails here, not silently)."""
    full = layout(reference["full"][1])
    assert full[("train", "epoch_loss")] == ("scalars", [0, 1, 2])
    assert full[("train", "epoch_learning_rate")] == ("scalars", [0, 1, 2])
    assert full[("validation", "epoch_accuracy")] == ("scalars", [0, 1, 2])
    assert full[("validation", "evaluation_loss_vs_iterations")] == ("scalars", [4, 8, 12])
    assert full[("train", "batch_loss")] == ("scalars", [2, 4, 6, 8, 10, 12])
    assert full[("train", "custom/batch_in_epoch")] == ("scalars", [2, 4, 6, 8, 10, 12])
    assert full[("train", "conv2d/kernel/histogram")] == ("histograms", [0, 1, 2])
    assert full[("train", "conv2d/kernel/image")] == ("images", [0, 1, 2])
    assert full[("train", "keras")] == ("graph_keras_model", [0])
    defaults = layout(reference["defaults"][1])
    assert not any(tag.startswith("batch_") or tag.endswith("/histogram") for _, tag in defaults)


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_embeddings_match_keras_and_open_in_the_projector(
    backend: str, reference: dict[str, tuple[Path, Logdir]], tmp_path: Path
) -> None:
    from google.protobuf import text_format
    from tensorboard.plugins.projector import projector_config_pb2

    pytest.importorskip(backend)
    ref_dir = reference["embedding"][0]
    fit(sys.executable, "ridgeline", backend, tmp_path, "embedding", no_tf=True)

    def config(root: Path) -> Any:
        return text_format.Parse(
            (root / "projector_config.pbtxt").read_text(), projector_config_pb2.ProjectorConfig()
        )

    ref, ours = config(ref_dir), config(tmp_path)
    assert [(e.tensor_name, e.metadata_path) for e in ours.embeddings] == [
        (e.tensor_name, e.metadata_path) for e in ref.embeddings
    ]
    assert [e.metadata_path for e in ours.embeddings] == ["words.tsv"]
    ckpts = sorted(p.name for p in (ref_dir / "train").glob("keras_embedding.ckpt-*"))
    assert ckpts and sorted(p.name for p in (tmp_path / "train").glob("keras_embedding.ckpt-*")) == ckpts
    vectors = np.loadtxt(tmp_path / ours.embeddings[0].tensor_path, delimiter="\t")
    assert vectors.shape == (20, 5) and np.isfinite(vectors).all()


def test_profile_batch_is_refused_on_torch_as_keras_refuses_it() -> None:
    code = (
        "import os; os.environ['KERAS_BACKEND']='torch'\n"
        "from ridgeline.keras import TensorBoard\n"
        "try:\n    TensorBoard('x', profile_batch=2)\nexcept ValueError as e:\n    print('refused:', e)\n"
        "try:\n    TensorBoard('x', profile_batch=(5, 2))\nexcept ValueError as e:\n    print('refused:', e)\n"
    )
    pytest.importorskip("torch")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("refused:") == 2 and "torch backend" in out.stdout


@pytest.mark.parametrize("backend", ["torch", "jax"])
def test_health_from_the_keras_callback_finds_vanishing_gradients_at_the_first_layer(
    backend: str, tmp_path: Path
) -> None:
    from serving import indexed_client

    from ridgeline.plugins.health.rules import HealthConfig

    pytest.importorskip(backend)
    sick, well = tmp_path / "logs" / "sigmoid10", tmp_path / "logs" / "relu2"
    fit(sys.executable, "ridgeline", backend, sick, "vanishing", no_tf=True)
    fit(sys.executable, "ridgeline", backend, well, "healthy", no_tf=True)
    body = (
        indexed_client(tmp_path / "logs", tmp_path / "i.sqlite", health=HealthConfig())
        .get("/api/health")
        .json()
    )
    findings = body["runs"].get("sigmoid10/train", [])
    vanishing = [f for f in findings if f["kind"] == "vanishing_gradients"]
    assert vanishing, findings
    # the gradient fades on its way back: the first layers are flagged, the last is not
    flagged = {f["layer"] for f in vanishing}
    assert {"sequential/dense/kernel", "sequential/dense_1/kernel"} <= flagged, flagged
    assert "sequential/dense_10/kernel" not in flagged
    assert vanishing[0]["first_step"] == 1 and vanishing[0]["step"] == 21
    assert not body["runs"].get("relu2/train"), body["runs"]


def test_every_n_callbacks_and_image_grid_in_keras(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run(
        [sys.executable, str(FIT), "ridgeline", str(tmp_path), "helpers"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    calls = json.loads((tmp_path / "calls.json").read_text())
    assert calls == {"epochs": [0, 2], "batches": [0, 5, 10, 15]}  # 4 epochs of 4 batches
    # every call that ran is timed at DEBUG level
    assert done.stderr.count("ImageGrid._log at epoch") == 2 and " took " in done.stderr
    images = {k: v for k, v in tensorboard_logdir(tmp_path).items() if v[0] == "images"}
    plugin, points = images[("samples", "val/input_output_target")]
    assert [step for step, _ in points] == [0, 2]
    # 4 samples of 8x8 in rows, input | output | target in columns, 2 px between
    width, height = (int(v) for v in points[0][1][:2])
    assert (width, height) == (3 * 8 + 4 * 2, 4 * 8 + 5 * 2)
    grid = pngs(points[0][1])[0]
    assert grid.shape == (height, width, 3)
    # the input and the target column are the same images here (an autoencoder)
    np.testing.assert_array_equal(grid[2:10, 2:10], grid[2:10, 22:30])


def test_the_fit_script_imports_what_it_uses(tmp_path: Path) -> None:
    """``keras_fit.py`` in a bare interpreter (no site-packages, nothing imported by a ``.pth``
    file): it gets past its own imports to ``import keras``. It once used ``importlib.util``
    after importing only ``importlib.abc``, which worked only where something else had
    imported it, and failed the Keras tests in a fresh virtual environment."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(FIT), "ridgeline", str(tmp_path), "conv", "--no-tensorflow"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "No module named 'keras'" in done.stderr, done.stderr
