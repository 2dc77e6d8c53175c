"""The one place where coded errors become HTTP responses: `{"error": {"code", "message"}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatbank.core.errors import (
    ChatbankError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from chatbank.web.error_docs import document_coded_errors

log = logging.getLogger("chatbank.web")

STATUS_BY_TYPE: list[tuple[type[ChatbankError], int]] = [
    (NotFound, 404), (Forbidden, 403), (Unauthenticated, 401), (Conflict, 409),
    (RateLimited, 429), (InvalidInput, 422),
]
FASTAPI_BODY_PARSE_FAILED = "There was an error parsing the body"
HTTP_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}


def error_body(code: str, message: str, **details: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return {"error": body}


def status_for(error: ChatbankError) -> int:
    for error_type, status in STATUS_BY_TYPE:
        if isinstance(error, error_type):
            return status
    return 400


async def _coded(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChatbankError)
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.details.get("retry_after_s", 1))
    return JSONResponse(error_body(exc.code, exc.message, **exc.details), status_for(exc),
                        headers=headers)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(error_body("malformed_json", "The body is not valid JSON."), 400)
    fields = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("msg")}
              for e in errors[:10]]
    return JSONResponse(
        error_body("invalid_request", "Some fields are missing or have the wrong type.",
                   fields=fields), 422)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 400 and message == FASTAPI_BODY_PARSE_FAILED:
        # Too deeply nested, not UTF-8, or a number too long to parse: still malformed JSON.
        code, message = "malformed_json", "The body is not valid JSON."
    return JSONResponse(error_body(code, message), exc.status_code, headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("event=unhandled_error type=%s", type(exc).__name__)
    return JSONResponse(error_body("internal_error", "Something went wrong on our side."), 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ChatbankError, _coded)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
    document_coded_errors(app)
