"""Custom scalars: the plugin name, layout tag and SummaryMetadata shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "custom_scalars"
CONFIG_TAG = "custom_scalars__config__"


def create_summary_metadata() -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor holding a serialized ``Layout``."""
    return plugin_metadata(PLUGIN_NAME)
