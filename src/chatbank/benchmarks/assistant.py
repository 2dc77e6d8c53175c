"""`chatbank bench assistant`: assistant turn latency end to end, next to the bank round trip.

A turn: the user's message in through the platform's HTTP API → the assistant's reply card out on
the user's WebSocket (`_assistant_chat`), banks on loopback. Three questions — a balance, a
transaction search, a spending summary — asked by a user with one linked bank; the balance
question again by users with two and three linked banks (Northbank, Eastbank, Westbank).

Baseline, same run: the bare AISP round trip to the bank for the same data — `GET
/accounts/{id}/balances`, and `/accounts/{id}/transactions` for the window the skill asks for
(every page), at Northbank, for the same customer, with a token of the bank's sandbox grant —
from the same process with the same HTTP client.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from chatbank.assistant.nlu.encoder_fetch import DEFAULT_ENCODER_DIR, encoder_is_present
from chatbank.assistant.skills.periods import Window
from chatbank.benchmarks._assistant_chat import AssistantChat, open_assistant_chat
from chatbank.benchmarks._headless import TIMEOUT_S, PlatformUser, aisp_grant, link_bank
from chatbank.benchmarks._progress import Bars
from chatbank.benchmarks._stack import DemoStack
from chatbank.benchmarks._stats import latency_summary, ratio

AISP = "/open-banking/v3.1/aisp"
PURPOSES = ("answer_account_questions", "spending_insights")
LINKS = (("northbank", "alice"), ("eastbank", "alice"), ("westbank", "carol"))
QUESTIONS = {
    "balance": "how much money do I have?",
    "transaction_search": "show my Tesco transactions",
    "spending": "how much did I spend on groceries last month?",
}
BASELINE_FOR = {"balance": "bank_balances", "transaction_search": "bank_transactions_30_days",
                "spending": "bank_transactions_last_month"}
ENCODER_MISSING = (f"skipped: no NLU encoder in {DEFAULT_ENCODER_DIR}; "
                   "run `chatbank nlu fetch-encoder` (part of `make run`'s setup) first")


@dataclass(frozen=True, slots=True)
class AssistantConfig:
    turns: int = 30  # per question, and per number of linked banks
    linked_banks: tuple[int, ...] = (1, 2, 3)

    @classmethod
    def quick(cls) -> AssistantConfig:
        return cls(turns=2)


async def _timed(stack: DemoStack, turns: int, advance: Callable[[], None],
                 once: Callable[[], Awaitable[float]]) -> dict[str, Any]:
    samples = []
    cpu0 = stack.cpu_seconds()
    for _ in range(turns):
        samples.append(await once())
        advance()
    cpu = stack.cpu_seconds() - cpu0
    return {**latency_summary(samples), "stack_cpu_ms_per_call": round(1000 * cpu / turns, 3)}


async def _ask(stack: DemoStack, chat: AssistantChat, question: str, turns: int,
               bars: Bars, label: str) -> dict[str, Any]:
    advance = bars.task(f"assistant: {label}", turns)
    titles: set[str] = set()

    async def once() -> float:
        seconds, reply = await chat.turn(question)
        titles.add(str(((reply.get("card") or {}).get("payload") or {}).get("title")))
        return seconds

    result = await _timed(stack, turns, advance, once)
    return {**result, "question": question, "reply_titles": sorted(titles)}


def _windows(today: date) -> dict[str, dict[str, str]]:
    """The transaction windows the skills ask the bank for: the last 30 days (a search without
    a period) and last month (the spending question)."""
    last_month_end = today.replace(day=1) - timedelta(days=1)
    windows = {"bank_transactions_30_days": (today - timedelta(days=29), today),
               "bank_transactions_last_month": (last_month_end.replace(day=1), last_month_end)}
    return {name: Window(start, end).bank_params() for name, (start, end) in windows.items()}


async def _get_all_pages(http: httpx.AsyncClient, path: str, params: dict[str, str]) -> None:
    response = await http.get(path, params=params)
    while True:
        response.raise_for_status()
        next_url = (response.json().get("Links") or {}).get("Next")
        if not next_url:
            return
        response = await http.get(next_url)


async def _bank_round_trips(stack: DemoStack, turns: int, bars: Bars) -> dict[str, Any]:
    """The same reads the skills make, straight to the bank (every page of the window)."""
    grant = await aisp_grant(stack, "northbank", "alice")
    account = grant.account_ids[0]
    reads: dict[str, tuple[str, dict[str, str]]] = {
        "bank_balances": (f"/accounts/{account}/balances", {})}
    reads |= {name: (f"/accounts/{account}/transactions", params)
              for name, params in _windows(datetime.now(UTC).date()).items()}
    results = {}
    async with httpx.AsyncClient(base_url=grant.bank_url + AISP, timeout=TIMEOUT_S, headers={
            "Authorization": f"Bearer {grant.access_token}"}) as http:
        for name, (path, params) in reads.items():
            advance = bars.task(f"assistant baseline: {name.replace('_', ' ')}", turns)

            async def once(path: str = path, params: dict[str, str] = params) -> float:
                started = time.perf_counter()
                await _get_all_pages(http, path, params)
                return time.perf_counter() - started

            results[name] = {**await _timed(stack, turns, advance, once), "path": path,
                             "params": params}
    return results


async def _user_with_banks(stack: DemoStack, count: int) -> AssistantChat:
    user = await PlatformUser.sign_up(stack.platform_url, f"Asker {count}")
    for bank, login in LINKS[:count]:
        await link_bank(user, bank, login, PURPOSES)
    chat = await open_assistant_chat(user)
    await chat.turn("hi")  # the first turn of the process loads the NLU model
    return chat


async def measure(stack: DemoStack, config: AssistantConfig, bars: Bars) -> dict[str, Any]:
    """Turn latencies per question and per number of linked banks; bank round trips."""
    if not encoder_is_present():
        return {"benchmark": "assistant", "skipped": ENCODER_MISSING}
    chats = {n: await _user_with_banks(stack, n) for n in config.linked_banks}
    try:
        first = chats[min(chats)]
        turns = {name: await _ask(stack, first, text, config.turns, bars, name.replace("_", " "))
                 for name, text in QUESTIONS.items()}
        by_banks = {str(n): await _ask(stack, chat, QUESTIONS["balance"], config.turns, bars,
                                       f"balance, {n} linked bank(s)")
                    for n, chat in chats.items()}
    finally:
        for chat in chats.values():
            await chat.close()
            await chat.user.close()
    bank = await _bank_round_trips(stack, config.turns, bars)
    one = by_banks[str(min(chats))]["p50_ms"]
    return {"benchmark": "assistant", "config": asdict(config), "turns": turns,
            "baseline_for": BASELINE_FOR,
            "balance_by_linked_banks": by_banks, "bank": bank,
            "ratios": {
                **{f"{name}_turn_vs_{BASELINE_FOR[name]}_p50": ratio(
                    turns[name]["p50_ms"], bank[BASELINE_FOR[name]]["p50_ms"]) for name in turns},
                **{f"balance_{n}_banks_vs_1_bank_p50": ratio(row["p50_ms"], one)
                   for n, row in by_banks.items()}}}
