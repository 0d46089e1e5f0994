"""Graphs, serve side: which runs have which graphs, and one graph's nodes.

* ``GET /api/plugins/graphs/tags`` — runs with any graph, each graph tag as the other plugins
  list theirs (``__run_graph__`` for ``Event.graph_def``);
* ``GET /api/plugins/graphs/list`` — every graph: run, tag (null for the run's own graph),
  kind (``op``, ``keras``, ``run_metadata``) and step;
* ``GET /api/plugins/graphs/graph?run=R[&tag=T]`` — ``{"nodes": [...], "functions": {...}}``:
  the run's ``graph_def`` (or its ``meta_graph_def``'s graph) without ``tag``, a tagged graph
  (Keras model, run metadata) with it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ridgeline.data.provider import DataProvider, PluginTag
from ridgeline.errors import NotFound
from ridgeline.plugins import common
from ridgeline.plugins.common import Run
from ridgeline.plugins.graphs import metadata
from ridgeline.plugins.graphs.reader import read_graph
from ridgeline.server.encoding import JSONBody
from ridgeline.server.schemas import TagsBody

KINDS = {
    metadata.PLUGIN_NAME: "op",
    metadata.PLUGIN_NAME_KERAS_MODEL: "keras",
    metadata.PLUGIN_NAME_RUN_METADATA: "run_metadata",
    metadata.PLUGIN_NAME_RUN_METADATA_WITH_GRAPH: "run_metadata",
    metadata.PLUGIN_NAME_TAGGED_RUN_METADATA: "run_metadata",
}
RUN_GRAPH_TAGS = (metadata.RUN_GRAPH_TAG, metadata.META_GRAPH_TAG)


class GraphEntry(BaseModel):
    run: str
    tag: str | None
    kind: str
    step: int | None


class GraphList(BaseModel):
    graphs: list[GraphEntry]
    generation: int


class GraphNode(BaseModel):
    name: str
    op: str
    inputs: list[str]
    device: str
    attr: dict[str, Any]
    output_shapes: list[list[int] | None] | None = None


class GraphBody(BaseModel):
    run: str
    tag: str | None
    kind: str
    step: int
    nodes: list[GraphNode]
    functions: dict[str, list[GraphNode]]


def _graph_tags(provider: DataProvider) -> list[PluginTag]:
    return [t for plugin in metadata.GRAPH_PLUGINS for t in provider.list_tags(plugin)]


def graph_list(provider: DataProvider) -> list[dict[str, Any]]:
    """Every graph of every run: the run's own graph first, then its tagged ones."""
    entries = []
    for t in _graph_tags(provider):
        if t.tag == metadata.META_GRAPH_TAG and any(
            o.run == t.run and o.tag == metadata.RUN_GRAPH_TAG for o in _graph_tags(provider)
        ):
            continue  # the run graph is shown; the meta graph holds the same graph
        own = t.tag in RUN_GRAPH_TAGS
        entries.append(
            {
                "run": t.run,
                "tag": None if own else t.tag,
                "kind": KINDS.get(t.plugin, "op"),
                "step": t.last_step,
            }
        )
    entries.sort(key=lambda e: (e["run"], e["tag"] is not None, e["tag"] or ""))
    return entries


class GraphsPlugin:
    name = metadata.PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[metadata.PLUGIN_NAME])
        # Encoded graphs by (run, tag, data generation): switching back and forth between
        # graphs, or two panes showing one, reads and converts each graph once.
        encoded: OrderedDict[tuple[str, str | None, int], bytes] = OrderedDict()

        @r.get("/tags", summary="graph tags per run", response_model=TagsBody)
        def tags() -> dict[str, Any]:
            generation = provider.generation()
            runs: dict[str, dict[str, Any]] = {}
            for t in _graph_tags(provider):
                runs.setdefault(t.run, {})[t.tag] = common.tag_entry(t)
            return {"runs": runs, "generation": generation}

        @r.get("/list", summary="every graph: run, tag, kind, step", response_model=GraphList)
        def list_graphs() -> dict[str, Any]:
            generation = provider.generation()
            return {"graphs": graph_list(provider), "generation": generation}

        @r.get("/graph", summary="one graph's nodes", response_model=GraphBody)
        def graph(
            run: Run,
            tag: Annotated[str | None, Query(description="a tagged graph; none: the run's graph")] = None,
        ) -> Response:
            generation = provider.generation()
            hit = encoded.get((run, tag, generation))
            if hit is not None:  # a new response each time: middleware edits a response's headers
                return Response(hit, media_type="application/json")
            found = {t.tag: t for t in _graph_tags(provider) if t.run == run}
            if tag is None:
                entry = next((found[t] for t in RUN_GRAPH_TAGS if t in found), None)
                if entry is None:
                    if run not in {x.name for x in provider.list_runs()}:
                        raise NotFound(f"no run named {run!r}")
                    raise NotFound(f"run {run!r} has no graph of its own (see /list for its tagged graphs)")
            else:
                entry = found.get(tag)
                if entry is None:
                    raise common.not_found(provider, "graph", run, tag)
            value = common.value_at(provider, entry.plugin, run, entry.tag, -1)
            body = common.decode(lambda v: read_graph(entry.plugin, v), value, run, entry.tag)
            # Every float in a graph body is already JSON-safe (reader._number): encoded as is,
            # without the walk DataJSON makes over every value (half the time of a 10k-node graph).
            response = JSONBody(
                {"run": run, "tag": tag, "kind": KINDS.get(entry.plugin, "op"), "step": value.step, **body}
            )
            encoded[(run, tag, generation)] = bytes(response.body)
            while len(encoded) > 8:
                encoded.popitem(last=False)
            return response

        return r


PLUGIN = GraphsPlugin()
