"""Stage 2 (ingest): what plugins add to reading a logdir, found by folder.

A plugin folder ``ridgeline/plugins/<kind>/`` may hold an ``ingest.py`` exporting

* ``EVENT_FIELDS``: ``{Event oneof field: function(Event) -> [Summary.Value]}`` — events that
  are not summaries (``graph_def``, ``meta_graph_def``, ``tagged_run_metadata``) turned into
  summary values, as TensorBoard's ``dataclass_compat`` migrates them. The values are indexed
  by reference like any other (negative value indices: the k-th migrated value is ``-k-1``)
  and rebuilt from the event when read, so nothing is copied into the index;
* ``RUN_ASSETS``: ``function(folder, file names) -> bool`` — whether a folder holds the
  plugin's files that are not event files (the projector's ``projector_config.pbtxt``), with
  ``PLUGIN_NAME``. Such a folder is a run even without event files.

The next plugin is one folder: nothing here names a plugin.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Sequence
from functools import lru_cache

from ridgeline.proto import event_pb2, summary_pb2

logger = logging.getLogger(__name__)

EventMigration = Callable[[event_pb2.Event], list[summary_pb2.Summary.Value]]
AssetCheck = Callable[[str, Sequence[str]], bool]


@lru_cache(maxsize=1)
def _hooks() -> tuple[dict[str, EventMigration], tuple[tuple[str, AssetCheck], ...]]:
    import ridgeline.plugins as plugins

    fields: dict[str, EventMigration] = {}
    assets: list[tuple[str, AssetCheck]] = []
    for info in sorted(pkgutil.iter_modules(plugins.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"ridgeline.plugins.{info.name}.ingest"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        fields.update(getattr(module, "EVENT_FIELDS", {}))
        check = getattr(module, "RUN_ASSETS", None)
        if check is not None:
            assets.append((str(module.PLUGIN_NAME), check))
    return fields, tuple(assets)


def event_fields() -> frozenset[str]:
    """The Event fields some plugin reads."""
    return frozenset(_hooks()[0])


def migrate(event: event_pb2.Event) -> list[summary_pb2.Summary.Value]:
    """The summary values a non-summary event stands for ([] when no plugin reads it)."""
    what = event.WhichOneof("what")
    hook = _hooks()[0].get(what or "")
    return hook(event) if hook is not None else []


def asset_plugins(folder: str, names: Sequence[str]) -> list[str]:
    """The plugins whose files ``folder`` (holding ``names``) has."""
    return [plugin for plugin, check in _hooks()[1] if check(folder, names)]
