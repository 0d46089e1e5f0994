"""The ``SummaryMetadata`` every plugin attaches to its values: plugin name, its content
bytes, the data class, and the user's display name and description. Shared by writer and
reader; imports nothing but the protos."""

from __future__ import annotations

from ridgeline.proto import summary_pb2


def plugin_metadata(
    plugin_name: str,
    content: bytes = b"",
    data_class: int = summary_pb2.DATA_CLASS_TENSOR,
    display_name: str = "",
    description: str = "",
) -> summary_pb2.SummaryMetadata:
    return summary_pb2.SummaryMetadata(
        display_name=display_name,
        summary_description=description,
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=plugin_name, content=content),
        data_class=data_class,  # type: ignore[arg-type]
    )
