"""“Send Bob £20 for pizza” / “ask Bob for £12”: a payment card in the chat with that person.

Money never moves from here: the assistant confirms the payee and the amount, posts the payment
(or the request) in the user's direct chat with the contact, and hands over the link to the
payer's own bank, where they authorise it with SCA.
"""

from __future__ import annotations

import re

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import CONFIRMATION, Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.people import contact_named_in, contacts_named_in
from chatbank.assistant.skills.shares import AskSeveral
from chatbank.core.errors import ChatbankError
from chatbank.core.ids import new_id
from chatbank.core.money import Money, format_money
from chatbank.payments import PaymentsContext
from chatbank.payments.adapters.chat import MessengerChat

_NOTE = re.compile(r"\bfor\s+(?!£|\d)(.{1,60})$", re.IGNORECASE)
AMOUNT_ERRORS = {"too_many_decimals": "Pounds have at most two decimals, e.g. £12.50.",
                 "amount_too_large": "That is more than one payment may be."}


class PayContact:
    """Pay a contact, or ask a contact for money, through a card in the chat with them."""

    # "pay Sam £20" / "transfer £20 to Sam" come here from `BankTransfer` when Sam is a contact.
    intents = frozenset({"request_money"})

    def __init__(self, payments: PaymentsContext, chat: MessengerChat) -> None:
        self.payments, self.chat = payments, chat
        self.several = AskSeveral(payments)

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if "people" in form.slots:  # "ask Ana and Ben for £15 each"
            return await self.several.run(turn, form, confirmed)
        if "payee_id" not in form.slots:
            return await self._understand(turn, form)
        slots = form.slots
        corrected = turn.parse.slots.amount
        if (not confirmed and turn.text and corrected is not None and corrected.currency == "GBP"
                and corrected.amount_minor > 0):  # "no, £30": the form takes the new amount
            slots["amount_minor"] = corrected.amount_minor
        verb = "ask" if form.intent == "request_money" else "send"
        money = Money(int(slots["amount_minor"]), "GBP")
        if not confirmed:
            return Outcome.show(_confirm_card(verb, money, slots["name"]), form)
        try:
            chat_id = await self.chat.direct_chat(turn.user_id, slots["payee_id"])
            if verb == "ask":
                await self.payments.payments.do_request_money(
                    turn.user_id, chat_id, slots["payee_id"], money.to_decimal_string(), "GBP",
                    slots["note"], client_id=slots["ref"])
                return Outcome.say(f"I asked {slots['name']} for {format_money(money)} in your "
                                   "chat with them.")
            payment = await self.payments.payments.do_create_payment(
                turn.user_id, chat_id, slots["payee_id"], money.to_decimal_string(), "GBP",
                slots["note"], client_id=slots["ref"])
            url = await self.payments.execution.do_authorise(turn.user_id, payment.id)
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't do that: {failure.message}")
        card = ReplyCard(f"Approve {format_money(money)} to {slots['name']}", state="confirm",
                         subtitle="Your bank shows the amount and the payee; you approve it "
                                  "there. The card in your chat follows the payment.")
        return Outcome.show(card.link("Approve at your bank", url))

    async def _understand(self, turn: Turn, form: Form) -> Outcome:
        found = turn.parse.slots
        if found.amount_error:
            return Outcome.say(AMOUNT_ERRORS.get(found.amount_error,
                                                 "I couldn't read that amount."))
        contacts = await self.chat.contacts_of(turn.user_id)
        person = contact_named_in(turn.text, contacts)
        if person is None:
            return Outcome.say("Who is it for? I can pay people in your contacts; or use the "
                               "pay button in your chat with them.")
        if found.amount is None or found.amount.currency != "GBP" or found.amount.amount_minor <= 0:
            return Outcome.say(f"How much? Say e.g. “send {person[1].split()[0]} £12.50”.")
        people = contacts_named_in(turn.text, contacts)
        if form.intent == "request_money" and len(people) > 1:
            return self.several.start(turn, form, people, found.amount)
        note = _NOTE.search(turn.text)
        slots = {"payee_id": person[0], "name": person[1],
                 "amount_minor": found.amount.amount_minor,
                 "note": note.group(1).strip(" .!?") if note else "", "ref": new_id("ast")}
        verb = "ask" if form.intent == "request_money" else "send"
        return Outcome.show(_confirm_card(verb, found.amount, person[1]),
                            Form(form.intent, slots, CONFIRMATION))


def _confirm_card(verb: str, money: Money, name: str) -> ReplyCard:
    title = (f"Ask {name} for {format_money(money)}?" if verb == "ask"
             else f"Send {format_money(money)} to {name}?")
    card = ReplyCard(title, state="confirm",
                     subtitle="It goes in your chat with them." if verb == "ask" else
                     "You approve it at your own bank next; nothing moves before that.")
    return card.button("Yes", "yes", "primary").button("No", "no")
