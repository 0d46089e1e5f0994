"""Stage 4 (server): ``ridgeline export`` — one self-contained HTML file of chosen dashboards.

The report is the dashboard itself (the ``frontend/report.html`` build: one script, assets
and the icon inlined, only the dashboards a report can hold) with the data embedded as JSON: the bodies of
the GET routes those dashboards read, taken from this app in process (so the report shows
exactly what the server would), and every scalar series as base64 float64 columns (NaN and
±inf survive), every point or downsampled to ``points`` per series. In the browser a small
shim answers the app's ``fetch`` calls from that data: the file opens offline, from disk, with
no server. Read-only: renaming, deleting and downloads need the server.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import time
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
from fastapi import FastAPI

from ridgeline.data.provider import DataProvider
from ridgeline.server.app import create_app

REPORT_DIR = Path(__file__).parent / "static_report"
# Dashboards a report can hold -> the data plugins they read.
DASHBOARD_PLUGINS = {
    "scalars": ("scalars",),
    "timeseries": ("scalars", "histograms"),
    "custom_scalars": ("custom_scalars",),
    "hparams": ("hparams",),
    "text": ("text",),
    "histograms": ("histograms",),
    "distributions": ("histograms",),
}


class ReportError(RuntimeError):
    """The report cannot be made (no build of the report page, nothing to put in it)."""


@dataclass(frozen=True, slots=True)
class ReportStats:
    path: str
    bytes: int
    runs: int
    series: int
    points: int
    seconds: float


def _key(path: str, params: dict[str, str] | None = None) -> str:
    """The route key the page's shim computes: method, path, sorted decoded query pairs."""
    pairs = sorted((params or {}).items())
    return f"GET {path}" + (
        f"?{json.dumps([list(p) for p in pairs], ensure_ascii=False, separators=(',', ':'))}" if pairs else ""
    )


async def _get(app: FastAPI, path: str, params: dict[str, str] | list[tuple[str, str]] | None = None) -> Any:
    """GET ``path`` from the app in process (plain ASGI: no socket, no HTTP client)."""
    query = urlencode(params or {}, doseq=True).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    body = bytearray()
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    if status != 200:
        raise ReportError(f"GET {path} answered {status}: {bytes(body[:300]).decode(errors='replace')}")
    return json.loads(body)


