"""The `chatbank` command line."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from chatbank.cli.audit import audit_app
from chatbank.cli.bank import bank_app
from chatbank.cli.bench import bench_app
from chatbank.cli.channels import channels_app
from chatbank.cli.chaos import chaos
from chatbank.cli.demo import run_demo
from chatbank.cli.nlu import nlu_app
from chatbank.cli.scheme import scheme_app
from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head
from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS, create_app

app = typer.Typer(help="chatbank: banking inside a messenger.", no_args_is_help=True)
console = Console()
app.add_typer(bench_app, name="bench")
app.add_typer(nlu_app, name="nlu")
app.add_typer(audit_app, name="audit")
app.add_typer(bank_app, name="bank")
app.add_typer(scheme_app, name="scheme")
app.command()(chaos)
app.add_typer(channels_app, name="channels")


@app.command()
def migrate() -> None:
    """Bring the platform database (CHATBANK_DATABASE_URL or the data dir's SQLite) up to date."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade_to_head(settings.resolved_database_url)
    console.print("[green]platform database is up to date[/green]")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run one platform instance (production: set CHATBANK_MODE=production and real secrets)."""
    settings = Settings()
    upgrade_to_head(settings.resolved_database_url)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                **WEBSOCKET_SERVER_OPTIONS)


@app.command()
def demo(
    port: int = typer.Option(8000, help="Port of the platform; banks use the next ports."),
    data_dir: Path = typer.Option(Path("data/demo"), help="Where the demo keeps its databases."),
    seed: bool = typer.Option(True, "--seed/--no-seed", help="Create the demo users."),
) -> None:
    """Start the whole demo (platform and banks) with demo users, and print the URL."""
    asyncio.run(run_demo(port, data_dir, seed, console))


if __name__ == "__main__":
    app()
