"""“How much did I spend on groceries last month?” / “Where does my money go?”

Money going out in the period, grouped by spending category (MCC groups of the NLU's category
table), as rows and a bar chart. Read for `spending_insights` when the user granted it, else for
`answer_account_questions`. Payments without a merchant (rent, transfers to people or between
the user's own accounts, card repayments) are shown apart and not counted as spending.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.nlu.slots.hints import CATEGORIES
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.periods import Window, last_days
from chatbank.assistant.skills.queries import (
    REFINE,
    Query,
    change_in,
    is_fresh_question,
    merchants_seen,
    refined,
    refines,
    with_merchant,
)
from chatbank.assistant.skills.sources import note_failures, refusal_card, source_line
from chatbank.assistant.skills.transactions import (
    pass_on,
    read_transactions,
    sum_by_currency,
    unanswered_card,
)
from chatbank.connect.gateway import DataGateway, GatewayResult
from chatbank.connect.views import TransactionView
from chatbank.core.errors import ChatbankError
from chatbank.core.money import Money, currency_exponent, format_money
from chatbank.privacy.purposes import Purpose

INTENT = "spending_summary"
BILLS = "Bills and direct debits"
OTHER_SHOPS = "Other shops"
MAX_BARS = 10
_BY_MCC = {mcc: name for name, (codes, _phrases) in CATEGORIES.items() for mcc in codes}


def category_of(t: TransactionView) -> str | None:
    """The spending group of a payment out; None when it is not spending (no merchant)."""
    if t.mcc is not None:
        name = _BY_MCC.get(t.mcc)
        return name.replace("_", " ").capitalize() if name else OTHER_SHOPS
    return BILLS if t.merchant else None


def grouped(items: list[TransactionView], key: str) -> list[tuple[str, Money]]:
    """Sum of money out per category (or per merchant), largest first."""
    sums: dict[tuple[str, str], Money] = {}
    for t in items:
        name = (t.merchant or t.description) if key == "merchant" else category_of(t)
        if name is None:
            continue
        spent = -t.amount
        sums[(name, spent.currency)] = sums.get((name, spent.currency),
                                                Money(0, spent.currency)) + spent
    return sorted(((name, money) for (name, _c), money in sums.items()),
                  key=lambda pair: -pair[1].amount_minor)


def chart_of(groups: list[tuple[str, Money]]) -> dict[str, Any]:
    """Bars as data: label, value in major units, and the exact display string."""
    bars = [{"label": name[:40], "value": money.amount_minor / 10 ** currency_exponent(
        money.currency), "display": format_money(money)} for name, money in groups[:MAX_BARS]]
    unit = groups[0][1].currency if groups else "GBP"
    return {"unit": unit, "bars": bars}


class SpendingSummary:
    intents = frozenset({INTENT})

    def __init__(self, gateway: DataGateway) -> None:
        self.gateway = gateway

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        fresh = form.awaiting == REFINE and is_fresh_question(turn, INTENT)
        query = Query.from_form(form) if form.awaiting == REFINE and not fresh else Query()
        if form.awaiting is not None and not turn.text:
            return Outcome()
        change = change_in(turn)
        if form.awaiting == REFINE and not fresh and not refines(turn, change, INTENT):
            return await pass_on(turn)
        query = refined(query, change)
        window = query.window or last_days(turn.today)
        query = replace(query, window=window)
        try:
            result, found = await self._read(turn, window)
        except ChatbankError as refused:
            return Outcome.show(refusal_card(refused))
        if (failed := unanswered_card(result, turn)) is not None:
            return Outcome.show(failed)
        query = with_merchant(query, change.merchant_words, merchants_seen(found))
        out = [t for t in found if t.amount.amount_minor < 0 and query.keeps(t)
               and (not (query.merchants or query.unknown_merchant) or query.at_merchant(t))]
        card = summary_card(query, window, out)
        card.source = source_line(result, turn.now)
        note_failures(card, result)
        return Outcome.show(card, query.form(INTENT, REFINE))

    async def _read(self, turn: Turn, window: Window
                    ) -> tuple[GatewayResult, list[TransactionView]]:
        """Insights when granted; otherwise the account-questions purpose."""
        try:
            return await read_transactions(self.gateway, turn, Purpose.SPENDING_INSIGHTS, window)
        except ChatbankError as refused:
            if refused.code != "purpose_not_granted":
                raise
        return await read_transactions(self.gateway, turn, Purpose.ANSWER_ACCOUNT_QUESTIONS,
                                       window)


def summary_card(query: Query, window: Window, out: list[TransactionView]) -> ReplyCard:
    narrowed = query.category or query.merchants or query.unknown_merchant
    groups = grouped(out, "merchant" if narrowed else "category")
    spent = [money for _name, money in groups]
    total = _sum(spent)
    what = (query.category or "").replace("_", " ") or " and ".join(query.merchants) or (
        (query.unknown_merchant or "").title())
    title = f"Spent on {what}" if query.category else (f"Spent at {what}" if what
                                                        else "Where your money went")
    card = ReplyCard(f"{title}: {total}", subtitle=window.describe())
    if not groups:
        card.subtitle = f"No spending {window.describe()}. Try a longer period?"
        return card
    card.chart = chart_of(groups)
    for name, money in groups[:12]:
        card.row(name, format_money(money))
    if not narrowed:
        apart = [-t.amount for t in out if category_of(t) is None]
        if apart:
            card.row("Not counted", _sum(apart),
                     "Rent, transfers to people and between your accounts, card repayments")
    return card


def _sum(amounts: list[Money]) -> str:
    sums = sum_by_currency(amounts) or [Money(0, "GBP")]
    return ", ".join(format_money(m) for m in sums)
