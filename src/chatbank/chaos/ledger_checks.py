"""The ledger and payment invariants (Jepsen's bank test, plus idempotency and finality).

Every check is a pure function of the books read after recovery and the clients' history; it
returns the anomalies it found (empty: the invariant held).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from chatbank.bank.books.payments import inbound_transfer_id
from chatbank.chaos.ledger_model import (
    FINAL_OB_STATUSES,
    FINAL_SCHEME_STATES,
    NO_LIMIT_KINDS,
    BankBooksSnapshot,
    LedgerHistory,
    SchemePaymentRow,
    TransferRow,
)
from chatbank.chaos.report import Anomaly

Books = dict[str, BankBooksSnapshot]


def books_balance(books: Books) -> list[Anomaly]:
    """Double entry: per bank and currency, posted balances sum to zero, pending sides match."""
    found: list[Anomaly] = []
    for bank in books.values():
        posted: Counter[str] = Counter()
        pending: Counter[str] = Counter()
        for a in bank.accounts:
            posted[a.currency] += a.posted_balance_minor
            pending[a.currency] += a.credits_pending - a.debits_pending
        found += [Anomaly("books_balance", f"{bank.bank_id} {cur}: posted sum {total}")
                  for cur, total in posted.items() if total]
        found += [Anomaly("books_balance", f"{bank.bank_id} {cur}: pending sum {total}")
                  for cur, total in pending.items() if total]
    return found


def _money_held(books: Books) -> tuple[Counter[str], Counter[str]]:
    """Per currency: money in customers' (and suspense) hands, and the interbank positions."""
    held: Counter[str] = Counter()
    interbank: Counter[str] = Counter()
    for bank in books.values():
        for a in bank.accounts:
            if a.kind == "interbank":
                interbank[a.currency] += a.posted_balance_minor
            elif a.kind != "settlement":
                held[a.currency] += a.posted_balance_minor
    return held, interbank


def money_conserved(opening: Books, books: Books) -> list[Anomaly]:
    """Across all banks, payments only move money: the total held is what it was."""
    before, _ = _money_held(opening)
    after, interbank = _money_held(books)
    found = [Anomaly("money_conserved", f"{cur}: {before[cur]} before, {after[cur]} after")
             for cur in set(before) | set(after) if before[cur] != after[cur]]
    _, interbank_before = _money_held(opening)
    found += [Anomaly("money_conserved", f"{cur}: interbank positions net {total} "
                                         f"(was {interbank_before[cur]})")
              for cur, total in interbank.items() if total != interbank_before[cur]]
    return found


def within_limits(books: Books) -> list[Anomaly]:
    """No customer account below zero minus its overdraft limit (pending debits count)."""
    return [Anomaly("within_limits", f"{bank.bank_id} {a.id}: available "
                                     f"{a.posted_balance_minor - a.debits_pending}, "
                                     f"limit -{a.overdraft_limit_minor}")
            for bank in books.values() for a in bank.accounts
            if a.kind not in NO_LIMIT_KINDS
            and a.posted_balance_minor - a.debits_pending < -a.overdraft_limit_minor]


def _journal_totals(bank: BankBooksSnapshot) -> dict[str, Counter[str]]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    by_id = {t.id: t for t in bank.transfers}
    for t in bank.transfers:
        debit, credit = t.debit_account_id, t.credit_account_id
        if t.kind == "post_pending":
            held = by_id.get(t.pending_id)
            debit = debit or (held.debit_account_id if held else "")
            credit = credit or (held.credit_account_id if held else "")
        if t.kind in ("posted", "post_pending"):
            totals[debit]["debits_posted"] += t.amount_minor
            totals[credit]["credits_posted"] += t.amount_minor
        elif t.kind == "pending" and t.state == "pending":
            totals[debit]["debits_pending"] += t.amount_minor
            totals[credit]["credits_pending"] += t.amount_minor
    return totals


def balances_match_journal(books: Books) -> list[Anomaly]:
    """Every account's running totals equal the sum of its journal entries."""
    found: list[Anomaly] = []
    for bank in books.values():
        totals = _journal_totals(bank)
        for a in bank.accounts:
            for name in ("debits_posted", "credits_posted", "debits_pending", "credits_pending"):
                stored, journal = getattr(a, name), totals[a.id][name]
                if stored != journal:
                    found.append(Anomaly("balances_match_journal", f"{bank.bank_id} {a.id} "
                                         f"{name}: stored {stored}, journal {journal}"))
    return found


def acknowledged_payments_present(history: LedgerHistory, books: Books) -> list[Anomaly]:
    """Every payment a client was told about (201) is in its bank's books, for its consent."""
    found: list[Anomaly] = []
    for attempt in history.attempts:
        ack = attempt.acknowledged
        if ack is None:
            continue
        rows = [p for p in books[attempt.bank_id].payments if p.payment_id == ack.payment_id]
        if len(rows) != 1 or rows[0].consent_id != attempt.consent_id:
            found.append(Anomaly("acknowledged_payment_present",
                                 f"{attempt.idempotency_key}: {ack.payment_id} found "
                                 f"{len(rows)} time(s)"))
    return found


