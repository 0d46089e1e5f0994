"""Mutation fuzzer for the reader: event files of every kind, mutated, indexed and served.

    python benchmarks/fuzz_reader.py --mutants 100000 --jobs 2 [--seed 1]

Seeds are the repo's fixture subset (TensorFlow 2, Keras 3, tf.compat.v1, torch,
tensorboardX) and a file of every kind from our own writer. Each mutant is one of:

* framing: bit flips, truncation near a record boundary, a duplicated record, two records
  swapped, garbage between records, a huge length field (its checksum recomputed);
* content, inside valid framing (checksums recomputed, a buggy or hostile writer): random
  byte edits of one record's protobuf, and structured edits of one value (dtype, shape,
  tensor content, metadata, wall time, step).

For every mutant the index is built (in memory) and every tag is read back the way the routes
read it (scalars; every value through its plugin's reader; hparams; meshes; layouts).
Failures: an exception other than a reported bad value, a run longer than the time limit,
fewer records recovered than the mutant holds intact (known by construction), or fewer than
TensorBoard's own reader recovers. Peak RSS per worker is reported.

The test suite runs a fixed-seed subset (``tests/ingest/test_fuzz.py``).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import multiprocessing
import os
import platform
import resource
import signal
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import google_crc32c
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "tb-logs"
MAX_SEED_BYTES = 96 * 1024  # longer seeds are cut at a record boundary (mutants stay fast)
TIME_LIMIT_S = 20


# ---- framing ------------------------------------------------------------------------------


def masked_crc(data: bytes) -> int:
    c = int(google_crc32c.value(data))
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc(length)) + data + struct.pack("<I", masked_crc(data))


def split(data: bytes) -> list[bytes]:
    """The framed records of a valid file (each with its 16 bytes of framing)."""
    out = []
    off = 0
    while off + 12 <= len(data):
        (n,) = struct.unpack_from("<Q", data, off)
        end = off + 12 + n + 4
        if end > len(data):
            break
        out.append(data[off:end])
        off = end
    return out


def payload(record: bytes) -> bytes:
    return record[12:-4]


# ---- seeds --------------------------------------------------------------------------------


def _own_writer_file(tmp: Path) -> bytes:
    """A file holding every kind our writer makes."""
    from ridgeline import SummaryWriter

    with SummaryWriter(tmp / "own") as w:
        for s in range(3):
            w.add_scalar("loss", 1.0 / (s + 1), s)
            w.add_scalar("nan", float("nan"), s)
            w.add_image("img", np.random.default_rng(s).random((3, 4, 5)), s)
            w.add_audio("clip", np.sin(np.arange(200) / 5.0), s, sample_rate=8000)
            w.add_histogram("h", np.random.default_rng(s).normal(size=100), s)
            w.add_text("note", f"| a | b |\n|---|---|\n| {s} | x |", s)
            w.add_pr_curve("pr", np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.6, 0.4]), s)
            w.add_mesh("cloud", np.random.default_rng(s).random((1, 5, 3)), global_step=s)
        w.add_custom_scalars({"cat": {"chart": ["Multiline", ["loss", "nan"]]}})
        w.add_hparams({"lr": 0.1, "opt": "adam"}, {"hp/acc": 0.5}, run_name=".")
    return b"".join(f.read_bytes() for f in sorted((tmp / "own").glob("*tfevents*")))


def seeds() -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed file, each cut to at most MAX_SEED_BYTES of whole records."""
    out: list[tuple[str, bytes]] = []
    for path in sorted(FIXTURES.rglob("*tfevents*")):
        data = path.read_bytes()
        recs = split(data)
        kept, size = [], 0
        for r in recs:
            if size + len(r) > MAX_SEED_BYTES and kept:
                break
            kept.append(r)
            size += len(r)
        out.append((str(path.relative_to(FIXTURES)), b"".join(kept)))
    with tempfile.TemporaryDirectory() as tmp:
        out.append(("own-writer", _own_writer_file(Path(tmp))))
    return out


# ---- mutators: each returns (mutant bytes, records intact in it) ----------------------------


