"""Audio: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.audio import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "audio"
PROTO_VERSION = 0
WAV = plugin_data_pb2.AudioPluginData.WAV


def create_summary_metadata(display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor ``[k, 2]`` of (WAV, label) pairs as audio clips."""
    content = plugin_data_pb2.AudioPluginData(version=PROTO_VERSION, encoding=WAV).SerializeToString()
    return plugin_metadata(
        PLUGIN_NAME, content, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, display_name, description
    )
