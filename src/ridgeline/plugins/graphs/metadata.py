"""Graphs: plugin names and tags, as TensorBoard's graph plugin defines them."""

from __future__ import annotations

from ridgeline.proto import summary_pb2

PLUGIN_NAME = "graphs"  # Event.graph_def, migrated to tag RUN_GRAPH_TAG
RUN_GRAPH_TAG = "__run_graph__"
META_GRAPH_TAG = "__meta_graph__"  # the GraphDef inside Event.meta_graph_def
PLUGIN_NAME_RUN_METADATA = "graph_run_metadata"  # RunMetadata (tf.summary run metadata)
PLUGIN_NAME_RUN_METADATA_WITH_GRAPH = "graph_run_metadata_graph"  # tf.summary.trace_export
PLUGIN_NAME_TAGGED_RUN_METADATA = "graph_tagged_run_metadata"  # Event.tagged_run_metadata
PLUGIN_NAME_KERAS_MODEL = "graph_keras_model"  # model.to_json(), tag "keras"

GRAPH_PLUGINS = (
    PLUGIN_NAME,
    PLUGIN_NAME_RUN_METADATA,
    PLUGIN_NAME_RUN_METADATA_WITH_GRAPH,
    PLUGIN_NAME_TAGGED_RUN_METADATA,
    PLUGIN_NAME_KERAS_MODEL,
)


def blob_metadata(plugin: str) -> summary_pb2.SummaryMetadata:
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin),
        data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    )
