"""Stage 4 (server): the response shapes every route shares, for the OpenAPI schema.

Bodies are encoded by :mod:`ridgeline.server.encoding` (non-finite numbers as strings), not
by these models: they document the wire format (``/docs``) and let schemathesis check that
every response conforms to it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

# A float in JSON: a number, or NaN/±inf spelled as strings.
Num = float | Literal["NaN", "Infinity", "-Infinity"]


class ErrorBody(BaseModel):
    """Every 4xx answer: what kind of error, and what to do about it."""

    error: str
    detail: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Invalid parameters"},
    404: {"model": ErrorBody, "description": "No such run, tag or value"},
    422: {"model": ErrorBody, "description": "A stored value cannot be decoded (named in detail)"},
    503: {"model": ErrorBody, "description": "The index is busy (being written); try again"},
}


class StepsBody(BaseModel):
    step: list[int]
    wall_time: list[Num]


class TagEntry(BaseModel):
    count: int
    first_step: int | None
    last_step: int | None
    last_wall_time: Num | None
    display_name: str
    description: str


class TagsBody(BaseModel):
    runs: dict[str, dict[str, TagEntry]]
    generation: int


class RunError(BaseModel):
    run: str
    detail: str


class StepError(BaseModel):
    step: int
    detail: str


class RunBody(BaseModel):
    name: str
    last_wall_time: float | None
    tags: int


class FindingBody(BaseModel):
    kind: Literal["vanishing_gradients", "exploding_gradients", "nan", "dead_units", "plateau"]
    layer: str | None
    tag: str
    step: int
    first_step: int
    message: str


class HealthBody(BaseModel):
    status: Literal["ok"]
    runs: dict[str, list[FindingBody]]
