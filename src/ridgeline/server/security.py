"""Stage 4 (server): what every response carries, and which requests are refused.

* Security headers on every response: a Content-Security-Policy that allows no inline or
  foreign script (logged text and names are data, never code), ``nosniff``, no referrer, and a
  frame policy that lets a notebook on this machine embed the dashboard (``%ridgeline``) but
  no other site.
* A ``Host`` check while bound to a loopback address: a page on another site that rebinds its
  DNS name to 127.0.0.1 sends its own name as ``Host`` and is refused (421), so it cannot read
  the logs. Bound to another address, every host is served (the CLI warns about it).
* No CORS headers unless origins are given (``--cors_origin``).

Pure ASGI (no per-request task switch) so it costs microseconds.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_LOCAL_FRAMERS = "'self' http://localhost:* http://127.0.0.1:*"  # CSP has no syntax for [::1]
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; connect-src 'self'; "
    "worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    f"form-action 'self'; frame-ancestors {_LOCAL_FRAMERS}"
)
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from a CDN with an inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; object-src 'none'; "
    f"frame-ancestors {_LOCAL_FRAMERS}"
)
_DOCS = ("/docs", "/redoc")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` serves only this machine."""
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(value: str) -> str:
    """``Host`` header -> name without port (``[::1]:6006`` -> ``[::1]``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class SecurityMiddleware:
    """Adds the security headers; refuses foreign ``Host`` headers when ``allowed_hosts``."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str] | None = None) -> None:
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed is not None:
            host = ""
            for key, value in scope.get("headers", ()):
                if key == b"host":
                    host = value.decode("latin-1")
                    break
            if _host_name(host) not in self.allowed:
                await _refuse(send, host)
                return
        path: str = scope.get("path", "")
        csp = (DOCS_CSP if path.startswith(_DOCS) else DASHBOARD_CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                headers.extend((k, v) for k, v in extra if k not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, host: str) -> None:
    body = (
        b'{"error":"MisdirectedRequest","detail":"this server answers only to localhost '
        b'(it is bound to a loopback address); the Host header named another site"}'
    )
    await send(
        {
            "type": "http.response.start",
            "status": 421,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-content-type-options", b"nosniff"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
