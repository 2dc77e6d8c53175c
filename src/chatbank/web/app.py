"""The platform's ASGI application: REST API, WebSocket and the static web client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from chatbank.bootstrap import Platform, build_platform
from chatbank.config import Settings
from chatbank.web.errors import install_error_handlers
from chatbank.web.limits import BodySizeLimit
from chatbank.web.routes import ads, banking, channels, conversations, payments, people, privacy
from chatbank.web.websocket import realtime_socket
from chatbank.web.ws_protocol import CorkedWebSocketProtocol

STATIC_DIR = Path(__file__).parent / "static"
# Chat events are small and every socket would compress each one separately: per-message
# deflate cost ~35 KiB per idle socket and ~17 % CPU per group message (docs/performance.md).
# Frames written in one turn of the event loop leave in one write (`ws_protocol`).
WEBSOCKET_SERVER_OPTIONS: dict[str, Any] = {"ws": CorkedWebSocketProtocol,
                                            "ws_max_size": 64 * 1024,
                                            "ws_per_message_deflate": False}


def create_app(settings: Settings, platform: Platform | None = None) -> FastAPI:
    """Build the platform app; it wires its own `Platform` at start-up unless one is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.platform = platform or await build_platform(settings)
        try:
            yield
        finally:
            if platform is None:
                await app.state.platform.close()

    app = FastAPI(title="chatbank platform", version="0.1.0", lifespan=lifespan,
                  docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    install_error_handlers(app)
    app.include_router(people.router)
    app.include_router(conversations.router)
    app.include_router(banking.router)
    app.include_router(privacy.router)
    app.include_router(ads.router)
    app.include_router(payments.router)
    app.include_router(channels.router)
    app.add_api_websocket_route("/ws", realtime_socket)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "instance": settings.instance_name}

    app.mount("/", StaticFiles(directory=STATIC_DIR, html=True), name="web-client")
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
