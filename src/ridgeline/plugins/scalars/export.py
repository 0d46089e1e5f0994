"""Scalars, export: every point of a selection (runs x tags) as CSV, JSON or Parquet.

One long table, ``run, tag, step, wall_time, value``, in run then tag then logged order;
non-finite values are written as ``nan``/``inf``/``-inf`` in CSV, the strings ``"NaN"``,
``"Infinity"``, ``"-Infinity"`` in JSON, and as IEEE floats in Parquet. Parquet needs
``pyarrow`` (``pip install 'ridgeline[parquet]'``).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from ridgeline.data.provider import DataProvider, ScalarPoints
from ridgeline.errors import InvalidArgument, NotFound
from ridgeline.server.encoding import dumps, points_json

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}

Selection = list[tuple[str, str, ScalarPoints]]


def select(provider: DataProvider, runs: list[str] | None, tags: list[str] | None) -> Selection:
    """The full series of ``tags`` (default: all) in ``runs`` (default: all) that exist."""
    have = [(t.run, t.tag) for t in provider.list_scalars()]
    chosen = [(run, tag) for run, tag in have if (not runs or run in runs) and (not tags or tag in tags)]
    if not chosen:
        raise NotFound(f"no scalar series for runs {runs or 'any'} and tags {tags or 'any'}")
    order = {r: i for i, r in enumerate(runs or [])}
    chosen.sort(key=lambda rt: (order.get(rt[0], 0), rt[0], rt[1]))
    out = []
    for run, tag in chosen:
        data = provider.read_scalars(run, tag)
        if data is not None:
            out.append((run, tag, data))
    return out


def to_csv(selection: Selection) -> bytes:
    parts = ["run,tag,step,wall_time,value\n"]
    quote = io.StringIO()
    writer = csv.writer(quote, lineterminator="")
    for run, tag, data in selection:
        writer.writerow([run, tag])
        prefix = quote.getvalue().replace("{", "{{").replace("}", "}}")
        quote.seek(0)
        quote.truncate()
        # str.format and float repr (shortest exact form: nan, inf) run in C, row by row.
        line = f"{prefix},{{}},{{}},{{}}\n".format
        parts.append(
            "".join(
                map(
                    line,
                    data.steps.tolist(),
                    map(repr, data.wall_times.tolist()),
                    map(repr, data.values.tolist()),
                )
            )
        )
    return "".join(parts).encode("utf-8")


def to_json(selection: Selection) -> bytes:
    """``{"series": [{"run", "tag", "step": [...], "wall_time": [...], "value": [...]}]}``."""
    return dumps(
        {
            "series": [
                {"run": run, "tag": tag, **points_json(d.steps, d.wall_times, d.values)}
                for run, tag, d in selection
            ]
        }
    )


def to_parquet(selection: Selection) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InvalidArgument("Parquet export needs pyarrow: pip install 'ridgeline[parquet]'") from exc
    sizes = [d.steps.size for _, _, d in selection]
    runs = pa.DictionaryArray.from_arrays(
        pa.array(np.repeat(np.arange(len(selection), dtype=np.int32), sizes)),
        pa.array([run for run, _, _ in selection]),
    )
    tags = pa.DictionaryArray.from_arrays(
        pa.array(np.repeat(np.arange(len(selection), dtype=np.int32), sizes)),
        pa.array([tag for _, tag, _ in selection]),
    )
    table = pa.table(
        {
            "run": runs,
            "tag": tags,
            "step": np.concatenate([d.steps for _, _, d in selection]).astype(np.int64),
            "wall_time": np.concatenate([d.wall_times for _, _, d in selection]).astype(np.float64),
            "value": np.concatenate([d.values for _, _, d in selection]).astype(np.float64),
        }
    )
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def export(selection: Selection, fmt: str) -> tuple[bytes, str]:
    if fmt not in FORMATS:
        raise InvalidArgument(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    body = {"csv": to_csv, "json": to_json, "parquet": to_parquet}[fmt](selection)
    return body, FORMATS[fmt]
