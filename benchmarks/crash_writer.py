"""Crash safety of the writer: training processes killed with SIGKILL at random moments.

    python benchmarks/crash_writer.py --kills 200 [--seed 1]

Each trial starts a real process that logs scalars (and an image every 50 steps) as fast as
it can, calling ``flush()`` every few hundred steps and printing the step it flushed after
``flush()`` returned; some trials call ``close()`` and print that instead. The process is
killed with SIGKILL at a random moment. Then the run is indexed and read back: every point
logged before the last announced flush (all of them after ``close()``) must be there, once,
in order; a torn last record must be waited for, not reported as corruption. TensorBoard's
own reader is run on the same file for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    from ridgeline import SummaryWriter
    logdir, flush_every, close_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    w = SummaryWriter(logdir, flush_secs=3600)
    step = 0
    while True:
        w.add_scalar("loss", float(step), step)
        if step % 50 == 0:
            w.add_image("img", np.full((3, 4, 4), (step % 256) / 255.0), step)
        step += 1
        if step % flush_every == 0:
            w.flush()
            print(f"flushed {step}", flush=True)
        if step == close_at:
            w.close()
            print(f"closed {step}", flush=True)
            while True:
                pass
    """
)


@dataclass
class Trial:
    promised: int  # points that must be there (logged before the last flush/close announced)
    found: int  # points the index holds
    in_order: bool
    corrupt_reported: bool
    tensorboard: int  # points TensorBoard's reader finds
    closed: bool


def trial(tmp: Path, rng: np.random.Generator) -> Trial:
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.store import SQLiteStore

    logdir = tmp / f"run{int(rng.integers(1 << 30))}"
    flush_every = int(rng.integers(50, 500))
    close_at = int(rng.integers(200, 3000)) if rng.random() < 0.25 else -1
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(logdir), str(flush_every), str(close_at)],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    promised = 0
    closed = False
    deadline = time.monotonic() + float(rng.uniform(0.8, 2.5))  # imports take ~0.5 s
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    buf = b""
    while time.monotonic() < deadline:
        with contextlib.suppress(BlockingIOError):
            buf += os.read(fd, 1 << 16)
        time.sleep(float(rng.uniform(0.0, 0.02)))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    os.set_blocking(fd, True)
    buf += proc.stdout.read()
    for line in buf.decode().splitlines():
        word, _, n = line.partition(" ")
        if word in ("flushed", "closed"):
            promised = max(promised, int(n))
            closed = closed or word == "closed"
    store = SQLiteStore(":memory:")
    report = Ingester(store, [("", str(logdir))], workers=1).reload()
    series = store.read_scalars(".", "loss")
    steps = series.steps.tolist() if series is not None else []
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    tb = 0
    for f in sorted(logdir.glob("*tfevents*")):
        tb += sum(1 for e in EventFileLoader(str(f)).Load() for v in e.summary.value if v.tag == "loss")
    return Trial(
        promised,
        len(steps),
        steps == list(range(len(steps))),
        any("corrupt" in p or "unreadable" in p for p in report.problems),
        tb,
        closed,
    )


def ok(t: Trial) -> bool:
    return t.found >= t.promised and t.in_order and not t.corrupt_reported


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    a = parser.parse_args()
    rng = np.random.default_rng(a.seed)
    started = time.perf_counter()
    trials = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(a.kills):
            trials.append(trial(Path(tmp), rng))
    bad = [t for t in trials if not ok(t)]
    promised = sum(t.promised for t in trials)
    lost = sum(max(0, t.promised - t.found) for t in trials)
    beyond = sum(max(0, t.found - t.promised) for t in trials)
    print(f"# crash_writer: {a.kills} SIGKILLs, seed {a.seed}, {time.perf_counter() - started:.0f} s")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        "| kills | after close() | failures | points promised (flushed) | lost | read beyond the last flush |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {len(trials)} | {sum(t.closed for t in trials)} | {len(bad)} | {promised:,} | {lost:,} | {beyond:,} |"
    )
    print(
        f"TensorBoard's reader found {sum(t.tensorboard for t in trials):,} points; ours {sum(t.found for t in trials):,}"
    )
    for t in bad[:10]:
        print("FAIL", t)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
