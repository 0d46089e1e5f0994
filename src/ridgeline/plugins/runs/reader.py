"""Runs table, read side: one row per run, built from what the index already keeps.

A row holds the run's hyperparameters (its hparams session, or the session of a run above it:
TensorFlow puts metrics in ``<session>/train``), the newest value of every scalar tag (kept in
the index, so no series is read), min/max/best of the metrics asked for (series read once per
version and cached), start and last-write times from the event files, status, and what users
said about it (display name, color, tags).

Status: ``running`` while a file grew within ``window`` seconds; otherwise ``crashed`` when
the hparams session ended with failure/abort or a metric's newest value is NaN/±inf, else
``finished``.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import Counter
from typing import Any

import numpy as np

from ridgeline.data.provider import DataProvider
from ridgeline.plugins.hparams.reader import experiment

# Run colors, given once to each run when it first appears (the least used one, runs in order
# of start) and kept in the index: a run's color never moves when runs are added, and runs
# seen together get distinct colors (the frontend's fallback palette is the same list).
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#3b5bdb", "#f08c00", "#0ca678", "#c2255c", "#7048e8", "#5c940d", "#1098ad",
    "#e8590c", "#364fc7", "#a61e4d", "#2b8a3e", "#862e9c", "#495057", "#d9480f", "#087f5b",
]  # fmt: skip
DEFAULT_WINDOW = 180.0
logger = logging.getLogger(__name__)  # seconds without a write before a run counts as stopped
# Metrics where lower is better; any other metric is taken to be better when higher.
_LOWER_BETTER = re.compile(r"loss|err|perplexity|ppl|mse|mae|rmse|cost|nll|wer|cer|time|latency", re.I)


def goal(tag: str) -> str:
    """``"min"`` or ``"max"``: which way the metric ``tag`` improves (a guess from its name)."""
    return "min" if _LOWER_BETTER.search(tag) else "max"


def _num(v: float | None) -> float | str | None:
    if v is None:
        return None
    return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))


class RunTable:
    """Builds the table; keeps per-series statistics until the series changes."""

    def __init__(self, provider: DataProvider) -> None:
        self.provider = provider
        self._stats: dict[tuple[str, str], tuple[tuple[Any, ...], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _series_stats(self, run: str, tag: str, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._lock:
            hit = self._stats.get((run, tag))
        if hit is not None and hit[0] == key:
            return hit[1]
        data = self.provider.read_scalars(run, tag)
        if data is None or data.values.size == 0:
            return None
        values = data.values
        finite = np.isfinite(values)
        out: dict[str, Any] = {"min": None, "max": None, "min_step": None, "max_step": None}
        if finite.any():
            fv = np.where(finite, values, np.nan)
            i_min, i_max = int(np.nanargmin(fv)), int(np.nanargmax(fv))
            out = {
                "min": float(values[i_min]),
                "max": float(values[i_max]),
                "min_step": int(data.steps[i_min]),
                "max_step": int(data.steps[i_max]),
            }
        with self._lock:
            self._stats[(run, tag)] = (key, out)
        return out

    def _assign_colors(
        self, runs: list[str], activity: dict[str, Any], meta: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        new = [r for r in runs if not meta.get(r, {}).get("auto_color")]
        if not new:
            return meta
        used = Counter(m["auto_color"] for m in meta.values() if m.get("auto_color"))
        rank = {c: i for i, c in enumerate(PALETTE)}

        def started(run: str) -> float:
            act = activity.get(run)
            return act.started if act is not None and act.started is not None else math.inf

        updates: dict[str, dict[str, Any] | None] = {}
        for run in sorted(new, key=lambda r: (started(r), r)):
            color = min(PALETTE, key=lambda c: (used[c], rank[c]))
            used[color] += 1
            updates[run] = {**meta.get(run, {}), "auto_color": color}
        try:
            self.provider.set_run_meta(updates, wait=0.25)  # a table read never waits long
        except Exception as exc:  # noqa: BLE001 - the index busy or read-only: shown now, kept next time
            logger.debug("could not keep the runs' colors in the index yet (%s); will retry", exc)
        return {**meta, **{r: d for r, d in updates.items() if d}}

    def table(
        self, metrics: list[str], window: float = DEFAULT_WINDOW, now: float | None = None
    ) -> dict[str, Any]:
        now = time.time() if now is None else now
        runs = [r.name for r in self.provider.list_runs()]
        activity = self.provider.run_activity()
        meta = self._assign_colors(runs, activity, self.provider.run_meta())
        exp = experiment(self.provider)
        sessions: dict[str, dict[str, Any]] = {s["run"]: s for s in exp["sessions"]}

        def session_of(run: str) -> dict[str, Any] | None:
            while True:
                if run in sessions:
                    return sessions[run]
                if "/" not in run:
                    return None
                run = run.rsplit("/", 1)[0]

        last: dict[str, dict[str, Any]] = {}
        keys: dict[tuple[str, str], tuple[Any, ...]] = {}
        tags: set[str] = set()
        for sc in self.provider.list_scalars():
            last.setdefault(sc.run, {})[sc.tag] = sc.last_value
            keys[(sc.run, sc.tag)] = (sc.count, sc.last_step, sc.last_wall_time)
            tags.add(sc.tag)

        rows = []
        for run in runs:
            act = activity.get(run)
            session = session_of(run)
            values = last.get(run, {})
            started = act.started if act else (session or {}).get("start_time")
            last_write = act.last_write if act else None
            status, reason = "finished", ""
            bad = sorted(t for t, v in values.items() if v is not None and not math.isfinite(v))
            if last_write is not None and now - last_write <= window:
                status, reason = "running", f"files written {max(0.0, now - last_write):.0f} s ago"
            elif session is not None and session["status"] == "failure":
                status, reason = "crashed", "its hparams session ended with a failure"
            elif bad:
                status, reason = "crashed", f"{bad[0]} is {_num(values[bad[0]])} at its last step"
            elif last_write is not None:
                reason = f"no writes for {now - last_write:.0f} s"
            stats: dict[str, Any] = {}
            for tag in metrics:
                if tag not in values:
                    continue
                st = self._series_stats(run, tag, keys[(run, tag)])
                if st is None:
                    continue
                best = st["min"] if goal(tag) == "min" else st["max"]
                stats[tag] = {
                    "last": _num(values[tag]),
                    "min": st["min"],
                    "max": st["max"],
                    "best": best,
                    "best_step": st["min_step"] if goal(tag) == "min" else st["max_step"],
                }
            m = meta.get(run, {})
            rows.append(
                {
                    "name": run,
                    "display_name": m.get("display_name") or "",
                    "color": m.get("color") or "",
                    "auto_color": m.get("auto_color") or "",
                    "tags": list(m.get("tags") or []),
                    "notes": m.get("notes") or "",
                    "status": status,
                    "status_reason": reason,
                    "started": started,
                    "last_write": last_write,
                    "duration": (last_write - started)
                    if started is not None and last_write is not None
                    else None,
                    "hparams": dict(session["hparams"]) if session else {},
                    "last": {t: _num(v) for t, v in values.items()},
                    "stats": stats,
                }
            )
        return {
            "palette": PALETTE,
            "now": now,
            "window": window,
            "hparams": [h["name"] for h in exp["hparams"]],
            "metrics": sorted(tags),
            # the metrics the hparams sessions name (what a sweep was run to compare)
            "hparam_metrics": sorted({m["tag"] for m in exp["metrics"] if m["tag"] in tags}),
            "goals": {t: goal(t) for t in sorted(tags)},
            "runs": rows,
        }
