"""Scalars, write side: value in, Summary proto out (no I/O).

The writer's hot path does not build protos per value (see ``writer/scalar_encoding.py``);
this function is the reference form, used by ``summary.write`` users and by tests.
"""

from __future__ import annotations

from ridgeline.plugins.scalars.metadata import create_summary_metadata
from ridgeline.proto import summary_pb2
from ridgeline.writer.scalar_encoding import scalar_summary
from ridgeline.writer.values import resolve, to_scalar


def scalar_pb(tag: str, value: object, *, description: str = "", double: bool = False) -> summary_pb2.Summary:
    """A Summary holding one scalar in the modern form (rank-0 tensor + scalars metadata)."""
    return scalar_summary(
        tag,
        resolve(to_scalar(value)),
        double=double,
        metadata=create_summary_metadata("", description),
    )
