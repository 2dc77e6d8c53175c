"""`chatbank bench payments | assistant | nlu | all`: run, show one table, optionally JSON.

With `--json` the table and the progress bars go to stderr and stdout holds exactly one JSON
document. `chatbank/cli/bench.py` registers these functions as commands.
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import typer
from rich.console import Console

from chatbank.benchmarks import assistant as assistant_bench
from chatbank.benchmarks import nlu as nlu_bench
from chatbank.benchmarks import payments as payments_bench
from chatbank.benchmarks import suite
from chatbank.benchmarks._progress import Bars, bars_on
from chatbank.benchmarks._stack import DemoStack, demo_stack
from chatbank.benchmarks._summary import Row, assistant_rows, nlu_rows, payments_rows, render

JSON_OPTION = typer.Option(False, "--json", help="Also print one JSON document on stdout.")
QUICK_OPTION = typer.Option(False, "--quick", help="Tiny sizes: a smoke run, not figures.")
LOADED_NOTE = ("Figures depend on what else runs on the machine: read CPU per operation and "
               "the ratios (baseline measured in the same run) before absolute rates.")


def finite(value: Any) -> Any:
    """JSON has no NaN: figures that could not be measured become null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def run_and_show(title: str, baseline: str, as_json: bool,
                 work: Callable[[Bars], dict[str, Any]],
                 rows: Callable[[dict[str, Any]], Iterator[Row]]) -> dict[str, Any]:
    console = Console(stderr=as_json)
    try:
        with bars_on(console) as bars:
            report = work(bars)
    except (RuntimeError, OSError) as error:
        console.print(f"[red]benchmark failed:[/red] {error}")
        raise typer.Exit(1) from error
    render(title, baseline, {title: list(rows(report))}, console)
    console.print(LOADED_NOTE, style="dim")
    if isinstance(report.get("accuracy"), str):
        console.print(f"accuracy: {report['accuracy']}", style="dim")
    if as_json:
        sys.stdout.write(json.dumps(finite(report), indent=2) + "\n")
    return report


def on_a_stack(measure: Callable[[DemoStack, Bars], Coroutine[Any, Any, dict[str, Any]]]
               ) -> Callable[[Bars], dict[str, Any]]:
    """A benchmark run against a stack started for it (and stopped after)."""

    def work(bars: Bars) -> dict[str, Any]:
        bars.note("starting the platform, three sandbox banks and the scheme…")
        with demo_stack() as stack:
            return asyncio.run(measure(stack, bars))

    return work


def payments(as_json: bool = JSON_OPTION, quick: bool = QUICK_OPTION,
             count: int = typer.Option(0, help="Payments per kind (0: the default size)."),
             concurrency: int = typer.Option(0, help="Payers at once (0: the default)."),
             ) -> None:
    """Payments in chat end to end (headless SCA at the bank), same-bank and cross-bank, next
    to the bank's ledger transfer rate in the same run."""
    config = payments_bench.PaymentsConfig.quick() if quick else payments_bench.PaymentsConfig()
    config = payments_bench.PaymentsConfig(count or config.payments_per_kind,
                                           concurrency or config.concurrency,
                                           config.ledger_seconds)
    run_and_show("chatbank bench payments", "bank ledger", as_json,
                 on_a_stack(lambda stack, bars: payments_bench.measure(stack, config, bars)),
                 payments_rows)


def assistant(as_json: bool = JSON_OPTION, quick: bool = QUICK_OPTION,
              turns: int = typer.Option(0, help="Turns per question (0: the default).")) -> None:
    """Assistant turn latency (message in → reply card on the WebSocket) for a balance, a
    search and a spending question, next to the bare AISP round trip to the bank."""
    config = assistant_bench.AssistantConfig.quick() if quick else assistant_bench.AssistantConfig()
    if turns:
        config = assistant_bench.AssistantConfig(turns, config.linked_banks)
    run_and_show("chatbank bench assistant", "bank AISP", as_json,
                 on_a_stack(lambda stack, bars: assistant_bench.measure(stack, config, bars)),
                 assistant_rows)


def nlu(as_json: bool = JSON_OPTION, quick: bool = QUICK_OPTION,
        utterances: int = typer.Option(0, help="Utterances per component (0: the default).")
        ) -> None:
    """Intent model per-utterance latency on one core and throughput, next to its TF-IDF head."""
    config = nlu_bench.NluConfig.quick() if quick else nlu_bench.NluConfig()
    if utterances:
        config = nlu_bench.NluConfig(utterances, config.batch_size)
    run_and_show("chatbank bench nlu", "TF-IDF head", as_json,
                 lambda bars: nlu_bench.measure(config, bars), nlu_rows)


def all_(as_json: bool = JSON_OPTION, quick: bool = QUICK_OPTION) -> None:
    """chat, ledger, payments, assistant and nlu, each with its baseline: one table and one
    JSON document {chat, ledger, payments, assistant, nlu, seconds_total}."""
    config = suite.SuiteConfig.quick() if quick else suite.SuiteConfig.standard()
    console = Console(stderr=as_json)
    with bars_on(console) as bars:
        report = suite.run_all(config, bars)
    render("chatbank bench all", "baseline", suite.sections(report), console)
    console.print(f"{report['seconds_total']:.0f} s in all. {LOADED_NOTE}", style="dim")
    if as_json:
        sys.stdout.write(json.dumps(finite(report), indent=2) + "\n")
    failed = [part for part in suite.PARTS if "error" in report[part]]
    if failed:
        console.print(f"[red]failed: {', '.join(failed)}[/red]")
        raise typer.Exit(1)
