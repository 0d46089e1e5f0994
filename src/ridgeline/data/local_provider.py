"""Stage 3 (data): the DataProvider over a Store and the ingester that fills it."""

from __future__ import annotations

import copy
import os
import re
import threading
import time
from collections import OrderedDict

from ridgeline.data import trash, uploads
from ridgeline.data.downsample import extreme_indices
from ridgeline.data.provider import (
    LogdirStatus,
    PluginTag,
    RunActivity,
    RunInfo,
    ScalarPoints,
    StepInfo,
    StepValue,
    TagSummary,
    TrashEntry,
)
from ridgeline.data.value_reader import ValueReader
from ridgeline.errors import Busy, NotFound
from ridgeline.ingest.diagnose import diagnose
from ridgeline.ingest.ingester import Ingester
from ridgeline.ingest.logdir import AssetRun
from ridgeline.ingest.source import open_logdir
from ridgeline.proto import summary_pb2
from ridgeline.store.base import ScalarSeries, Store, TagInfo
from ridgeline.tokens import RECHECK_SECONDS, TokenRecord, hash_token, looks_like_token

_CACHE_SERIES = 512
_LOOK_EVERY = 10.0
# ``events.out.tfevents.<seconds>.<host>...``: the writer's start time is in the name.
_FILE_TIME = re.compile(r"tfevents\.(\d{9,11})(?:\.|$)")


