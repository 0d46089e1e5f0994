"""Training health, read side: apply the rules to every run's scalars through the provider.

Findings are computed again only when the data generation changes; each new finding is logged
once on the server's console with its run, layer and step.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

import numpy as np

from ridgeline.data.provider import DataProvider
from ridgeline.plugins.health.rules import Finding, HealthConfig, Series, detect

logger = logging.getLogger("ridgeline.health")

# Tags the rules read: watch's gradient norms and activation stats, every loss, and any scalar
# for NaN (a diverged run shows up in whatever it logs).
_RELEVANT = ("grad_norm/", "activations/")


class HealthChecker:
    def __init__(self, provider: DataProvider, config: HealthConfig | None = None) -> None:
        self.provider = provider
        self.config = config or HealthConfig()
        self._lock = threading.Lock()
        self._generation = -1
        self._findings: dict[str, list[Finding]] = {}
        self._reported: set[tuple[str, str, str]] = set()

    def findings(self) -> dict[str, list[Finding]]:
        generation = self.provider.generation()
        with self._lock:
            if generation != self._generation:
                self._findings = self._compute()
                self._generation = generation
            return self._findings

    def _compute(self) -> dict[str, list[Finding]]:
        by_run: dict[str, dict[str, Series]] = {}
        for t in self.provider.list_scalars():
            # Series are read for the tags the rules look at; any other tag only when its
            # newest value (kept in the index) is not finite.
            relevant = t.tag.startswith(_RELEVANT) or "loss" in t.tag.lower()
            if not relevant and (t.last_value is None or np.isfinite(t.last_value)):
                continue
            points = self.provider.read_scalars(t.run, t.tag)
            if points is None or points.steps.size == 0:
                continue
            by_run.setdefault(t.run, {})[t.tag] = (
                np.asarray(points.steps),
                np.asarray(points.values, dtype=np.float64),
            )
        out: dict[str, list[Finding]] = {}
        for run, series in sorted(by_run.items()):
            found = detect(series, self.config)
            if not found:
                continue
            out[run] = found
            for f in found:
                key = (run, f.kind, f.tag)
                if key not in self._reported:
                    self._reported.add(key)
                    logger.warning(
                        "training health: run %s, %s at step %d: %s", run, f.kind, f.step, f.message
                    )
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "runs": {run: [dataclasses.asdict(f) for f in found] for run, found in self.findings().items()}
        }