def idempotent_answers(history: LedgerHistory, books: Books) -> list[Anomaly]:
    """A key always gets the same answer, and never an error once its payment exists."""
    found: list[Anomaly] = []
    for attempt in history.attempts:
        answered = attempt.answers
        successes = {(a.payment_id, a.body_digest) for a in answered if a.status_code == 201}
        if len(successes) > 1:
            found.append(Anomaly("idempotent_answers", f"{attempt.idempotency_key}: "
                                 f"{len(successes)} different answers {sorted(successes)}"))
        executed = any(p.consent_id == attempt.consent_id
                       for p in books[attempt.bank_id].payments)
        errors = sorted({a.error_code or str(a.status_code) for a in answered
                         if a.status_code != 201})
        if executed and errors:
            found.append(Anomaly("idempotent_answers", f"{attempt.idempotency_key}: payment "
                                 f"executed but a retry was answered {errors}"))
    return found


def executed_once(history: LedgerHistory, books: Books) -> list[Anomaly]:
    """Each new debit of a customer belongs to exactly one OB payment, and each payment to one."""
    found: list[Anomaly] = []
    for bank_id, bank in books.items():
        customer = {a.id for a in bank.accounts if a.kind not in NO_LIMIT_KINDS}
        start = history.opening[bank_id].max_seq()
        debits = Counter(t.id for t in bank.transfers
                         if t.seq > start and t.kind in ("posted", "pending")
                         and t.debit_account_id in customer)
        refs = Counter(p.transfer_ref for p in bank.payments if p.transfer_ref)
        per_consent = Counter(p.consent_id for p in bank.payments)
        found += [Anomaly("executed_once", f"{bank_id}: debit {t} belongs to no payment")
                  for t in debits if refs[t] == 0]
        found += [Anomaly("executed_once", f"{bank_id}: transfer {t} used by {n} payments")
                  for t, n in refs.items() if n > 1]
        found += [Anomaly("executed_once", f"{bank_id}: consent {c} paid {n} times")
                  for c, n in per_consent.items() if n > 1]
    return found


def _transfer_state(bank: BankBooksSnapshot, transfer_id: str) -> str | None:
    row = next((t for t in bank.transfers if t.id == transfer_id), None)
    if row is None:
        return None
    return "posted" if row.kind == "posted" else row.state


def new_open_holds(history: LedgerHistory, bank: BankBooksSnapshot) -> list[TransferRow]:
    """Pending transfers the workload made that are neither posted nor voided (the seeded
    history has card authorisations that stay pending on purpose)."""
    start = history.opening[bank.bank_id].max_seq()
    return [t for t in bank.transfers
            if t.seq > start and t.kind == "pending" and t.state == "pending"]


def payments_final(history: LedgerHistory, books: Books) -> list[Anomaly]:
    """After recovery every payment is final and its status agrees with the ledger."""
    found: list[Anomaly] = []
    for bank in books.values():
        for p in bank.payments:
            state = _transfer_state(bank, p.transfer_ref) if p.transfer_ref else None
            expected = {"AcceptedSettlementCompleted": ("posted",),
                        "Rejected": (None, "voided", "expired")}.get(p.status)
            if expected is None or state not in expected:
                found.append(Anomaly("payment_final", f"{bank.bank_id} {p.payment_id}: "
                                     f"status {p.status}, ledger {state}"))
        found += [Anomaly("payment_final", f"{bank.bank_id} {t.id}: still pending")
                  for t in new_open_holds(history, bank)]
    found += [Anomaly("payment_final", f"{a.idempotency_key}: client sees {a.final_status}")
              for a in history.attempts
              if a.acknowledged and a.final_status not in FINAL_OB_STATUSES]
    return found


def scheme_agrees(scheme: Iterable[SchemePaymentRow], books: Books) -> list[Anomaly]:
    """Settled: one payee credit and a posted hold; voided: no credit, the hold released."""
    found: list[Anomaly] = []
    for s in scheme:
        payer, payee = books.get(s.payer_bank), books.get(s.payee_bank)
        if s.state not in FINAL_SCHEME_STATES or payer is None or payee is None:
            found.append(Anomaly("scheme_agrees", f"{s.payment_id}: state {s.state}"))
            continue
        credited = _transfer_state(payee, inbound_transfer_id(s.payment_id)) == "posted"
        hold = _transfer_state(payer, s.payer_transfer_id)
        if s.state == "settled" and credited and hold == "expired" and \
                _transfer_state(payer, f"{s.payer_transfer_id}:late") == "posted":
            # The designed late settlement (docs/scheme.md): money conserved through suspense,
            # but the payer was told Rejected while the payee was paid.
            found.append(Anomaly("late_settlement", f"{s.payment_id}: payer's hold lapsed "
                                 "before settlement; payee paid from the bank's suspense"))
        elif (s.state == "settled") != credited or (s.state == "settled") != (hold == "posted"):
            found.append(Anomaly("scheme_agrees", f"{s.payment_id} {s.state}: payee credited "
                                 f"{credited}, payer hold {hold}"))
    return found


CheckFn = Callable[[], list[Anomaly]]


def check_ledger(history: LedgerHistory, books: Books,
                 scheme: list[SchemePaymentRow]) -> tuple[list[str], list[Anomaly]]:
    """Run every check; returns the check names and all anomalies found."""
    checks: dict[str, CheckFn] = {
        "books_balance": lambda: books_balance(books),
        "money_conserved": lambda: money_conserved(history.opening, books),
        "within_limits": lambda: within_limits(books),
        "balances_match_journal": lambda: balances_match_journal(books),
        "acknowledged_payment_present": lambda: acknowledged_payments_present(history, books),
        "idempotent_answers": lambda: idempotent_answers(history, books),
        "executed_once": lambda: executed_once(history, books),
        "payment_final": lambda: payments_final(history, books),
        "scheme_agrees": lambda: scheme_agrees(scheme, books),
    }
    return list(checks), [anomaly for check in checks.values() for anomaly in check()]
