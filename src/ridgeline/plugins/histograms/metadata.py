"""Histograms: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.histograms import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "histograms"
PROTO_VERSION = 0


def create_summary_metadata(display_name: str = "", description: str = "") -> summary_pb2.SummaryMetadata:
    """Metadata marking a float64 tensor ``[k, 3]`` of (left, right, count) as a histogram."""
    content = plugin_data_pb2.HistogramPluginData(version=PROTO_VERSION).SerializeToString()
    return plugin_metadata(PLUGIN_NAME, content, summary_pb2.DATA_CLASS_TENSOR, display_name, description)
