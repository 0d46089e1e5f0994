"""What ``ridgeline.torch.watch`` costs a training loop, against no logging and against
``torch.utils.tensorboard`` doing the same logging by hand.

    python benchmarks/bench_watch.py [--steps 600] [--device cpu|cuda] [--log-freq 100]

A small CNN (3 conv blocks + linear head, ~0.3 M parameters) trained with Adam on random
32×32 images, batch 64. Step time is the median over 5 repeats of the mean step time after a
warm-up. The variants log the same things every ``--log-freq`` steps:

* ``none``: no logging at all;
* ``ridgeline watch``: ``watch(model, writer, log="gradients")`` (the default), plus the loss
  every step with ``add_scalar`` (a device tensor, no ``.item()``);
* ``ridgeline watch all``: ``log="all"`` (weights, gradients, norms, update ratios, activation
  statistics);
* ``torch writer by hand``: ``torch.utils.tensorboard.SummaryWriter``, loss every step with
  ``.item()``, and ``add_histogram`` of every gradient plus its norm every ``--log-freq`` steps
  (what the default ``watch`` logs).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from typing import Any


def make_model(torch: Any) -> Any:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(128, 10),
    )  # fmt: skip


def run(variant: str, steps: int, device: str, log_freq: int, warmup: int = 30, batch: int = 64) -> float:
    import torch

    torch.manual_seed(0)
    model = make_model(torch).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(batch, 3, 32, 32, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    tmp = tempfile.mkdtemp()
    writer: Any = None
    if variant.startswith("ridgeline"):
        import ridgeline
        import ridgeline.torch as rtorch

        writer = ridgeline.SummaryWriter(tmp)
        rtorch.watch(model, writer, log="all" if variant.endswith("all") else "gradients", log_freq=log_freq)
    elif variant == "torch writer by hand":
        from torch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(tmp)

    def sync() -> None:
        if device == "cuda":
            torch.cuda.synchronize()

    started = 0.0
    for step in range(warmup + steps):
        if step == warmup:
            sync()
            started = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        if variant == "torch writer by hand":
            writer.add_scalar("train/loss", loss.item(), step)
            if step % log_freq == 0:
                for name, p in model.named_parameters():
                    writer.add_histogram(f"gradients/{name}", p.grad, step)
                    writer.add_scalar(f"grad_norm/{name}", p.grad.norm().item(), step)
        elif writer is not None:
            writer.add_scalar("train/loss", loss, step)
        opt.step()
    sync()
    elapsed = time.perf_counter() - started
    if writer is not None:
        writer.close()
    return elapsed / steps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--log-freq", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    a = parser.parse_args()
    import torch

    if a.threads:
        torch.set_num_threads(a.threads)
    variants = ["none", "ridgeline watch", "ridgeline watch all", "torch writer by hand"]
    times: dict[str, list[float]] = {v: [] for v in variants}
    for _ in range(a.repeat):  # interleaved, so drift hits every variant alike
        for v in variants:
            times[v].append(run(v, a.steps, a.device, a.log_freq, batch=a.batch))
    report(times, f"batch {a.batch}", a)
    # The 2-core VM's noise (a few %) hides effects of 0.1 %: measure the two costs directly,
    # with one image a step (little compute): what the hooks add to a step that does not log
    # (log_freq huge), and what one logging step costs (log_freq 1).
    costs: dict[str, dict[str, list[float]]] = {v: {"quiet": [], "logging": []} for v in variants}
    for _ in range(a.repeat):
        for v in variants:
            costs[v]["quiet"].append(run(v, a.steps * 5, a.device, 10**9, batch=1))
            costs[v]["logging"].append(run(v, a.steps, a.device, 1, batch=1))
    step = statistics.median(times["none"])
    print(f"# cost per step with one image a step ({a.steps * 5} / {a.steps} steps x {a.repeat})")
    print(
        f"| variant | added to a step that does not log | one logging step | overhead at batch {a.batch}, logging every {a.log_freq} |"
    )
    print("|---|---|---|---|")
    for v in variants[1:]:
        quiet = statistics.median(
            t - b for t, b in zip(costs[v]["quiet"], costs["none"]["quiet"], strict=True)
        )
        logging_step = statistics.median(
            t - b for t, b in zip(costs[v]["logging"], costs["none"]["logging"], strict=True)
        )
        overhead = (quiet + logging_step / a.log_freq) / step
        print(f"| {v} | {quiet * 1e6:+.0f} µs | {logging_step * 1e3:.2f} ms | {overhead * 100:+.2f} % |")


def report(times: dict[str, list[float]], what: str, a: argparse.Namespace) -> None:
    import torch

    print(
        f"# bench_watch: small CNN, {what}, {a.steps} steps x {a.repeat}, log every {a.log_freq} steps, {a.device}"
    )
    print(f"# {platform.machine()}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(
        "| variant | ms per step (median) | added per step (median) | overhead (median of per-repeat ratios) |"
    )
    print("|---|---|---|---|")
    for v, ts in times.items():
        # Each repeat runs every variant back to back: compare within a repeat, so a slow
        # minute of a noisy machine does not count as overhead.
        ratios = [t / base - 1 for t, base in zip(ts, times["none"], strict=True)]
        added = statistics.median(t - base for t, base in zip(ts, times["none"], strict=True))
        print(
            f"| {v} | {statistics.median(ts) * 1e3:.3f} | {added * 1e6:+.0f} µs | "
            f"{statistics.median(ratios) * 100:+.1f} % |"
        )


if __name__ == "__main__":
    main()
