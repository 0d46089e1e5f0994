"""Stage 2 (ingest): apply one decoded chunk to the store with TensorBoard's run semantics.

* Files of a run are read in name order; points keep the order they were logged in.
* Non-scalar values (images, audio, histograms, text, ...) are recorded as references to
  their event record (:class:`ValueRef`); their bytes stay in the file.
* The first metadata seen for a tag in a run decides what the tag is (later values may omit it).
* Restarts: in files whose ``file_version`` is ``brain.Event:2`` or later, a
  ``SessionLog.START`` at step T drops every point of the run with step >= T read before it
  (``purge_step`` writes exactly that). In older files, a summary whose step goes back drops the
  later points of its own tags (``plugin_event_accumulator._CheckForOutOfOrderStepAndMaybePurge``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from ridgeline.ingest.data_class import LEGACY_DATA_CLASS, SCALARS_PLUGIN, data_class_of
from ridgeline.ingest.decode import DecodedChunk
from ridgeline.proto import summary_pb2
from ridgeline.store.base import Store, ValueRef

_SCALAR = summary_pb2.DATA_CLASS_SCALAR


@dataclass(slots=True)
class RunState:
    """What the loader remembers of a run between chunks."""

    tag_classes: dict[str, int] = field(default_factory=dict)
    file_version: float = 0.0
    last_step: dict[str, int] = field(default_factory=dict)

    def copy(self) -> RunState:
        return RunState(dict(self.tag_classes), self.file_version, dict(self.last_step))

    def restore(self, other: RunState) -> None:
        """Go back to ``other`` (a :meth:`copy` taken before a write that was undone)."""
        self.tag_classes, self.file_version, self.last_step = (
            dict(other.tag_classes),
            other.file_version,
            dict(other.last_step),
        )


def _version_number(file_version: str) -> float:
    try:
        return float(file_version.rsplit(":", 1)[-1])
    except ValueError:
        return 0.0


def apply_chunk(store: Store, run: str, state: RunState, chunk: DecodedChunk, path: str) -> None:
    """Write the scalars, value references and tags of ``chunk`` to ``store``, purging on restarts.

    Args:
        path: the event file the chunk was read from (what value references point into).
    """

    def register(tag: str, metadata: summary_pb2.SummaryMetadata | None, legacy: str | None) -> int:
        known = state.tag_classes.get(tag)
        if known is not None:
            return known
        if metadata is not None and (metadata.plugin_data.plugin_name or metadata.data_class):
            plugin = metadata.plugin_data.plugin_name or legacy or ""
            dclass = data_class_of(metadata)
            blob = metadata.SerializeToString()
        elif legacy is not None:
            plugin = legacy
            dclass = LEGACY_DATA_CLASS.get(legacy, summary_pb2.DATA_CLASS_TENSOR)
            blob = b""
        else:
            plugin, dclass, blob = "", summary_pb2.DATA_CLASS_TENSOR, b""
        if legacy == SCALARS_PLUGIN:
            plugin, dclass = SCALARS_PLUGIN, _SCALAR
        state.tag_classes[tag] = dclass
        store.register_tag(run, tag, plugin, dclass, blob)
        return dclass

    # Tags are registered in record order over both paths (a tag's first value, carrying its
    # metadata, may sit in a multi-value event the protobuf path reads, before fast-path
    # values of the same tag without metadata).
    fast_first: dict[int, int] = {}  # tag id -> position of its first fast-path point
    if chunk.tag_ids.size:
        _, first = np.unique(chunk.tag_ids, return_index=True)
        fast_first = {int(chunk.tag_ids[i]): int(i) for i in first.tolist()}
    firsts: list[tuple[int, str, summary_pb2.SummaryMetadata | None, str | None]] = [
        (
            int(chunk.order[i]),
            chunk.tags[tid],
            chunk.first_metadata.get(tid),
            None if chunk.tensor[i] else SCALARS_PLUGIN,
        )
        for tid, i in fast_first.items()
    ]
    seen_in_events: set[str] = set()
    for rec, event in chunk.events:
        for vi, value in enumerate(event.values):
            if value.tag not in seen_in_events:
                seen_in_events.add(value.tag)
                firsts.append(((rec << 16) + vi, value.tag, value.metadata, value.legacy_plugin))
    for _, tag, metadata, legacy in sorted(firsts, key=lambda f: f[0]):
        register(tag, metadata, legacy)
    fast_class = np.zeros(len(chunk.tags), dtype=bool)
    for tid in fast_first:
        fast_class[tid] = state.tag_classes.get(chunk.tags[tid]) == _SCALAR

    # Protobuf-path events: scalars, tags and restarts, in record order.
    ev_tags: list[str] = []
    ev_order: list[int] = []
    ev_steps: list[int] = []
    ev_walls: list[float] = []
    ev_values: list[float] = []
    refs: list[tuple[int, str, ValueRef]] = []  # (order key, tag, reference), in record order
    cuts: list[tuple[int, int, list[str] | None]] = []  # (order key, step, tags or None = all)
    for rec, event in chunk.events:
        if event.file_version is not None:
            state.file_version = _version_number(event.file_version)
        if event.session_start and state.file_version >= 2:
            cuts.append((rec << 16, event.step, None))
        for vi, value in enumerate(event.values):
            dclass = register(value.tag, value.metadata, value.legacy_plugin)
            if dclass == _SCALAR and value.scalar is not None:
                ev_tags.append(value.tag)
                ev_order.append((rec << 16) + vi)
                ev_steps.append(event.step)
                ev_walls.append(event.wall_time)
                ev_values.append(value.scalar)
            elif dclass != _SCALAR:
                refs.append(
                    (
                        (rec << 16) + vi,
                        value.tag,
                        ValueRef(event.step, event.wall_time, path, event.offset, event.length, value.index),
                    )
                )

    keep = fast_class[chunk.tag_ids] if chunk.tag_ids.size else np.zeros(0, dtype=bool)
    # One index per tag name, whichever path its points came by (so they stay in order).
    known_tags = set(chunk.tags)
    names = np.array(chunk.tags + sorted(set(ev_tags) - known_tags), dtype=object)
    name_index = {n: i for i, n in enumerate(names.tolist())}
    tag_idx = np.concatenate(
        [chunk.tag_ids[keep].astype(np.int64), np.array([name_index[t] for t in ev_tags], dtype=np.int64)]
    )
    order = np.concatenate([chunk.order[keep], np.array(ev_order, dtype=np.int64)])
    steps = np.concatenate([chunk.steps[keep], np.array(ev_steps, dtype=np.int64)])
    walls = np.concatenate([chunk.wall_times[keep], np.array(ev_walls, dtype=np.float64)])
    values = np.concatenate([chunk.values[keep], np.array(ev_values, dtype=np.float64)])
    if ev_order:
        perm = np.argsort(order, kind="stable")
        tag_idx, order, steps, walls, values = (
            tag_idx[perm],
            order[perm],
            steps[perm],
            walls[perm],
            values[perm],
        )

    if state.file_version < 2 and steps.size:
        cuts.extend(_out_of_order_cuts(state, names, tag_idx, order, steps))
    cuts.sort(key=lambda c: c[0])

    lo = 0
    ref_lo = 0
    ref_keys = [r[0] for r in refs]
    for key, cut_step, cut_tags in cuts:
        hi = int(np.searchsorted(order, key, side="left"))
        _append(store, run, names, tag_idx[lo:hi], steps[lo:hi], walls[lo:hi], values[lo:hi])
        ref_hi = bisect.bisect_left(ref_keys, key)
        _append_refs(store, run, refs[ref_lo:ref_hi])
        store.purge(run, cut_step, cut_tags)
        lo, ref_lo = hi, ref_hi
    _append(store, run, names, tag_idx[lo:], steps[lo:], walls[lo:], values[lo:])
    _append_refs(store, run, refs[ref_lo:])


def _append_refs(store: Store, run: str, refs: list[tuple[int, str, ValueRef]]) -> None:
    by_tag: dict[str, list[ValueRef]] = {}
    for _, tag, ref in refs:
        by_tag.setdefault(tag, []).append(ref)
    for tag, tag_refs in by_tag.items():
        store.append_refs(run, tag, tag_refs)


def _out_of_order_cuts(
    state: RunState, names: np.ndarray, tag_idx: np.ndarray, order: np.ndarray, steps: np.ndarray
) -> list[tuple[int, int, list[str] | None]]:
    """Legacy (pre-``brain.Event:2``) purge points: a tag's step going backwards."""
    cuts: list[tuple[int, int, list[str] | None]] = []
    for i in range(steps.size):
        tag = str(names[tag_idx[i]])
        step = int(steps[i])
        last = state.last_step.get(tag)
        if last is not None and step < last:
            cuts.append((int(order[i]), step, [tag]))
        state.last_step[tag] = step
    return cuts


def _append(
    store: Store,
    run: str,
    names: np.ndarray,
    tag_idx: np.ndarray,
    steps: np.ndarray,
    walls: np.ndarray,
    values: np.ndarray,
) -> None:
    if tag_idx.size == 0:
        return
    perm = np.argsort(tag_idx, kind="stable")
    sorted_idx = tag_idx[perm]
    bounds = np.flatnonzero(np.diff(sorted_idx)) + 1
    for group in np.split(perm, bounds):
        tag = str(names[tag_idx[group[0]]])
        store.append_scalars(run, tag, steps[group], walls[group], values[group])
