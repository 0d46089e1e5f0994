"""Stage 4 (server): one place that turns errors into JSON responses."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ridgeline.errors import RidgelineError


def install(app: FastAPI) -> None:
    @app.exception_handler(RidgelineError)
    async def _domain(request: Request, exc: RidgelineError) -> JSONResponse:
        body = {"error": type(exc).__name__, "detail": str(exc), **getattr(exc, "extra", {})}
        return JSONResponse(body, status_code=exc.http_status)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        """FastAPI's own errors (a body that is not JSON, an unknown path...) in our shape."""
        try:
            name = HTTPStatus(exc.status_code).phrase.replace(" ", "")
        except ValueError:
            name = "HTTPError"
        return JSONResponse(
            {"error": name, "detail": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
            parts.append(f"{where}: {err.get('msg')}")
        return JSONResponse({"error": "InvalidArgument", "detail": "; ".join(parts)}, status_code=400)
