"""HParams, write side: hparam and metric dicts in, the three hparams Summary protos out.

``experiment_pb`` describes the hparams (with their domains) and metrics; ``session_start_pb``
holds one run's values; ``session_end_pb`` its status. ``SummaryWriter.add_hparams`` writes all
three into one run, as PyTorch does.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from google.protobuf import struct_pb2

from ridgeline.plugins.hparams import plugin_data_pb2 as pd
from ridgeline.plugins.hparams.metadata import (
    EXPERIMENT_TAG,
    SESSION_END_INFO_TAG,
    SESSION_START_INFO_TAG,
    create_summary_metadata,
)
from ridgeline.proto import summary_pb2
from ridgeline.tensor_util import make_tensor


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if hasattr(v, "item") and callable(v.item) and getattr(v, "ndim", 1) == 0:
        return v.item()  # torch / jax / tf scalars
    return v


def to_value(v: Any) -> struct_pb2.Value:
    """A ``google.protobuf.Value`` for a bool, number or string hparam."""
    v = _plain(v)
    if isinstance(v, bool):
        return struct_pb2.Value(bool_value=v)
    if isinstance(v, (int, float)):
        return struct_pb2.Value(number_value=float(v))
    if isinstance(v, str):
        return struct_pb2.Value(string_value=v)
    raise TypeError(f"hparam values must be bool, int, float or str, got {type(v).__name__}")


def _data_type(v: Any) -> int:
    v = _plain(v)
    if isinstance(v, bool):
        return pd.DATA_TYPE_BOOL
    if isinstance(v, (int, float)):
        return pd.DATA_TYPE_FLOAT64
    return pd.DATA_TYPE_STRING


def _summary(tag: str, data: pd.HParamsPluginData) -> summary_pb2.Summary:
    # The tensor is a placeholder; the data lives in the metadata (as TensorBoard writes it).
    value = summary_pb2.Summary.Value(
        tag=tag, metadata=create_summary_metadata(data), tensor=make_tensor(np.array(b"", dtype=object))
    )
    return summary_pb2.Summary(value=[value])


def experiment_pb(
    hparams: Mapping[str, Any],
    metrics: Sequence[str],
    domains: Mapping[str, Sequence[Any]] | None = None,
) -> summary_pb2.Summary:
    """The experiment: one ``HParamInfo`` per hparam (discrete domain when given), one metric per name."""
    infos = []
    for name, value in hparams.items():
        info = pd.HParamInfo(name=name, type=_data_type(value))  # type: ignore[arg-type]
        if domains and name in domains:
            info.domain_discrete.extend([_plain(d) for d in domains[name]])
        infos.append(info)
    metric_infos = [pd.MetricInfo(name=pd.MetricName(group="", tag=m)) for m in metrics]
    experiment = pd.Experiment(hparam_infos=infos, metric_infos=metric_infos, time_created_secs=time.time())
    return _summary(EXPERIMENT_TAG, pd.HParamsPluginData(experiment=experiment))


def group_name(hparams: Mapping[str, Any]) -> str:
    """A stable name for a set of hparam values (sessions sharing it are one group)."""
    canonical = json.dumps({k: _plain(v) for k, v in hparams.items()}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def session_start_pb(
    hparams: Mapping[str, Any], group: str | None = None, start_time: float | None = None
) -> summary_pb2.Summary:
    info = pd.SessionStartInfo(
        group_name=group if group is not None else group_name(hparams),
        start_time_secs=time.time() if start_time is None else start_time,
    )
    for name, value in hparams.items():
        info.hparams[name].CopyFrom(to_value(value))
    return _summary(SESSION_START_INFO_TAG, pd.HParamsPluginData(session_start_info=info))


def session_end_pb(status: int = pd.STATUS_SUCCESS, end_time: float | None = None) -> summary_pb2.Summary:
    info = pd.SessionEndInfo(status=status, end_time_secs=time.time() if end_time is None else end_time)  # type: ignore[arg-type]
    return _summary(SESSION_END_INFO_TAG, pd.HParamsPluginData(session_end_info=info))
