"""Images: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.images import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "images"
PROTO_VERSION = 0


def create_summary_metadata(display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor ``[width, height, image, image, ...]`` as images."""
    content = plugin_data_pb2.ImagePluginData(version=PROTO_VERSION).SerializeToString()
    return plugin_metadata(
        PLUGIN_NAME, content, summary_pb2.DATA_CLASS_BLOB_SEQUENCE, display_name, description
    )
