"""Meshes, read side: group a run's mesh tags by mesh name, and read one step's arrays."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins.mesh.metadata import PLUGIN_NAME, MeshPluginData, parse_plugin_data
from ridgeline.tensor_util import to_numpy

_KEYS: dict[int, str] = {
    MeshPluginData.VERTEX: "vertices",
    MeshPluginData.FACE: "faces",
    MeshPluginData.COLOR: "colors",
}


def meshes(provider: DataProvider) -> dict[str, dict[str, dict[str, Any]]]:
    """``{run: {mesh name: {tags: {vertices|faces|colors: tag}, config, count, last_step}}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for t in provider.list_tags(PLUGIN_NAME):
        data = parse_plugin_data(t.metadata)
        key = _KEYS.get(data.content_type)
        if key is None:
            continue
        entry = out.setdefault(t.run, {}).setdefault(
            data.name or t.tag,
            {
                "tags": {},
                "config": (json.loads(data.json_config) if data.json_config else None) or {},
                "count": 0,
                "last_step": None,
            },
        )
        entry["tags"][key] = t.tag
        if key == "vertices":
            entry["count"] = t.count
            entry["last_step"] = t.last_step
    return out


def mesh_at(provider: DataProvider, run: str, name: str, index: int) -> dict[str, Any]:
    """One step of a mesh: flat arrays (vertices xyz..., faces ijk..., colors rgb...) and config."""
    entry = meshes(provider).get(run, {}).get(name)
    if entry is None or "vertices" not in entry["tags"]:
        raise NotFound(f"run {run!r} has no mesh {name!r}")
    result: dict[str, Any] = {"config": entry["config"]}
    for key, tag in entry["tags"].items():
        values = provider.read_values(run, tag, [index]) or []
        if not values:
            raise NotFound(f"mesh {name!r} of run {run!r} has no step at index {index}")
        arr = to_numpy(values[0].value.tensor)
        arr = arr[0] if arr.ndim == 3 else arr  # first item of the batch
        result[key] = (
            np.asarray(arr, dtype=np.float64 if key == "vertices" else np.int64).reshape(-1).tolist()
        )
        if key == "vertices":
            result["step"], result["wall_time"] = values[0].step, values[0].wall_time
    return result
