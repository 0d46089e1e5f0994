"""Stage 4 (server): who may read and who may change — tokens, on a server others can reach.

Off on a loopback address (this machine only); on whenever the server binds another address
(``--auth on`` forces it, e.g. behind a reverse proxy on the same machine). Then every request
but the page's static files needs a token from ``ridgeline token create``:

* ``Authorization: Bearer rl_…`` (scripts, ``ridgeline upload``), or
* a share link ``https://server/?token=rl_…``: the server checks it, keeps it in an HttpOnly
  cookie and redirects to the same page without it (so it does not stay in the address bar
  or the history), or
* the cookie itself (the dashboard's own requests, images and audio included).

Without a valid token a data route answers 401 (JSON), a page answers a small form asking for
one. Read-only tokens (share links) get 403 from routes that change anything: renaming or
recoloring runs, deleting to the trash and restoring, uploading. Scoped links see only their
runs and tags (:mod:`ridgeline.data.scoped`).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from ridgeline.data.provider import DataProvider
from ridgeline.data.scoped import ACCESS
from ridgeline.tokens import TokenRecord

COOKIE = "ridgeline_token"
# Routes that change what others see.
WRITES = {
    ("PUT", "/api/plugins/runs/meta"),
    ("POST", "/api/plugins/runs/delete"),
    ("POST", "/api/plugins/runs/restore"),
}
WRITE_PREFIXES = ("/api/upload/",)
_PUBLIC_PREFIXES = ("/assets/",)
_PUBLIC = {"/favicon.ico", "/favicon.svg"}

_LOGIN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ridgeline: token needed</title>
<style>body{{font:15px system-ui,sans-serif;max-width:32rem;margin:12vh auto;padding:0 1rem;color:#222}}
input{{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}}button{{margin-top:.6rem;padding:.45rem 1rem;font:inherit}}
.err{{color:#b00020}}</style></head><body><h1>Ridgeline</h1>
<p>This server needs an access token (ask its owner for a link, or run
<code>ridgeline token create</code> where it runs).</p>{error}
<form method="get" action="/"><label for="t">Token</label>
<input id="t" name="token" autocomplete="off" placeholder="rl_…" autofocus>
<button type="submit">Open</button></form></body></html>"""


def is_write(method: str, path: str) -> bool:
    return (method, path) in WRITES or (method != "GET" and path.startswith(WRITE_PREFIXES))


class AuthMiddleware:
    """Checks the token of every request (see the module's docstring)."""

    def __init__(self, app: ASGIApp, provider: DataProvider) -> None:
        self.app = app
        self.provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        # Static files hold no data; a CORS preflight carries no credentials by design.
        if path in _PUBLIC or path.startswith(_PUBLIC_PREFIXES) or scope.get("method") == "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        from_query = next((v for k, v in query if k == "token"), None)
        token = _bearer(headers.get("authorization", "")) or from_query or _cookie(headers.get("cookie", ""))
        record = await run_in_threadpool(self.provider.find_token, token) if token else None
        api = path.startswith("/api/") or path in ("/docs", "/redoc", "/openapi.json")
        if record is None:
            if api:
                await _json(send, 401, "Unauthorized", "this server needs an access token", bearer=True)
            else:
                error = '<p class="err">That token is not valid (or was revoked).</p>' if token else ""
                await _page(send, 401, _LOGIN.format(error=error))
            return
        if from_query is not None and not api and scope.get("method") == "GET":
            # A share link: keep the token in a cookie, and the address without it.
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"
            cookie = f"{COOKIE}={from_query}; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
            await _redirect(send, quote(path, safe="/") + (f"?{rest}" if rest else ""), cookie)
            return
        if record.read_only and is_write(scope.get("method", "GET"), path):
            await _json(send, 403, "Forbidden", "this token may only read (ask for a write token)")
            return
        reset = ACCESS.set(record)
        try:
            await self.app(scope, receive, send)
        finally:
            ACCESS.reset(reset)


def current_access() -> TokenRecord | None:
    """The token of the request being answered (None: auth is off)."""
    return ACCESS.get()


def _bearer(value: str) -> str | None:
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _cookie(value: str) -> str | None:
    for part in value.split(";"):
        name, _, v = part.strip().partition("=")
        if name == COOKIE and v:
            return v
    return None


async def _json(send: Send, status: int, error: str, detail: str, bearer: bool = False) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if bearer:
        headers.append((b"www-authenticate", b'Bearer realm="ridgeline"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _page(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str, cookie: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("ascii")),  # percent-encoded: no CR/LF can get in
                (b"set-cookie", cookie.encode("latin-1")),
                (b"cache-control", b"no-store"),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})
