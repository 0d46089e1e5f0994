"""Time per explanation, ridgeline.explain against Captum, and what the explanation callbacks add
to training.

    python benchmarks/bench_explain.py [--sizes 28,224] [--repeat 3] [--device cpu|cuda] [--part methods|callbacks|all]

Methods: a ResNet-18-shaped network (BasicBlocks [2, 2, 2, 2], widths 64-512, 11.2 M
parameters; defined here, torchvision being unusable beside the CPU torch build), a batch of 32
inputs of 28×28 (1 channel, the stem adapted as for MNIST) and 224×224×3, in eval mode. Each
method is timed against Captum's equivalent on the same inputs and target classes, interleaved
with the order alternating, median of ``--repeat`` (after one warm-up); at 224 px on a CPU, Integrated Gradients uses 8
steps and occlusion 56-px windows so a run ends in minutes (the ratio is what is compared).

Callbacks: the Keras tf-explain example (torch backend; a small CNN on MNIST-shaped data, 8
validation images, every callback at its default frequency, every epoch) — the time each
callback takes per epoch against the time of an MNIST-sized epoch (60,000 images, batch 32),
measured from the mean step time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def resnet18(torch: Any, in_channels: int, small: bool, classes: int = 10) -> Any:
    nn = torch.nn

    class Block(nn.Module):  # type: ignore[misc]
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x: Any) -> Any:
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return torch.relu(out + (x if self.down is None else self.down(x)))

    stem = (
        [nn.Conv2d(in_channels, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
        if small
        else [
            nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(3, 2, 1),
        ]
    )
    layers, cin = [], 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    return nn.Sequential(*stem, *layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes))


def timed(fn: Callable[[], Any], sync: Callable[[], None]) -> float:
    sync()
    t = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - t


def methods(size: int, repeat: int, device: str) -> None:
    import torch
    from captum import attr as ca

    from ridgeline import explain

    torch.manual_seed(0)
    small = size < 64
    channels = 1 if small else 3
    model = resnet18(torch, channels, small).to(device).eval()
    x = torch.rand(32, channels, size, size, device=device)
    with torch.no_grad():
        target = model(x).argmax(dim=1)
    layer = model[-4]  # the last block
    steps = 50 if small or device != "cpu" else 8
    win = 7 if small else 56
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        ("saliency", lambda: explain.saliency(model, x, target), lambda: ca.Saliency(model).attribute(x, target=target)),
        (
            "input_x_gradient",
            lambda: explain.input_x_gradient(model, x, target),
            lambda: ca.InputXGradient(model).attribute(x, target=target),
        ),
        (
            f"integrated_gradients ({steps} steps)",
            lambda: explain.integrated_gradients(model, x, target, n_steps=steps, internal_batch_size=256),
            lambda: ca.IntegratedGradients(model).attribute(x, target=target, n_steps=steps, internal_batch_size=256),
        ),
        (
            "smoothgrad (5 samples)",
            lambda: explain.smoothgrad(model, x, target, nt_samples=5, stdevs=0.1),
            lambda: ca.NoiseTunnel(ca.Saliency(model)).attribute(x, nt_samples=5, stdevs=0.1, target=target),
        ),
        (
            "grad_cam",
            lambda: explain.grad_cam(model, x, target, layer=layer, upsample="bilinear"),
            lambda: ca.LayerAttribution.interpolate(
                ca.LayerGradCam(model, layer).attribute(x, target=target), (size, size), "bilinear"
            ),
        ),
        (
            "guided_backprop",
            lambda: explain.guided_backprop(model, x, target),
            lambda: ca.GuidedBackprop(model).attribute(x, target=target),
        ),
        (
            f"occlusion ({win}-px windows)",
            lambda: explain.occlusion(model, x, target, window=(channels, win, win), strides=(channels, win, win)),
            lambda: ca.Occlusion(model).attribute(
                x, sliding_window_shapes=(channels, win, win), strides=(channels, win, win), target=target,
                perturbations_per_eval=64,
            ),
        ),
    ]  # fmt: skip
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    print(f"\n## {size}×{size}×{channels}, batch 32, ResNet-18-shaped, {device}")
    print(f"{'method':<32} {'ridgeline s':>12} {'captum s':>10} {'ratio':>7}")
    import warnings

    warnings.filterwarnings("ignore")
    for name, ours, theirs in cases:
        ours()
        theirs()  # warm-up
        a, b = [], []
        for i in range(repeat):  # alternate who goes first: the first of a pair pays more
            if i % 2:
                b.append(timed(theirs, sync))
                a.append(timed(ours, sync))
            else:
                a.append(timed(ours, sync))
                b.append(timed(theirs, sync))
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{name:<32} {ma:>12.3f} {mb:>10.3f} {ma / mb:>6.2f}x")


CALLBACK_CHILD = r"""
import os, sys, time, json
import keras, numpy as np
sys.path.insert(0, os.path.join(sys.argv[1], "tests", "explain"))
from keras_explain_fit import data
from ridgeline.keras import (ActivationsVisualizationCallback, GradCAMCallback, GradientsInputsCallback,
    IntegratedGradientsCallback, OcclusionSensitivityCallback, SmoothGradCallback, VanillaGradientsCallback)
