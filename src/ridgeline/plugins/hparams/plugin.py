"""HParams, serve side: the experiment with every session, its hparams, status and metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ridgeline.data.provider import DataProvider
from ridgeline.plugins import common
from ridgeline.plugins.hparams.metadata import PLUGIN_NAME
from ridgeline.plugins.hparams.reader import experiment


class HParamsPlugin:
    name = PLUGIN_NAME

    def router(self, provider: DataProvider) -> APIRouter:
        r = common.DataRouter(tags=[PLUGIN_NAME])

        @r.get("/experiment")
        def get_experiment() -> dict[str, Any]:
            """Hparams (with domains), metrics and sessions (hparam values, metric values, status)."""
            return experiment(provider)

        return r


PLUGIN = HParamsPlugin()
