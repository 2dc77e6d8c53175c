"""“Show my Tesco transactions last month” — search by merchant, category, amount and period.

Only the asked window is fetched from the bank (`fromBookingDateTime`/`toBookingDateTime`). The
merchant is matched, fuzzily, against the merchants seen in that window; two close matches
("Amazon") are offered as a choice. The answer stays open for a follow-up ("no, I meant last
week", "what about Sainsbury's?").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.conversation import SmallTalk, help_card
from chatbank.assistant.skills.periods import Window, last_days, wider
from chatbank.assistant.skills.queries import (
    MERCHANT,
    REFINE,
    Query,
    change_in,
    is_fresh_question,
    merchants_seen,
    pick_option,
    refined,
    refines,
    with_merchant,
)
from chatbank.assistant.skills.sources import note_failures, refusal_card, source_line
from chatbank.assistant.skills.support import SupportAnswers, support_answers
from chatbank.connect.gateway import DataGateway, GatewayResult
from chatbank.connect.views import TransactionView, transactions_of
from chatbank.core.errors import ChatbankError
from chatbank.core.money import Money, format_money
from chatbank.privacy.purposes import DataClass, Purpose

INTENT = "search_transactions"
MAX_ROWS = 20


async def read_transactions(gateway: DataGateway, turn: Turn, purpose: Purpose,
                            window: Window) -> tuple[GatewayResult, list[TransactionView]]:
    """The window's transactions from every linked bank, newest first (raises refusals)."""
    result = await gateway.read(turn.user_id, purpose, DataClass.TRANSACTIONS,
                                turn.text or "follow-up question", params=window.bank_params())
    found = [t for answer in result.answers for t in transactions_of(answer)
             if window.start <= t.booked_at.date() <= window.end]
    return result, sorted(found, key=lambda t: t.booked_at, reverse=True)


async def pass_on(turn: Turn) -> Outcome:
    """A short message that does not refine the last answer: answer it on its own."""
    form = Form(turn.parse.intent)
    if turn.parse.intent in SmallTalk.intents:
        return await SmallTalk().run(turn, form, False)
    if turn.parse.intent in support_answers():
        return await SupportAnswers().run(turn, form, False)
    return Outcome.show(help_card("Could you ask that as a full question?",
                                 "For example:"))


def unanswered_card(result: GatewayResult, turn: Turn) -> ReplyCard | None:
    """When no bank answered at all: say which and why, instead of an empty answer."""
    if result.answers:
        return None
    card = ReplyCard("Your bank couldn't answer", subtitle="Nothing was read, so I can't say "
                     "anything about your money right now.", state="warning")
    note_failures(card, result)
    names = ", ".join(dict.fromkeys(name for name, _error in result.failures)) or "your banks"
    card.source = f"Source: {names} (no answer), as of {turn.now:%H:%M} UTC"
    if any(error.code == "bank_access_revoked" for _name, error in result.failures):
        card.subtitle = "Your bank stopped chatbank's access. Link it again to continue."
        card.button("Link a bank", "link my bank", "primary")
    else:
        card.button("Try again", turn.text or "show my transactions")
    return card


def sum_by_currency(amounts: Iterable[Money]) -> list[Money]:
    """Exact sums, one per currency, in order of first appearance."""
    sums: dict[str, Money] = {}
    for money in amounts:
        sums[money.currency] = sums.get(money.currency, Money(0, money.currency)) + money
    return list(sums.values())


def signed(money: Money) -> str:
    return ("+" if money.amount_minor > 0 else "") + format_money(money)


class SearchTransactions:
    intents = frozenset({INTENT})

    def __init__(self, gateway: DataGateway) -> None:
        self.gateway = gateway

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if form.awaiting == REFINE and is_fresh_question(turn, INTENT):
            form = Form(INTENT)
        query = Query.from_form(form) if form.awaiting in (REFINE, MERCHANT) else Query()
        if form.awaiting is not None and not turn.text:
            # Resumed after another question: re-ask a pending choice, drop a finished answer.
            return self._choose(query) if form.awaiting == MERCHANT else Outcome()
        if form.awaiting == MERCHANT:
            picked = pick_option(query, turn.text)
            return self._choose(query) if picked is None else await self._answer(turn, picked)
        change = change_in(turn)
        if form.awaiting == REFINE and not refines(turn, change, INTENT):
            return await pass_on(turn)
        query = refined(query, change)
        return await self._answer(turn, query, change.merchant_words)

    async def _answer(self, turn: Turn, query: Query, merchant_words: str | None = None
                      ) -> Outcome:
        window = query.window or last_days(turn.today)
        query = replace(query, window=window)
        try:
            result, found = await read_transactions(self.gateway, turn,
                                                    Purpose.ANSWER_ACCOUNT_QUESTIONS, window)
        except ChatbankError as refused:
            return Outcome.show(refusal_card(refused))
        if (failed := unanswered_card(result, turn)) is not None:
            return Outcome.show(failed)
        query = with_merchant(query, merchant_words, merchants_seen(found))
        if query.options:
            return self._choose(query)
        shown = [t for t in found if query.keeps(t) and query.at_merchant(t)]
        card = results_card(query, window, shown) if shown else empty_card(query, window, turn)
        card.source = source_line(result, turn.now)
        note_failures(card, result)
        return Outcome.show(card, query.form(INTENT, REFINE))

    def _choose(self, query: Query) -> Outcome:
        card = ReplyCard("Which one did you mean?",
                         subtitle="I found more than one merchant with that name.")
        for name in query.options:
            card.button(name, name)
        card.button("All of them", "all of them")
        return Outcome.show(card, query.form(INTENT, MERCHANT))


def describe(query: Query) -> str:
    """"at Tesco", "on groceries over £50"."""
    parts = []
    if query.merchants:
        parts.append("at " + " and ".join(query.merchants))
    elif query.unknown_merchant:
        parts.append(f"at “{query.unknown_merchant.title()}”")
    if query.category:
        parts.append("on " + query.category.replace("_", " "))
    for bound, word in (("min_minor", "over"), ("max_minor", "under"), ("exact_minor", "of")):
        value = getattr(query, bound)
        if value is not None:
            parts.append(f"{word} {format_money(Money(value, 'GBP'))}")
    return " ".join(parts)


def results_card(query: Query, window: Window, shown: list[TransactionView]) -> ReplyCard:
    what = describe(query)
    title = f"Transactions {what}" if what else "Your transactions"
    more = f" (newest {MAX_ROWS} shown)" if len(shown) > MAX_ROWS else ""
    count = f"{len(shown)} transaction" + ("" if len(shown) == 1 else "s")
    card = ReplyCard(title[:120], subtitle=f"{count}, {window.describe()}{more}")
    for t in shown[:MAX_ROWS]:
        card.row(f"{t.booked_at:%d %b} · {t.merchant or t.description}", signed(t.amount),
                 t.account.label + (" · pending" if t.status == "Pending" else ""))
    card.row("Total", ", ".join(signed(m) for m in sum_by_currency(t.amount for t in shown)))
    return card


def empty_card(query: Query, window: Window, turn: Turn) -> ReplyCard:
    what = describe(query) or "at all"
    card = ReplyCard("No transactions found", state="info",
                     subtitle=f"Nothing {what} in {window.describe()}. Try a longer "
                              "period?")
    longer = wider(window, turn.today)
    card.button("Look further back", f"since {longer.start.day} {longer.start:%B %Y}",
                "primary")
    return card
