"""`chatbank bench …`: benchmarks that print ratios against a baseline measured in the same run."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

import typer
from rich.console import Console

from chatbank.benchmarks import commands
from chatbank.benchmarks._config import ChatBenchConfig
from chatbank.benchmarks._report import build_report, render
from chatbank.benchmarks.chat import measure

bench_app = typer.Typer(no_args_is_help=True)


@bench_app.callback()
def bench() -> None:
    """Benchmarks; each prints ratios against a baseline measured in the same run."""


for _name, _command in (("payments", commands.payments), ("assistant", commands.assistant),
                        ("nlu", commands.nlu), ("all", commands.all_)):
    bench_app.command(_name)(_command)


@bench_app.command()
def chat(
    as_json: bool = typer.Option(False, "--json", help="Also print one JSON document on stdout."),
    quick: bool = typer.Option(False, "--quick", help="Tiny sizes: a few seconds in all."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline",
                                  help="Also measure the bare websockets server."),
    deflate: bool = typer.Option(True, "--deflate/--no-deflate",
                                 help="Clients offer permessage-deflate, as browsers do."),
    pairs: int = typer.Option(0, min=0, help="Direct chats sending at once in the 2-person "
                                             "workload (0: the default, 50; 4 with --quick)."),
) -> None:
    """Real-time chat: throughput (2-person and groups), latency at a fixed rate, idle sockets."""
    config = replace(ChatBenchConfig.quick() if quick else ChatBenchConfig(), deflate=deflate)
    if pairs:
        config = replace(config, pairs=pairs)
    # With --json the table goes to stderr, so stdout holds nothing but the document.
    console = Console(stderr=as_json)
    targets = ("chatbank", "raw") if baseline else ("chatbank",)
    try:
        with console.status("measuring…") as status:
            results = measure(config, targets, progress=lambda msg: status.update(msg))
    except RuntimeError as error:
        console.print(f"[red]benchmark failed:[/red] {error}")
        raise typer.Exit(1) from error
    report = build_report(config, results)
    render(report, console)
    if as_json:
        json.dump(commands.finite(report), sys.stdout, indent=2)
        sys.stdout.write("\n")


@bench_app.command()
def ledger(
    as_json: bool = typer.Option(False, "--json", help="Also print one JSON document on stdout."),
    seconds: float = typer.Option(14.0, help="Ledger measuring time (seven phases share it)."),
    api: bool = typer.Option(True, "--api/--no-api",
                             help="Also payments through the books and AISP latency over HTTP."),
    aisp_requests: int = typer.Option(
        0, help="AISP requests per endpoint for p50/p99 (0: 7 per second of --seconds, ≥ 20)."),
) -> None:
    """Sandbox bank ledger on SQLite: posted transfers/s (one per request and batched, 1 and 8
    clients) next to raw INSERTs of the same rows, in the same run; then payments/s through the
    bank's books and AISP request latency p50/p99 over real HTTP to a running bank."""
    import asyncio
    import tempfile
    from pathlib import Path

    from rich.table import Table

    from chatbank.bank.bench_api import bench_bank_api
    from chatbank.bank.bench_ledger import bench_ledger

    with tempfile.TemporaryDirectory(prefix="chatbank-bench-ledger-") as data_dir:
        report = asyncio.run(bench_ledger(Path(data_dir), seconds))
        if api:
            requests = aisp_requests or max(20, round(seconds * 7))
            report["api"] = asyncio.run(bench_bank_api(Path(data_dir), seconds / 7 * 2,
                                                       requests))
    table = Table(title="chatbank bench ledger (SQLite) vs raw INSERT, same run")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, rate in report["posted_transfers_per_s"].items():
        table.add_row(f"posted transfers/s, {name.replace('_', ' ')}", f"{rate:,.0f}")
    for name in ("raw_insert_rows_per_s", "raw_insert_single_row_transactions_per_s",
                 "raw_insert_single_row_sqlite3_thread_per_s"):
        table.add_row(name.replace("_", " ").replace(" per s", "/s"), f"{report[name]:,.0f}")
    for name, ratio in report["ratios"].items():
        table.add_row(f"ratio {name.replace('_', ' ')}", f"{ratio}×")
    for name, cpu_us in report["cpu_us_per_row"].items():
        table.add_row(f"CPU µs per row, {name.replace('_', ' ')}", f"{cpu_us:,.0f}")
    table.add_row("books balanced", str(report["books_balanced"]))
    for name, rate in report.get("api", {}).get("payments_through_books_per_s", {}).items():
        table.add_row(f"payments/s through the books, {name.replace('_', ' ')}", f"{rate:,.0f}")
    for name, figures in report.get("api", {}).get("aisp_latency_over_http", {}).items():
        table.add_row(f"AISP {name} p50 / p99 (ms)", f"{figures['p50_ms']} / {figures['p99_ms']}")
    Console(stderr=as_json).print(table)
    if as_json:
        sys.stdout.write(json.dumps(commands.finite(report)) + "\n")
