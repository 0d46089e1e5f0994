"""The server under attack: headers, DNS rebinding, CORS, traversal, odd parameters and names.

In-process (TestClient) for the routes, plus a real ``ridgeline`` process for what only the
CLI decides: the Host check while bound to loopback, and tokens required when bound elsewhere.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from serving import indexed_client, serve

from ridgeline import SummaryWriter

ODD_TAG = '损失/loss 😀 "quoted"; name=x'
AUDIO_TAG = '声音/clip 😀 "q"'


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sec") / "logs"
    with SummaryWriter(root / "run 一") as w:
        for s in range(5):
            w.add_scalar(ODD_TAG, float(s), s)
        w.add_audio(AUDIO_TAG, np.zeros(100), 0, sample_rate=8000)
        w.add_image("img", np.zeros((3, 2, 2)), 0)
    return root


def client_for(logdir: Path, tmp: Path, **kwargs: object) -> TestClient:
    return indexed_client(logdir, tmp / "i.sqlite", **kwargs)


@pytest.fixture(scope="module")
def client(logdir: Path, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return client_for(logdir, tmp_path_factory.mktemp("db"))


@pytest.mark.parametrize("path", ["/", "/api/runs", "/api/plugins/scalars/tags", "/api/nope", "/docs"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'self' http://localhost:*" in csp  # a local notebook may embed it
    assert "object-src 'none'" in csp
    if path != "/docs":
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"  # no inline script, no other origin
        assert "x-frame-options" not in r.headers  # would forbid notebook embedding


def test_no_cors_unless_asked(logdir: Path, tmp_path: Path, client: TestClient) -> None:
    r = client.get("/api/runs", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers
    allowed = client_for(logdir, tmp_path, cors_origins=["http://notebook.example"])
    r = allowed.get("/api/runs", headers={"Origin": "http://notebook.example"})
    assert r.headers["access-control-allow-origin"] == "http://notebook.example"
    r = allowed.get("/api/runs", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_host_check_blocks_dns_rebinding(logdir: Path, tmp_path: Path) -> None:
    c = client_for(logdir, tmp_path, allowed_hosts=["localhost", "127.0.0.1", "[::1]"])
    for host in ("localhost:6006", "127.0.0.1:6006", "[::1]:6006", "LOCALHOST"):
        assert c.get("/api/runs", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:6006", "127.0.0.1.evil.example", "", "localhost.evil:80"):
        r = c.get("/api/runs", headers={"Host": host})
        assert r.status_code == 421 and r.json()["error"] == "MisdirectedRequest", host


def test_real_server_on_loopback_refuses_a_foreign_host(logdir: Path, tmp_path: Path) -> None:
    for served in serve(["--logdir", str(logdir)], tmp_path):
        netloc = urllib.parse.urlsplit(served.url).netloc
        host, port = netloc.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/api/runs", headers={"Host": f"attacker.example:{port}"})
        assert conn.getresponse().status == 421
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/api/runs", headers={"Host": f"localhost:{port}"})
        assert conn.getresponse().status == 200


def test_non_loopback_bind_requires_tokens(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ridgeline.cli",
            "--logdir",
            str(tmp_path),
            "--host",
            "0.0.0.0",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"RIDGELINE_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        while line and "access tokens required" not in line:
            line = proc.stderr.readline()
        # Bound to every address: tokens are required, and it says how to make the first one.
        assert "access tokens required (0 valid)" in line and "ridgeline token create" in line
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.parametrize(
    "path",
    [
        "/assets/../../../../etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc/passwd",
        "/assets/....//....//etc/passwd",
        "/assets/%252e%252e/etc/passwd",
    ],
)
def test_path_traversal_in_static_routes(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404) and b"root:" not in r.content


@pytest.mark.parametrize(
    "value", ["../../../../etc/passwd", "/etc/passwd", "..%2f..%2fetc", "\x00", "run 一/../.."]
)
def test_path_traversal_in_parameters(client: TestClient, value: str) -> None:
    for route, params in [
        ("/api/plugins/scalars/series", {"run": value, "tag": ODD_TAG}),
        ("/api/plugins/images/image", {"run": value, "tag": "img"}),
        ("/api/plugins/images/image", {"run": "run 一", "tag": value}),
        ("/api/plugins/audio/clip", {"run": value, "tag": AUDIO_TAG}),
        ("/api/plugins/scalars/download", {"tag": value}),
    ]:
        r = client.get(route, params=params)
        assert r.status_code == 404 and b"root:" not in r.content, (route, value)


@pytest.mark.parametrize(
    "route,params,status",
    [
        ("/api/plugins/scalars/series", {"run": "run 一", "tag": ODD_TAG, "points": 10**15}, 400),
        ("/api/plugins/scalars/series", {"run": "run 一", "tag": ODD_TAG, "points": -5}, 400),
        ("/api/plugins/images/image", {"run": "run 一", "tag": "img", "index": -(10**18)}, 404),
        ("/api/plugins/images/image", {"run": "run 一", "tag": "img", "index": 10**30}, 404),
        ("/api/plugins/images/image", {"run": "run 一", "tag": "img", "sample": -1}, 404),
        ("/api/plugins/text/texts", {"run": "run 一", "tag": "x", "points": 0}, 400),
        ("/api/plugins/histograms/histograms", {"run": "run 一", "tag": "x", "points": 10**9}, 400),
    ],
)
def test_huge_and_negative_parameters(
    client: TestClient, route: str, params: dict[str, object], status: int
) -> None:
    assert client.get(route, params=params).status_code == status


def test_non_utf8_parameters_are_no_server_error(client: TestClient) -> None:
    """Bytes that are not UTF-8 name no run or tag: a 404, or an empty answer, never a 500."""
    assert client.get("/api/plugins/scalars/series?run=%ff%fe&tag=%c3%28").status_code == 404
    r = client.get("/api/plugins/images/card?tag=%80&run=%ff")
    assert r.status_code == 200 and r.json()["runs"] == {}


def test_any_tag_name_in_download_file_names(client: TestClient) -> None:
    """RFC 6266: an ASCII fallback and the exact UTF-8 name in ``filename*``."""
    for fmt in ("csv", "json"):
        r = client.get("/api/plugins/scalars/download", params={"tag": ODD_TAG, "format": fmt})
        assert r.status_code == 200
        disposition = r.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="')
        encoded = disposition.split("filename*=UTF-8''", 1)[1]
        assert urllib.parse.unquote(encoded) == f"{ODD_TAG}.{fmt}"
    r = client.get("/api/plugins/audio/clip", params={"run": "run 一", "tag": AUDIO_TAG})
    assert r.status_code == 200 and r.content.startswith(b"RIFF")
    assert (
        urllib.parse.unquote(r.headers["content-disposition"].split("''", 1)[1]) == f"{AUDIO_TAG}_step0_0.wav"
    )
