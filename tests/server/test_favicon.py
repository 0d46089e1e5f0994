"""The icon: ``/favicon.ico`` and ``/favicon.svg`` answer (no 404 in every browser's log),
without a token on a server that needs one, and the dashboard and the offline report link it
(the report inline, as it opens from disk)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from serving import indexed_client

from ridgeline import SummaryWriter
from ridgeline.server import report
from ridgeline.server.static import FAVICON

ROOT = Path(__file__).resolve().parents[2]


def _logdir(tmp_path: Path) -> Path:
    with SummaryWriter(tmp_path / "logs" / "run") as w:
        w.add_scalar("loss", 1.0, 0)
    return tmp_path / "logs"


def test_the_icon_is_served_also_without_a_token(tmp_path: Path) -> None:
    for auth in (False, True):
        client = indexed_client(_logdir(tmp_path), tmp_path / f"index-{auth}.sqlite", auth=auth)
        for path in ("/favicon.ico", "/favicon.svg"):
            r = client.get(path)
            assert r.status_code == 200, (path, auth, r.text)
            assert r.headers["content-type"].startswith("image/svg+xml")
            assert r.content == FAVICON.read_bytes() and r.content.startswith(b"<svg")
            assert "default-src 'self'" in r.headers["content-security-policy"]
        if auth:
            assert client.get("/api/runs").status_code == 401  # the rest still needs one


def test_the_pages_link_the_icon() -> None:
    index = (ROOT / "frontend" / "index.html").read_text()
    assert '<link rel="icon" type="image/svg+xml" href="/favicon.svg" />' in index
    (href,) = re.findall(
        r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"',
        (ROOT / "frontend" / "report.html").read_text(),
    )
    assert (ROOT / "frontend" / href).resolve() == FAVICON.resolve()
    # the built report carries it inline: it opens from disk, with no server to ask
    (data,) = re.findall(
        r'<link rel="icon" type="image/svg\+xml" href="data:image/svg\+xml;base64,([^"]+)"', report._page()
    )
    assert base64.b64decode(data) == FAVICON.read_bytes()
