"""Errors that carry their HTTP status; the server turns them into JSON responses."""

from __future__ import annotations


class RidgelineError(Exception):
    """Base class: ``http_status`` is what the server answers with."""

    http_status = 500


class InvalidArgument(RidgelineError):
    http_status = 400


class NotFound(RidgelineError):
    http_status = 404


class BadData(RidgelineError):
    """A value in an event file cannot be decoded (bad content inside valid framing)."""

    http_status = 422


class Busy(RidgelineError):
    """The index is being written (a first index of a big logdir); try again shortly."""

    http_status = 503


class OffsetMismatch(RidgelineError):
    """An upload's append was not at the end of the server's copy of the file (``size``)."""

    http_status = 409

    def __init__(self, size: int) -> None:
        super().__init__(f"the server has {size} bytes of this file")
        self.size = size
        self.extra = {"size": size}
