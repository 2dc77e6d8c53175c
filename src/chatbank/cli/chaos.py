"""`chatbank chaos --minutes N`: the workloads under SIGKILL for N minutes, then the checkers."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console

from chatbank.chaos.report import anomaly_lines, summary_table
from chatbank.chaos.runner import run_all

# The table goes to stderr (stdout is for --json); keep it readable when redirected to a file.
console = Console(stderr=True, width=None if sys.stderr.isatty() else 150)


def chaos(
    minutes: float = typer.Option(10.0, min=0.5, help="Total time for all workloads."),
    seed: int = typer.Option(1, help="Same seed, same workload and fault schedule."),
    json_output: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    work_dir: Path | None = typer.Option(None, help="Where the processes keep their data "
                                                    "and logs (default: a new temp dir)."),
    database_url: str | None = typer.Option(None, help="PostgreSQL for the clustered "
                                                       "messaging run (with --redis-url)."),
    redis_url: str | None = typer.Option(None, help="Redis for the clustered messaging run."),
) -> None:
    """Kill banks, the scheme and platform instances at random while clients pay and chat;
    exit 1 if any invariant broke."""
    root = work_dir or Path(tempfile.mkdtemp(prefix="chatbank-chaos-"))
    console.print(f"chaos for {minutes} min, seed {seed}; processes and logs in {root}")
    reports = asyncio.run(run_all(minutes, seed, root, database_url, redis_url))
    console.print(summary_table(reports))
    for line in anomaly_lines(reports):
        console.print(f"[red]{line}[/red]")
    if json_output:
        typer.echo(json.dumps([r.as_json() for r in reports], indent=2))
    if any(r.anomalies for r in reports):
        raise typer.Exit(1)
