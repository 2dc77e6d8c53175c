"""The invariants of payments made through the platform (issue #7's "exactly once"), checked
after recovery against the platform's records, its chat cards and the payer banks' books.

Pure functions of a `PlatformHistory`; each returns the anomalies it found (empty: it held).
The money itself (conserved, within limits, journal) is checked by `ledger_checks` over the
same banks.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from chatbank.chaos.pay_model import (
    FINAL_PLATFORM_STATUSES,
    INSTRUCTION_ID_CHARS,
    BankPaymentRef,
    PlatformHistory,
    PlatformPaymentRow,
)
from chatbank.chaos.report import Anomaly

PLATFORM_ID_PREFIX = "pay_"


def same_payment_per_client_id(history: PlatformHistory) -> list[Anomaly]:
    """A create retried with one client id names one payment."""
    return [Anomaly("same_payment_per_client_id", f"{a.client_id}: {sorted(set(a.created))}")
            for a in history.attempts if len(set(a.created)) > 1]


def _told_final(landings: list[str]) -> set[str]:
    """The final states a callback's redirect announced (`…&status=completed`)."""
    told = {parse_qs(urlparse(location.replace("#", "")).query).get("status", [""])[0]
            for location in landings}
    return told & set(FINAL_PLATFORM_STATUSES)


def platform_payments_final(history: PlatformHistory) -> list[Anomaly]:
    """Every payment the platform acknowledged exists and ends final; the payer reads that
    state, and any final state a callback announced was that one."""
    rows = {p.id: p for p in history.payments}
    found: list[Anomaly] = []
    for attempt in history.attempts:
        if attempt.payment_id is None:
            continue
        row = rows.get(attempt.payment_id)
        seen = {attempt.final_status, *_told_final(attempt.landings)}
        if row is None:
            found.append(Anomaly("platform_payment_final", f"{attempt.payment_id}: "
                                 "acknowledged but not in the platform's records"))
        elif seen != {row.status}:
            found.append(Anomaly("platform_payment_final", f"{row.id}: payer saw "
                                 f"{sorted(map(str, seen))}, records say {row.status}"))
    found += [Anomaly("platform_payment_final", f"{p.id}: still {p.status}")
              for p in history.payments if p.status not in FINAL_PLATFORM_STATUSES]
    return found


def _refs_by_payment(history: PlatformHistory) -> dict[str, list[BankPaymentRef]]:
    by_instruction: dict[str, list[BankPaymentRef]] = defaultdict(list)
    for ref in history.bank_payments:
        by_instruction[ref.instruction_id].append(ref)
    return {p.id: by_instruction[p.id[:INSTRUCTION_ID_CHARS]] for p in history.payments}


def paid_once_at_the_bank(history: PlatformHistory) -> list[Anomaly]:
    """At most one OB payment per platform payment, at its payer bank, for its amount; and no
    bank payment the platform does not know of."""
    found: list[Anomaly] = []
    by_payment = _refs_by_payment(history)
    for payment in history.payments:
        refs = by_payment[payment.id]
        if len(refs) > 1:
            found.append(Anomaly("paid_once_at_bank", f"{payment.id}: {len(refs)} bank "
                                 f"payments {[(r.bank_id, r.payment_id) for r in refs]}"))
        found += [Anomaly("paid_once_at_bank", f"{payment.id}: paid at {r.bank_id} "
                          f"{r.amount_minor}, the platform asked {payment.bank_id} "
                          f"{payment.amount_minor}")
                  for r in refs if (r.bank_id, r.amount_minor) != (payment.bank_id,
                                                                     payment.amount_minor)]
    known = {p.id[:INSTRUCTION_ID_CHARS] for p in history.payments}
    found += [Anomaly("paid_once_at_bank", f"{r.bank_id} {r.payment_id}: instruction "
                      f"{r.instruction_id} is no platform payment")
              for r in history.bank_payments
              if r.instruction_id.startswith(PLATFORM_ID_PREFIX) and r.instruction_id
              not in known]
    return found


def _disagreement(payment: PlatformPaymentRow, refs: list[BankPaymentRef]) -> str | None:
    bank_statuses = [r.status for r in refs]
    if payment.status == "completed" and bank_statuses != ["AcceptedSettlementCompleted"]:
        return f"completed, bank says {bank_statuses}"
    if payment.status == "rejected" and any(s != "Rejected" for s in bank_statuses):
        return f"rejected, bank says {bank_statuses}"
    if payment.status in ("cancelled", "expired") and refs:
        return f"{payment.status}, yet the bank has {bank_statuses}"
    if refs and payment.bank_payment_id not in (None, refs[0].payment_id):
        return f"bank payment {payment.bank_payment_id}, the bank holds {refs[0].payment_id}"
    return None


def platform_agrees_with_bank(history: PlatformHistory) -> list[Anomaly]:
    """The platform's final state is the payer bank's: completed ⇔ settled there; rejected ⇒
    rejected or never made; cancelled / expired ⇒ never made."""
    refs = _refs_by_payment(history)
    return [Anomaly("platform_agrees_with_bank", f"{p.id}: {why}") for p in history.payments
            if (why := _disagreement(p, refs[p.id])) is not None]


def cards_agree(history: PlatformHistory) -> list[Anomaly]:
    """Each payment has one card in its chat, showing the payment's own state."""
    cards = Counter(c.payment_id for c in history.cards)
    shown = {c.payment_id: c.status for c in history.cards}
    return [Anomaly("cards_agree", f"{p.id}: {cards[p.id]} card(s), showing "
                    f"{shown.get(p.id)}, payment {p.status}")
            for p in history.payments if cards[p.id] != 1 or shown[p.id] != p.status]


def check_platform_payments(history: PlatformHistory) -> tuple[list[str], list[Anomaly]]:
    """Run every check; returns the check names and all anomalies found."""
    checks: dict[str, Callable[[], list[Anomaly]]] = {
        "same_payment_per_client_id": lambda: same_payment_per_client_id(history),
        "platform_payment_final": lambda: platform_payments_final(history),
        "paid_once_at_bank": lambda: paid_once_at_the_bank(history),
        "platform_agrees_with_bank": lambda: platform_agrees_with_bank(history),
        "cards_agree": lambda: cards_agree(history),
    }
    return list(checks), [anomaly for check in checks.values() for anomaly in check()]
