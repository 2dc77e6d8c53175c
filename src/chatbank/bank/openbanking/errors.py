"""UK OB error bodies (`OBErrorResponse1`) and the mapping from our stable codes to them.

Every failure on the bank's API keeps our stable code as `Code` and carries one UK.OBIE code in
`Errors[0].ErrorCode`, so clients can branch on either.
"""

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
from chatbank.core.ids import new_id

log = logging.getLogger("chatbank.bank")


class OBError(ChatbankError):
    """An API failure with an explicit HTTP status, UK.OBIE code and JSON path."""

    def __init__(self, status: int, code: str, ob_code: str, message: str,
                 path: str | None = None) -> None:
        super().__init__(code, message)
        self.status = status
        self.ob_code = ob_code
        self.path = path


# Our stable code -> (HTTP status, UK.OBIE error code, path of the offending field).
KNOWN: dict[str, tuple[int, str, str | None]] = {
    "unknown_currency": (400, "UK.OBIE.Unsupported.Currency",
                         "Data.Initiation.InstructedAmount.Currency"),
    "too_many_decimals": (400, "UK.OBIE.Field.Invalid", "Data.Initiation.InstructedAmount.Amount"),
    "invalid_amount": (400, "UK.OBIE.Field.Invalid", "Data.Initiation.InstructedAmount.Amount"),
    "amount_too_large": (400, "UK.OBIE.Field.Invalid", "Data.Initiation.InstructedAmount.Amount"),
    "signature_missing": (400, "UK.OBIE.Signature.Missing", None),
    "signature_malformed": (400, "UK.OBIE.Signature.Malformed", None),
    "signature_invalid": (400, "UK.OBIE.Signature.Invalid", None),
    "signature_invalid_claim": (400, "UK.OBIE.Signature.InvalidClaim", None),
    "signature_missing_claim": (400, "UK.OBIE.Signature.MissingClaim", None),
    "invalid_jwk": (400, "UK.OBIE.Signature.Invalid", None),
    "payload_too_large": (400, "UK.OBIE.Field.Invalid", None),
}
STATUS_BY_TYPE: list[tuple[type[ChatbankError], int, str]] = [
    # The spec lists 404 on few operations; OB guidance is 400 + Resource.NotFound for ids.
    (NotFound, 400, "UK.OBIE.Resource.NotFound"),
    (Forbidden, 403, "UK.OBIE.Resource.InvalidConsentStatus"),
    (Unauthenticated, 401, "UK.OBIE.Header.Invalid"),
    (Conflict, 400, "UK.OBIE.Resource.ConsentMismatch"),
    (RateLimited, 429, "UK.OBIE.UnexpectedError"),
    (InvalidInput, 400, "UK.OBIE.Field.Invalid"),
]


def ob_error_body(code: str, ob_code: str, message: str, path: str | None = None,
                  error_id: str | None = None) -> dict[str, Any]:
    """An `OBErrorResponse1` document (lengths clipped to the spec's limits)."""
    item: dict[str, Any] = {"ErrorCode": ob_code, "Message": message[:500]}
    if path:
        item["Path"] = path[:500]
    return {"Code": code[:40], "Id": (error_id or new_id("err"))[:40], "Message": message[:500],
            "Errors": [item]}


def describe(error: ChatbankError) -> tuple[int, str, str | None]:
    """HTTP status, UK.OBIE code and path for any coded error."""
    if isinstance(error, OBError):
        return error.status, error.ob_code, error.path
    if error.code in KNOWN:
        return KNOWN[error.code]
    for error_type, status, ob_code in STATUS_BY_TYPE:
        if isinstance(error, error_type):
            return status, ob_code, None
    return 400, "UK.OBIE.Field.Invalid", None


def ob_error_response(error: ChatbankError) -> JSONResponse:
    status, ob_code, path = describe(error)
    headers = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.details.get("retry_after_s", 1))
    return JSONResponse(ob_error_body(error.code, ob_code, error.message, path), status,
                        headers=headers)


async def _coded(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ChatbankError)
    return ob_error_response(exc)


async def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    path = ".".join(str(p) for p in first.get("loc", ())[1:]) or None
    missing = first.get("type") == "missing"
    return JSONResponse(ob_error_body(
        "field_missing" if missing else "field_invalid",
        "UK.OBIE.Field.Missing" if missing else "UK.OBIE.Field.Invalid",
        str(first.get("msg", "The request is not valid.")), path), 400)


async def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: ("not_found", "UK.OBIE.Resource.NotFound"),
             400: ("bad_request", "UK.OBIE.Field.Invalid"),
             405: ("method_not_allowed", "UK.OBIE.UnexpectedError"),
             415: ("unsupported_media_type", "UK.OBIE.Header.Invalid")}
    code, ob_code = codes.get(exc.status_code, ("http_error", "UK.OBIE.UnexpectedError"))
    message = exc.detail if isinstance(exc.detail, str) else code
    return JSONResponse(ob_error_body(code, ob_code, message), exc.status_code,
                        headers=exc.headers)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("event=bank_unhandled_error type=%s", type(exc).__name__)
    return JSONResponse(ob_error_body("internal_error", "UK.OBIE.UnexpectedError",
                                      "Something went wrong at the bank; try again."), 500)


def install_ob_error_handlers(app: FastAPI) -> None:
    """Render every failure of the bank app as an `OBErrorResponse1`."""
    app.add_exception_handler(ChatbankError, _coded)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
