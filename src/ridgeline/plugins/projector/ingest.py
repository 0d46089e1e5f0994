"""Projector, ingest side: a folder holding ``projector_config.pbtxt`` is a projector run,
whether or not it also holds event files (TensorFlow's projector folders hold none)."""

from __future__ import annotations

from collections.abc import Sequence

from ridgeline.plugins.projector.metadata import CONFIG_NAME, PLUGIN_NAME


def _has_config(folder: str, names: Sequence[str]) -> bool:
    return CONFIG_NAME in names


RUN_ASSETS = _has_config
__all__ = ["PLUGIN_NAME", "RUN_ASSETS"]
