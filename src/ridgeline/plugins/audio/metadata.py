"""Audio: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.audio import plugin_data_pb2
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "audio"
PROTO_VERSION = 0
WAV = plugin_data_pb2.AudioPluginData.WAV


def create_summary_metadata(display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor ``[k, 2]`` of (WAV, label) pairs as audio clips."""
    content = plugin_data_pb2.AudioPluginData(version=PROTO_VERSION, encoding=WAV).SerializeToString()
    return summary_pb2.SummaryMetadata(
        display_name=display_name,
        summary_description=description,
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=content),
        data_class=summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    )
