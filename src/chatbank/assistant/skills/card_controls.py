"""“Freeze my card” / “unfreeze it” / “I lost my card”: card controls at the user's bank.

Nothing changes without an explicit yes to a confirmation card naming the card; reporting a
card lost or stolen says plainly that it cannot be undone. The change itself goes through
connect's gateway (purpose `card_controls`, audited) to the bank's card-controls extension.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import CONFIRMATION, Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.sources import NO_LINK_CODES, refusal_card
from chatbank.assistant.skills.support import SupportAnswers
from chatbank.assistant.skills.transactions import unanswered_card
from chatbank.connect.gateway import CardAction, DataGateway
from chatbank.core.errors import ChatbankError
from chatbank.privacy.purposes import DataClass, Purpose

RELINK_CODES = {"purpose_not_granted", "permission_not_granted"}
# Which cards each action can apply to (a lost or stolen card is blocked for good).
APPLIES_TO = {CardAction.FREEZE: {"Active"}, CardAction.UNFREEZE: {"Frozen"},
              CardAction.REPORT_LOST: {"Active", "Frozen"},
              CardAction.REPORT_STOLEN: {"Active", "Frozen"}}
DONE = {CardAction.FREEZE: "is frozen", CardAction.UNFREEZE: "works again",
        CardAction.REPORT_LOST: "is blocked (reported lost)",
        CardAction.REPORT_STOLEN: "is blocked (reported stolen)"}
NONE_LEFT = {CardAction.FREEZE: "All your cards are frozen or blocked already.",
             CardAction.UNFREEZE: "None of your cards is frozen.",
             CardAction.REPORT_LOST: "All your cards are blocked already.",
             CardAction.REPORT_STOLEN: "All your cards are blocked already."}


@dataclass(frozen=True, slots=True)
class BankCard:
    bank_id: str
    bank_name: str
    card: dict[str, Any]

    @property
    def label(self) -> str:
        kind = str(self.card.get("CardType", "")).lower()
        return f"{self.card.get('CardScheme', 'Card')} {kind} ••{self.card['Last4']}"

    @property
    def reply(self) -> str:
        """A button's reply: two words, so it always reads as the answer to “which card?”."""
        return f"{str(self.card.get('CardType', 'card')).lower()} {self.card['Last4']}"


def action_for(intent: str, text: str) -> CardAction:
    if intent == "unfreeze_card":
        return CardAction.UNFREEZE
    if intent == "freeze_card":
        return CardAction.FREEZE
    return CardAction.REPORT_STOLEN if re.search(r"\bstol", text, re.I) else CardAction.REPORT_LOST


def card_named_in(text: str, cards: list[BankCard]) -> BankCard | None:
    """The one card the text points at by its last four digits or by debit/credit."""
    digits = re.findall(r"\b(\d{4})\b", text)
    by_digits = [c for c in cards if c.card["Last4"] in digits]
    if len(by_digits) == 1:
        return by_digits[0]
    for kind in ("debit", "credit"):
        if re.search(rf"\b{kind}\b", text, re.I):
            typed = [c for c in cards if str(c.card.get("CardType", "")).lower() == kind]
            if len(typed) == 1:
                return typed[0]
    return None


