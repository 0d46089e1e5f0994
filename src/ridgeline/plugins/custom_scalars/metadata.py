"""Custom scalars: the plugin name, layout tag and SummaryMetadata shared by writer and reader."""

from __future__ import annotations

from ridgeline.proto import summary_pb2

PLUGIN_NAME = "custom_scalars"
CONFIG_TAG = "custom_scalars__config__"


def create_summary_metadata() -> summary_pb2.SummaryMetadata:
    """Metadata marking a string tensor holding a serialized ``Layout``."""
    return summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME),
        data_class=summary_pb2.DATA_CLASS_TENSOR,
    )
