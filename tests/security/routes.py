"""The platform's routes as the running app has them, for tests that must cover every one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from tests.support.stack import Stack


def _walk(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI >= 0.165 nests routers
        if included is not None:
            yield from _walk(included.routes)
        else:
            yield route


def http_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (METHOD, path template) the app answers over HTTP (HEAD aside)."""
    return {(method, route.path) for route in _walk(app.router.routes)
            if isinstance(route, APIRoute) for method in route.methods if method != "HEAD"}


def running_app(stack: Stack) -> FastAPI:
    app = stack.platform_server.server.config.app
    assert isinstance(app, FastAPI)
    return app
