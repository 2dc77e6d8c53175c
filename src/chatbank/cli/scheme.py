"""`chatbank scheme …`: run the interbank scheme in its own process."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from chatbank.scheme.app import create_scheme_app
from chatbank.scheme.settings import Participant, SchemeSettings

scheme_app = typer.Typer(help="The interbank scheme (Faster Payments-like clearing).",
                         no_args_is_help=True)
console = Console()


@scheme_app.command()
def serve(
    port: int = typer.Option(8100), host: str = typer.Option("127.0.0.1"),
    data_dir: Path = typer.Option(Path("data/scheme"), help="Where the scheme keeps its DB."),
    participants_file: Path | None = typer.Option(
        None, help="JSON list of {bank_id, sort_code_prefix, base_url, secret}; default: "
                   "CHATBANK_SCHEME_PARTICIPANTS."),
) -> None:
    """Serve the scheme; unfinished payments in its database resume at once."""
    settings = SchemeSettings(host=host, port=port, data_dir=data_dir)
    if participants_file is not None:
        members = json.loads(participants_file.read_text())
        settings = settings.model_copy(update={
            "participants": [Participant.model_validate(m) for m in members]})
    console.print(f"[green]scheme at {settings.base_url}[/green] with "
                  f"{len(settings.participants)} member bank(s)")
    uvicorn.run(create_scheme_app(settings), host=host, port=port, log_level="warning")
