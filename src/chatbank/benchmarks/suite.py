"""`chatbank bench all`: every workload with its baseline, sized to finish in minutes on 2 cores.

chat (platform vs bare websockets), ledger (`bench_ledger`: posted transfers vs raw INSERT),
payments and assistant (one shared stack: platform, three sandbox banks, the scheme), nlu.
A part that fails is reported with its error and the others still run.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbank.bank.bench_api import bench_bank_api
from chatbank.bank.bench_ledger import bench_ledger
from chatbank.benchmarks import assistant, nlu, payments
from chatbank.benchmarks._config import ChatBenchConfig
from chatbank.benchmarks._progress import Bars
from chatbank.benchmarks._report import build_report
from chatbank.benchmarks._stack import demo_stack
from chatbank.benchmarks._summary import (
    Row,
    assistant_rows,
    chat_rows,
    ledger_rows,
    nlu_rows,
    payments_rows,
)
from chatbank.benchmarks.chat import measure as measure_chat

PARTS = ("chat", "ledger", "payments", "assistant", "nlu")


@dataclass(frozen=True, slots=True)
class SuiteConfig:
    chat: ChatBenchConfig
    ledger_seconds: float
    payments: payments.PaymentsConfig
    assistant: assistant.AssistantConfig
    nlu: nlu.NluConfig
    ledger_api_requests: int = 0  # >0: also `bench ledger`'s API part (a bank process over HTTP)

    @classmethod
    def standard(cls) -> SuiteConfig:
        """Sizes for `bench all`: a few minutes in all on a 2-core machine."""
        chat = ChatBenchConfig(pairs=10, group_sizes=(10, 50), members_per_size=50,
                               duration_s=2.0, latency_rate_per_s=200.0,
                               latency_duration_s=3.0, idle_users=20, idle_sockets_per_user=50)
        return cls(chat, 6.0, payments.PaymentsConfig(payments_per_kind=16, concurrency=2,
                                                      ledger_seconds=2.0),
                   assistant.AssistantConfig(turns=15), nlu.NluConfig(utterances=200),
                   ledger_api_requests=50)

    @classmethod
    def quick(cls) -> SuiteConfig:
        return cls(ChatBenchConfig.quick(), 1.2, payments.PaymentsConfig.quick(),
                   assistant.AssistantConfig.quick(), nlu.NluConfig.quick())


def _chat(config: SuiteConfig, bars: Bars) -> dict[str, Any]:
    results = measure_chat(config.chat, ("chatbank", "raw"), progress=bars.note)
    return build_report(config.chat, results)


def _ledger(config: SuiteConfig, bars: Bars) -> dict[str, Any]:
    """`bench_ledger`, and (as `chatbank bench ledger` does) the bank's API over HTTP."""
    bars.note("ledger: bench_ledger on SQLite")
    with tempfile.TemporaryDirectory(prefix="chatbank-bench-ledger-") as data_dir:
        report = asyncio.run(bench_ledger(Path(data_dir), config.ledger_seconds))
        if config.ledger_api_requests:
            bars.note("ledger: payments through the books and AISP latency over HTTP")
            report["api"] = _guarded(lambda: asyncio.run(bench_bank_api(
                Path(data_dir), config.ledger_seconds / 7 * 2, config.ledger_api_requests)))
    return report


def _on_the_stack(config: SuiteConfig, bars: Bars) -> dict[str, dict[str, Any]]:
    bars.note("starting the platform, three sandbox banks and the scheme…")
    with demo_stack() as stack:
        return {"payments": _guarded(lambda: asyncio.run(
                    payments.measure(stack, config.payments, bars))),
                "assistant": _guarded(lambda: asyncio.run(
                    assistant.measure(stack, config.assistant, bars)))}


def _guarded(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return work()
    except Exception as error:  # one part failing must not hide the others
        return {"error": f"{type(error).__name__}: {error}"}


def run_all(config: SuiteConfig, bars: Bars) -> dict[str, Any]:
    """{chat, ledger, payments, assistant, nlu, seconds_total}; a failed part holds `error`."""
    started = time.perf_counter()
    report: dict[str, Any] = {
        "chat": _guarded(lambda: _chat(config, bars)),
        "ledger": _guarded(lambda: _ledger(config, bars)),
    }
    stacked = _guarded(lambda: _on_the_stack(config, bars))
    for part in ("payments", "assistant"):
        report[part] = stacked.get(part, stacked)
    report["nlu"] = _guarded(lambda: nlu.measure(config.nlu, bars))
    report["seconds_total"] = round(time.perf_counter() - started, 1)
    return report


ROWS: dict[str, Callable[[dict[str, Any]], Iterator[Row]]] = {
    "chat": chat_rows, "ledger": ledger_rows, "payments": payments_rows,
    "assistant": assistant_rows, "nlu": nlu_rows}


def sections(report: dict[str, Any]) -> dict[str, list[Row]]:
    """One table section per part; a failed part shows its error."""
    out = {}
    for part in PARTS:
        result = report[part]
        out[part] = ([("error", result["error"], "", "")] if "error" in result
                     else list(ROWS[part](result)))
    return out
