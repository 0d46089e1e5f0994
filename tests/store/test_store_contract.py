"""One contract, two stores: every test here runs against the embedded SQLite index and a real
PostgreSQL server, and the same logdirs indexed into either answer every query the same."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from queries import answers

from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.store import SQLiteStore
from ridgeline.store.base import FileState, LeaseLost, Store, ValueRef
from ridgeline.store.postgres_store import PostgresStore
from ridgeline.tokens import hash_token, new_token


@pytest.fixture(params=["sqlite", "postgres"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    made: list[object] = []
    url = request.getfixturevalue("pg_url") if kind == "postgres" else None

    def make() -> Store:
        store: Store = PostgresStore(url) if url else SQLiteStore(tmp_path / "i.sqlite")
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()  # type: ignore[attr-defined]


@pytest.fixture
def store(make_store: object) -> Store:
    return make_store()  # type: ignore[operator,no-any-return]


def test_scalars_round_trip_in_columnar_chunks(store: Store) -> None:
    store.register_tag("run a", "loss", "scalars", 1, b"meta")
    store.register_tag("run a", "loss", "other", 9, b"ignored")  # the first registration wins
    gen = store.generation()
    steps = np.arange(100, dtype=np.int64)
    for i in range(0, 100, 2):  # 50 appends: merged into one chunk on the way
        store.append_scalars(
            "run a", "loss", steps[i : i + 2], steps[i : i + 2] * 0.5, steps[i : i + 2] / 7.0
        )
    store.commit()
    assert store.generation() > gen
    series = store.read_scalars("run a", "loss")
    assert series is not None
    assert series.steps.tolist() == list(range(100))
    assert np.allclose(series.values, np.arange(100) / 7.0)
    [info] = store.tags()
    assert (info.plugin, info.data_class, info.metadata, info.count) == ("scalars", 1, b"meta", 100)
    assert (info.first_step, info.last_step, info.last_wall_time) == (0, 99, 49.5)
    assert store.read_scalars("run a", "nope") is None


def test_non_finite_newest_value_reads_back(store: Store) -> None:
    store.register_tag("r", "x", "scalars", 1, b"")
    store.append_scalars("r", "x", np.array([1, 2]), np.array([1.0, 2.0]), np.array([np.inf, np.nan]))
    store.commit()
    [info] = store.tags()
    assert info.last_value is not None and math.isnan(info.last_value)
    series = store.read_scalars("r", "x")
    assert series is not None and math.isinf(series.values[0]) and math.isnan(series.values[1])


def test_refs_keep_order_and_purge_drops_later_steps(store: Store) -> None:
    store.register_tag("r", "img", "images", 3, b"")
    store.register_tag("r", "loss", "scalars", 1, b"")
    refs = [ValueRef(s, 10.0 + s, "s3://b/r/events.out.tfevents.1", 100 * s, 50, 0) for s in (5, 1, 9, 3)]
    store.append_refs("r", "img", refs)
    store.append_scalars("r", "loss", np.arange(10), np.arange(10.0), np.arange(10.0))
    store.commit()
    assert [r.step for r in store.read_refs("r", "img")] == [5, 1, 9, 3]
    store.purge("r", 4)
    store.commit()
    assert [r.step for r in store.read_refs("r", "img")] == [1, 3]
    series = store.read_scalars("r", "loss")
    assert series is not None and series.steps.tolist() == [0, 1, 2, 3]
    counts = {t.tag: (t.count, t.last_step) for t in store.tags()}
    assert counts == {"img": (2, 3), "loss": (4, 3)}


def test_reset_run_forgets_it_and_bumps_the_epoch(store: Store) -> None:
    state = FileState("/l/a/f", "a", 10, 10, 1.5, 2, "brain.Event:2", ("p",), 2**63 + 5, 7, 4, "abcd")
    store.save_file_state(state)
    store.register_tag("a", "t", "scalars", 1, b"")
    store.append_scalars("a", "t", np.arange(3), np.arange(3.0), np.arange(3.0))
    store.commit()
    assert store.file_states() == {"/l/a/f": state}
    assert store.runs() == ["a"]
    epoch = store.epoch()
    store.reset_run("a")
    store.commit()
    assert store.epoch() > epoch
    assert store.runs() == [] and store.tags() == [] and store.file_states() == {}


def test_savepoint_undoes_only_its_block(store: Store) -> None:
    store.register_tag("r", "a", "scalars", 1, b"")
    with pytest.raises(RuntimeError), store.savepoint():
        store.register_tag("r", "b", "scalars", 1, b"")
        raise RuntimeError("bad record")
    store.commit()
    assert [t.tag for t in store.tags()] == ["a"]


def test_run_meta_survives_and_bumps_generation(store: Store) -> None:
    gen = store.generation()
    store.set_run_meta({"r": {"name": "baseline", "color": "#123456"}, "q": {"tags": ["x"]}})
    assert store.generation() > gen
    store.set_run_meta({"q": None})
    assert store.run_meta() == {"r": {"name": "baseline", "color": "#123456"}}


def test_leases_exclude_expire_and_fence(make_store: object) -> None:
    a: Store = make_store()  # type: ignore[operator]
    b: Store = make_store()  # type: ignore[operator]
    assert a.claim("run:x", "A", 0.6)
    assert not b.claim("run:x", "B", 0.6)
    assert a.claim("run:x", "A", 0.6)  # the holder may re-claim (extend)
    a.renew(["run:x"], "A", 0.6)
    a.commit()
    time.sleep(0.8)
    assert b.claim("run:x", "B", 30)  # expired: taken over
    a.register_tag("r", "t", "scalars", 1, b"")
    with pytest.raises(LeaseLost):
        a.renew(["run:x"], "A", 30)  # A wakes up: it may not commit what it read
    a.rollback()
    assert a.tags() == []
    assert b.leases()["run:x"][0] == "B"
    b.release(["run:x"], "B")
    assert a.claim("run:x", "A", 30)


def test_tokens_are_kept_hashed_and_can_be_revoked(store: Store) -> None:
    secret, record = new_token("ci", read_only=True, runs="^exp1/")
    store.add_token(record, hash_token(secret))
    found = store.token_by_hash(hash_token(secret))
    assert found == record
    assert store.token_by_hash(hash_token(secret + "x")) is None
    assert store.revoke_token(record.id) and not store.revoke_token(record.id)
    again = store.token_by_hash(hash_token(secret))
    assert again is not None and again.revoked is not None
    assert secret not in repr(store.tokens())


def test_indexing_a_logdir_answers_like_the_embedded_index(
    store: Store, tmp_path: Path, fixtures_dir: Path
) -> None:
    logdirs = [("", str(fixtures_dir / "torch")), ("tf", str(fixtures_dir / "tf"))]
    embedded = SQLiteStore(tmp_path / "embedded.sqlite")
    for s in (embedded, store):
        report = Ingester(s, logdirs).reload()
        assert report.records > 0
    a = answers(LocalDataProvider(embedded, None, logdirs))
    b = answers(LocalDataProvider(store, None, logdirs))
    assert a.keys() == b.keys()
    assert a == b
    assert len([k for k in a if k.startswith("v:")]) > 10  # images, audio, histograms, text, graphs...