import tempfile
keras.utils.set_random_seed(0)
x, y = data(3200, np.random.default_rng(0))
model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(32, 3, activation="relu"),
    keras.layers.Conv2D(64, 3, activation="relu", name="target_layer"), keras.layers.MaxPooling2D(),
    keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy")
val = (x[:8], None)
out = tempfile.mkdtemp()
cbs = {
    "GradCAMCallback": GradCAMCallback(val, 0, "target_layer", output_dir=out),
    "ActivationsVisualizationCallback": ActivationsVisualizationCallback(val, "target_layer", output_dir=out),
    "SmoothGradCallback": SmoothGradCallback(val, 0, output_dir=out),
    "IntegratedGradientsCallback": IntegratedGradientsCallback(val, 0, output_dir=out),
    "VanillaGradientsCallback": VanillaGradientsCallback(val, 0, output_dir=out),
    "GradientsInputsCallback": GradientsInputsCallback(val, 0, output_dir=out),
    "OcclusionSensitivityCallback": OcclusionSensitivityCallback(val, 0, patch_size=4, output_dir=out),
}
times = {k: [] for k in cbs}
class Timer(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        for name, cb in cbs.items():
            t = time.perf_counter(); cb.on_epoch_end(epoch, logs); times[name].append(time.perf_counter() - t)
for cb in cbs.values():
    cb.set_model(model)
starts = []
class Clock(keras.callbacks.Callback):
    def on_train_batch_begin(self, b, logs=None): starts.append(time.perf_counter())
model.fit(x, y, batch_size=32, epochs=3, verbose=0, callbacks=[Clock(), Timer()])
steps = np.diff(starts)
step = float(np.median(steps))
print(json.dumps({"step_s": step, "times": {k: float(np.median(v[1:])) for k, v in times.items()}}))
"""


def callbacks() -> None:
    import json

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "KERAS_BACKEND": "torch", "PYTHONPATH": os.path.join(root, "src")}
    out = subprocess.run(
        [sys.executable, "-c", CALLBACK_CHILD, root], env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    epoch = result["step_s"] * 60000 / 32
    print("\n## Callbacks (Keras, torch backend), tf-explain's example: 8 validation images, every epoch")
    print(
        f"median training step (batch 32): {result['step_s'] * 1e3:.2f} ms; an MNIST epoch (1,875 steps): {epoch:.1f} s"
    )
    print(f"{'callback':<34} {'ms per epoch':>12} {'of an MNIST epoch':>18}")
    total = 0.0
    for name, t in result["times"].items():
        total += t
        print(f"{name:<34} {t * 1e3:>12.1f} {t / epoch * 100:>17.2f}%")
    print(f"{'all seven':<34} {total * 1e3:>12.1f} {total / epoch * 100:>17.2f}%")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="28,224")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--part", default="all", choices=["methods", "callbacks", "all"])
    args = ap.parse_args()
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}"
    )
    if args.part in ("methods", "all"):
        for size in (int(s) for s in args.sizes.split(",")):
            methods(size, args.repeat, args.device)
    if args.part in ("callbacks", "all"):
        callbacks()


if __name__ == "__main__":
    main()
