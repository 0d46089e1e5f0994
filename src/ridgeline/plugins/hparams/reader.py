"""HParams, read side: the experiment, sessions and their metric values, from tag metadata.

Works for logs from TensorFlow's hparams API (experiment at the top of the logdir, one session
per run, metrics as scalar tags in the session's run or its sub-runs) and from
``add_hparams`` (PyTorch, tensorboardX, Ridgeline: experiment, session and metrics in one run).
Without an experiment summary, hparams come from the sessions and every scalar tag of a session
(and of its sub-runs, the sub-run path being the metric's group) is a metric, as TensorBoard
infers them. A metric's value is its last logged value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2

from ridgeline.data.provider import DataProvider, PluginTag
from ridgeline.plugins.hparams import plugin_data_pb2 as pd
from ridgeline.plugins.hparams.metadata import (
    EXPERIMENT_TAG,
    PLUGIN_NAME,
    SESSION_END_INFO_TAG,
    SESSION_START_INFO_TAG,
    parse_plugin_data,
)

STATUS_NAMES = {
    pd.STATUS_UNKNOWN: "unknown",
    pd.STATUS_SUCCESS: "success",
    pd.STATUS_FAILURE: "failure",
    pd.STATUS_RUNNING: "running",
}
TYPE_NAMES = {
    pd.DATA_TYPE_UNSET: "",
    pd.DATA_TYPE_STRING: "string",
    pd.DATA_TYPE_BOOL: "bool",
    pd.DATA_TYPE_FLOAT64: "float",
}


def _py(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    return json_format.MessageToDict(value)


@dataclass
class Session:
    run: str
    group: str
    hparams: dict[str, Any]
    start_time: float | None
    status: str = "unknown"
    end_time: float | None = None
    metrics: dict[str, float | None] = field(default_factory=dict)


def _metric_key(group: str, tag: str) -> str:
    return f"{group}/{tag}" if group else tag


def experiment(provider: DataProvider) -> dict[str, Any]:
    """``{hparams: [...], metrics: [...], sessions: [...]}`` ready to serve."""
    tags = provider.list_tags(PLUGIN_NAME)
    by_tag: dict[str, list[PluginTag]] = {}
    for t in tags:
        by_tag.setdefault(t.tag, []).append(t)

    errors: list[dict[str, str]] = []

    def parsed(t: PluginTag) -> pd.HParamsPluginData | None:
        """The tag's hparams data; None (and an entry in errors) if a writer garbled it."""
        try:
            return parse_plugin_data(t.metadata)
        except Exception as exc:  # noqa: BLE001 - one bad session costs that session
            errors.append({"run": t.run, "tag": t.tag, "detail": f"unreadable hparams data: {exc}"})
            return None

    hparam_infos: dict[str, dict[str, Any]] = {}
    metric_infos: dict[str, dict[str, Any]] = {}
    for t in by_tag.get(EXPERIMENT_TAG, []):
        data = parsed(t)
        if data is None:
            continue
        exp = data.experiment
        for info in exp.hparam_infos:
            entry = hparam_infos.setdefault(
                info.name,
                {
                    "name": info.name,
                    "display_name": info.display_name or info.name,
                    "description": info.description,
                    "type": TYPE_NAMES.get(info.type, ""),
                    "domain": None,
                },
            )
            which = info.WhichOneof("domain")
            if which == "domain_discrete":
                values = [_py(v) for v in info.domain_discrete.values]
                old = entry["domain"]["values"] if entry["domain"] and "values" in entry["domain"] else []
                entry["domain"] = {"values": old + [v for v in values if v not in old]}
            elif which == "domain_interval":
                entry["domain"] = {
                    "min": info.domain_interval.min_value,
                    "max": info.domain_interval.max_value,
                }
        for m in exp.metric_infos:
            key = _metric_key(m.name.group, m.name.tag)
            metric_infos.setdefault(
                key,
                {
                    "key": key,
                    "group": m.name.group,
                    "tag": m.name.tag,
                    "display_name": m.display_name or m.name.tag,
                    "description": m.description,
                },
            )

    sessions: dict[str, Session] = {}
    for t in by_tag.get(SESSION_START_INFO_TAG, []):
        data = parsed(t)
        if data is None:
            continue
        start = data.session_start_info
        sessions[t.run] = Session(
            t.run,
            start.group_name or t.run,
            {k: _py(v) for k, v in start.hparams.items()},
            start.start_time_secs or None,
        )
    for t in by_tag.get(SESSION_END_INFO_TAG, []):
        data = parsed(t) if t.run in sessions else None
        if data is not None:
            end = data.session_end_info
            sessions[t.run].status = STATUS_NAMES.get(end.status, "unknown")
            sessions[t.run].end_time = end.end_time_secs or None

    for s in sessions.values():
        for name, value in s.hparams.items():
            if name not in hparam_infos:
                kind = (
                    "bool" if isinstance(value, bool) else "float" if isinstance(value, float) else "string"
                )
                hparam_infos[name] = {
                    "name": name,
                    "display_name": name,
                    "description": "",
                    "type": kind,
                    "domain": None,
                }

    scalars = provider.list_scalars()
    if not metric_infos:  # infer: every scalar tag of a session's run and its sub-runs
        for sc in scalars:
            # The sessions this run belongs to: itself and each folder above it (a dict lookup
            # per level, not a scan of every session: 1,000 sessions x 3,000 tags stay fast).
            parts = sc.run.split("/")
            above = ["/".join(parts[:i]) for i in range(len(parts), 0, -1)]
            for run in (r for r in above if r in sessions):
                group = sc.run[len(run) + 1 :] if sc.run != run else ""
                key = _metric_key(group, sc.tag)
                metric_infos.setdefault(
                    key,
                    {"key": key, "group": group, "tag": sc.tag, "display_name": sc.tag, "description": ""},
                )
    # The index keeps each tag's newest value: no series is read, however big the sweep.
    last_values = {(sc.run, sc.tag): sc.last_value for sc in scalars}
    for s in sessions.values():
        for metric in metric_infos.values():
            run = f"{s.run}/{metric['group']}" if metric["group"] else s.run
            s.metrics[metric["key"]] = last_values.get((run, metric["tag"]))

    return {
        "hparams": sorted(hparam_infos.values(), key=lambda h: h["name"]),
        "metrics": sorted(metric_infos.values(), key=lambda m: m["key"]),
        "sessions": [
            {
                "run": s.run,
                "group": s.group,
                "hparams": s.hparams,
                "metrics": s.metrics,
                "status": s.status,
                "start_time": s.start_time,
                "end_time": s.end_time,
            }
            for s in sorted(sessions.values(), key=lambda s: s.run)
        ],
        "errors": errors,
    }
