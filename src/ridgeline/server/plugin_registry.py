"""Stage 4 (server): the plugins whose routes the app mounts.

Every folder ``ridgeline/plugins/<kind>/`` with a ``plugin.py`` exporting ``PLUGIN`` is mounted
(found by folder, so the next plugin needs no line here); third-party plugins can join through
the ``ridgeline.plugins`` entry-point group.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import pkgutil
from importlib.metadata import entry_points
from typing import Protocol

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider

logger = logging.getLogger(__name__)


class Plugin(Protocol):
    name: str

    def router(self, provider: DataProvider) -> APIRouter: ...


def default_plugins() -> list[Plugin]:
    import ridgeline.plugins as plugins

    found: list[Plugin] = []
    for info in sorted(pkgutil.iter_modules(plugins.__path__), key=lambda i: i.name):
        name = f"ridgeline.plugins.{info.name}.plugin"
        if not info.ispkg or importlib.util.find_spec(name) is None:
            continue
        found.append(importlib.import_module(name).PLUGIN)
    for ep in entry_points(group="ridgeline.plugins"):
        try:
            found.append(ep.load())
        except Exception:  # a broken third-party plugin must not take the app down
            logger.exception("plugin %s failed to load", ep.name)
    return found
