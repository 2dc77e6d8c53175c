"""Which payment a standing order makes next: its date, amount and whether it is the last.
Pure Python over the order's schedule (OB Initiation fields) and its progress.

The first payment is `first_amount`; the second is on `recurring_payment_date` when the order
has one, otherwise on the frequency's next date; the schedule ends after `number_of_payments`
payments or at the last date on or before `final_payment_date`, and that last payment is
`final_amount` when given. Every other payment is the recurring `amount_minor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chatbank.bank.books.model import StandingOrder
from chatbank.core.frequency import Schedule, parse_frequency


@dataclass(frozen=True, slots=True)
class Occurrence:
    sequence: int  # 1 is the first payment
    payment_date: date
    amount_minor: int
    final: bool


def occurrence(order: StandingOrder, sequence: int, payment_date: date) -> Occurrence:
    """The `sequence`-th payment of `order`, due on `payment_date`."""
    schedule = parse_frequency(order.frequency)
    final = _is_final(order, sequence, payment_date, schedule)
    amount = order.amount_minor
    if sequence == 1 and order.first_amount_minor is not None:
        amount = order.first_amount_minor
    elif final and sequence > 1 and order.final_amount_minor is not None:
        amount = order.final_amount_minor
    return Occurrence(sequence, payment_date, amount, final)


def following(order: StandingOrder, current: Occurrence) -> Occurrence | None:
    """The payment after `current`, or None when `current` ends the schedule."""
    if current.final:
        return None
    when = parse_frequency(order.frequency).next_after(current.payment_date)
    if current.sequence == 1 and order.recurring_payment_date is not None:
        when = order.recurring_payment_date
    return occurrence(order, current.sequence + 1, when)


def upcoming(order: StandingOrder) -> Occurrence | None:
    """The order's next payment (none once it has ended or been cancelled)."""
    if order.status != "Active" or order.next_payment_date is None:
        return None
    return occurrence(order, order.payments_made + 1, order.next_payment_date)


def final_occurrence(order: StandingOrder) -> Occurrence | None:
    """The last payment of an active order that ends after NumberOfPayments (None when it is
    open-ended, ends only by date, or is over)."""
    current = upcoming(order)
    if current is None or order.number_of_payments is None:
        return None
    while (later := following(order, current)) is not None:
        current = later
    return current


def _is_final(order: StandingOrder, sequence: int, payment_date: date,
              schedule: Schedule) -> bool:
    if order.number_of_payments is not None and sequence >= order.number_of_payments:
        return True
    if order.final_payment_date is None:
        return False
    if sequence == 1 and order.recurring_payment_date is not None:
        return order.recurring_payment_date > order.final_payment_date
    return schedule.next_after(payment_date) > order.final_payment_date
