"""Meshes, read side: group a run's mesh tags by mesh name, and read one step's arrays."""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np

from ridgeline.data.provider import DataProvider
from ridgeline.errors import NotFound
from ridgeline.plugins.common import decode
from ridgeline.plugins.mesh.metadata import PLUGIN_NAME, MeshPluginData, parse_plugin_data
from ridgeline.proto import summary_pb2
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
        try:
            data = parse_plugin_data(t.metadata)
        except Exception:  # noqa: BLE001 - metadata a buggy writer garbled: not a mesh we can show
            continue
        key = _KEYS.get(data.content_type)
        if key is None:
            continue
        entry = out.setdefault(t.run, {}).setdefault(
            data.name or t.tag,
            {"tags": {}, "config": {}, "count": 0, "last_step": None},
        )
        if data.json_config and not entry["config"]:
            entry["config"], error = _config(data.json_config)
            if error:
                entry["config_error"] = error
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
        result[key] = decode(functools.partial(_flat, key=key), values[0], run, tag)
        if key == "vertices":
            result["step"], result["wall_time"] = values[0].step, values[0].wall_time
    return result


def _flat(value: summary_pb2.Summary.Value, key: str) -> list[Any]:
    arr = to_numpy(value.tensor)
    arr = arr[0] if arr.ndim == 3 else arr  # first item of the batch
    if arr.ndim != 2 or arr.shape[-1] != 3:
        raise ValueError(f"{key} must have shape [n, 3] (or [1, n, 3]), not {list(arr.shape)}")
    dtype = np.float64 if key == "vertices" else np.int64
    out: list[Any] = np.asarray(arr, dtype=dtype).reshape(-1).tolist()
    return out


def _config(text: str) -> tuple[dict[str, Any], str | None]:
    """The viewer config a writer gave as JSON ({} and a message if it is not a JSON object)."""
    try:
        config = json.loads(text)
    except ValueError as exc:
        return {}, f"the mesh config is not JSON ({exc}); using defaults"
    if not isinstance(config, dict):
        return {}, "the mesh config is not a JSON object; using defaults"
    return config, None
