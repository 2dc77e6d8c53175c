"""Eighteen months of one customer's banking, planned deterministically from a random generator.

Pure: the plan names ledger accounts and amounts; the seeder posts it through the ledger, which
rejects anything that would break a limit (the plan is generous with income so that is rare).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from chatbank.bank.books.system_accounts import TransferCode
from chatbank.bank.seeding.catalogue import DIRECT_DEBITS, HABITS, SUBSCRIPTIONS, Merchant

HISTORY_MONTHS = 18


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    """Who the customer is, financially, and which ledger accounts and cards they hold."""

    login: str
    display_name: str
    employer: str
    salary_minor: int
    landlord: str
    rent_minor: int
    savings_monthly_minor: int
    current_ledger_id: str
    savings_ledger_id: str
    credit_ledger_id: str | None
    debit_card_id: str
    credit_card_id: str | None
    outside_ledger_id: str  # the bank's settlement account: the world outside the bank
    interbank_ledger_id: str
    friends: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    booking_at: datetime
    debit_ledger_id: str
    credit_ledger_id: str
    amount_minor: int
    code: TransferCode
    description: str
    bank_transaction_code: str
    debtor_name: str | None = None
    creditor_name: str | None = None
    merchant_name: str | None = None
    merchant_category_code: str | None = None
    reference: str | None = None
    card_id: str | None = None
    pending: bool = False


def history_start(today: date) -> date:
    """The first day of the month `HISTORY_MONTHS` months before `today`'s month."""
    month_index = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return date(month_index // 12, month_index % 12 + 1, 1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def plan_history(plan: CustomerPlan, today: date, rng: random.Random) -> list[PlannedEntry]:
    """Every entry from the history start to `today`, in booking order."""
    start = history_start(today)
    entries = [_opening_deposits(plan, start, rng)]
    entries.extend(_opening_savings(plan, start, rng))
    day = start
    while day < today:
        entries.extend(_monthly_events(plan, day, rng))
        entries.extend(_card_spending(plan, day, rng))
        entries.extend(_occasional_events(plan, day, rng))
        day += timedelta(days=1)
    entries.sort(key=lambda e: e.booking_at)
    entries = _settle_card_repayments(entries, plan.credit_ledger_id)
    return entries + _pending_card_payments(plan, today, rng)


def _settle_card_repayments(
    entries: list[PlannedEntry], credit_ledger_id: str | None
) -> list[PlannedEntry]:
    """Each monthly repayment clears what the credit card owes at that moment."""
    if credit_ledger_id is None:
        return entries
    settled: list[PlannedEntry] = []
    owed = 0
    for entry in entries:
        if entry.debit_ledger_id == credit_ledger_id:
            owed += entry.amount_minor
        elif entry.code == TransferCode.CARD_REPAYMENT:
            if owed > 0:
                settled.append(replace(entry, amount_minor=owed))
            owed = 0
            continue
        settled.append(entry)
    return settled


def _opening_deposits(plan: CustomerPlan, start: date, rng: random.Random) -> PlannedEntry:
    return PlannedEntry(
        at(start, 9), plan.outside_ledger_id, plan.current_ledger_id,
        rng.randrange(80_000, 200_000, 100), TransferCode.OPENING_DEPOSIT,
        "Opening deposit", "Deposit", debtor_name=plan.display_name)


def _opening_savings(plan: CustomerPlan, start: date, rng: random.Random) -> list[PlannedEntry]:
    return [PlannedEntry(
        at(start, 9, 5), plan.outside_ledger_id, plan.savings_ledger_id,
        rng.randrange(200_000, 1_200_000, 1000), TransferCode.OPENING_DEPOSIT,
        "Opening deposit", "Deposit", debtor_name=plan.display_name)]


def _monthly_events(plan: CustomerPlan, day: date, rng: random.Random) -> list[PlannedEntry]:
    entries: list[PlannedEntry] = []
    if day.day == 1:
        entries.append(PlannedEntry(
            at(day, 6), plan.current_ledger_id, plan.interbank_ledger_id, plan.rent_minor,
            TransferCode.STANDING_ORDER, f"{plan.landlord} RENT", "StandingOrder",
            creditor_name=plan.landlord, reference="RENT"))
    if day.day == 25:
        bonus_pct = 10 if day.month == 12 else 0
        entries.append(PlannedEntry(
            at(day, 4), plan.interbank_ledger_id, plan.current_ledger_id,
            plan.salary_minor * (100 + bonus_pct) // 100, TransferCode.SALARY,
            f"{plan.employer} SALARY", "FasterPaymentIn", debtor_name=plan.employer,
            reference="SALARY"))
    if day.day == 28:
        entries.append(PlannedEntry(
            at(day, 7), plan.current_ledger_id, plan.savings_ledger_id,
            plan.savings_monthly_minor, TransferCode.INTERNAL_TRANSFER, "To Savings",
            "StandingOrder", creditor_name=plan.display_name, reference="SAVINGS"))
    if day.day == 30 or (day.month == 2 and day.day == 28):
        entries.append(PlannedEntry(
            at(day, 23, 50), plan.outside_ledger_id, plan.savings_ledger_id,
            rng.randrange(300, 2500), TransferCode.INTEREST, "Interest paid", "Interest"))
    for originator, dd_day, low, high in DIRECT_DEBITS:
        if day.day == dd_day:
            entries.append(PlannedEntry(
                at(day, 5), plan.current_ledger_id, plan.outside_ledger_id,
                low if low == high else rng.randint(low, high), TransferCode.DIRECT_DEBIT,
                f"{originator} DD", "DirectDebit", creditor_name=originator,
                merchant_name=originator))
    for merchant, sub_day in SUBSCRIPTIONS:
        if day.day == sub_day:
            entries.append(_card_entry(plan, merchant, at(day, 3), merchant.low_minor))
    if plan.credit_ledger_id is not None and day.day == 5:
        entries.append(_credit_card_repayment(plan, day))
    return entries


def _credit_card_repayment(plan: CustomerPlan, day: date) -> PlannedEntry:
    # The amount is filled in by `_settle_card_repayments` once all spending is planned.
    assert plan.credit_ledger_id is not None
    return PlannedEntry(
        at(day, 6), plan.current_ledger_id, plan.credit_ledger_id, 0,
        TransferCode.CARD_REPAYMENT, "Credit card repayment", "DirectDebit",
        creditor_name="Credit card", reference="CARD REPAYMENT")


def _card_spending(plan: CustomerPlan, day: date, rng: random.Random) -> list[PlannedEntry]:
    entries: list[PlannedEntry] = []
    weekday = day.weekday() < 5
    for habit in HABITS:
        if habit.weekdays_only and not weekday:
            continue
        per_day = habit.per_week / (5 if habit.weekdays_only else 7)
        count = int(per_day) + (1 if rng.random() < per_day % 1 else 0)
        for _ in range(count):
            merchant = rng.choice(habit.merchants)
            moment = at(day, rng.randint(*habit.hours) % 24, rng.randrange(60))
            amount = rng.randint(merchant.low_minor, merchant.high_minor)
            entries.append(_card_entry(plan, merchant, moment, amount, rng))
    return entries


def _card_entry(plan: CustomerPlan, merchant: Merchant, moment: datetime, amount_minor: int,
                rng: random.Random | None = None, pending: bool = False) -> PlannedEntry:
    on_credit = (plan.credit_ledger_id is not None and rng is not None
                 and rng.random() < 0.3)
    account = plan.credit_ledger_id if on_credit and plan.credit_ledger_id else (
        plan.current_ledger_id)
    return PlannedEntry(
        moment, account, plan.outside_ledger_id, amount_minor, TransferCode.CARD_PAYMENT,
        merchant.name.upper(), "CardPayment", creditor_name=merchant.name,
        merchant_name=merchant.name, merchant_category_code=merchant.mcc,
        card_id=plan.credit_card_id if on_credit else plan.debit_card_id, pending=pending)


def _occasional_events(plan: CustomerPlan, day: date, rng: random.Random) -> list[PlannedEntry]:
    entries: list[PlannedEntry] = []
    if rng.random() < 0.06:  # about twice a month: pay a friend back
        friend = rng.choice(plan.friends)
        entries.append(PlannedEntry(
            at(day, rng.randint(10, 22)), plan.current_ledger_id, plan.interbank_ledger_id,
            rng.randrange(500, 6000, 50), TransferCode.FASTER_PAYMENT_OUT, f"To {friend}",
            "FasterPayment", creditor_name=friend, reference=rng.choice(
                ("dinner", "tickets", "drinks", "thanks!", "cinema", "taxi"))))
    if rng.random() < 0.04:  # a friend pays back
        friend = rng.choice(plan.friends)
        entries.append(PlannedEntry(
            at(day, rng.randint(10, 22)), plan.interbank_ledger_id, plan.current_ledger_id,
            rng.randrange(500, 5000, 50), TransferCode.FASTER_PAYMENT_IN, f"From {friend}",
            "FasterPaymentIn", debtor_name=friend, reference="splitting the bill"))
    if rng.random() < 0.02:  # a refund of an online order
        entries.append(PlannedEntry(
            at(day, rng.randint(8, 20)), plan.outside_ledger_id, plan.current_ledger_id,
            rng.randint(700, 6500), TransferCode.REFUND, "AMAZON.CO.UK REFUND", "CardRefund",
            debtor_name="Amazon.co.uk", merchant_name="Amazon.co.uk",
            merchant_category_code="5999", card_id=plan.debit_card_id))
    return entries


def _pending_card_payments(plan: CustomerPlan, today: date,
                           rng: random.Random) -> list[PlannedEntry]:
    """Two card authorisations from today that have not been presented yet."""
    habits = [h for h in HABITS if h.group in ("coffee", "groceries")]
    return [
        _card_entry(plan, rng.choice(h.merchants), at(today, 0, 5 + i),
                    rng.randint(h.merchants[0].low_minor, h.merchants[0].high_minor),
                    pending=True)
        for i, h in enumerate(habits)
    ]
