"""A fixed-seed subset of the reader fuzzer (``benchmarks/fuzz_reader.py``, which runs 100,000+
mutants): every mutation kind, every seed file kind, each mutant indexed and read back."""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import fuzz_reader  # noqa: E402


@pytest.fixture(scope="module")
def seed_files() -> list[tuple[str, bytes]]:
    return fuzz_reader.seeds()


def test_seeded_mutants_never_crash_hang_or_lose_intact_records(
    seed_files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    kinds: dict[str, int] = {}
    beat_tensorboard = 0
    for index in range(400):
        name, kind, data, intact = fuzz_reader.mutant(seed_files, 7, index)
        o = fuzz_reader.check(name, kind, data, intact, str(tmp_path))
        assert not o.crash, (index, name, kind, o.crash)
        assert not o.timeout, (index, name, kind)
        assert o.records >= o.intact, (index, name, kind, o.records, o.intact)
        assert o.records >= o.tensorboard, (index, name, kind, o.records, o.tensorboard)
        kinds[kind] = kinds.get(kind, 0) + 1
        beat_tensorboard += o.records > o.tensorboard
    assert set(kinds) == set(fuzz_reader.MUTATORS)
    assert beat_tensorboard > 50  # resynchronizing finds records TensorBoard's reader stops before


def test_memory_stays_in_proportion_to_the_file(seed_files: list[tuple[str, bytes]], tmp_path: Path) -> None:
    """Shapes that claim 10^8 or 2^40 elements, lengths that claim 2^64 bytes: the reader's
    allocations stay bounded by the file, not by what the file declares."""
    for index in range(5, 400, 8):  # the "protobuf fields" and "huge length" kinds among others
        name, kind, data, intact = fuzz_reader.mutant(seed_files, 11, index)
        tracemalloc.start()
        o = fuzz_reader.check(name, kind, data, intact, str(tmp_path), with_tensorboard=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert o.ok, (index, kind)
        assert peak < 64 * len(data) + 48 * 2**20, (index, name, kind, peak, len(data))
