"""GPU benchmark: what logging 10 scalars a step costs a real training loop.

A model whose training step takes ~2-3 ms on an H100 is trained for STEPS steps three ways:
no logging; torch.utils.tensorboard with ``loss.item()`` (what its writer needs); ridgeline
with the CUDA tensors passed as they are (read on the writer thread). Prints ms per step and
the overhead of each against no logging.
Usage: python benchmarks/bench_gpu_step.py [STEPS] [BATCH]  (BATCH sets the step time)
"""

from __future__ import annotations

import sys
import tempfile
import time

import torch
from torch import nn


def make_model() -> tuple[nn.Module, torch.optim.Optimizer]:
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(2048, 4096),
        nn.GELU(),
        nn.Linear(4096, 4096),
        nn.GELU(),
        nn.Linear(4096, 4096),
        nn.GELU(),
        nn.Linear(4096, 1000),
    ).cuda()
    return model, torch.optim.AdamW(model.parameters(), lr=1e-4)


def run(steps: int, log, batch: int) -> float:  # noqa: ANN001
    model, opt = make_model()
    x = torch.randn(batch, 2048, device="cuda")
    y = torch.randint(0, 1000, (batch,), device="cuda")
    loss_fn = nn.CrossEntropyLoss()

    def step(i: int) -> None:
        out = model(x)
        loss = loss_fn(out, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if log is not None:
            with torch.no_grad():
                metrics = {"train/loss": loss.detach(), "train/logit_mean": out.detach().mean()}
                for k in range(8):
                    layer = model[2 * (k % 4)]
                    param = layer.weight if k < 4 else layer.bias
                    metrics[f"train/{'weight' if k < 4 else 'bias'}{k % 4}_norm"] = param.detach().norm()
            log(metrics, i)

    for i in range(30):
        step(i)
    torch.cuda.synchronize()
    t = time.perf_counter()
    for i in range(steps):
        step(i)
    torch.cuda.synchronize()
    return (time.perf_counter() - t) / steps * 1000


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    import ridgeline

    print(torch.cuda.get_device_name(), "torch", torch.__version__, "batch", batch)
    results = {"no logging": run(steps, None, batch)}
    with tempfile.TemporaryDirectory() as d:
        tw = TorchWriter(d)
        results["torch.utils.tensorboard + .item()"] = run(
            steps, lambda m, i: [tw.add_scalar(k, v.item(), i) for k, v in m.items()], batch
        )
        tw.close()
    with tempfile.TemporaryDirectory() as d:
        rw = ridgeline.SummaryWriter(d)
        results["ridgeline (CUDA tensors as they are)"] = run(
            steps, lambda m, i: [rw.add_scalar(k, v, i) for k, v in m.items()], batch
        )
        t = time.perf_counter()
        rw.close()
        print(f"ridgeline close() after the loop: {(time.perf_counter() - t) * 1000:.1f} ms")
    base = results["no logging"]
    for name, ms in results.items():
        print(f"  {name:<40} {ms:7.3f} ms/step  overhead {100 * (ms - base) / base:+6.1f} %")


if __name__ == "__main__":
    main()
