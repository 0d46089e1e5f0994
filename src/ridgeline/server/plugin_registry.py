"""Stage 4 (server): the plugins whose routes the app mounts.

Plugins are found by name here so that the pipeline packages never import them; third-party
plugins can join through the ``ridgeline.plugins`` entry-point group.
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import entry_points
from typing import Protocol

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider

logger = logging.getLogger(__name__)

DEFAULT_PLUGINS = (
    "scalars",
    "images",
    "audio",
    "histograms",
    "text",
    "pr_curves",
    "hparams",
    "custom_scalars",
    "mesh",
    "explanations",
)


class Plugin(Protocol):
    name: str

    def router(self, provider: DataProvider) -> APIRouter: ...


def default_plugins() -> list[Plugin]:
    found: list[Plugin] = []
    for name in DEFAULT_PLUGINS:
        module = importlib.import_module(f"ridgeline.plugins.{name}.plugin")
        found.append(module.PLUGIN)
    for ep in entry_points(group="ridgeline.plugins"):
        try:
            found.append(ep.load())
        except Exception:  # a broken third-party plugin must not take the app down
            logger.exception("plugin %s failed to load", ep.name)
    return found
