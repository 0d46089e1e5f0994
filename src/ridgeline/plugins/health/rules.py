"""Training health, the rules: scalar series in, findings out (pure functions, no I/O).

What each rule reads and when it fires (every threshold is a :class:`HealthConfig` field, set
with ``ridgeline --health NAME=VALUE,...``):

* ``nan``: any logged scalar (a loss, a norm from ``watch``) that is NaN or ±inf.
* ``vanishing_gradients``: ``grad_norm/<layer>`` below ``vanishing_abs`` or below
  ``vanishing_ratio`` × the largest layer's gradient norm at the same step.
* ``exploding_gradients``: ``grad_norm/<layer>`` above ``exploding_abs``.
* ``dead_units``: ``activations/<module>/dead_fraction`` above ``dead_fraction``.
* ``plateau``: a tag whose name ends in ``loss`` with at least ``plateau_min_points`` points
  whose median over the last window (``plateau_window`` of the points, at least
  ``plateau_window_min``) moved less than ``plateau_rel`` (relative) from the window before.

A rule fires on the newest logged step; ``first_step`` is where the condition started holding
without a break up to it (since when), ``step`` the newest step where it holds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

KINDS = ("vanishing_gradients", "exploding_gradients", "nan", "dead_units", "plateau")


@dataclass(frozen=True)
class HealthConfig:
    vanishing_abs: float = 1e-7
    vanishing_ratio: float = 1e-4
    exploding_abs: float = 1e3
    dead_fraction: float = 0.5
    plateau_rel: float = 1e-3
    plateau_min_points: int = 100
    plateau_window: float = 0.2
    plateau_window_min: int = 20

    @classmethod
    def parse(cls, spec: str) -> HealthConfig:
        """``"vanishing_abs=1e-8,plateau_rel=0.01"`` -> a config (unknown names are an error)."""
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        values: dict[str, float | int] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            name, sep, value = part.partition("=")
            if not sep or name not in fields:
                raise ValueError(f"unknown health threshold {part!r}; known: {', '.join(fields)}")
            values[name] = int(value) if fields[name] in (int, "int") else float(value)
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Finding:
    kind: str
    layer: str | None
    tag: str
    step: int
    first_step: int
    message: str


Series = tuple[np.ndarray, np.ndarray]  # steps (int64), values (float64), in logged order


def _last_run(steps: np.ndarray, cond: np.ndarray) -> tuple[int, int] | None:
    """(first_step, step) of the unbroken stretch of ``cond`` ending at the newest point."""
    if cond.size == 0 or not bool(cond[-1]):
        return None
    breaks = np.flatnonzero(~cond)
    start = int(breaks[-1]) + 1 if breaks.size else 0
    return int(steps[start]), int(steps[-1])


def _layer(tag: str, prefix: str) -> str:
    return tag[len(prefix) :]


_WATCH = ("grad_norm/", "weight_norm/", "update_ratio/")


def nan_findings(series: dict[str, Series]) -> list[Finding]:
    """One finding per tag that holds NaN/inf, except ``watch``'s per-layer norms: once a value
    is NaN it spreads to every layer, so those make one finding naming where it came first."""
    out = []
    spread: list[tuple[int, str, int]] = []  # (first step, tag, last step) of watch tags
    for tag, (steps, values) in sorted(series.items()):
        bad = ~np.isfinite(values)
        if not bad.any():
            continue
        first = int(steps[np.argmax(bad)])
        last = int(steps[np.flatnonzero(bad)[-1]])
        if tag.startswith(_WATCH):
            spread.append((first, tag, last))
            continue
        kinds = sorted({"NaN" if np.isnan(v) else ("+inf" if v > 0 else "-inf") for v in values[bad][:1000]})
        out.append(
            Finding(
                "nan",
                None,
                tag,
                last,
                first,
                f"{tag} is {'/'.join(kinds)} from step {first} (last at step {last})",
            )
        )
    if spread:
        first, tag, _ = min(spread)
        layer = tag.split("/", 1)[1]
        layers = {t.split("/", 1)[1] for _, t, _ in spread}
        last = max(s for _, _, s in spread)
        out.append(
            Finding(
                "nan",
                layer,
                tag,
                last,
                first,
                f"weights or gradients of {len(layers)} layer(s) are NaN/inf from step {first}, first in {layer} ({tag})",
            )
        )
    return out


def gradient_findings(series: dict[str, Series], cfg: HealthConfig) -> list[Finding]:
    grads = {tag: s for tag, s in series.items() if tag.startswith("grad_norm/")}
    if not grads:
        return []
    # The largest layer norm at each step (finite values only), to judge each layer against.
    all_steps = np.unique(np.concatenate([s for s, _ in grads.values()]))
    peak = np.zeros(all_steps.size)
    for steps, values in grads.values():
        idx = np.searchsorted(all_steps, steps)
        finite = np.where(np.isfinite(values), np.abs(values), 0.0)
        np.maximum.at(peak, idx, finite)
    out = []
    for tag, (steps, values) in sorted(grads.items()):
        finite = np.isfinite(values)
        if not finite.any():
            continue
        steps, values = steps[finite], values[finite]
        layer = _layer(tag, "grad_norm/")
        top = peak[np.searchsorted(all_steps, steps)]
        vanishing = (values < cfg.vanishing_abs) | (values < cfg.vanishing_ratio * top)
        if (run := _last_run(steps, vanishing)) is not None:
            first, last = run
            ratio = values[-1] / top[-1] if top[-1] > 0 else 0.0
            out.append(
                Finding(
                    "vanishing_gradients",
                    layer,
                    tag,
                    last,
                    first,
                    f"gradients of {layer} vanish since step {first}: norm {values[-1]:.3g} at step {last}"
                    f" ({ratio:.2g} of the largest layer's)",
                )
            )
        if (run := _last_run(steps, values > cfg.exploding_abs)) is not None:
            first, last = run
            out.append(
                Finding(
                    "exploding_gradients",
                    layer,
                    tag,
                    last,
                    first,
                    f"gradients of {layer} explode since step {first}: norm {values[-1]:.3g} at step {last}"
                    f" (> {cfg.exploding_abs:g})",
                )
            )
    return out


def dead_unit_findings(series: dict[str, Series], cfg: HealthConfig) -> list[Finding]:
    out = []
    for tag, (steps, values) in sorted(series.items()):
        if not (tag.startswith("activations/") and tag.endswith("/dead_fraction")):
            continue
        finite = np.isfinite(values)
        steps, values = steps[finite], values[finite]
        if (run := _last_run(steps, values > cfg.dead_fraction)) is None:
            continue
        first, last = run
        layer = tag[len("activations/") : -len("/dead_fraction")]
        out.append(
            Finding(
                "dead_units",
                layer,
                tag,
                last,
                first,
                f"{values[-1]:.0%} of the units after {layer} are dead (zero for a whole batch) since step {first}",
            )
        )
    return out


def plateau_findings(series: dict[str, Series], cfg: HealthConfig) -> list[Finding]:
    out = []
    for tag, (steps, values) in sorted(series.items()):
        if not tag.rsplit("/", 1)[-1].lower().endswith("loss") or tag.startswith(
            ("grad_norm/", "weight_norm/")
        ):
            continue
        finite = np.isfinite(values)
        steps, values = steps[finite], values[finite]
        n = values.size
        if n < cfg.plateau_min_points:
            continue
        w = max(cfg.plateau_window_min, int(n * cfg.plateau_window))
        if 2 * w > n:
            continue
        last, prev = float(np.median(values[-w:])), float(np.median(values[-2 * w : -w]))
        rel = abs(last - prev) / max(abs(prev), 1e-12)
        if rel >= cfg.plateau_rel:
            continue
        first = int(steps[-2 * w])
        out.append(
            Finding(
                "plateau",
                None,
                tag,
                int(steps[-1]),
                first,
                f"{tag} has stopped moving: its median changed {rel:.2%} over the last {2 * w} points"
                f" (steps {first}–{int(steps[-1])}, threshold {cfg.plateau_rel:.2%})",
            )
        )
    return out


_SEVERITY = {"nan": 0, "exploding_gradients": 1, "vanishing_gradients": 2, "dead_units": 3, "plateau": 4}


def detect(series: dict[str, Series], cfg: HealthConfig) -> list[Finding]:
    """Every finding for one run's scalar series, most severe first, then earliest first."""
    found = [
        *nan_findings(series),
        *gradient_findings(series, cfg),
        *dead_unit_findings(series, cfg),
        *plateau_findings(series, cfg),
    ]
    return sorted(found, key=lambda f: (_SEVERITY[f.kind], f.first_step, f.tag))
