"""“Move £50 to my savings” / “pay my landlord £900”: transfers to the user's own accounts and to
payees saved at their bank.

The form fills where to and how much (asking with buttons when unsure), checks the money is
there, shows a confirmation card, and only after a yes creates the payment, which the user then
authorises at their bank (PISP consent + SCA), exactly like a payment to a contact.
"""

from __future__ import annotations

from typing import Any

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import CONFIRMATION, Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.destinations import (
    Destination,
    Holdings,
    destination_in,
    holdings_of,
    named_payee,
)
from chatbank.assistant.skills.payments import AMOUNT_ERRORS, PayContact
from chatbank.assistant.skills.people import contact_named_in
from chatbank.assistant.skills.sources import refusal_card
from chatbank.assistant.skills.transactions import unanswered_card
from chatbank.connect.gateway import DataGateway
from chatbank.connect.pisp import Creditor
from chatbank.core.errors import ChatbankError
from chatbank.core.ids import new_id
from chatbank.core.money import Money, format_money
from chatbank.payments import PaymentsContext

OPTIONS = "options"  # replies offered as buttons: always read as the answer, never a new question


def amount_said(turn: Turn) -> Money | None:
    """A positive GBP amount in this turn (a resumed form's empty turn says none)."""
    found = turn.parse.slots.amount
    if not turn.text or found is None or found.currency != "GBP" or found.amount_minor <= 0:
        return None
    return found


class TransferExecution:
    """The money-moving half shared by transfers and credit card payments."""

    def __init__(self, gateway: DataGateway, payments: PaymentsContext) -> None:
        self.gateway, self.payments = gateway, payments

    async def holdings(self, turn: Turn) -> Holdings | Outcome:
        try:
            held = await holdings_of(self.gateway, turn.user_id, turn.text or "transfer")
        except ChatbankError as refused:
            return Outcome.show(refusal_card(refused))
        if not held.accounts and held.failures:
            shown = unanswered_card(held.failures[0], turn)
            assert shown is not None
            return Outcome.show(shown)
        return held

    def confirm(self, form: Form, held: Holdings | None = None) -> Outcome:
        """The confirmation card (after a funds check when balances are at hand)."""
        to = Destination.from_json(form.slots["to"])
        money = Money(int(form.slots["amount_minor"]), "GBP")
        if held is not None:
            fundable = held.fundable_minor(to.bank_id, excluding=to.account_id)
            if fundable < money.amount_minor:
                return Outcome.show(ReplyCard(
                    "Not enough money for that", state="warning",
                    subtitle=f"None of your {to.bank_name} accounts has {format_money(money)} "
                             f"available; the most is {format_money(Money(fundable, 'GBP'))}. "
                             "Try a smaller amount.").button("Cancel", "cancel"),
                    Form(form.intent, {k: v for k, v in form.slots.items()
                                       if k != "amount_minor"}, "amount"))
        card = ReplyCard(f"Send {format_money(money)} to {to.name}?", state="confirm",
                         subtitle=f"You pick the account it comes from and approve it at "
                                  f"{to.bank_name} next; nothing moves before that.")
        card.row("To", to.label).row("Amount", format_money(money))
        card.button("Yes", "yes", "primary").button("No", "no")
        return Outcome.show(card, Form(form.intent, form.slots, CONFIRMATION))

    async def execute(self, turn: Turn, form: Form) -> Outcome:
        to = Destination.from_json(form.slots["to"])
        money = Money(int(form.slots["amount_minor"]), "GBP")
        note = str(form.slots.get("note") or f"To {to.name}")[:35]
        try:
            payment = await self.payments.payments.do_create_bank_transfer(
                turn.user_id, turn.conversation_id,
                Creditor(to.sort_code, to.account_number, to.name), to.bank_id,
                money.to_decimal_string(), "GBP", note, client_id=form.slots["ref"])
            url = await self.payments.execution.do_authorise(turn.user_id, payment.id,
                                                             to.bank_id)
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't do that: {failure.message}")
        card = ReplyCard(f"Approve {format_money(money)} to {to.name} at {to.bank_name}",
                         state="confirm", subtitle="Your bank shows the amount and where it "
                         "goes; you approve it there. The payment card here follows it.")
        return Outcome.show(card.link(f"Approve at {to.bank_name}", url))


def ask_where(form: Form, held: Holdings, title: str) -> Outcome:
    card = ReplyCard(title, subtitle="Your accounts and the payees saved at your bank:")
    options = []
    for destination in (held.accounts + held.payees)[:6]:
        card.button(destination.name, destination.name)
        options.append(destination.name)
    return Outcome.show(card, Form(form.intent, form.slots | {OPTIONS: options}, "to"))


class BankTransfer:
    """Transfers to own accounts and saved payees; a contact named goes to `PayContact`.

    It also takes `pay_contact`, so "pay Priya £10" reaches Priya saved as a payee at the bank
    when she is not a contact on chatbank.
    """

    intents = frozenset({"transfer_money", "pay_bill", "pay_contact"})

    def __init__(self, execution: TransferExecution, contacts: PayContact) -> None:
        self.execution, self.contacts = execution, contacts

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if "payee_id" in form.slots:  # a payment to a contact, prepared by `PayContact`
            return await self.contacts.run(turn, form, confirmed)
        if confirmed:
            return await self.execution.execute(turn, form)
        if turn.parse.slots.amount_error and turn.text:
            return Outcome.say(AMOUNT_ERRORS.get(turn.parse.slots.amount_error,
                                                 "I couldn't read that amount."))
        if not form.slots and turn.text and form.intent != "pay_bill" and \
                contact_named_in(turn.text, await self.contacts.chat.contacts_of(turn.user_id)):
            return await self.contacts.run(turn, Form("pay_contact"), False)
        slots: dict[str, Any] = {k: v for k, v in form.slots.items() if k != OPTIONS}
        slots.setdefault("ref", new_id("ast"))
        money = amount_said(turn)
        if money is not None:
            slots["amount_minor"] = money.amount_minor
        form = Form(form.intent, slots, form.awaiting)
        held = await self.execution.holdings(turn)
        if isinstance(held, Outcome):
            return held
        if "to" not in slots:
            found = destination_in(turn.text, turn.parse.slots.account if turn.text else None,
                                   held)
            if found is None:
                unknown = named_payee(turn.text) if form.awaiting != "to" else None
                title = (f"I can't find {unknown} in your contacts, accounts or saved payees"
                         if unknown else "Where should the money go?")
                return ask_where(form, held, title)
            slots["to"] = found.to_json()
        if "amount_minor" not in slots:
            to = Destination.from_json(slots["to"])
            return Outcome.show(ReplyCard(f"How much should go to {to.name}?",
                                          subtitle="Say an amount, e.g. £25."),
                                Form(form.intent, slots, "amount"))
        return self.execution.confirm(form, held)
