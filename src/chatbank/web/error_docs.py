"""The OpenAPI document says what `web/errors.py` does: every error is a coded JSON body.

FastAPI documents only 422 with its own `{"detail": [...]}` shape, which the platform never
sends; clients (and Schemathesis) reading the document would expect the wrong body and no
401/403/404/409/413/429 at all. Every operation gets the real 422 and a `default` error.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error", "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "description": "stable, machine-readable"},
                       "message": {"type": "string", "description": "what to do, for people"},
                       "details": {"type": "object"}}}}}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


def with_coded_errors(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with the platform's error body on every operation (changed in place)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path_item in document.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _error_response("Fields missing or of the wrong type")
            responses["default"] = _error_response(
                "A coded error: 400 bad input, 401 not logged in, 403 not allowed, 404 no such "
                "thing, 409 conflict, 413 body too large, 429 slow down")
    return document


def document_coded_errors(app: FastAPI) -> None:
    """Make `app.openapi()` describe the coded error bodies (generated once, then cached)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_coded_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
