"""Where money can go from the chat without a contact: the user's own accounts and the payees
saved at their bank, read through the gateway (accounts with balances, and beneficiaries).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from chatbank.connect.gateway import DataGateway, GatewayResult
from chatbank.connect.pisp import SORT_CODE_SCHEME
from chatbank.connect.views import BalanceView, balances_of
from chatbank.privacy.purposes import DataClass, Purpose

SUBTYPES = {"savings": "Savings", "current": "CurrentAccount", "credit_card": "CreditCard"}
# Words for an account type, looked for after "to" ("from savings to current").
SUBTYPE_WORDS = {"savings": "Savings", "saving": "Savings", "current": "CurrentAccount",
                 "credit card": "CreditCard"}
# Everyday words for a payee's reference at the bank ("pay my rent" → the RENT payee).
REFERENCE_WORDS = {"landlord": "RENT", "rent": "RENT"}


@dataclass(frozen=True, slots=True)
class Destination:
    """An account to pay: one of the user's own (with its balances) or a saved payee."""

    kind: str  # "account" | "payee"
    bank_id: str
    bank_name: str
    name: str  # nickname of an own account, or the payee's name
    sort_code: str
    account_number: str
    subtype: str = ""  # own accounts: CurrentAccount | Savings | CreditCard
    reference: str = ""  # payees: the reference saved with them
    account_id: str = ""
    booked_minor: int | None = None
    available_minor: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "payee":
            return f"{self.name} ••{self.account_number[-4:]} (saved payee)"
        return f"your {self.name} ••{self.account_number[-4:]}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Destination:
        return cls(**data)


@dataclass
class Holdings:
    """The user's own accounts and saved payees, and the banks that did not answer."""

    accounts: list[Destination] = field(default_factory=list)
    payees: list[Destination] = field(default_factory=list)
    failures: list[GatewayResult] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.accounts or self.payees)

    def fundable_minor(self, bank_id: str, excluding: str = "") -> int:
        """The most any one (non-credit-card) account at `bank_id` has available now."""
        return max((a.available_minor or 0 for a in self.accounts
                    if a.bank_id == bank_id and a.subtype != "CreditCard"
                    and a.account_id != excluding), default=0)


def _split(identification: str) -> tuple[str, str] | None:
    return (identification[:6], identification[6:]) if (
        len(identification) == 14 and identification.isdigit()) else None


def _own(view: BalanceView, account: dict[str, Any]) -> Destination | None:
    first = (account.get("Account") or [{}])[0]
    numbers = _split(str(first.get("Identification", "")))
    if first.get("SchemeName") != SORT_CODE_SCHEME or numbers is None:
        return None
    a = view.account
    return Destination("account", a.bank_id, a.bank_name, a.nickname, *numbers, a.subtype, "",
                       a.account_id, view.booked.amount_minor if view.booked else None,
                       view.available.amount_minor if view.available else None)


async def holdings_of(gateway: DataGateway, user_id: str, reason: str) -> Holdings:
    """Own accounts (with balances) and saved payees at every linked bank; raises refusals."""
    held = Holdings()
    balances = await gateway.read(user_id, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.BALANCES,
                                  reason)
    for answer in balances.answers:
        raw = {str(a["AccountId"]): a for a in answer.accounts}
        for view in balances_of(answer):
            own = _own(view, raw[view.account.account_id])
            if own is not None:
                held.accounts.append(own)
    payees = await gateway.read(user_id, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.PAYEES,
                                reason)
    seen: set[tuple[str, str]] = set()
    for answer in payees.answers:
        for records in answer.data.values():
            for record in records:
                creditor = record.get("CreditorAccount") or {}
                numbers = _split(str(creditor.get("Identification", "")))
                if numbers is None or numbers in seen:
                    continue
                seen.add(numbers)
                held.payees.append(Destination(
                    "payee", answer.bank_id, answer.bank_name, str(creditor.get("Name", "")),
                    *numbers, reference=str(record.get("Reference", ""))))
    held.failures = [r for r in (balances, payees) if r.failures]
    return held


def _mentions(text: str, phrase: str) -> bool:
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)",
                                      text.lower()) is not None


def destination_in(text: str, account_word: str | None, held: Holdings) -> Destination | None:
    """The destination the text names: after “to” first, then anywhere in it."""
    lowered = text.lower()
    target = lowered.rsplit(" to ", 1)[1] if " to " in lowered else lowered
    for part in (target, lowered):
        for own in held.accounts:
            if _mentions(part, own.name):
                return own
        for payee in held.payees:
            first = payee.name.split()[0] if payee.name.split() else ""
            if _mentions(part, payee.name) or (len(first) > 2 and _mentions(part, first)):
                return payee
        for word, reference in REFERENCE_WORDS.items():
            if _mentions(part, word):
                found = [p for p in held.payees if p.reference.upper() == reference]
                if found:
                    return found[0]
    said = [subtype for word, subtype in SUBTYPE_WORDS.items() if _mentions(target, word)]
    wanted = said[0] if len(said) == 1 else SUBTYPES.get(account_word or "")
    typed = [a for a in held.accounts if a.subtype == wanted]
    return typed[0] if len(typed) == 1 else None


def named_payee(text: str) -> str | None:
    """Who the user asked to pay (“to Zed”, “pay Zed £5”), whether or not we know them."""
    found = (re.search(r"\bto\s+(?:my\s+)?([A-Za-z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?)", text)
             or re.search(r"\b(?:pay|send)\s+([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)?)", text))
    if found is None or found.group(1).lower() in {"my", "the", "a", "an"}:
        return None
    return found.group(1)
