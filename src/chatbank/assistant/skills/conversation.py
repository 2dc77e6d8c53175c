"""Greeting, help and the fallback when a message is not understood."""

from __future__ import annotations

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn

EXAMPLES = (("Balances", "how much money do I have?"),
            ("Recent spending", "what did I spend on groceries last month?"),
            ("Find a payment", "show my Tesco transactions"),
            ("Move money", "move money to my savings"),
            ("Freeze a card", "freeze my card"),
            ("Link a bank", "link my bank"))


def help_card(title: str, subtitle: str) -> ReplyCard:
    card = ReplyCard(title, subtitle=subtitle)
    for label, example in EXAMPLES:
        card.button(label, example)
    return card


class SmallTalk:
    intents = frozenset({"greet", "help", "out_of_scope", "affirm", "deny"})

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if turn.parse.intent == "greet":
            return Outcome.show(help_card(
                "Hi! I'm your banking assistant",
                "I answer from your linked banks, say where each answer came from, and never "
                "move money without your yes and your bank's own approval."))
        if turn.parse.intent == "help":
            return Outcome.show(help_card(
                "Here's what I can do", "Balances, transactions, spending summaries, upcoming "
                "payments, transfers, card freeze and your bank links."))
        if turn.parse.intent in ("affirm", "deny"):
            return Outcome.say("There's nothing waiting for a yes or no right now.")
        return Outcome.show(help_card(
            "Sorry, I didn't get that", "Could you say it another way? These are things I can "
            "help with:"))
