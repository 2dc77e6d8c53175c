"""“Ask Ana and Ben for £15 each” and “split £84 with the group”: several requests at once.

Asking several contacts posts one request in the user's direct chat with each of them. A split
runs in a group chat (“@assistant split £84 with the group”): the total is shared equally among
the group's people, the user included unless they say otherwise, and every other member gets
one request for their share in the group, each paid at their own bank. Only the person who
asked can answer the confirmation (the dialogue state is the conversation's).
"""

from __future__ import annotations

import re
from typing import Any

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import CONFIRMATION, Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.people import contacts_named_in
from chatbank.core.errors import ChatbankError
from chatbank.core.ids import new_id
from chatbank.core.money import Money, format_money
from chatbank.payments import PaymentsContext
from chatbank.payments.model import split_amounts

_NOT_ME = re.compile(r"\b(not me|without me|exclude me|excluding me|between them|among them)\b",
                     re.IGNORECASE)
_NOTE = re.compile(r"\bfor\s+(?!£|\d|each\b|the group\b|everyone\b)(.{1,60})$", re.IGNORECASE)


def pounds_said(turn: Turn) -> Money | None:
    """A positive GBP amount in this turn, if any."""
    found = turn.parse.slots.amount
    if not turn.text or found is None or found.currency != "GBP" or found.amount_minor <= 0:
        return None
    return found


def note_in(text: str) -> str:
    found = _NOTE.search(text)
    return found.group(1).strip(" .!?") if found else ""


def listed(names: list[str]) -> str:
    """"Ana", "Ana and Ben", "Ana, Ben and Cat"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def shares_of(slots: dict[str, Any]) -> list[Money]:
    """What each person is asked for: the amount each, or the total in equal shares (the
    user's own share first when they are in the split; it takes any odd penny)."""
    total = Money(int(slots["amount_minor"]), "GBP")
    people = len(slots["people"])
    if slots.get("each"):
        return [total] * people
    shares = split_amounts(total, people + (1 if slots.get("include_me") else 0))
    return shares[-people:]


def yes_no(card: ReplyCard) -> ReplyCard:
    return card.button("Yes", "yes", "primary").button("No", "no")


class AskSeveral:
    """One request to each of several contacts, each in the direct chat with them."""

    def __init__(self, payments: PaymentsContext) -> None:
        self.payments = payments

    def start(self, turn: Turn, form: Form, people: list[tuple[str, str]],
              amount: Money) -> Outcome:
        slots = {"people": [list(p) for p in people], "amount_minor": amount.amount_minor,
                 "each": turn.parse.slots.amount_per_person, "note": note_in(turn.text),
                 "ref": new_id("ast")}
        return Outcome.show(self._card(slots), Form(form.intent, slots, CONFIRMATION))

    def _card(self, slots: dict[str, Any]) -> ReplyCard:
        shares = shares_of(slots)
        names = [str(name) for _, name in slots["people"]]
        title = (f"Ask {listed(names)} for {format_money(shares[0])} each?"
                 if len(set(shares)) == 1 else f"Ask {listed(names)} for money?")
        card = ReplyCard(title, state="confirm", subtitle="Each request goes in your chat "
                         "with that person; they pay it at their own bank.")
        for name, share in zip(names, shares, strict=True):
            card.row(name, format_money(share))
        return yes_no(card)

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        slots = form.slots
        corrected = pounds_said(turn)
        if not confirmed:
            if corrected is not None:  # "no, £20 each": the form takes the new amount
                slots["amount_minor"] = corrected.amount_minor
            return Outcome.show(self._card(slots), form)
        people = [(str(i), str(n)) for i, n in slots["people"]]
        try:
            for index, ((person, _), share) in enumerate(zip(people, shares_of(slots),
                                                             strict=True)):
                chat_id = await self.payments.chat.direct_chat(turn.user_id, person)
                await self.payments.payments.do_request_money(
                    turn.user_id, chat_id, person, share.to_decimal_string(), "GBP",
                    str(slots["note"]), client_id=f"{slots['ref']}.{index}")
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't do that: {failure.message}")
        return Outcome.say(f"I asked {listed([n for _, n in people])} in your chats with them: "
                           + ", ".join(f"{name} {format_money(share)}" for (_, name), share
                                       in zip(people, shares_of(slots), strict=True)) + ".")


class SplitBill:
    """Split a bill equally in a group chat: one request per other member."""

    intents = frozenset({"split_bill"})

    def __init__(self, payments: PaymentsContext) -> None:
        self.payments = payments

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        slots = dict(form.slots)
        if slots.get("requester", turn.user_id) != turn.user_id:
            return Outcome(Outcome.say("Only the person who asked for this split can answer "
                                       "it.").replies, form)
        if confirmed:
            return await self._request(turn, slots)
        if "people" not in slots:
            others = await self._others(turn)
            if not others:
                return Outcome.say("Splitting works in a group chat: write “@assistant split "
                                   "£84 with the group” there and I'll ask everyone for their "
                                   "share.")
            slots |= {"requester": turn.user_id, "people": [list(p) for p in others],
                      "include_me": not _NOT_ME.search(turn.text), "note": note_in(turn.text),
                      "ref": new_id("ast")}
        money = pounds_said(turn)
        if money is not None:
            slots["amount_minor"] = money.amount_minor
        if "amount_minor" not in slots:
            return Outcome.show(ReplyCard("How much was the bill?",
                                          subtitle="Say the total, e.g. £84."),
                                Form(form.intent, slots, "amount"))
        try:
            shares = shares_of(slots)
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't do that: {failure.message}")
        return Outcome.show(self._card(slots, shares), Form(form.intent, slots, CONFIRMATION))

    async def _others(self, turn: Turn) -> list[tuple[str, str]]:
        """The other people in this chat, or only those the message names."""
        members = await self.payments.chat.active_members(turn.conversation_id)
        others = [m for m in members if m != turn.user_id]
        names = await self.payments.chat.display_names(others)
        people = [(m, names.get(m, "someone")) for m in others]
        return contacts_named_in(turn.text, people) or people

    def _card(self, slots: dict[str, Any], shares: list[Money]) -> ReplyCard:
        total = Money(int(slots["amount_minor"]), "GBP")
        count = len(slots["people"]) + (1 if slots["include_me"] else 0)
        card = ReplyCard(f"Split {format_money(total)} between {count} people?",
                         state="confirm", subtitle="Each person gets a request for their share "
                         "in this chat and pays it at their own bank.")
        if slots["include_me"]:
            mine = total.amount_minor - sum(share.amount_minor for share in shares)
            card.row("You", format_money(Money(mine, "GBP")))
        for (_, name), share in zip(slots["people"], shares, strict=True):
            card.row(str(name), format_money(share))
        return yes_no(card)

    async def _request(self, turn: Turn, slots: dict[str, Any]) -> Outcome:
        total = Money(int(slots["amount_minor"]), "GBP")
        try:
            made = await self.payments.payments.do_split(
                turn.user_id, turn.conversation_id, [str(p) for p, _ in slots["people"]],
                total.to_decimal_string(), "GBP", str(slots["note"]),
                include_requester=bool(slots["include_me"]), client_id=str(slots["ref"]))
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't do that: {failure.message}")
        names = dict((str(p), str(n)) for p, n in slots["people"])
        return Outcome.say(f"I asked {listed([names[p.payer_id] for p in made])} here for "
                           "their shares: " + ", ".join(
                               f"{names[p.payer_id]} {format_money(p.amount)}" for p in made)
                           + ". Each pays at their own bank.")
