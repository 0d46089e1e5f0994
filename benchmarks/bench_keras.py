"""What the Keras ``TensorBoard`` callback costs ``model.fit``: ridgeline's against none and
against Keras' own (which needs TensorFlow, so it runs on the tensorflow backend only).

    python benchmarks/bench_keras.py [--epochs 5] [--steps 40] [--repeat 3] \\
        [--backends torch,jax,tensorflow] [--tf-python .venv-tf/bin/python]

A small CNN (3 conv blocks + dense head, as ``bench_watch.py``) trained with Adam on random
32×32×3 images, batch 64, ``--steps`` batches an epoch. Each (backend, variant) fits in a
process of its own (the backend is fixed at import); variants are interleaved over
``--repeat`` rounds. Step time is whole epochs 1..N (epoch 0 compiles) over their steps, so
what a callback does at an epoch's end, and any device sync its batch hooks cause, is inside.
Between processes that figure moves by ±5-10 % on a 2-core VM, more than the callbacks cost,
so the script also times the callback's own hooks in the same fit ("in hooks": ms per step
spent inside the callback, and that as a share of the step). Variants:

* ``none``: no callback;
* ``ridgeline default``: ``ridgeline.keras.TensorBoard(logdir)`` (epoch scalars, the model
  config);
* ``ridgeline histograms``: ``histogram_freq=1`` (a histogram of every weight every epoch);
* ``ridgeline batch+health``: ``update_freq=10, health_data=<32 samples>, health_freq=100``;
* ``keras default`` / ``keras histograms``: ``keras.callbacks.TensorBoard`` with the same
  arguments (tensorflow backend).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

VARIANTS = ["none", "ridgeline default", "ridgeline histograms", "ridgeline batch+health"]
KERAS_VARIANTS = ["keras default", "keras histograms"]


def child(variant: str, epochs: int, steps: int) -> None:
    """Runs in the subprocess: one fit, prints the per-step times as JSON."""
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    L = keras.layers
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            L.Conv2D(32, 3, padding="same", activation="relu"), L.MaxPooling2D(),
            L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(),
            L.Conv2D(128, 3, padding="same", activation="relu"), L.GlobalAveragePooling2D(),
            L.Dense(10),
        ]
    )  # fmt: skip
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64 * steps, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, 64 * steps)
    logdir = tempfile.mkdtemp()
    callbacks: list[Any] = []
    if variant.startswith("ridgeline"):
        from ridgeline.keras import TensorBoard as Ours

        if variant == "ridgeline default":
            callbacks.append(Ours(logdir))
        elif variant == "ridgeline histograms":
            callbacks.append(Ours(logdir, histogram_freq=1))
        else:
            callbacks.append(Ours(logdir, update_freq=10, health_data=(x[:32], y[:32]), health_freq=100))
    elif variant.startswith("keras"):
        callbacks.append(
            keras.callbacks.TensorBoard(logdir, histogram_freq=1 if variant == "keras histograms" else 0)
        )
    starts: list[float] = []
    hooks = [0.0]  # seconds spent inside the TensorBoard callback's own hooks

    def timed(fn: Any) -> Any:
        def call(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                hooks[0] += time.perf_counter() - t

        return call

    for cb in callbacks:
        for name in dir(cb):
            if name.startswith("on_") and callable(getattr(cb, name)):
                setattr(cb, name, timed(getattr(cb, name)))

    class Clock(keras.callbacks.Callback):  # type: ignore[misc]
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            starts.append(time.perf_counter())
            if epoch == 1:
                hooks[0] = 0.0  # epoch 0 compiles

        def on_train_end(self, logs: Any = None) -> None:
            starts.append(time.perf_counter())

    model.fit(x, y, batch_size=64, epochs=epochs, verbose=0, shuffle=False, callbacks=[Clock(), *callbacks])
    # whole epochs 1..N (so every callback's epoch-end work and any sync it causes are inside)
    per_step = [(b - a) / steps * 1e3 for a, b in zip(starts[1:-1], starts[2:], strict=True)]
    inside = hooks[0] / ((epochs - 1) * steps) * 1e3
    print(json.dumps({"steps": per_step, "hooks": inside}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backends", default="torch,jax,tensorflow")
    ap.add_argument(
        "--tf-python", default=str(Path(__file__).resolve().parents[1] / ".venv-tf" / "bin" / "python")
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.epochs, args.steps)
        return

    src = str(Path(__file__).resolve().parents[1] / "src")
    plan: list[tuple[str, str]] = []
    for backend in args.backends.split(","):
        names = VARIANTS + (KERAS_VARIANTS if backend == "tensorflow" else [])
        plan += [(backend, v) for v in names]
    times: dict[tuple[str, str], list[float]] = {key: [] for key in plan}
    ends: dict[tuple[str, str], list[float]] = {key: [] for key in plan}
    for _ in range(args.repeat):
        for backend, variant in plan:
            python = args.tf_python if backend == "tensorflow" else sys.executable
            env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": src, "TF_CPP_MIN_LOG_LEVEL": "3"}
            cmd = [
                python,
                __file__,
                "--child",
                variant,
                "--epochs",
                str(args.epochs),
                "--steps",
                str(args.steps),
            ]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            times[(backend, variant)] += result["steps"]
            ends[(backend, variant)].append(result["hooks"])

    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
    )
    print(f"# batch 64, {args.steps} steps an epoch, epochs 1..{args.epochs - 1} of {args.repeat} fits each")
    print("# ms/step: whole epochs / steps (median); in hooks: time inside the callback per step (median)")
    print(
        f"{'backend':<11} {'variant':<24} {'ms/step':>8} {'vs none':>8} {'in hooks ms':>12} {'hooks/step':>11} {'vs keras':>9}"
    )
    for backend, variant in plan:
        step = statistics.median(times[(backend, variant)])
        base = statistics.median(times[(backend, "none")])
        inside = statistics.median(ends[(backend, variant)])
        peer = ""
        if backend == "tensorflow" and variant in ("ridgeline default", "ridgeline histograms"):
            kind = "keras histograms" if variant == "ridgeline histograms" else "keras default"
            peer = f"{inside / statistics.median(ends[(backend, kind)]):.2f}x"
        print(
            f"{backend:<11} {variant:<24} {step:>8.2f} {(step / base - 1) * 100:>+7.1f}% {inside:>12.3f} "
            f"{inside / base * 100:>10.2f}% {peer:>9}"
        )


if __name__ == "__main__":
    main()