def _bit_flips(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    data = bytearray(b"".join(recs))
    hit: set[int] = set()
    starts = np.cumsum([0] + [len(r) for r in recs])
    for _ in range(int(rng.integers(1, 9))):
        pos = int(rng.integers(len(data)))
        data[pos] ^= 1 << int(rng.integers(8))
        hit.add(int(np.searchsorted(starts, pos, side="right")) - 1)
    return bytes(data), len(recs) - len(hit)


def _truncate(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    k = int(rng.integers(len(recs)))
    cut = sum(len(r) for r in recs[:k]) + int(rng.integers(-16, 17))
    cut = max(0, min(cut, sum(len(r) for r in recs)))
    data = b"".join(recs)[:cut]
    return data, len(split(data))


def _duplicate(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    i, j = (int(x) for x in rng.integers(len(recs), size=2))
    out = recs[:j] + [recs[i]] + recs[j:]
    return b"".join(out), len(out)


def _swap(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    out = list(recs)
    i, j = (int(x) for x in rng.integers(len(recs), size=2))
    out[i], out[j] = out[j], out[i]
    return b"".join(out), len(out)


def _garbage_between(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    j = int(rng.integers(len(recs) + 1))
    junk = rng.bytes(int(rng.integers(1, 300)))
    return b"".join(recs[:j]) + junk + b"".join(recs[j:]), len(recs)


def _huge_length(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    i = int(rng.integers(len(recs)))
    choices = [1 << 30, (1 << 31) - 1, 1 << 40, (1 << 64) - 1, len(payload(recs[i])) + 1000]
    n = choices[int(rng.integers(len(choices)))]
    length = struct.pack("<Q", n)
    bad = length + struct.pack("<I", masked_crc(length)) + recs[i][12:]
    return b"".join(recs[:i]) + bad + b"".join(recs[i + 1 :]), len(recs) - 1


def _reframed(recs: list[bytes], i: int, data: bytes) -> tuple[bytes, int]:
    return b"".join(recs[:i]) + frame(data) + b"".join(recs[i + 1 :]), len(recs)


def _proto_bytes(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    """Random edits of one record's protobuf, framing recomputed (a buggy writer)."""
    i = int(rng.integers(len(recs)))
    data = bytearray(payload(recs[i]))
    for _ in range(int(rng.integers(1, 5))):
        op = int(rng.integers(4))
        pos = int(rng.integers(len(data) + 1))
        if op == 0 and data:
            data[min(pos, len(data) - 1)] = int(rng.integers(256))
        elif op == 1:
            data[pos:pos] = rng.bytes(int(rng.integers(1, 9)))
        elif op == 2 and data:
            del data[pos : pos + int(rng.integers(1, 9))]
        else:  # a varint that claims a huge length
            data[pos:pos] = b"\xff\xff\xff\xff\x0f"
    return _reframed(recs, i, bytes(data))


def _proto_fields(rng: np.random.Generator, recs: list[bytes]) -> tuple[bytes, int]:
    """Structured edits of one summary value: dtype, shape, content, metadata, times."""
    from ridgeline.proto import event_pb2

    with_values = []
    for i, r in enumerate(recs):
        try:
            ev = event_pb2.Event.FromString(payload(r))
        except Exception:  # noqa: BLE001 - a seed record we cannot parse is not edited
            continue
        if ev.summary.value:
            with_values.append((i, ev))
    if not with_values:
        return _proto_bytes(rng, recs)
    i, ev = with_values[int(rng.integers(len(with_values)))]
    value = ev.summary.value[int(rng.integers(len(ev.summary.value)))]
    edit = int(rng.integers(10))
    t = value.tensor
    if edit == 0:
        t.dtype = int(rng.choice([0, 7, 20, 999, -1, 1, 2, 9]))
    elif edit == 1:
        del t.tensor_shape.dim[:]
        for _ in range(int(rng.integers(0, 4))):
            sizes = [0, 1, 3, -1, 10**8, 2**40]
            t.tensor_shape.dim.add(size=sizes[int(rng.integers(len(sizes)))])
    elif edit == 2:
        t.tensor_content = rng.bytes(int(rng.integers(0, 64)))
    elif edit == 3:
        value.metadata.plugin_data.content = rng.bytes(int(rng.integers(1, 32)))
    elif edit == 4:
        value.metadata.plugin_data.plugin_name = str(
            rng.choice(
                [
                    "images",
                    "audio",
                    "histograms",
                    "text",
                    "pr_curves",
                    "mesh",
                    "hparams",
                    "custom_scalars",
                    "scalars",
                ]
            )
        )
    elif edit == 5:
        ev.wall_time = float(rng.choice([np.nan, np.inf, -np.inf, -1.0, 1e300]))
    elif edit == 6:
        steps = [-1, 2**63 - 1, -(2**63), 0]
        ev.step = steps[int(rng.integers(len(steps)))]
    elif edit == 7:
        t.string_val.extend([rng.bytes(int(rng.integers(0, 40)))])
    elif edit == 8:
        value.metadata.data_class = int(rng.choice([0, 1, 2, 3, 99]))
    else:
        value.tag = rng.bytes(int(rng.integers(0, 12))).decode("utf-8", "replace")
    return _reframed(recs, i, ev.SerializeToString())


MUTATORS = {
    "bit flips": _bit_flips,
    "truncation near a boundary": _truncate,
    "duplicated record": _duplicate,
    "swapped records": _swap,
    "garbage between records": _garbage_between,
    "huge length field": _huge_length,
    "protobuf bytes (checksums recomputed)": _proto_bytes,
    "protobuf fields (checksums recomputed)": _proto_fields,
}


def mutant(seed_list: list[tuple[str, bytes]], seed: int, index: int) -> tuple[str, str, bytes, int]:
    rng = np.random.default_rng([seed, index])
    name, data = seed_list[int(rng.integers(len(seed_list)))]
    kind = list(MUTATORS)[index % len(MUTATORS)]
    recs = split(data)
    mutated, intact = MUTATORS[kind](rng, recs)
    return name, kind, mutated, intact


# ---- the checks ---------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    kind: str
    ok: bool
    crash: str = ""
    timeout: bool = False
    records: int = 0
    intact: int = 0
    tensorboard: int = 0
    seconds: float = 0.0


def tensorboard_records(path: str) -> int:
    """How many records TensorBoard's own reader yields before it stops."""
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader

    return sum(1 for _ in RawEventFileLoader(path).Load())


def read_everything(provider: Any) -> None:
    """Read every tag back as the routes do; only reported bad values may raise."""
    from ridgeline.errors import RidgelineError
    from ridgeline.plugins import common
    from ridgeline.plugins.audio.reader import read_clips
    from ridgeline.plugins.custom_scalars.reader import read_layout
    from ridgeline.plugins.histograms.reader import percentiles, read_buckets
    from ridgeline.plugins.hparams.reader import experiment
    from ridgeline.plugins.images.reader import read_images
    from ridgeline.plugins.mesh.reader import mesh_at, meshes
    from ridgeline.plugins.pr_curves.reader import read_curve
    from ridgeline.plugins.text.reader import read_text
    from ridgeline.server.encoding import dumps, json_safe

    readers: dict[str, Any] = {
        "images": read_images,
        "audio": read_clips,
        "histograms": lambda v: percentiles(read_buckets(v)),
        "text": read_text,
        "pr_curves": read_curve,
        "custom_scalars": read_layout,
    }
    for s in provider.list_scalars():
        provider.read_scalars(s.run, s.tag, 100)
    for plugin, reader in readers.items():
        for t in provider.list_tags(plugin):
            try:
                values = provider.read_values(t.run, t.tag) or []
            except RidgelineError:
                continue
            for v in values:
                with contextlib.suppress(RidgelineError):
                    common.decode(reader, v, t.run, t.tag)
    dumps(json_safe(experiment(provider)))
    for run, found in meshes(provider).items():
        for name in found:
            with contextlib.suppress(RidgelineError):
                dumps(json_safe(mesh_at(provider, run, name, -1)))


def check(name: str, kind: str, data: bytes, intact: int, tmp: str, with_tensorboard: bool = True) -> Outcome:
    from ridgeline.data.local_provider import LocalDataProvider
    from ridgeline.ingest.ingester import Ingester
    from ridgeline.store import SQLiteStore

    run_dir = os.path.join(tmp, "run")
    os.makedirs(run_dir, exist_ok=True)
    path = os.path.join(run_dir, "events.out.tfevents.1.fuzz")
    with open(path, "wb") as f:
        f.write(data)
    out = Outcome(kind, ok=True, intact=intact)
    started = time.perf_counter()

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TIME_LIMIT_S)
    try:
        store = SQLiteStore(":memory:")
        ingester = Ingester(store, [("", tmp)], workers=1)
        report = ingester.reload()
        out.records = report.records
        if ingester.store_problem:
            out.crash = ingester.store_problem
        read_everything(LocalDataProvider(store, ingester))
        store.close()
    except TimeoutError:
        out.timeout = True
    except Exception as exc:  # noqa: BLE001 - that is what the fuzzer looks for
        out.crash = f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    out.seconds = time.perf_counter() - started
    try:
        # (TensorBoard's reader allocates whatever a length field claims: up to 2 GiB here.)
        out.tensorboard = tensorboard_records(path) if with_tensorboard else 0
    except Exception:  # noqa: BLE001 - TensorBoard's reader failing is not ours
        out.tensorboard = 0
    out.ok = not out.crash and not out.timeout and out.records >= max(out.intact, out.tensorboard)
    return out


_SEEDS: list[tuple[str, bytes]] = []


def _work(args: tuple[int, int, int]) -> tuple[list[Outcome], list[tuple[int, str, str, str]], int]:
    seed, lo, hi = args
    global _SEEDS
    if not _SEEDS:
        _SEEDS = seeds()
    results = []
    failures = []
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
        for index in range(lo, hi):
            name, kind, data, intact = mutant(_SEEDS, seed, index)
            o = check(name, kind, data, intact, tmp)
            results.append(o)
            if not o.ok:
                why = (
                    "timeout"
                    if o.timeout
                    else o.crash or f"recovered {o.records} of {max(o.intact, o.tensorboard)}"
                )
                failures.append((index, name, kind, why))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return results, failures, rss_mb


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mutants", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)  # every mutant warns; the counts below say it all
    step = 250
    tasks = [(a.seed, lo, min(lo + step, a.mutants)) for lo in range(0, a.mutants, step)]
    started = time.perf_counter()
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    failures: list[tuple[int, str, str, str]] = []
    slowest = 0.0
    rss = 0
    with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
        for results, fails, rss_mb in pool.imap_unordered(_work, tasks):
            rss = max(rss, rss_mb)
            failures.extend(fails)
            for o in results:
                c = by_kind[o.kind]
                c["mutants"] += 1
                c["failures"] += not o.ok
                c["crashes"] += bool(o.crash)
                c["timeouts"] += o.timeout
                c["short"] += o.records < o.intact
                c["more than TensorBoard"] += o.records > o.tensorboard
                c["fewer than TensorBoard"] += o.records < o.tensorboard
                slowest = max(slowest, o.seconds)
    elapsed = time.perf_counter() - started
    print(f"# fuzz_reader: {a.mutants:,} mutants, seed {a.seed}, {a.jobs} jobs, {elapsed:.0f} s")
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    cols = [
        "mutants",
        "failures",
        "crashes",
        "timeouts",
        "short",
        "fewer than TensorBoard",
        "more than TensorBoard",
    ]
    print("| mutation | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    total: collections.Counter[str] = collections.Counter()
    for kind in MUTATORS:
        c = by_kind[kind]
        total.update(c)
        print(f"| {kind} | " + " | ".join(f"{c[k]:,}" for k in cols) + " |")
    print("| **all** | " + " | ".join(f"**{total[k]:,}**" for k in cols) + " |")
    print(f"slowest mutant {slowest * 1000:.0f} ms; peak RSS per worker {rss} MB")
    for f in failures[:20]:
        print("FAIL", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
