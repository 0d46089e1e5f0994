"""Stage 4 (server): serve the built frontend (``ridgeline/server/static``, built at install)
and the icon (``favicon.svg``, at ``/favicon.svg`` and ``/favicon.ico``, built or not)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
FAVICON = Path(__file__).with_name("favicon.svg")  # also the report's (frontend/report.html)

_MISSING = """<!doctype html><meta charset=utf-8><title>Ridgeline</title>
<h1>Ridgeline</h1><p>The dashboard was not built. Install with Node.js available
(<code>pip install -e .</code> runs <code>npm ci && npm run build</code> in <code>frontend/</code>),
or build it by hand there. The HTTP API is up: see <a href="/docs">/docs</a>.</p>"""


def mount(app: FastAPI) -> None:
    index = STATIC_DIR / "index.html"
    assets = STATIC_DIR / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/", include_in_schema=False, response_model=None)
    def root() -> FileResponse | HTMLResponse:
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_MISSING)

    @app.get("/favicon.svg", include_in_schema=False)
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})
