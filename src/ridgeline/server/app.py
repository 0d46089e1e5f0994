"""Stage 4 (server): build the FastAPI app from a provider and the plugins' routers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from ridgeline import __version__
from ridgeline.data.provider import DataProvider
from ridgeline.data.scoped import ScopedProvider
from ridgeline.plugins.health.rules import HealthConfig
from ridgeline.server import core_routes, errors, static
from ridgeline.server.auth import AuthMiddleware
from ridgeline.server.plugin_registry import default_plugins
from ridgeline.server.security import SecurityMiddleware


def create_app(
    provider: DataProvider,
    allowed_hosts: Iterable[str] | None = None,
    cors_origins: Sequence[str] = (),
    health: HealthConfig | None = None,
    auth: bool = False,
) -> FastAPI:
    """The whole HTTP surface: ``/api/...`` (OpenAPI at ``/docs``) and the dashboard at ``/``.

    Args:
        allowed_hosts: ``Host`` names served (None: any); the CLI passes the loopback names
            when bound to a loopback address (DNS rebinding protection).
        cors_origins: origins allowed to read the API from their pages (none by default).
        health: thresholds of the training-health checks (``/api/health``).
        auth: require a token on every request (:mod:`ridgeline.server.auth`); the CLI turns
            it on whenever the server binds an address other machines reach.
    """
    base = provider
    provider = ScopedProvider(base)  # what a share link limited to some runs may see
    app = FastAPI(title="Ridgeline", version=__version__, docs_url="/docs")
    # Level 1: a chart's 1.7 MB of JSON compresses in ~10 ms (level 9 takes ~175 ms) to 40 %.
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=1)
    errors.install(app)
    app.include_router(core_routes.router(provider, health))
    for plugin in default_plugins():
        app.include_router(plugin.router(provider), prefix=f"/api/plugins/{plugin.name}")
    static.mount(app)
    if cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"])
    if auth:
        app.add_middleware(AuthMiddleware, provider=base)
    app.add_middleware(SecurityMiddleware, allowed_hosts=allowed_hosts)
    return app
