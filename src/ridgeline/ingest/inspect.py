"""``ridgeline inspect``: per run, its files, tags, step ranges, point counts and problems."""

from __future__ import annotations

import os
import tempfile
from typing import TextIO

from ridgeline.ingest.ingester import Ingester
from ridgeline.proto import summary_pb2
from ridgeline.store.sqlite_store import SQLiteStore

_CLASS: dict[int, str] = {
    summary_pb2.DATA_CLASS_SCALAR: "scalar",
    summary_pb2.DATA_CLASS_TENSOR: "tensor",
    summary_pb2.DATA_CLASS_BLOB_SEQUENCE: "blobs",
}


def inspect_logdirs(logdirs: list[tuple[str, str]], out: TextIO) -> int:
    """Print the report; returns 0 if data was found and nothing is wrong, 1 otherwise."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(os.path.join(tmp, "inspect.sqlite"))
        ingester = Ingester(store, logdirs)
        ingester.reload()
        states = store.file_states()
        status = ingester.status()
        tags = store.tags()
        runs = store.runs()
        for run in runs:
            out.write(f"run {run!r}\n")
            for st in sorted((s for s in states.values() if s.run == run), key=lambda s: s.path):
                out.write(f"  file {st.path} ({st.size:,} bytes, {st.records:,} records)\n")
            for info in (t for t in tags if t.run == run):
                kind = _CLASS.get(info.data_class, "?")
                rng = f"steps {info.first_step}..{info.last_step}, " if info.count else ""
                unit = "points" if kind == "scalar" else "values"
                out.write(f"  tag {info.tag!r} [{info.plugin or '-'}, {kind}] {rng}{info.count:,} {unit}\n")
        problems = list(status.problems)
        problems += [f"{p}: cannot be read (permissions)" for p in status.unreadable]
        problems += [f"{p}: no such folder" for p in status.missing]
        if status.suggestion:
            problems.append(status.suggestion)
        if problems:
            out.write("problems:\n")
            for p in problems:
                out.write(f"  - {p}\n")
        elif runs:
            out.write("no problems found\n")
        store.close()
        return 0 if runs and not problems else 1
