"""Writer benchmark: µs per add_scalar, ridgeline vs torch.utils.tensorboard vs tensorboardX.

Each writer logs N scalars (10 tags, like a training loop logging 10 metrics a step) and is
closed; the time includes close(), i.e. everything written to disk. Best of REPEAT runs.
Usage: python benchmarks/bench_writer.py [N] [REPEAT]
"""

from __future__ import annotations

import sys
import tempfile
import time


def bench(make, n: int) -> float:  # noqa: ANN001
    with tempfile.TemporaryDirectory() as d:
        w = make(d)
        tags = [f"train/metric_{i}" for i in range(10)]
        t = time.perf_counter()
        for i in range(n):
            w.add_scalar(tags[i % 10], 0.5 + i * 1e-6, i // 10)
        w.close()
        return (time.perf_counter() - t) / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import ridgeline

    writers = {"ridgeline": ridgeline.SummaryWriter}
    try:
        from torch.utils.tensorboard import SummaryWriter as TorchWriter

        writers["torch.utils.tensorboard"] = TorchWriter
    except ImportError:
        print("torch not installed: skipping torch.utils.tensorboard")
    from tensorboardX import SummaryWriter as TbxWriter

    writers["tensorboardX"] = TbxWriter
    results = {name: min(bench(make, n) for _ in range(repeat)) for name, make in writers.items()}
    print(f"{n:,} add_scalar calls + close, best of {repeat}")
    for name, us in results.items():
        print(f"  {name:<26} {us:8.2f} µs/call")
    peers = {k: v for k, v in results.items() if k != "ridgeline"}
    fastest = min(peers.values())
    print(
        f"  ratio ridgeline / fastest peer ({min(peers, key=peers.__getitem__)}): 1/{fastest / results['ridgeline']:.1f}"
    )


if __name__ == "__main__":
    main()
