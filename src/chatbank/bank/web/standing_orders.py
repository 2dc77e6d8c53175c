"""The customer's standing orders as the dashboard shows them: what, to whom, how often, the
next payment, and the latest payments (a failed one says why it was not paid)."""

from __future__ import annotations

from dataclasses import dataclass

from chatbank.bank.books import StandingOrder
from chatbank.bank.books.model import StandingOrderPayment
from chatbank.bank.books.standing_orders import FAILED
from chatbank.bank.books.standing_plan import upcoming
from chatbank.bank.openbanking.runtime import BankRuntime
from chatbank.core.money import Money

STATUS_OF = {"standing_order_not_found": 404, "standing_order_not_active": 409}
RECENT = 5


@dataclass(frozen=True)
class StandingOrderRow:
    order: StandingOrder
    amount: str  # the next payment's (or the usual one's), e.g. "£20.00"
    next_payment: str | None
    payments: list[str]  # newest first, e.g. "2 December 2026: not paid (insufficient_funds …)"
    cancellable: bool


def money(amount_minor: int, currency: str) -> str:
    text = Money(amount_minor, currency).to_decimal_string()
    return f"£{text}" if currency == "GBP" else f"{text} {currency}"


def payment_line(payment: StandingOrderPayment) -> str:
    when = payment.payment_date.strftime("%-d %B %Y")
    amount = money(payment.amount_minor, payment.currency)
    if payment.status == FAILED:
        return f"{when}: {amount} not paid ({payment.reason})"
    return f"{when}: {amount} {payment.status.lower()}"


async def standing_order_rows(bank: BankRuntime, customer_id: str) -> list[StandingOrderRow]:
    """The customer's standing orders with their next and latest payments."""
    book = bank.scheduled.standing.book
    orders = await book.of_customer(customer_id)
    history = await book.history([order.id for order in orders])
    rows = []
    for order in orders:
        following = upcoming(order)
        mine = [payment_line(p) for p in reversed(history) if p.order_id == order.id]
        rows.append(StandingOrderRow(
            order=order,
            amount=money(following.amount_minor if following else order.amount_minor,
                         order.currency),
            next_payment=following.payment_date.strftime("%-d %B %Y") if following else None,
            payments=mine[:RECENT], cancellable=order.status == "Active"))
    return rows
