"""PR curves: the plugin name and SummaryMetadata contract shared by writer and reader."""

from __future__ import annotations

from ridgeline.plugins.pr_curves import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "pr_curves"
PROTO_VERSION = 0
ROWS = ("true_positives", "false_positives", "true_negatives", "false_negatives", "precision", "recall")


def create_summary_metadata(
    num_thresholds: int, display_name: str = "", description: str = ""
) -> summary_pb2.SummaryMetadata:
    """Metadata marking a float tensor ``[6, num_thresholds]`` (rows: :data:`ROWS`) as a PR curve."""
    content = plugin_data_pb2.PrCurvePluginData(version=PROTO_VERSION, num_thresholds=num_thresholds)
    return plugin_metadata(
        PLUGIN_NAME, content.SerializeToString(), summary_pb2.DATA_CLASS_TENSOR, display_name, description
    )


def num_thresholds_of(metadata: summary_pb2.SummaryMetadata) -> int:
    return plugin_data_pb2.PrCurvePluginData.FromString(metadata.plugin_data.content).num_thresholds