class LocalDataProvider:
    """Serves what ingest has put in the store.

    Embedded, an ingester runs in this process (``ingester``); a team server answers from a
    shared index that separate ``ridgeline ingest`` workers fill (``ingester=None``,
    ``logdirs`` given): it then only reads the index, and looks at the logdirs only to explain
    an empty one and to find plugin files beside the event files (at most every 10 s).

    Whole series read from the store are cached in memory (LRU, keyed by the tag's version),
    so a chart redrawn at another zoom level or resolution does not read the index again.
    """

    def __init__(
        self, store: Store, ingester: Ingester | None, logdirs: list[tuple[str, str]] | None = None
    ) -> None:
        self.store = store
        self.ingester = ingester
        self.logdirs = ingester.logdirs if ingester is not None else list(logdirs or [])
        self._looked: tuple[float, LogdirStatus, dict[str, AssetRun]] | None = None
        self._token_cache: dict[str, tuple[float, TokenRecord | None]] = {}
        self._sources = {path: open_logdir(path) for _, path in self.logdirs}
        self.indexing = False
        self.progress = 1.0
        self._cache: OrderedDict[tuple[str, str], tuple[int, ScalarSeries]] = OrderedDict()
        # Downsampled views, keyed by (run, tag, points): live reloads redraw the same charts.
        self._sampled: OrderedDict[tuple[str, str, int], tuple[int, ScalarPoints]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._versions: dict[tuple[str, str], int] = {}
        self._versions_gen = -1
        self._values = ValueReader()
        self._epoch: int | None = None
        self._tag_list: tuple[int, list[TagInfo]] | None = None

    def generation(self) -> int:
        return self.store.generation()

    def _check_epoch(self) -> None:
        """Data was taken away (a run re-read or removed): positions and versions cached so
        far may name other data now, so every cache starts again."""
        epoch = self.store.epoch()
        if epoch != self._epoch:
            with self._cache_lock:
                self._cache.clear()
                self._sampled.clear()
                self._versions_gen = -1
                self._tag_list = None
            self._values.clear()
            self._epoch = epoch

    def _tags(self, data_class: int | None = None) -> list[TagInfo]:
        """Every tag of the index, read once per generation (a dashboard's requests ask for it
        several times; with 1,000 runs one read is ~20 ms)."""
        self._check_epoch()
        gen = self.store.generation()
        with self._cache_lock:
            cached = self._tag_list
        if cached is None or cached[0] != gen:
            cached = (gen, self.store.tags())
            with self._cache_lock:
                self._tag_list = cached
        return cached[1] if data_class is None else [t for t in cached[1] if t.data_class == data_class]

    def _look(self) -> tuple[LogdirStatus, dict[str, AssetRun]]:
        """Without an ingester here: what the logdirs hold (cached 10 s; listing a bucket
        costs requests)."""
        now = time.monotonic()
        looked = self._looked
        if looked is None or now - looked[0] > _LOOK_EVERY:
            status = diagnose(self.logdirs, self.store.file_states(), self._sources)
            for problem in self.store.notes:
                if problem not in status.problems:
                    status.problems.append(problem)
            assets: dict[str, AssetRun] = {}
            for name, path in self.logdirs:
                source = self._sources[path]
                if not source.remote and source.exists():
                    assets.update((a.run, a) for a in source.walk(name).assets)
            looked = self._looked = (now, status, assets)
        return copy.deepcopy(looked[1]), looked[2]

    @property
    def asset_runs(self) -> dict[str, AssetRun]:
        return self.ingester.asset_runs if self.ingester is not None else self._look()[1]

    def status(self) -> LogdirStatus:
        status = self.ingester.status() if self.ingester is not None else self._look()[0]
        status.indexing = self.indexing
        status.progress = self.progress
        return status

    def list_runs(self) -> list[RunInfo]:
        runs: dict[str, list[float | None]] = {}
        counts: dict[str, int] = {}
        for info in self._tags():
            runs.setdefault(info.run, []).append(info.last_wall_time)
            counts[info.run] = counts.get(info.run, 0) + 1
        for run in self.store.runs():
            runs.setdefault(run, [])
        for run in self.asset_runs:
            runs.setdefault(run, [])
        out = []
        for run, walls in sorted(runs.items()):
            known = [w for w in walls if w is not None]
            out.append(RunInfo(run, max(known) if known else None, counts.get(run, 0)))
        return out

    def list_plugins(self) -> list[str]:
        found = {info.plugin for info in self._tags() if info.plugin and info.count > 0}
        for asset_run in self.asset_runs.values():
            found.update(asset_run.plugins)
        return sorted(found)

    def list_asset_runs(self, plugin: str) -> list[str]:
        """Runs whose folder holds ``plugin``'s files that are not event files."""
        return sorted(r.run for r in self.asset_runs.values() if plugin in r.plugins)

    def asset_path(self, run: str, path: str) -> str:
        """The file ``path`` names, relative to ``run``'s folder (or absolute), if it lies inside
        the logdir the run was found in; raises NotFound otherwise."""
        found = self.asset_runs.get(run)
        if found is None:
            raise NotFound(f"run {run!r} has no plugin files")
        full = os.path.realpath(os.path.join(found.folder, path))
        # Inside the logdir, or inside the run's own folder (a run may be a link to elsewhere).
        allowed = {os.path.realpath(found.root), os.path.realpath(found.folder)}
        if not any(os.path.commonpath([full, a]) == a for a in allowed):
            raise NotFound(f"{path!r} lies outside the logdir {found.root}")
        if not os.path.isfile(full):
            raise NotFound(f"{path!r} (in run {run!r}) does not exist")
        return full

    def list_scalars(self) -> list[TagSummary]:
        out = []
        for info in self._tags(summary_pb2.DATA_CLASS_SCALAR):
            display, description = "", ""
            if info.metadata:
                meta = summary_pb2.SummaryMetadata.FromString(info.metadata)
                display, description = meta.display_name, meta.summary_description
            out.append(
                TagSummary(
                    info.run,
                    info.tag,
                    info.count,
                    info.first_step,
                    info.last_step,
                    info.last_wall_time,
                    display,
                    description,
                    info.last_value,
                )
            )
        return out

    def _version(self, run: str, tag: str) -> int | None:
        self._check_epoch()
        gen = self.store.generation()
        if gen != self._versions_gen:
            self._versions = {(i.run, i.tag): i.version for i in self._tags(summary_pb2.DATA_CLASS_SCALAR)}
            self._versions_gen = gen
        return self._versions.get((run, tag))

    def _series(self, run: str, tag: str) -> ScalarSeries | None:
        version = self._version(run, tag)
        if version is None:
            return None
        key = (run, tag)
        with self._cache_lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1]
        series = self.store.read_scalars(run, tag)
        if series is None:
            return None
        with self._cache_lock:
            self._cache[key] = (version, series)
            self._cache.move_to_end(key)
            while len(self._cache) > _CACHE_SERIES:
                self._cache.popitem(last=False)
        return series

    def read_scalars(self, run: str, tag: str, max_points: int | None = None) -> ScalarPoints | None:
        series = self._series(run, tag)
        if series is None:
            return None
        total = int(series.steps.size)
        if max_points is None or total <= max_points:
            return ScalarPoints(series.steps, series.wall_times, series.values, total)
        version = self._version(run, tag)
        key = (run, tag, max_points)
        with self._cache_lock:
            hit = self._sampled.get(key)
            if hit is not None and hit[0] == version:
                self._sampled.move_to_end(key)
                return hit[1]
        idx = extreme_indices(series.values, max_points)
        points = ScalarPoints(series.steps[idx], series.wall_times[idx], series.values[idx], total)
        with self._cache_lock:
            self._sampled[key] = (version or 0, points)
            while len(self._sampled) > 4 * _CACHE_SERIES:
                self._sampled.popitem(last=False)
        return points

    # ---- non-scalar kinds: values stay in the event files --------------------------------

    def list_tags(self, plugin: str) -> list[PluginTag]:
        out = []
        for info in self._tags():
            if info.plugin != plugin or info.count == 0:
                continue
            meta = summary_pb2.SummaryMetadata.FromString(info.metadata) if info.metadata else None
            out.append(
                PluginTag(
                    info.run,
                    info.tag,
                    info.plugin,
                    info.count,
                    info.first_step,
                    info.last_step,
                    info.last_wall_time,
                    meta or summary_pb2.SummaryMetadata(),
                )
            )
        return out

    def list_steps(self, run: str, tag: str) -> list[StepInfo] | None:
        self._check_epoch()
        refs = self.store.read_refs(run, tag)
        if not refs:
            return None
        return [StepInfo(r.step, r.wall_time) for r in refs]

    def read_values(self, run: str, tag: str, indices: list[int] | None = None) -> list[StepValue] | None:
        """The values of a tag (all, or those at ``indices`` of :meth:`list_steps`)."""
        self._check_epoch()
        refs = self.store.read_refs(run, tag)
        if not refs:
            return None
        chosen = refs if indices is None else [refs[i] for i in indices if -len(refs) <= i < len(refs)]
        return [StepValue(r.step, r.wall_time, self._values.read(r)) for r in chosen]

    # ---- runs: activity, what users say about them, deleting ------------------------------

    def run_activity(self) -> dict[str, RunActivity]:
        by_run: dict[str, list[tuple[str, float, int]]] = {}
        for st in self.store.file_states().values():
            by_run.setdefault(st.run, []).append((st.path, st.mtime, st.size))
        out = {}
        for run, files in by_run.items():
            starts = [int(m.group(1)) for p, _, _ in files if (m := _FILE_TIME.search(os.path.basename(p)))]
            out[run] = RunActivity(
                run,
                float(min(starts)) if starts else min(f[1] for f in files),
                max(f[1] for f in files),
                len(files),
                sum(f[2] for f in files),
            )
        return out

    def run_meta(self) -> dict[str, dict[str, object]]:
        return self.store.run_meta()

    def set_run_meta(self, updates: dict[str, dict[str, object] | None], wait: float = 5.0) -> None:
        """Write between reloads (Busy after ``wait`` seconds of indexing)."""
        if self.ingester is None:
            self.store.set_run_meta(updates, wait)
            return
        with self.ingester.between_reloads(wait) as free:
            if not free:
                raise Busy("the logdir is being indexed; try again in a moment")
            self.store.set_run_meta(updates, wait)

    def trash_run(self, run: str) -> TrashEntry:
        known = [r.name for r in self.list_runs()]
        if run not in known:
            raise NotFound(f"no run named {run!r}")
        entry = trash.trash_run(self.logdirs, run, known)
        if self.ingester is not None:
            self.ingester.reload()  # the dashboard shows the logdir as it is now
        return entry

    def restore_run(self, entry_id: str) -> TrashEntry:
        entry = trash.restore_run(self.logdirs, entry_id)
        if self.ingester is not None:
            self.ingester.reload()
        return entry

    def list_trash(self) -> list[TrashEntry]:
        return trash.list_trash(self.logdirs)

    # ---- uploads (ridgeline upload) ----------------------------------------------------------

    def upload_sizes(self) -> dict[str, int]:
        return uploads.sizes(uploads.upload_root(self.logdirs))

    def upload_append(self, rel: str, offset: int, data: bytes) -> int:
        return uploads.append(uploads.upload_root(self.logdirs), rel, offset, data)

    # ---- access -----------------------------------------------------------------------------

    def find_token(self, token: str) -> TokenRecord | None:
        """The live (not revoked) token, if ``token`` is one; answers are kept
        ``RECHECK_SECONDS``, so a revoked token stops working within that."""
        if not looks_like_token(token):
            return None
        key = hash_token(token)
        now = time.monotonic()
        hit = self._token_cache.get(key)
        if hit is None or now - hit[0] > RECHECK_SECONDS:
            record = self.store.token_by_hash(key)
            hit = (now, record if record is not None and record.revoked is None else None)
            if len(self._token_cache) > 1000:
                self._token_cache.clear()
            self._token_cache[key] = hit
        return hit[1]
