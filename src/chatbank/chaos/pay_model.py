"""What the platform-payments checker reads: the platform's payments and their chat cards, the
banks' OB payments that carry a platform payment's id, and what the platform's clients saw.

Read straight from the SQLite files after every server has stopped (as `ledger_books` does);
the checks in `pay_checks` are pure functions of these.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

# A payment the platform acknowledged must end in one of these after recovery (no declined:
# the workload makes payments, not requests).
FINAL_PLATFORM_STATUSES = ("completed", "rejected", "expired", "cancelled")
UNFINISHED_PLATFORM_STATUSES = ("draft", "awaiting_authorisation", "pending")
# The platform sends its payment id (cut to the OB field's 35 characters) as the instruction id.
INSTRUCTION_ID_CHARS = 35


@dataclass(frozen=True)
class PlatformPaymentRow:
    id: str
    status: str
    amount_minor: int
    bank_id: str | None  # the payer's bank, once authorisation started
    bank_payment_id: str | None  # the bank's DomesticPaymentId, once the bank answered


@dataclass(frozen=True)
class CardRow:
    """The chat card of a platform payment (one message, the same for every member)."""

    payment_id: str
    status: str


@dataclass(frozen=True)
class BankPaymentRef:
    """One OB domestic payment at a bank, with the instruction id its initiator gave it."""

    bank_id: str
    payment_id: str
    instruction_id: str
    status: str
    amount_minor: int


@dataclass
class PlatformAttempt:
    """Everything one platform client saw for one payment (one client id)."""

    client_id: str
    payer_id: str
    payee_id: str
    amount_minor: int
    cross_bank: bool
    created: list[str] = field(default_factory=list)  # payment id of each 201 to the create
    refusals: list[str] = field(default_factory=list)  # error codes the platform answered
    landings: list[str] = field(default_factory=list)  # where each callback sent the browser
    final_status: str | None = None  # GET /payments/{id} after recovery

    @property
    def payment_id(self) -> str | None:
        return self.created[0] if self.created else None


@dataclass
class PlatformHistory:
    """The clients' attempts, then (after recovery) the platform's and the banks' records."""

    attempts: list[PlatformAttempt] = field(default_factory=list)
    payments: tuple[PlatformPaymentRow, ...] = ()
    cards: tuple[CardRow, ...] = ()
    bank_payments: tuple[BankPaymentRef, ...] = ()


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        return list(db.execute(sql).fetchall())


def read_platform(path: Path) -> tuple[tuple[PlatformPaymentRow, ...], tuple[CardRow, ...]]:
    """The platform's person-to-person payments and their cards."""
    payments = tuple(PlatformPaymentRow(*row) for row in _rows(path, (
        "SELECT id, status, amount_minor, bank_id, bank_payment_id FROM payments "
        "WHERE kind = 'payment' ORDER BY id")))
    cards = []
    for client_id, payload in _rows(path, (
            "SELECT client_id, card_payload FROM messages WHERE client_id LIKE 'payment:%'")):
        card = json.loads(payload) if isinstance(payload, str) else {}
        cards.append(CardRow(str(client_id).split(":", 1)[1], str(card.get("status"))))
    return payments, tuple(cards)


def _minor(amount: str | None) -> int:
    return int(Decimal(amount or "0") * 100)


def read_bank_payment_refs(bank_id: str, path: Path) -> list[BankPaymentRef]:
    """Every OB domestic payment of the bank, with its instruction id and amount."""
    return [BankPaymentRef(bank_id, str(pid), str(instruction), str(status), _minor(amount))
            for pid, instruction, status, amount in _rows(path, (
                "SELECT payment_id, json_extract(initiation, '$.InstructionIdentification'), "
                "status, json_extract(initiation, '$.InstructedAmount.Amount') "
                "FROM ob_domestic_payments ORDER BY payment_id"))]
