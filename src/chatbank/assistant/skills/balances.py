"""“How much do I have?” — balances across every linked bank."""

from __future__ import annotations

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.sources import note_failures, refusal_card, source_line
from chatbank.connect.gateway import DataGateway
from chatbank.connect.views import BalanceView, balances_of
from chatbank.core.errors import ChatbankError
from chatbank.core.money import Money, format_money
from chatbank.privacy.purposes import DataClass, Purpose

SUBTYPES = {"savings": "Savings", "current": "CurrentAccount", "credit_card": "CreditCard"}


class Balances:
    intents = frozenset({"check_balance"})

    def __init__(self, gateway: DataGateway) -> None:
        self.gateway = gateway

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        try:
            result = await self.gateway.read(turn.user_id, Purpose.ANSWER_ACCOUNT_QUESTIONS,
                                             DataClass.BALANCES, turn.text)
        except ChatbankError as refused:
            return Outcome.show(refusal_card(refused))
        views = [v for answer in result.answers for v in balances_of(answer)]
        wanted = SUBTYPES.get(turn.parse.slots.account or "")
        if wanted:
            views = [v for v in views if v.account.subtype == wanted] or views
        card = ReplyCard("Your balances" if len(views) != 1 else "Your balance")
        for view in views:
            card.row(view.account.label, _shown(view), _detail(view))
        totals = _totals(views)
        if len(views) > 1 and totals:
            card.subtitle = "Available in total: " + ", ".join(format_money(t) for t in totals)
        card.source = source_line(result, turn.now)
        note_failures(card, result)
        return Outcome.show(card)


def _shown(view: BalanceView) -> str:
    money = view.available or view.booked
    return format_money(money) if money else "unknown"


def _detail(view: BalanceView) -> str | None:
    if view.booked is not None and view.available is not None and view.booked != view.available:
        return f"booked {format_money(view.booked)}"
    return None


def _totals(views: list[BalanceView]) -> list[Money]:
    totals: dict[str, Money] = {}
    for view in views:
        if view.available is None or view.account.subtype == "CreditCard":
            continue
        money = view.available
        totals[money.currency] = totals[money.currency] + money if money.currency in totals \
            else money
    return list(totals.values())
