"""Access tokens: what a team server checks on every request (shared by the CLI, the index
and the server).

A token reads ``rl_<id>_<secret>``. The index keeps only its id, a SHA-256 of the whole token
and what it allows: everything or only reading (``read_only``), and — for share links — only
the runs and tags matching two regular expressions. Revoking sets ``revoked``; the servers
notice within :data:`RECHECK_SECONDS`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

RECHECK_SECONDS = 2.0
_FORM = re.compile(r"^rl_([0-9a-f]{8})_[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An access token (its secret is kept only as a hash). ``runs``/``tags``: regular
    expressions a share link is limited to ('' = all)."""

    id: str
    name: str
    read_only: bool
    runs: str
    tags: str
    created: float
    revoked: float | None = None

    @property
    def scoped(self) -> bool:
        return bool(self.runs or self.tags)

    def allows_run(self, run: str) -> bool:
        return not self.runs or re.search(self.runs, run) is not None

    def allows_tag(self, tag: str) -> bool:
        return not self.tags or re.search(self.tags, tag) is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    return _FORM.match(token) is not None


def new_token(name: str, read_only: bool, runs: str = "", tags: str = "") -> tuple[str, TokenRecord]:
    """A fresh token (shown once) and its record. Scoped tokens are read-only."""
    for pattern in (runs, tags):
        re.compile(pattern)  # a bad pattern fails here, not on every request
    if (runs or tags) and not read_only:
        raise ValueError("a token limited to some runs or tags is a share link: it must be read-only")
    token_id = secrets.token_hex(4)
    token = f"rl_{token_id}_{secrets.token_urlsafe(24)}"
    return token, TokenRecord(token_id, name, read_only, runs, tags, time.time())
