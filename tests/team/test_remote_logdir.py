"""The Logdir seam over an S3-API server: listing is incremental (hot folders between full
listings), value reads are ranged and cached, and an object replaced in the bucket is re-read
like a replaced local file."""

from __future__ import annotations

import time
from pathlib import Path

import fsspec
import numpy as np
from team_services import put_logdir

from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest import source
from ridgeline.ingest.ingester import Ingester
from ridgeline.ingest.source import FsspecLogdir
from ridgeline.store import SQLiteStore


def write(root: Path, run: str, steps: int, scale: float = 1.0) -> None:
    with SummaryWriter(root / run) as w:
        for s in range(steps):
            w.add_scalar("loss", scale / (s + 1), s)
            if s % 10 == 0:
                w.add_image("img", np.full((3, 4, 4), s / steps), s)


def test_listing_is_incremental(tmp_path: Path, s3_bucket: str) -> None:
    local = tmp_path / "logs"
    for r in range(30):
        write(local, f"old/run{r:02d}", 5)
    url = f"{s3_bucket}/exp"
    put_logdir(local, url)
    logdir = FsspecLogdir(url)
    logdir.full_every = 3600
    first = logdir.walk()
    assert len(first.files) == 30 and logdir.requests == 1  # one recursive listing, not 30
    logdir._full_cost = 40  # as if the prefix held 40,000 objects: hot folders are cheaper
    time.sleep(1.2)
    logdir.hot_window = 1.0  # every folder is now "finished"
    write(local, "old/run00", 5)  # a live run writes a second file
    put_logdir(local / "old" / "run00", f"{url}/old/run00")
    assert len(logdir.walk().files) == 30  # cold folders are not listed again...
    assert logdir.requests == 1
    logdir.hot_window = 3600  # ...hot ones are, one request each
    assert len(logdir.walk().files) == 31
    assert logdir.requests == 31
    logdir._full_cost = 40
    write(local, "new/run", 5)
    put_logdir(local / "new", f"{url}/new")
    assert "new/run" not in {f.run for f in logdir.walk().files}  # not yet: 30 hot folders < 40
    logdir.full_every = 0  # a full listing finds new runs
    found = logdir.walk()
    assert "new/run" in {f.run for f in found.files} and logdir.requests == 62
    assert all(f.path.startswith(url + "/") for f in found.files)


def test_value_reads_are_ranged_and_cached_and_replaced_objects_are_reread(
    tmp_path: Path, s3_bucket: str
) -> None:
    local = tmp_path / "logs"
    write(local, "a", 200)
    url = f"{s3_bucket}/exp"
    put_logdir(local, url)
    store = SQLiteStore(tmp_path / "i.sqlite")
    ingester = Ingester(store, [("", url)])
    ingester.reload()
    provider = LocalDataProvider(store, ingester)
    source.clear_cache()
    hits, misses = source._cache.hits, source._cache.misses
    values = provider.read_values("a", "img")
    assert values is not None and len(values) == 20
    assert source._cache.misses - misses == 1  # 20 images, one ranged request (a 1 MiB block)
    assert source._cache.hits - hits == 19

    # The object is replaced by another run's file (same name): the index follows the bucket.
    fs = fsspec.filesystem("s3")
    [key] = [p for p in fs.find(url.removeprefix("s3://")) if "tfevents" in p]
    other = tmp_path / "other"
    write(other, "b", 300, scale=5.0)
    fs.put_file(str(next((other / "b").iterdir())), key)
    report = ingester.reload()
    assert report.reread_runs == ["a"]
    points = provider.read_scalars("a", "loss")
    assert points is not None and points.steps.size == 300 and points.values[0] == 5.0


def test_az_logdir_answers_like_the_local_folder(tmp_path: Path, azurite: str, fixtures_dir: Path) -> None:
    """The same seam over Azure Blob Storage (Azurite): every query equal to the local mode."""
    from queries import answers
    from team_services import put_az

    local = fixtures_dir / "torch"
    url = "az://logs/torch fixtures"
    put_az(local, url)
    remote_store = SQLiteStore(tmp_path / "az.sqlite")
    local_store = SQLiteStore(tmp_path / "local.sqlite")
    Ingester(remote_store, [("", url)]).reload()
    Ingester(local_store, [("", str(local))]).reload()
    a = answers(LocalDataProvider(local_store, None, [("", str(local))]))
    remote = LocalDataProvider(remote_store, None, [("", url)])
    b = answers(remote)
    # The projector's checkpoint files (not event files) are read from local logdirs only, and
    # the status says so; everything in the event files is the same.
    assert a.pop("plugins") == sorted([*b.pop("plugins"), "projector"])  # type: ignore[type-var]
    assert a == b and len(a) > 20
    assert any("projector files" in p and "local logdirs only" in p for p in remote.status().problems)
    assert all(p.startswith(url + "/") for p in remote_store.file_states())
