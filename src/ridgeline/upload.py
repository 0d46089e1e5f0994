"""``ridgeline upload``: send a local logdir's event files to a team server, resumably.

For each event file the client asks the server how many bytes it has (``GET
/api/upload/files``) and appends the rest in chunks at exact offsets (``POST
/api/upload/file?path=…&offset=…``). The server refuses an append that is not at the end of
its copy and says where its copy ends (409), so a chunk sent twice — after a timeout, a dropped
connection, a restarted upload — is never written twice: no point is duplicated, and running
the command again after any failure resumes where the server's copy ends. Standard library
only (``urllib``), so it runs where training runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from ridgeline.ingest.source import LocalLogdir

CHUNK = 4 << 20
RETRIES = 8


class UploadError(RuntimeError):
    """The upload cannot go on (no such server, a refused token, a file that diverged)."""


class _Client:
    def __init__(self, base: str, token: str | None, timeout: float = 60.0) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(
        self, method: str, path: str, query: dict[str, Any] | None = None, body: bytes | None = None
    ) -> Any:
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        req = urllib.request.Request(url, data=body, method=method)
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        if body is not None:
            req.add_header("Content-Type", "application/octet-stream")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            payload: dict[str, Any] = {}
            with contextlib.suppress(ValueError):
                payload = json.loads(exc.read())
            if exc.code == 409 and "size" in payload:
                return {"conflict": True, "size": int(payload["size"])}
            if exc.code in (401, 403):
                raise UploadError(
                    f"{self.base} refused the token ({payload.get('detail', exc.reason)})"
                ) from None
            if exc.code >= 500:
                raise ConnectionError(f"{exc.code} {exc.reason}") from None
            raise UploadError(f"{url}: {exc.code} {payload.get('detail', exc.reason)}") from None


def _retrying(fn: Any, *args: Any) -> Any:
    delay = 0.5
    for attempt in range(RETRIES):
        try:
            return fn(*args)
        except OSError as exc:  # refused, reset, timed out, a 5xx (ConnectionError)
            if attempt == RETRIES - 1:
                raise
            print(f"  network problem ({exc}); retrying in {delay:.1f} s", flush=True)
            time.sleep(delay)
            delay = min(delay * 2, 15.0)
    raise AssertionError("unreachable")


def upload_logdir(
    logdir: str, server: str, token: str | None, prefix: str = "", watch: bool = False, chunk: int = CHUNK
) -> int:
    """Send what the server lacks of every event file under ``logdir``; the bytes sent."""
    root = os.path.abspath(os.path.expanduser(logdir))
    if not os.path.isdir(root):
        raise UploadError(f"{root} is not a folder")
    client = _Client(server, token)
    prefix = prefix.strip("/")
    total = 0
    while True:
        try:
            remote: dict[str, int] = _retrying(client.call, "GET", "/api/upload/files")["files"]
        except urllib.error.URLError as exc:
            raise UploadError(f"cannot reach {server}: {exc.reason}") from None
        sent = 0
        for ef in LocalLogdir(root).walk().files:
            rel = os.path.relpath(ef.path, root).replace(os.sep, "/")
            if prefix:
                rel = f"{prefix}/{rel}"
            have = remote.get(rel, 0)
            if have > ef.size:
                raise UploadError(f"the server's {rel} is longer than the local file: not the same file")
            offset = have
            with open(ef.path, "rb") as f:
                while offset < ef.size:
                    f.seek(offset)
                    data = f.read(min(chunk, ef.size - offset))
                    answer = _retrying(
                        client.call, "POST", "/api/upload/file", {"path": rel, "offset": offset}, data
                    )
                    if answer.get("conflict"):
                        # A retried chunk that had arrived, or another uploader: go on from the
                        # server's end of the file.
                        if answer["size"] > ef.size:
                            raise UploadError(f"the server's {rel} is longer than the local file")
                        offset = answer["size"]
                        continue
                    sent += len(data)
                    offset = int(answer["size"])
            if offset > have:
                print(
                    f"{rel}: sent {(offset - have) / 1e6:,.2f} MB (server has {offset:,} bytes)", flush=True
                )
        total += sent
        if not watch:
            print(f"uploaded {total / 1e6:,.2f} MB to {server}", flush=True)
            return total
        time.sleep(2.0)
