"""tf-explain's classic example end to end on Keras 3 (torch backend): a small CNN on
MNIST-shaped data with every callback for classes 0 and 4, trained a few epochs, read back
through the server. The data put class 0's evidence at the top left and class 4's at the bottom
right, so each explanation must look there."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from serving import indexed_client

pytest.importorskip("torch")
if importlib.util.find_spec("keras") is None:  # imported only in the subprocess, on the torch backend
    pytest.skip("keras is not installed", allow_module_level=True)

SCRIPT = Path(__file__).with_name("keras_explain_fit.py")
METHODS = {
    "grad_cam": "Grad CAM",
    "smoothgrad": "SmoothGrad",
    "integrated_gradients": "IntegratedGradients",
    "vanilla_gradients": "VanillaGradients",
    "gradients_inputs": "GradientsInputs",
    "occlusion": "Occlusion Sensitivity",
}


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tf-explain example")
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(root)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "accuracy 1.0" in done.stdout  # the model learned the task, so explanations mean something
    return root


def test_every_callback_logs_its_tag_every_epoch_into_its_own_run(logdir: Path, tmp_path: Path) -> None:
    client = indexed_client(logdir, tmp_path / "i.sqlite")
    explanations = client.get("/api/plugins/explanations/tags").json()["runs"]
    images = client.get("/api/plugins/images/tags").json()["runs"]
    for folder, title in METHODS.items():
        for cls in (0, 4):
            (run,) = [r for r in explanations if r.startswith(f"{folder}_{cls}/")]  # output_dir/<date-time>
            assert list(explanations[run]) == [f"explanations/{title}"]
            assert list(images[run]) == [title]  # tf-explain's tag, in the images dashboard
            steps = client.get(
                "/api/plugins/explanations/steps", params={"run": run, "tag": f"explanations/{title}"}
            )
            assert steps.json()["step"] == [0, 1, 2, 3]
            step = client.get(
                "/api/plugins/explanations/step", params={"run": run, "tag": f"explanations/{title}"}
            ).json()
            assert step["targets"] == [cls] * 4 and step["samples"] == 4
            assert (step["width"], step["height"]) == (28, 28)
    (act,) = [r for r in images if r.startswith("activations/")]
    assert list(images[act]) == ["Activations Visualization"]


@pytest.mark.parametrize("folder", sorted(METHODS))
def test_explanations_look_where_the_evidence_is(logdir: Path, tmp_path: Path, folder: str) -> None:
    client = indexed_client(logdir, tmp_path / "i.sqlite")
    runs = client.get("/api/plugins/explanations/tags").json()["runs"]
    for cls, (here, there) in {0: ("square", "bar"), 4: ("bar", "square")}.items():
        (run,) = [r for r in runs if r.startswith(f"{folder}_{cls}/")]
        tag = f"explanations/{METHODS[folder]}"
        for sample in range(4):
            body = client.get(
                "/api/plugins/explanations/map", params={"run": run, "tag": tag, "sample": sample}
            ).json()
            m = np.array(body["values"], dtype=float)
            assert m.shape == (28, 28)
            where = {"square": m[2:10, 2:10].mean(), "bar": m[20:26, 14:26].mean()}
            assert where[here] > where[there], (folder, cls, sample, where)
        png = client.get(
            "/api/plugins/explanations/image", params={"run": run, "tag": tag, "kind": "overlay"}
        )
        assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
