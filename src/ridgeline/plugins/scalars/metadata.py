"""Scalars: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from functools import lru_cache

from ridgeline.plugins.scalars import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "scalars"
PROTO_VERSION = 0


@lru_cache(maxsize=256)
def create_summary_metadata(display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a rank-0 tensor as a scalar (shared, do not mutate)."""
    content = plugin_data_pb2.ScalarPluginData(version=PROTO_VERSION).SerializeToString()
    return plugin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_SCALAR, display_name, description)
