"""Stage 2 (ingest): which data class a summary belongs to.

New logs say it in ``SummaryMetadata.data_class``; older ones only name a plugin, and
TensorBoard infers the class from the plugin name (``tensorboard/dataclass_compat.py``). This
table is that inference, a fact about the file format, not plugin code.
"""

from __future__ import annotations

from ridgeline.proto import summary_pb2

SCALARS_PLUGIN = "scalars"

LEGACY_DATA_CLASS = {
    "scalars": summary_pb2.DATA_CLASS_SCALAR,
    "histograms": summary_pb2.DATA_CLASS_TENSOR,
    "text": summary_pb2.DATA_CLASS_TENSOR,
    "pr_curves": summary_pb2.DATA_CLASS_TENSOR,
    "hparams": summary_pb2.DATA_CLASS_TENSOR,
    "custom_scalars": summary_pb2.DATA_CLASS_TENSOR,
    "mesh": summary_pb2.DATA_CLASS_TENSOR,
    "images": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "audio": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "graphs": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "graph_keras_model": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "graph_run_metadata": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "graph_run_metadata_graph": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
    "graph_tagged_run_metadata": summary_pb2.DATA_CLASS_BLOB_SEQUENCE,
}


def data_class_of(metadata: summary_pb2.SummaryMetadata) -> int:
    """The data class a value with this metadata belongs to."""
    if metadata.data_class != summary_pb2.DATA_CLASS_UNKNOWN:
        return int(metadata.data_class)
    return int(LEGACY_DATA_CLASS.get(metadata.plugin_data.plugin_name, summary_pb2.DATA_CLASS_TENSOR))