def _b64(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


async def _collect(
    app: FastAPI,
    provider: DataProvider,
    dashboards: list[str],
    keep: re.Pattern[str] | None,
    points: int | None,
) -> tuple[dict[str, Any], dict[str, Any], int]:
    routes: dict[str, Any] = {}

    def want(run: str) -> bool:
        return keep is None or keep.search(run) is not None

    plugins = await _get(app, "/api/plugins")
    wanted = {p for d in dashboards for p in DASHBOARD_PLUGINS[d]}
    plugins["plugins"] = [p for p in plugins["plugins"] if p in wanted]
    plugins["generation"] = 0
    routes[_key("/api/plugins")] = plugins
    routes[_key("/api/runs")] = [r for r in await _get(app, "/api/runs") if want(r["name"])]
    routes[_key("/api/status")] = await _get(app, "/api/status")
    health = await _get(app, "/api/health")
    health["runs"] = {r: f for r, f in health["runs"].items() if want(r)}
    routes[_key("/api/health")] = health

    scalar_tags = await _get(app, "/api/plugins/scalars/tags")
    scalar_tags["runs"] = {r: t for r, t in scalar_tags["runs"].items() if want(r)}
    routes[_key("/api/plugins/scalars/tags")] = scalar_tags
    all_tags = sorted({t for tags in scalar_tags["runs"].values() for t in tags})
    table = await _get(app, "/api/plugins/runs/table", [("metric", t) for t in all_tags])
    table["runs"] = [r for r in table["runs"] if want(r["name"])]
    routes[_key("/api/plugins/runs/table")] = table

    series: dict[str, dict[str, Any]] = {}
    total = 0
    if "scalars" in plugins["plugins"]:
        for run, tags in scalar_tags["runs"].items():
            for tag in tags:
                data = provider.read_scalars(run, tag, points)
                if data is None:
                    continue
                total += int(data.steps.size)
                series.setdefault(run, {})[tag] = {
                    "step": _b64(data.steps.astype(np.float64)),
                    "wall": _b64(data.wall_times),
                    "value": _b64(data.values),
                    "total": data.total,
                }
    if "hparams" in plugins["plugins"]:
        exp = await _get(app, "/api/plugins/hparams/experiment")
        exp["sessions"] = [s for s in exp["sessions"] if want(s["run"])]
        routes[_key("/api/plugins/hparams/experiment")] = exp
    if "custom_scalars" in plugins["plugins"]:
        routes[_key("/api/plugins/custom_scalars/layout")] = await _get(
            app, "/api/plugins/custom_scalars/layout"
        )
    per_tag = {"text": ["texts"], "histograms": ["histograms", "distributions"]}
    for plugin, kinds in per_tag.items():
        if plugin not in plugins["plugins"]:
            continue
        tags = await _get(app, f"/api/plugins/{plugin}/tags")
        tags["runs"] = {r: t for r, t in tags["runs"].items() if want(r)}
        tags["generation"] = 0
        routes[_key(f"/api/plugins/{plugin}/tags")] = tags
        for run, run_tags in tags["runs"].items():
            for tag in run_tags:
                for kind in kinds:
                    path = f"/api/plugins/{plugin}/{kind}"
                    routes[_key(path, {"run": run, "tag": tag})] = await _get(
                        app, path, {"run": run, "tag": tag}
                    )
    return routes, series, total


def _page() -> str:
    """The built report page with its script and stylesheet put inline."""
    page_path = REPORT_DIR / "report.html"
    if not page_path.is_file():
        raise ReportError(
            f"the report page is not built ({page_path} is missing); install with Node.js available "
            "or run `npm run build` in frontend/"
        )
    page = page_path.read_text(encoding="utf-8")

    def script(m: re.Match[str]) -> str:
        code = (REPORT_DIR / m.group(1)).read_text(encoding="utf-8")
        # Inside <script>, "</script" would end it and "<!--" changes how it is parsed.
        code = code.replace("</script", "<\\/script").replace("<!--", "<\\!--")
        return f'<script type="module">{code}</script>'

    def style(m: re.Match[str]) -> str:
        return f"<style>{(REPORT_DIR / m.group(1)).read_text(encoding='utf-8')}</style>"

    page = re.sub(r'<script type="module" crossorigin src="\./([^"]+)"></script>', script, page)

    def icon(m: re.Match[str]) -> str:
        data = base64.b64encode((REPORT_DIR / m.group(1)).read_bytes()).decode()
        return f'<link rel="icon" type="image/svg+xml" href="data:image/svg+xml;base64,{data}" />'

    page = re.sub(r'<link rel="stylesheet" crossorigin href="\./([^"]+)">', style, page)
    page = re.sub(r'<link rel="icon" type="image/svg\+xml" href="\./([^"]+)" */?>', icon, page)
    if 'src="./' in page or 'href="./' in page:
        raise ReportError("the report page refers to files it should have inlined; rebuild the frontend")
    return page


def write_report(
    provider: DataProvider,
    out: str | Path,
    dashboards: list[str] | None = None,
    runs: str | None = None,
    points: int | None = 2000,
    title: str | None = None,
) -> ReportStats:
    """Write the report of ``provider``'s data to ``out``.

    Args:
        dashboards: which of :data:`DASHBOARD_PLUGINS` (default: all that have data).
        runs: a regex; only runs whose name it matches go in (default: every run).
        points: per scalar series, at most this many points (spikes kept); None: every point.
        title: the page title (default: "Ridgeline report: <logdirs>").
    """
    started = time.perf_counter()
    chosen = list(dashboards or DASHBOARD_PLUGINS)
    unknown = [d for d in chosen if d not in DASHBOARD_PLUGINS]
    if unknown:
        raise ReportError(
            f"a report cannot hold {', '.join(unknown)}; choose from {', '.join(DASHBOARD_PLUGINS)}"
        )
    try:
        keep = re.compile(runs) if runs else None
    except re.error as exc:
        raise ReportError(f"--runs {runs!r} is not a regular expression ({exc})") from None
    app = create_app(provider)
    routes, series, total = asyncio.run(_collect(app, provider, chosen, keep, points))
    if not routes[_key("/api/plugins")]["plugins"]:
        raise ReportError("nothing to put in the report: no run has data for " + ", ".join(chosen))
    logdirs = routes[_key("/api/status")]["logdirs"]
    page_title = title or f"Ridgeline report: {', '.join(logdirs)}"
    data = {
        "title": page_title,
        "created": time.time(),
        "routes": routes,
        "series": series,
    }
    # "<" never appears raw in the JSON, so nothing in it can end the script element.
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    page = _page().replace(
        "<title>Ridgeline report</title>",
        f"<title>{html.escape(page_title)}</title>\n"
        f'<script type="application/json" id="ridgeline-data">{payload}</script>',
        1,
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return ReportStats(
        str(out),
        out.stat().st_size,
        len(routes[_key("/api/runs")]),
        sum(len(t) for t in series.values()),
        total,
        time.perf_counter() - started,
    )
