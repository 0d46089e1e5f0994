"""Explanations: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.explanations import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "explanations"
PROTO_VERSION = 1


def create_summary_metadata(method: str, description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor ``[header, (input, overlay, map) per sample]`` as one
    logged explanation (see ``api.md``)."""
    content = plugin_data_pb2.ExplanationPluginData(version=PROTO_VERSION, method=method).SerializeToString()
    return plugin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, "", description)
