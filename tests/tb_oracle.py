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


def _tb_context(root: str | Path) -> object:
    """A TensorBoard plugin context over ``root``, as ``tensorboard --logdir root`` builds it."""
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin

    multiplexer = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance={"tensors": 0})
    multiplexer.AddRunsFromDirectory(str(root))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(root))
    return base_plugin.TBContext(logdir=str(root), data_provider=provider, multiplexer=multiplexer)


def tensorboard_graph(root: str | Path, run: str, tag: str | None = None, conceptual: bool = False) -> object:
    """The ``GraphDef`` TensorBoard's graph plugin serves for ``run`` (and ``tag``)."""
    from google.protobuf import text_format
    from tensorboard.compat.proto import graph_pb2
    from tensorboard.context import RequestContext
    from tensorboard.plugins.graph import graphs_plugin

    plugin = graphs_plugin.GraphsPlugin(_tb_context(root))
    body, _ = plugin.graph_impl(RequestContext(), run, tag, conceptual, experiment="")
    return text_format.Parse(body, graph_pb2.GraphDef())


def tensorboard_projector(root: str | Path) -> dict[str, dict[str, object]]:
    """run -> {"config": projector config JSON, "tensors": {name: float32 array}, "metadata":
    {name: text}, "sprites": {name: PNG bytes}} as TensorBoard's projector plugin serves them."""
    import numpy as np
    from tensorboard.plugins.projector import projector_plugin
    from werkzeug.test import Client

    plugin = projector_plugin.ProjectorPlugin(_tb_context(root))
    plugin._update_configs()
    apps = plugin.get_plugin_apps()
    client = Client(lambda environ, start: apps[environ["PATH_INFO"]](environ, start))
    out: dict[str, dict[str, object]] = {}
    for run in client.get("/runs").json:
        config = client.get("/info", query_string={"run": run}).json
        entry: dict[str, object] = {"config": config, "tensors": {}, "metadata": {}, "sprites": {}}
        for emb in config.get("embeddings", []):
            name = emb["tensorName"]
            rows, cols = emb["tensorShape"]
            raw = client.get("/tensor", query_string={"run": run, "name": name}).data
            entry["tensors"][name] = np.frombuffer(raw, dtype="<f4").reshape(rows, cols)  # type: ignore[index]
            if emb.get("metadataPath"):
                entry["metadata"][name] = client.get(
                    "/metadata", query_string={"run": run, "name": name}
                ).text  # type: ignore[index]
            if emb.get("sprite"):
                entry["sprites"][name] = client.get(
                    "/sprite_image", query_string={"run": run, "name": name}
                ).data  # type: ignore[index]
        out[run] = entry
    return out