class CardControls:
    intents = frozenset({"freeze_card", "unfreeze_card", "lost_or_stolen_card"})

    def __init__(self, gateway: DataGateway) -> None:
        self.gateway = gateway

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        action = CardAction(form.slots.get("action") or action_for(form.intent, turn.text))
        if "card_id" in form.slots:
            if confirmed:
                return await self._change(turn, form, action)
            return Outcome.show(confirm_card(action, form.slots["label"],
                                             form.slots["bank_name"]), form)
        try:
            result = await self.gateway.read(turn.user_id, Purpose.CARD_CONTROLS,
                                             DataClass.CARDS, turn.text or form.intent)
        except ChatbankError as refused:
            if refused.code in RELINK_CODES:
                return Outcome.show(relink_card())
            if form.intent == "lost_or_stolen_card" and refused.code in NO_LINK_CODES:
                return await SupportAnswers().run(turn, form, False)  # what to do right now
            return Outcome.show(refusal_card(refused))
        unanswered = unanswered_card(result, turn)
        if unanswered is not None:
            return Outcome.show(unanswered)
        cards = [BankCard(a.bank_id, a.bank_name, c) for a in result.answers
                 for records in a.data.values() for c in records
                 if c.get("Status") in APPLIES_TO[action]]
        cards.sort(key=lambda c: (c.bank_name, c.card.get("CardType") != "Debit"))
        if not cards:
            return Outcome.say(NONE_LEFT[action])
        chosen = card_named_in(turn.text, cards) or (cards[0] if len(cards) == 1 else None)
        if chosen is None:
            card = ReplyCard("Which card?", subtitle="Tap the card you mean.")
            for option in cards:
                card.button(option.label, option.reply)
            return Outcome.show(card, Form(form.intent, {"action": action.value}, "card"))
        slots = {"action": action.value, "card_id": chosen.card["CardId"],
                 "bank_id": chosen.bank_id, "bank_name": chosen.bank_name,
                 "label": chosen.label}
        return Outcome.show(confirm_card(action, chosen.label, chosen.bank_name),
                            Form(form.intent, slots, CONFIRMATION))

    async def _change(self, turn: Turn, form: Form, action: CardAction) -> Outcome:
        slots = form.slots
        try:
            await self.gateway.change_card(turn.user_id, slots["bank_id"], slots["card_id"],
                                           action, f"{action.value} {slots['label']}")
        except ChatbankError as failure:
            if failure.code in RELINK_CODES:
                return Outcome.show(relink_card())
            return Outcome.say(f"Nothing was changed: {failure.message}")
        card = ReplyCard(f"Your {slots['label']} {DONE[action]}", state="success",
                         source=f"Source: {slots['bank_name']}, as of {turn.now:%H:%M} UTC")
        if action is CardAction.FREEZE:
            card.subtitle = "Payments and withdrawals with it are declined until you unfreeze it."
            card.button("Unfreeze it", "unfreeze my card")
        elif action in (CardAction.REPORT_LOST, CardAction.REPORT_STOLEN):
            card.subtitle = (f"Order a replacement from {slots['bank_name']}; if you see "
                             "payments you don't recognise, tell them too.")
        return Outcome.show(card)


def confirm_card(action: CardAction, label: str, bank_name: str) -> ReplyCard:
    if action is CardAction.FREEZE:
        card = ReplyCard(f"Freeze your {label}?", state="confirm",
                         subtitle="Payments and withdrawals with it are declined until you "
                                  "unfreeze it. You can unfreeze it any time.")
        return card.button("Yes, freeze it", "yes", "primary").button("No", "no")
    if action is CardAction.UNFREEZE:
        card = ReplyCard(f"Unfreeze your {label}?", state="confirm",
                         subtitle="It works again straight away.")
        return card.button("Yes, unfreeze it", "yes", "primary").button("No", "no")
    how = "stolen" if action is CardAction.REPORT_STOLEN else "lost"
    card = ReplyCard(f"Block your {label} for good?", state="confirm",
                     subtitle=f"Reporting it {how} can't be undone: the card stops working "
                              f"for ever and you order a new one from {bank_name}. If it may "
                              "turn up, freeze it instead.")
    return card.button(f"Yes, report it {how}", "yes", "danger").button("No", "no")


def relink_card() -> ReplyCard:
    """The link predates card controls (or they were not allowed): say how to turn them on."""
    card = ReplyCard("Re-link to allow card controls", state="warning",
                     subtitle="Your bank link doesn't allow chatbank to freeze or unfreeze "
                              "cards. Link your bank again and allow card controls there; "
                              "you confirm it at your bank.")
    return card.button("Link my bank again", "link my bank", "primary")
