"""The `payment` chat card: one per payment or request, updated live as the payment moves."""

from __future__ import annotations

from typing import Any

from chatbank.core.money import format_money
from chatbank.payments.model import Payment, PaymentKind, PaymentStatus

PAYMENT_CARD_KIND = "payment"
RECEIPT_CARD_KIND = "payment.receipt"
_PERSON = {"type": "object", "required": ["id", "name"], "additionalProperties": False,
           "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                          "account": {"type": ["string", "null"]}}}
_NULLABLE_TEXT = {"type": ["string", "null"]}
PAYMENT_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["payment_id", "kind", "status", "amount", "payer", "payee", "note"],
    "additionalProperties": False,
    "properties": {
        "payment_id": {"type": "string"},
        "kind": {"enum": [k.value for k in PaymentKind]},
        "status": {"enum": [s.value for s in PaymentStatus]},
        "amount": {"type": "object", "required": ["minor", "currency", "display"],
                   "additionalProperties": False,
                   "properties": {"minor": {"type": "integer", "minimum": 1},
                                  "currency": {"type": "string"},
                                  "display": {"type": "string"}}},
        "note": {"type": "string"},
        "payer": _PERSON,
        "payee": _PERSON,
        "reason": _NULLABLE_TEXT,
        "expires_at": _NULLABLE_TEXT,
        "split_id": _NULLABLE_TEXT,
        "updated_at": {"type": "string"},
    },
}


def card_payload(payment: Payment, names: dict[str, str]) -> dict[str, Any]:
    """What every member of the conversation sees (the payee's account masked: ••1234)."""
    return {
        "payment_id": payment.id, "kind": payment.kind.value, "status": payment.status.value,
        "amount": {"minor": payment.amount.amount_minor, "currency": payment.amount.currency,
                   "display": format_money(payment.amount)},
        "note": payment.note,
        "payer": {"id": payment.payer_id, "name": names.get(payment.payer_id, "someone"),
                  "account": None},
        "payee": {"id": payment.payee_id, "name": names.get(payment.payee_id, "someone"),
                  "account": f"••{payment.creditor_last4}"},
        "reason": payment.reason,
        "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
        "split_id": payment.split_id,
        "updated_at": payment.updated_at.isoformat(),
    }


_AMOUNT = PAYMENT_CARD_SCHEMA["properties"]["amount"]
_NAMED = {"type": "object", "required": ["id", "name"], "additionalProperties": False,
          "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}
RECEIPT_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["payment_id", "amount", "note", "payer", "payee", "bank_reference",
                 "completed_at"],
    "additionalProperties": False,
    "properties": {
        "payment_id": {"type": "string"},
        "amount": _AMOUNT,
        "note": {"type": "string"},
        "payer": _NAMED,
        "payee": {"type": "object", "required": ["id", "name", "account"],
                  "additionalProperties": False,
                  "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                                 "account": {"type": "string", "pattern": "^••[0-9]{4}$"}}},
        "bank_reference": {"type": "string", "minLength": 1},
        "completed_at": {"type": "string"},
    },
}


def receipt_payload(payment: Payment, names: dict[str, str]) -> dict[str, Any]:
    """The receipt posted once a payment completes: the bank's reference and when it was paid.

    The payee's account is masked (••1234) like on the payment card; the payer's is not shown.
    """
    shown = card_payload(payment, names)
    return {
        "payment_id": payment.id, "amount": shown["amount"], "note": payment.note,
        "payer": {"id": payment.payer_id, "name": shown["payer"]["name"]},
        "payee": {"id": payment.payee_id, "name": shown["payee"]["name"],
                  "account": shown["payee"]["account"]},
        "bank_reference": payment.bank_payment_id or payment.id,
        "completed_at": payment.updated_at.isoformat(),
    }
