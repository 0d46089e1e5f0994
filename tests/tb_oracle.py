"""The compatibility oracle: scalars as the real ``tensorboard`` package reads them."""

from __future__ import annotations

from pathlib import Path

from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.util import tensor_util


def tensorboard_scalars(run_dir: str | Path) -> dict[str, list[tuple[int, float, float]]]:
    """tag -> [(step, wall_time, value)] for every ``scalars`` tag of one run directory."""
    acc = pea.EventAccumulator(str(run_dir), size_guidance={"tensors": 0}, purge_orphaned_data=True)
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        if acc.SummaryMetadata(tag).plugin_data.plugin_name != "scalars":
            continue
        out[tag] = [
            (e.step, e.wall_time, float(tensor_util.make_ndarray(e.tensor_proto).reshape(())))
            for e in acc.Tensors(tag)
        ]
    return out


def tensorboard_tensors(run_dir: str | Path, plugin: str) -> dict[str, list[tuple[int, float, object]]]:
    """tag -> [(step, wall_time, ndarray)] for every tag of ``plugin`` in one run directory.

    TensorBoard's accumulator migrates legacy values (``Summary.Image``, ``Summary.Audio``,
    ``HistogramProto``) to the modern tensor form first, so this is what its dashboards show.
    """
    acc = pea.EventAccumulator(str(run_dir), size_guidance={"tensors": 0}, purge_orphaned_data=True)
    acc.Reload()
    out = {}
    for tag in acc.Tags()["tensors"]:
        if acc.SummaryMetadata(tag).plugin_data.plugin_name != plugin:
            continue
        out[tag] = [(e.step, e.wall_time, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]
    return out


def tensorboard_metadata(run_dir: str | Path, plugin: str) -> dict[str, bytes]:
    """tag -> plugin content bytes for every tag of ``plugin`` in one run directory."""
    acc = pea.EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
    acc.Reload()
    return {
        tag: acc.SummaryMetadata(tag).plugin_data.content
        for tag in acc.Tags()["tensors"]
        if acc.SummaryMetadata(tag).plugin_data.plugin_name == plugin
    }


def tensorboard_logdir(root: str | Path) -> dict[tuple[str, str], tuple[str, list[tuple[int, object]]]]:
    """(run, tag) -> (plugin, [(step, ndarray)]) for every tensor tag of every run under
    ``root`` (a run is a folder holding event files), plus (run, "__graph__") when the run has
    a graph — the logdir as TensorBoard's dashboards see it."""
    out: dict[tuple[str, str], tuple[str, list[tuple[int, object]]]] = {}
    base = Path(root)
    for run_dir in sorted({p.parent for p in base.rglob("*tfevents*")}):
        run = run_dir.relative_to(base).as_posix()
        acc = pea.EventAccumulator(str(run_dir), size_guidance={"tensors": 0})
        acc.Reload()
        for tag in acc.Tags()["tensors"]:
            plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
            out[(run, tag)] = (
                plugin,
                [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)],
            )
        if acc.Tags()["graph"]:
            out[(run, "__graph__")] = ("graph", [])
    return out
