"""Every kind ``SummaryWriter`` writes reads back identically through the real ``tensorboard``
package, and matches what ``torch.utils.tensorboard`` computes for the same input."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tb_oracle import tensorboard_metadata, tensorboard_tensors
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.plugins.custom_scalar import layout_pb2 as tb_layout
from tensorboard.plugins.hparams import plugin_data_pb2 as tb_hparams
from tensorboard.plugins.mesh import plugin_data_pb2 as tb_mesh
from tensorboard.util import tensor_util

import ridgeline
from ridgeline import SummaryWriter


def _png(blob: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(blob)))


def test_images_are_the_pixels_torch_writes(tmp_path: Path) -> None:
    """The same tensors through ``torch.utils.tensorboard`` and through ours: TensorBoard's
    reader decodes the same pixels, sizes and grid layout."""
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    rng = np.random.default_rng(0)
    chw = rng.random((3, 8, 10)).astype(np.float32)
    chw[0, 0, :3] = [-0.5, 1.5, 0.999]  # out of range is clipped the same way
    batch = rng.integers(0, 256, (3, 1, 4, 5), dtype=np.uint8)
    floats = rng.random((10, 3, 6, 7)).astype(np.float32)  # more than 8: two rows in the grid
    for writer, path in ((SummaryWriter, tmp_path / "ours"), (torch_tb.SummaryWriter, tmp_path / "torch")):
        with writer(str(path)) as w:
            w.add_image("train/chw", chw, 7)
            w.add_image("train/hw", chw[0], 8, dataformats="HW")
            w.add_image("train/hwc", np.transpose(chw, (1, 2, 0)), 9, dataformats="HWC")
            w.add_images("val/batch", batch, 9)
            w.add_images("val/floats", floats, 10)
    ours, theirs = (
        tensorboard_tensors(tmp_path / "ours", "images"),
        tensorboard_tensors(tmp_path / "torch", "images"),
    )
    assert set(ours) == set(theirs) == {"train/chw", "train/hw", "train/hwc", "val/batch", "val/floats"}
    for tag in ours:
        (step, _, mine), (their_step, _, their) = ours[tag][0], theirs[tag][0]
        assert step == their_step and mine[0] == their[0] and mine[1] == their[1], tag  # width, height
        a, b = _png(mine[2]), _png(their[2])
        if a.ndim == 2 and b.ndim == 3:  # an HW image: ours is grayscale, torch repeats it as RGB
            assert (b == b[..., :1]).all(), tag
            b = b[..., 0]
        np.testing.assert_array_equal(a, b, err_msg=tag)


def test_images_accept_torch_and_reject_bad_shapes(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    with SummaryWriter(tmp_path) as w:
        w.add_image("t", torch.ones(3, 4, 4), 0)
        with pytest.raises(ValueError, match="3-D array"):
            w.add_image("bad", np.zeros((4, 4)), 0)
        with pytest.raises(ValueError, match="channels"):
            w.add_image("bad", np.zeros((5, 4, 4)), 0)
    assert _png(tensorboard_tensors(tmp_path, "images")["t"][0][2][2]).min() == 255


def test_video_is_an_animated_gif(tmp_path: Path) -> None:
    vid = np.zeros((2, 5, 3, 6, 8), dtype=np.float32)
    vid[:, :, 0] = np.linspace(0, 1, 5)[None, :, None, None]
    with SummaryWriter(tmp_path) as w:
        w.add_video("gen/video", vid, 3, fps=10)
    arr = tensorboard_tensors(tmp_path, "images")["gen/video"][0][2]
    gif = Image.open(io.BytesIO(arr[2]))
    assert gif.format == "GIF" and gif.n_frames == 5 and (int(arr[0]), int(arr[1])) == (16, 6)


def test_figure(tmp_path: Path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(tmp_path) as w:
        w.add_figure("fig", fig, 1)
    arr = tensorboard_tensors(tmp_path, "images")["fig"][0][2]
    assert _png(arr[2]).shape == (50, 100, 4)
    assert not plt.fignum_exists(fig.number)


def test_audio_is_the_wav_torch_writes(tmp_path: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    t = np.linspace(0, 1, 800, endpoint=False)
    tone = 0.5 * np.sin(2 * np.pi * 220 * t)
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_audio("speech/tone", tone, 4, sample_rate=8000)
    with torch_tb.SummaryWriter(str(tmp_path / "torch")) as w:
        w.add_audio("speech/tone", tone, 4, sample_rate=8000)
    ours = tensorboard_tensors(tmp_path / "ours", "audio")["speech/tone"][0][2]
    theirs = tensorboard_tensors(tmp_path / "torch", "audio")["speech/tone"][0][2]

    def samples(blob: bytes) -> tuple[int, int, np.ndarray]:
        with wave.open(io.BytesIO(blob)) as f:
            return f.getframerate(), f.getnchannels(), np.frombuffer(f.readframes(f.getnframes()), "<i2")

    rate, channels, mine = samples(ours.reshape(-1)[0])  # ours: [clip, label], as TF writes it
    their_rate, their_channels, their = samples(theirs.reshape(-1)[0])
    assert (rate, channels) == (their_rate, their_channels) == (8000, 1)
    np.testing.assert_array_equal(mine, their)


def test_histograms_match_torch(tmp_path: Path) -> None:
    torch_tb = pytest.importorskip("torch.utils.tensorboard")
    values = np.random.default_rng(1).normal(size=5000)
    values[:3] = [0.0, 1e-13, -5e3]
    with SummaryWriter(tmp_path / "ours") as w:
        w.add_histogram("w/default", values, 1)
        w.add_histogram("w/auto", values, 1, bins="auto")
        w.add_histogram_raw("w/raw", -1.0, 2.0, 6, 3.0, 9.0, [0.0, 1.0, 2.0], [1, 3, 2], 2)
    theirs = torch_tb.SummaryWriter(str(tmp_path / "torch"))
    theirs.add_histogram("w/default", values, 1)
    theirs.add_histogram("w/auto", values, 1, bins="auto")
    theirs.close()
    got = tensorboard_tensors(tmp_path / "ours", "histograms")
    want = tensorboard_tensors(tmp_path / "torch", "histograms")
    for tag in ("w/default", "w/auto"):
        np.testing.assert_allclose(got[tag][0][2], want[tag][0][2], rtol=1e-6)
    np.testing.assert_array_equal(got["w/raw"][0][2], [[-1, 0, 1], [0, 1, 3], [1, 2, 2]])


def test_pr_curves_match_torch(tmp_path: Path) -> None:
    torch_summary = pytest.importorskip("torch.utils.tensorboard.summary")
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 2, 300)
    preds = np.clip(labels * 0.3 + rng.random(300) * 0.7, 0, 1)
    weights = rng.random(300)
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve("pr", labels, preds, 5)
        w.add_pr_curve("pr_w", labels, preds, 5, num_thresholds=50, weights=weights)
    got = tensorboard_tensors(tmp_path, "pr_curves")
    for tag, n, wt in (("pr", 127, None), ("pr_w", 50, weights)):
        theirs = torch_summary.pr_curve(tag, labels, preds, num_thresholds=n, weights=wt)
        want = tensor_util.make_ndarray(theirs.value[0].tensor)
        np.testing.assert_allclose(got[tag][0][2], want, rtol=1e-5, atol=1e-6)


def test_text(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "**bold** <script>x</script>", 2)
        with w.as_default(step=3):
            ridgeline.summary.text("table", np.array([["a", "b"], ["1", "2"]]))
    got = tensorboard_tensors(tmp_path, "text")
    assert got["notes/text_summary"][0][2].tolist() == [b"**bold** <script>x</script>"]
    assert got["table"][0][0] == 3 and got["table"][0][2].tolist() == [[b"a", b"b"], [b"1", b"2"]]


def test_hparams_like_torch(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w.add_hparams(
            {"lr": 0.01, "layers": 3, "opt": "adam", "bn": True},
            {"hparam/acc": 0.75},
            {"opt": ["adam", "sgd"]},
            run_name="trial-1",
        )
    run = tmp_path / "trial-1"
    meta = tensorboard_metadata(run, "hparams")
    exp = tb_hparams.HParamsPluginData.FromString(meta["_hparams_/experiment"]).experiment
    assert {h.name for h in exp.hparam_infos} == {"lr", "layers", "opt", "bn"}
    opt = next(h for h in exp.hparam_infos if h.name == "opt")
    assert [v.string_value for v in opt.domain_discrete.values] == ["adam", "sgd"]
    assert [m.name.tag for m in exp.metric_infos] == ["hparam/acc"]
    start = tb_hparams.HParamsPluginData.FromString(meta["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == 0.01 and start.hparams["opt"].string_value == "adam"
    assert start.hparams["bn"].bool_value is True
    end = tb_hparams.HParamsPluginData.FromString(meta["_hparams_/session_end_info"]).session_end_info
    assert end.status == tb_hparams.SessionEndInfo().status + 1  # STATUS_SUCCESS
    acc = pea.EventAccumulator(str(run), size_guidance={"tensors": 0})
    acc.Reload()
    assert float(tensor_util.make_ndarray(acc.Tensors("hparam/acc")[0].tensor_proto)) == pytest.approx(0.75)
    with pytest.raises(TypeError), SummaryWriter(tmp_path) as w:
        w.add_hparams({"bad": [1, 2]}, {})


def test_mesh_and_custom_scalars(tmp_path: Path) -> None:
    verts = np.random.default_rng(3).random((1, 4, 3)).astype(np.float32)
    faces = np.array([[[0, 1, 2], [1, 2, 3]]])
    colors = np.full((1, 4, 3), 200)
    with SummaryWriter(tmp_path) as w:
        w.add_mesh(
            "cloud", verts, colors=colors, faces=faces, config_dict={"camera": {"fov": 60}}, global_step=1
        )
        w.add_custom_scalars(
            {"Losses": {"both": ["Multiline", ["loss/.*"]], "band": ["Margin", ["m", "lo", "hi"]]}}
        )
    got = tensorboard_tensors(tmp_path, "mesh")
    np.testing.assert_array_equal(got["cloud_VERTEX"][0][2], verts)
    np.testing.assert_array_equal(got["cloud_FACE"][0][2], faces)
    np.testing.assert_array_equal(got["cloud_COLOR"][0][2], colors)
    data = tb_mesh.MeshPluginData.FromString(tensorboard_metadata(tmp_path, "mesh")["cloud_FACE"])
    assert data.name == "cloud" and data.components == 0b1110 and '"fov": 60' in data.json_config
    raw = tensorboard_tensors(tmp_path, "custom_scalars")["custom_scalars__config__"][0][2]
    layout = tb_layout.Layout.FromString(raw.reshape(-1)[0])
    assert layout.category[0].title == "Losses"
    assert list(layout.category[0].chart[0].multiline.tag) == ["loss/.*"]
    assert layout.category[0].chart[1].margin.series[0].upper == "hi"


def test_functional_api(tmp_path: Path) -> None:
    w = SummaryWriter(tmp_path)
    imgs = np.zeros((5, 4, 4, 3), dtype=np.float32)
    with w.as_default(step=6):
        assert ridgeline.summary.image("imgs", imgs, max_outputs=2)
        assert ridgeline.summary.audio("clip", np.zeros((2, 100, 1)), 16000)
        assert ridgeline.summary.histogram("h", np.arange(10), buckets=5)
    w.close()
    assert len(tensorboard_tensors(tmp_path, "images")["imgs"][0][2]) == 4  # width, height, 2 PNGs
    assert tensorboard_tensors(tmp_path, "audio")["clip"][0][2].shape == (2, 2)
    h = tensorboard_tensors(tmp_path, "histograms")["h"][0][2]
    np.testing.assert_array_equal(h[:, 2], [2, 2, 2, 2, 2])
    assert ridgeline.summary.image("x", imgs, step=0) is False  # no default writer


def test_a_bad_value_on_the_writer_thread_loses_only_itself(tmp_path: Path) -> None:
    with SummaryWriter(tmp_path) as w:
        w._queue(lambda: (_ for _ in ()).throw(RuntimeError("boom")), 0, None)  # type: ignore[arg-type]
        w.add_scalar("after", 1.0, 1)
    acc = pea.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    assert acc.Tags()["tensors"] == ["after"]
