"""Structured message cards: a kind plus a JSON payload validated against the kind's schema.

Contexts register their card kinds at start-up (payments, assistant). Users may send only the
kinds registered as user-sendable; services post the rest (a user cannot forge a payment card).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema

from chatbank.core.errors import InvalidInput
from chatbank.messenger.model import check_card_kind

MAX_CARD_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class CardKind:
    name: str
    schema: dict[str, Any]
    user_sendable: bool


class CardRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, CardKind] = {}

    def register(self, name: str, schema: dict[str, Any], *, user_sendable: bool = False) -> None:
        jsonschema.Draft202012Validator.check_schema(schema)
        self._kinds[check_card_kind(name)] = CardKind(name, schema, user_sendable)

    def validate(self, name: str, payload: Any, *, by_user: bool) -> dict[str, Any]:
        """Return the payload if `name` is known (and sendable by users, for users) and valid."""
        kind = self._kinds.get(name)
        if kind is None or (by_user and not kind.user_sendable):
            raise InvalidInput("card_kind_not_allowed", f"Cards of kind {name!r} cannot be sent.")
        if not isinstance(payload, dict):
            raise InvalidInput("invalid_card", "A card payload is a JSON object.")
        if len(repr(payload)) > MAX_CARD_BYTES:
            raise InvalidInput("card_too_large", "The card is too large.")
        errors = sorted(jsonschema.Draft202012Validator(kind.schema).iter_errors(payload),
                        key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "payload"
            raise InvalidInput("invalid_card", f"Card field {where}: {errors[0].message}")
        return payload


CONTACT_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["handle"],
    "properties": {"handle": {"type": "string", "pattern": "^[a-z][a-z0-9_]{2,31}$"},
                   "display_name": {"type": "string", "maxLength": 64}},
    "additionalProperties": False,
}


def default_card_registry() -> CardRegistry:
    registry = CardRegistry()
    registry.register("contact", CONTACT_CARD_SCHEMA, user_sendable=True)
    return registry
