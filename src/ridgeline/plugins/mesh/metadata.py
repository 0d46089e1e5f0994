"""Meshes: the plugin name and SummaryMetadata contract shared by writer and reader.

A mesh is up to three tensors logged under their own tags (vertices ``[B, N, 3]`` float32,
faces ``[B, F, 3]`` int32, colors ``[B, N, 3]`` uint8), tied together by ``MeshPluginData.name``.
"""

from __future__ import annotations

import json
from typing import Any

from ridgeline.plugins.mesh import plugin_data_pb2
from ridgeline.plugins.summary_metadata import plugin_metadata
from ridgeline.proto import summary_pb2

PLUGIN_NAME = "mesh"
PROTO_VERSION = 0
MeshPluginData = plugin_data_pb2.MeshPluginData
CONTENT_NAMES: dict[int, str] = {
    MeshPluginData.VERTEX: "VERTEX",
    MeshPluginData.FACE: "FACE",
    MeshPluginData.COLOR: "COLOR",
}


def components_bitmask(content_types: list[int]) -> int:
    mask = 0
    for ct in content_types:
        mask |= 1 << ct
    return mask


def create_summary_metadata(
    name: str,
    content_type: int,
    components: int,
    shape: tuple[int, ...],
    config: dict[str, Any] | None = None,
) -> summary_pb2.SummaryMetadata:
    data = MeshPluginData(
        version=PROTO_VERSION,
        name=name,
        content_type=content_type,  # type: ignore[arg-type]
        components=components,
        shape=list(shape),
        json_config=json.dumps(config, sort_keys=True) if config else "",
    )
    return plugin_metadata(PLUGIN_NAME, data.SerializeToString())


def parse_plugin_data(metadata: summary_pb2.SummaryMetadata) -> plugin_data_pb2.MeshPluginData:
    return MeshPluginData.FromString(metadata.plugin_data.content)
