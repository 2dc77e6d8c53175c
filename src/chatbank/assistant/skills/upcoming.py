"""“What payments are coming up?” — standing orders, scheduled payments and direct debits due.

Standing orders and scheduled payments carry their next date at the bank; a standing order's
later dates in the window follow from its OB Frequency code. A direct debit mandate
only says when it was last collected, so its next collection is estimated a month later and
shown as expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.periods import Window, ahead
from chatbank.assistant.skills.sources import note_failures, refusal_card, source_line
from chatbank.assistant.skills.transactions import sum_by_currency, unanswered_card
from chatbank.connect.gateway import DataGateway, GatewayResult
from chatbank.connect.views import accounts_of
from chatbank.core.errors import ChatbankError
from chatbank.core.frequency import FrequencyError, Schedule, parse_frequency
from chatbank.core.money import Money, format_money
from chatbank.privacy.purposes import DataClass, Purpose

KINDS = (DataClass.STANDING_ORDERS, DataClass.SCHEDULED_PAYMENTS, DataClass.DIRECT_DEBITS)


@dataclass(frozen=True, slots=True)
class Upcoming:
    due: date
    payee: str
    amount: Money
    kind: str
    account: str


def _day(text: Any) -> date | None:
    return datetime.fromisoformat(str(text)).date() if text else None


def _money(amount: Any) -> Money | None:
    if not amount:
        return None
    return Money.from_decimal_string(str(amount["Amount"]), str(amount["Currency"]))


def _creditor(record: dict[str, Any]) -> str:
    return str((record.get("CreditorAccount") or {}).get("Name") or record.get("Name")
               or record.get("Reference") or "Payee")


def frequency_words(code: str) -> str:
    """OB frequency codes in words ("IntrvlMnthDay:01:28" → " · monthly")."""
    kind, _, rest = code.partition(":")
    every = int(rest.split(":")[0]) if kind.startswith("Intrvl") and rest else 1
    if kind in ("IntrvlWkDay", "IntrvlMnthDay", "IntrvlDay"):
        unit = {"IntrvlWkDay": "week", "IntrvlMnthDay": "month", "IntrvlDay": "day"}[kind]
        named = {("week", 1): "weekly", ("week", 2): "fortnightly", ("month", 1): "monthly",
                 ("month", 3): "quarterly", ("month", 12): "yearly"}
        return f" · {named.get((unit, every), f'every {every} {unit}s')}"
    words = {"EvryDay": "daily", "EvryWorkgDay": "every working day", "QtrDay": "quarterly",
             "WkInMnthDay": "monthly"}
    return f" · {words[kind]}" if kind in words else ""


def standing_order_dates(record: dict[str, Any], window: Window) -> list[tuple[date, Money]]:
    """Every payment of an active standing order due in `window`: its next payment, then the
    Frequency's later dates (at the same amount; the final payment at its own), up to the
    final date. The bank lists only the next one."""
    first, amount = _day(record.get("NextPaymentDateTime")), _money(record.get("NextPaymentAmount"))
    if record.get("StandingOrderStatusCode", "Active") != "Active" or not first or not amount:
        return []
    final, final_amount = (_day(record.get("FinalPaymentDateTime")),
                           _money(record.get("FinalPaymentAmount")))
    try:
        schedule: Schedule | None = parse_frequency(str(record.get("Frequency", "")))
    except FrequencyError:
        schedule = None  # NotKnown: only the date the bank gave
    dates, day = [], first
    while day <= window.end and (final is None or day <= final):
        if day >= window.start:
            dates.append((day, final_amount if day == final and final_amount else amount))
        if schedule is None or day == final:
            break
        day = schedule.next_after(day)
    return dates


def month_after(day: date) -> date:
    index = day.year * 12 + day.month
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def upcoming_of(data_class: DataClass, record: dict[str, Any], account: str,
                window: Window) -> list[Upcoming]:
    """One record's payments due in `window` (a standing order may have several)."""
    if data_class is DataClass.STANDING_ORDERS:
        kind = f"Standing order{frequency_words(str(record.get('Frequency', '')))}"
        return [Upcoming(due, _creditor(record), -money, kind, account)
                for due, money in standing_order_dates(record, window)]
    if data_class is DataClass.SCHEDULED_PAYMENTS:
        due, money, kind = (_day(record.get("ScheduledPaymentDateTime")),
                            _money(record.get("InstructedAmount")), "Scheduled payment")
    else:
        if record.get("DirectDebitStatusCode", "Active") != "Active":
            return []
        last = _day(record.get("PreviousPaymentDateTime"))
        due, money = (month_after(last) if last else None,
                      _money(record.get("PreviousPaymentAmount")))
        kind = "Direct debit · expected, same as last time" if money else "Direct debit"
    if due is None or money is None or not window.start <= due <= window.end:
        return []
    return [Upcoming(due, _creditor(record), -money, kind, account)]


class UpcomingPayments:
    intents = frozenset({"upcoming_payments"})

    def __init__(self, gateway: DataGateway) -> None:
        self.gateway = gateway

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        window = ahead(turn.today)
        results: list[GatewayResult] = []
        try:
            for data_class in KINDS:
                results.append(await self.gateway.read(
                    turn.user_id, Purpose.ANSWER_ACCOUNT_QUESTIONS, data_class, turn.text))
        except ChatbankError as refused:
            return Outcome.show(refusal_card(refused))
        due: list[Upcoming] = []
        for data_class, result in zip(KINDS, results, strict=True):
            for answer in result.answers:
                labels = {a.account_id: a.label for a in accounts_of(answer)}
                for account_id, records in answer.data.items():
                    label = labels.get(account_id, answer.bank_name)
                    due += [u for r in records for u in upcoming_of(data_class, r, label,
                                                                     window)]
        due.sort(key=lambda u: (u.due, u.payee))
        result = merged(results)
        failed = unanswered_card(result, turn)
        return Outcome.show(failed or upcoming_card(due, window, result, turn))


def merged(results: list[GatewayResult]) -> GatewayResult:
    """Several reads as one: every answer, each failing bank once."""
    failures = {name: error for r in results for name, error in r.failures}
    return GatewayResult([a for r in results for a in r.answers], list(failures.items()))


def upcoming_card(due: list[Upcoming], window: Window, result: GatewayResult,
                  turn: Turn) -> ReplyCard:
    card = ReplyCard("Coming up in the next 30 days" if due else "Nothing due in the next "
                     "30 days", subtitle=window.describe())
    for item in due:
        card.row(f"{item.due:%a %d %b} · {item.payee}", format_money(item.amount),
                 f"{item.kind} · {item.account}")
    if due:
        card.row("Total", ", ".join(format_money(m) for m in sum_by_currency(
            item.amount for item in due)))
    card.source = source_line(result, turn.now)
    note_failures(card, result)
    return card
