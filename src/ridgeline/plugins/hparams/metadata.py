"""HParams: the plugin name, fixed tags and SummaryMetadata contract shared by writer and reader.

Three kinds of summaries, all carrying their data in the metadata's plugin content
(``HParamsPluginData``): the experiment (hparam domains and metrics, usually once at the top of
the logdir), a session start (the hparam values of one run) and a session end (its status).
"""

from __future__ import annotations

from ridgeline.plugins.hparams import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "hparams"
PROTO_VERSION = 0
EXPERIMENT_TAG = "_hparams_/experiment"
SESSION_START_INFO_TAG = "_hparams_/session_start_info"
SESSION_END_INFO_TAG = "_hparams_/session_end_info"


def create_summary_metadata(data: plugin_data_pb2.HParamsPluginData) -> summary_pb2.SummaryMetadata:
    data.version = PROTO_VERSION
    return plugin_metadata(PLUGIN_NAME, data.SerializeToString())


def parse_plugin_data(metadata: summary_pb2.SummaryMetadata) -> plugin_data_pb2.HParamsPluginData:
    return plugin_data_pb2.HParamsPluginData.FromString(metadata.plugin_data.content)
