"""“Pay my credit card”: the minimum, the statement balance, or an amount the user names.

The balance owed is the card account's booked balance at the bank. The sandbox banks publish no
minimum payment (UK OB has no field for it), so the assistant uses the common UK rule: 3% of
the balance, at least £5, never more than the balance.
"""

from __future__ import annotations

import re

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.destinations import Destination
from chatbank.assistant.skills.transfers import OPTIONS, TransferExecution, amount_said
from chatbank.core.ids import new_id
from chatbank.core.money import Money, format_money

MINIMUM_FLOOR_MINOR = 500
MINIMUM_PERCENT = 3
_MINIMUM = re.compile(r"\bmin(imum)?\b", re.IGNORECASE)
_STATEMENT = re.compile(r"\b(statement|full|whole|everything|all of it|in full|off)\b",
                        re.IGNORECASE)
_OTHER = re.compile(r"\b(other|custom|different)\b", re.IGNORECASE)


def minimum_payment_minor(owed_minor: int) -> int:
    """3% of what is owed (rounded up), at least £5, at most what is owed."""
    return min(owed_minor, max(MINIMUM_FLOOR_MINOR, -(-owed_minor * MINIMUM_PERCENT // 100)))


class PayCreditCard:
    intents = frozenset({"pay_credit_card"})

    def __init__(self, execution: TransferExecution) -> None:
        self.execution = execution

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if confirmed:
            return await self.execution.execute(turn, form)
        held = await self.execution.holdings(turn)
        if isinstance(held, Outcome):
            return held
        cards = [a for a in held.accounts if a.subtype == "CreditCard"]
        if not cards:
            return Outcome.say("You have no credit card account at your linked banks, so there "
                               "is nothing to pay.")
        card = cards[0]
        owed = -(card.booked_minor or 0)
        if owed <= 0:
            return Outcome.say(f"Nothing to pay: your {card.name} owes nothing right now.")
        slots = {k: v for k, v in form.slots.items() if k != OPTIONS}
        slots.setdefault("ref", new_id("ast"))
        slots |= {"to": card.to_json(), "note": "Credit card payment"}
        chosen = self._amount(turn, owed)
        if chosen is None:
            return ask_how_much(form, card, owed, slots,
                                asked_other=bool(turn.text and _OTHER.search(turn.text)))
        if chosen > owed:
            return Outcome.say(f"That's more than you owe ({format_money(Money(owed, 'GBP'))})."
                               " Say the statement balance or a smaller amount.")
        slots["amount_minor"] = chosen
        return self.execution.confirm(Form(form.intent, slots, None), held)

    def _amount(self, turn: Turn, owed: int) -> int | None:
        said = amount_said(turn)
        if said is not None:
            return said.amount_minor
        if turn.text and _MINIMUM.search(turn.text):
            return minimum_payment_minor(owed)
        if turn.text and _STATEMENT.search(turn.text) and not _OTHER.search(turn.text):
            return owed
        return None


def ask_how_much(form: Form, card: Destination, owed: int, slots: dict[str, object],
                 asked_other: bool) -> Outcome:
    minimum = Money(minimum_payment_minor(owed), "GBP")
    statement = Money(owed, "GBP")
    if asked_other:
        shown = ReplyCard("How much should I pay off?",
                          subtitle=f"Say an amount up to {format_money(statement)}, e.g. £50.")
        return Outcome.show(shown, Form(form.intent, dict(slots), "amount"))
    shown = ReplyCard(f"How much of your {card.name} should I pay?",
                      subtitle=f"Balance owed at {card.bank_name}: {format_money(statement)}.")
    shown.row("Minimum payment", format_money(minimum)).row("Statement balance",
                                                           format_money(statement))
    shown.button(f"Minimum {format_money(minimum)}", "minimum", "primary")
    shown.button(f"Statement {format_money(statement)}", "statement", "primary")
    shown.button("Other amount", "other amount")
    options = ["minimum", "statement", "other amount"]
    return Outcome.show(shown, Form(form.intent, dict(slots) | {OPTIONS: options}, "amount"))
