"""Tokens on a server others can reach: every data route answers 401 without one, share links
see only their runs and tags and cannot change anything, a revoked link stops working, and
``ridgeline upload`` resumes an interrupted upload without writing a byte twice."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from serving import serve

import ridgeline.upload as upload_module
from ridgeline import SummaryWriter
from ridgeline.data.local_provider import LocalDataProvider
from ridgeline.ingest.ingester import Ingester
from ridgeline.server.app import create_app
from ridgeline.store import SQLiteStore
from ridgeline.tokens import hash_token, new_token


def write_runs(root: Path, names: list[str], steps: int = 50) -> None:
    for name in names:
        with SummaryWriter(root / name) as w:
            for s in range(steps):
                w.add_scalar("loss", 1.0 / (s + 1), s)
                w.add_scalar("secret/metric", float(s), s)
                if s % 10 == 0:
                    w.add_text("notes", f"step {s}", s)


class Team:
    def __init__(self, tmp: Path) -> None:
        self.logdir = tmp / "logs"
        write_runs(self.logdir, ["alpha/a1", "alpha/a2", "beta/b1"])
        self.store = SQLiteStore(tmp / "i.sqlite")
        self.ingester = Ingester(self.store, [("", str(self.logdir))])
        self.ingester.reload()
        app = create_app(LocalDataProvider(self.store, self.ingester), auth=True)
        self.app = app
        self.client = TestClient(app, follow_redirects=False)

    def token(self, read_only: bool, runs: str = "", tags: str = "") -> tuple[str, str]:
        secret, record = new_token("t", read_only, runs, tags)
        self.store.add_token(record, hash_token(secret))
        return secret, record.id


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Team]:
    yield Team(tmp_path)


def auth_header(team: Team) -> dict[str, str]:
    secret, _ = team.token(read_only=True)
    return {"Authorization": f"Bearer {secret}"}


def api_paths(app: FastAPI) -> list[tuple[str, str]]:
    """Every API route (from the OpenAPI schema), path parameters filled in."""
    out = []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            out.append((method.upper(), path.replace("{", "").replace("}", "")))
    return out


def test_without_a_token_every_data_route_answers_401(team: Team) -> None:
    routes = api_paths(team.app)
    assert len(routes) > 40
    for method, path in routes:
        r = team.client.request(method, path + "?run=alpha/a1&tag=loss")
        assert r.status_code == 401, (method, path, r.status_code)
        assert r.json()["error"] == "Unauthorized"
    for path in ("/docs", "/openapi.json"):
        assert team.client.get(path).status_code == 401
    page = team.client.get("/")
    assert page.status_code == 401 and 'name="token"' in page.text  # a form asking for one
    bad = team.client.get("/api/runs", headers={"Authorization": "Bearer rl_deadbeef_" + "x" * 32})
    assert bad.status_code == 401


def test_share_link_sees_only_its_runs_and_tags_and_cannot_write(team: Team) -> None:
    link, _ = team.token(read_only=True, runs="^alpha/", tags="^loss$")
    opened = team.client.get(f"/?runs=alpha&token={link}&tag=a%26b")
    assert opened.status_code == 303 and opened.headers["location"] == "/?runs=alpha&tag=a%26b"
    assert "httponly" in opened.headers["set-cookie"].lower()
    client = TestClient(team.app, follow_redirects=False, cookies={"ridgeline_token": link})
    assert [r["name"] for r in client.get("/api/runs").json()] == ["alpha/a1", "alpha/a2"]
    tags = client.get("/api/plugins/scalars/tags").json()["runs"]
    assert {run: sorted(t) for run, t in tags.items()} == {"alpha/a1": ["loss"], "alpha/a2": ["loss"]}
    assert (
        client.get("/api/plugins/scalars/series", params={"run": "alpha/a1", "tag": "loss"}).status_code
        == 200
    )
    for run, tag in (("beta/b1", "loss"), ("alpha/a1", "secret/metric")):
        r = client.get("/api/plugins/scalars/series", params={"run": run, "tag": tag})
        assert r.status_code == 404, (run, tag)
    assert client.get("/api/plugins/text/tags").json()["runs"] == {}
    (team.logdir / "beta" / "b1" / "events.out.tfevents.0.empty").write_bytes(
        b""
    )  # a problem named in status
    team.ingester.reload()
    assert any(
        "beta" in p for p in team.client.get("/api/status", headers=auth_header(team)).json()["problems"]
    )
    assert client.get("/api/status").json()["problems"] == []  # other runs' files are not named
    assert client.get("/api/access").json() == {
        "auth": True,
        "read_only": True,
        "runs": "^alpha/",
        "tags": "^loss$",
        "name": "t",
    }
    # Nothing can be changed with it.
    for method, path, body in (
        ("PUT", "/api/plugins/runs/meta", {"run": "alpha/a1", "display_name": "hacked"}),
        ("POST", "/api/plugins/runs/delete", {"run": "alpha/a1"}),
        ("POST", "/api/plugins/runs/restore", {"id": "x"}),
    ):
        r = client.request(method, path, json=body)
        assert r.status_code == 403, (path, r.status_code)
    r = client.post("/api/upload/file", params={"path": "x/events.out.tfevents.1", "offset": 0}, content=b"x")
    assert r.status_code == 403
    assert (team.logdir / "alpha" / "a1").is_dir() and team.store.run_meta() == {}


def test_write_token_renames_and_a_revoked_link_stops_working(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, _ = team.token(read_only=False)
    auth = {"Authorization": f"Bearer {writer}"}
    r = team.client.put(
        "/api/plugins/runs/meta", json={"run": "beta/b1", "display_name": "baseline"}, headers=auth
    )
    assert r.status_code == 200, r.text
    assert team.store.run_meta()["beta/b1"]["display_name"] == "baseline"
    link, link_id = team.token(read_only=True)
    client = TestClient(team.app, cookies={"ridgeline_token": link})
    assert client.get("/api/runs").status_code == 200
    assert team.store.revoke_token(link_id)
    deadline = time.monotonic() + 5
    while client.get("/api/runs").status_code == 200:  # servers recheck within RECHECK_SECONDS
        assert time.monotonic() < deadline, "a revoked link still works"
        time.sleep(0.2)
    assert client.get("/api/runs").status_code == 401
    assert team.client.get("/api/runs", headers=auth).status_code == 200


def test_binding_another_address_turns_tokens_on(tmp_path: Path) -> None:
    write_runs(tmp_path / "logs", ["r"])
    for served in serve(["--logdir", str(tmp_path / "logs"), "--host", "0.0.0.0"], tmp_path):
        port = served.url.rsplit(":", 1)[1]
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/runs", timeout=10)
        assert err.value.code == 401


def test_upload_resumes_after_failures_without_duplicating_a_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = tmp_path / "laptop"
    write_runs(local, ["exp/seed1", "exp/seed2"], steps=3000)
    served_dir = tmp_path / "server logs"
    served_dir.mkdir()
    db = tmp_path / "server.sqlite"
    made = subprocess.run(
        [sys.executable, "-m", "ridgeline.cli", "token", "create", "--db", str(db), "--name", "laptop"],
        capture_output=True,
        text=True,
        check=True,
    )
    secret = made.stdout.split(": ", 1)[1].split()[0]
    args = ["--logdir", str(served_dir), "--db", str(db), "--auth", "on", "--reload_interval", "0.5"]
    for served in serve(args, tmp_path):
        monkeypatch.setattr(upload_module.time, "sleep", lambda s: None)
        real = upload_module._Client.call
        posts = itertools.count(1)

        def flaky(self: upload_module._Client, method: str, path: str, *a: object, **k: object) -> object:
            n = next(posts) if method == "POST" else 0  # noqa: B023 - used inside the loop only
            answer = real(self, method, path, *a, **k)  # type: ignore[arg-type]  # noqa: B023
            if n and n % 3 == 0:
                raise ConnectionResetError("the answer was lost (the chunk arrived)")
            if n == 10:
                raise upload_module.UploadError("the laptop went to sleep")
            return answer

        monkeypatch.setattr(upload_module._Client, "call", flaky)
        with pytest.raises(upload_module.UploadError):
            upload_module.upload_logdir(str(local), served.url, secret, chunk=16 << 10)
        partial = sum(p.stat().st_size for p in served_dir.rglob("*tfevents*"))
        assert 0 < partial < sum(p.stat().st_size for p in local.rglob("*tfevents*"))
        monkeypatch.setattr(upload_module._Client, "call", real)
        sent = upload_module.upload_logdir(str(local), served.url, secret, chunk=16 << 10)
        assert sent > 0
        for path in local.rglob("*tfevents*"):
            assert (served_dir / path.relative_to(local)).read_bytes() == path.read_bytes()
        assert upload_module.upload_logdir(str(local), served.url, secret) == 0  # nothing left to send
        deadline = time.monotonic() + 30
        request = urllib.request.Request(
            served.url + "/api/plugins/scalars/tags", headers={"Authorization": f"Bearer {secret}"}
        )
        while True:
            tags = json.loads(urllib.request.urlopen(request, timeout=10).read())["runs"]
            counts = {run: t["loss"]["count"] for run, t in tags.items()}
            # (The server indexes while bytes arrive: wait for the reload after the last chunk.)
            if counts == {"exp/seed1": 3000, "exp/seed2": 3000} or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert {run: t["loss"]["count"] for run, t in tags.items()} == {"exp/seed1": 3000, "exp/seed2": 3000}
        with pytest.raises(upload_module.UploadError, match="refused the token"):
            upload_module.upload_logdir(str(local), served.url, "rl_00000000_" + "y" * 32)
