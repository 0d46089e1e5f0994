"""Graphs, ingest side: the graph events that are not summaries become blob values.

``graph_def`` -> tag ``__run_graph__`` (plugin ``graphs``), ``meta_graph_def`` -> its GraphDef
under ``__meta_graph__``, ``tagged_run_metadata`` -> its tag (plugin
``graph_tagged_run_metadata``): each a one-element string tensor holding the serialized
proto, as TensorBoard's ``dataclass_compat`` writes them.
"""

from __future__ import annotations

from google.protobuf.message import DecodeError

from ridgeline.plugins.graphs import metadata
from ridgeline.proto import event_pb2, graph_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2


def _blob_value(tag: str, plugin: str, blob: bytes) -> summary_pb2.Summary.Value:
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=1)]),
        string_val=[blob],
    )
    return summary_pb2.Summary.Value(tag=tag, metadata=metadata.blob_metadata(plugin), tensor=tensor)


def _graph_def(event: event_pb2.Event) -> list[summary_pb2.Summary.Value]:
    return [_blob_value(metadata.RUN_GRAPH_TAG, metadata.PLUGIN_NAME, event.graph_def)]


def _meta_graph_def(event: event_pb2.Event) -> list[summary_pb2.Summary.Value]:
    try:
        meta = graph_pb2.MetaGraphDef.FromString(event.meta_graph_def)
    except DecodeError:
        return []
    return [_blob_value(metadata.META_GRAPH_TAG, metadata.PLUGIN_NAME, meta.graph_def.SerializeToString())]


def _tagged_run_metadata(event: event_pb2.Event) -> list[summary_pb2.Summary.Value]:
    trm = event.tagged_run_metadata
    return [_blob_value(trm.tag, metadata.PLUGIN_NAME_TAGGED_RUN_METADATA, trm.run_metadata)]


EVENT_FIELDS = {
    "graph_def": _graph_def,
    "meta_graph_def": _meta_graph_def,
    "tagged_run_metadata": _tagged_run_metadata,
}
