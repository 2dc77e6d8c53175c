"""Turning raw request bytes into validated models, with OB error codes for every failure."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from chatbank.bank.openbanking.errors import OBError

ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_body(model: type[ModelT], raw: bytes) -> ModelT:
    """Validate `raw` JSON as `model`; the first problem becomes a UK.OBIE.Field.* error."""
    try:
        return model.model_validate_json(raw or b"")
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(part) for part in first.get("loc", ())) or None
        kind = first.get("type", "")
        if kind == "json_invalid":
            raise OBError(400, "malformed_json", "UK.OBIE.Resource.InvalidFormat",
                          "The body is not valid JSON.") from None
        if kind == "missing":
            raise OBError(400, "field_missing", "UK.OBIE.Field.Missing",
                          f"{path} is required.", path) from None
        if kind == "extra_forbidden":
            raise OBError(400, "field_unexpected", "UK.OBIE.Field.Unexpected",
                          f"{path} is not expected here.", path) from None
        raise OBError(400, "field_invalid", "UK.OBIE.Field.Invalid",
                      f"{path}: {first.get('msg', 'invalid value')}", path) from None
