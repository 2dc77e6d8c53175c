"""`chatbank audit …`: check that nobody has rewritten the audit log."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from chatbank.config import Settings
from chatbank.core.errors import ChatbankError
from chatbank.db import create_engine_for_url
from chatbank.privacy.audit import VerifyResult
from chatbank.privacy.audit_log import verify_chain

audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
console = Console(highlight=False)


async def _verify(database_url: str) -> VerifyResult:
    engine = create_engine_for_url(database_url, pool_size=1)
    try:
        return await verify_chain(engine)
    finally:
        await engine.dispose()


@audit_app.command()
def verify(
    database_url: str | None = typer.Option(
        None, "--database-url", help="Platform database (default: CHATBANK_DATABASE_URL or the "
                                     "data dir's SQLite)."),
) -> None:
    """Recompute the hash chain; exit 0 when intact, 1 at the first broken entry."""
    url = database_url or Settings().resolved_database_url
    try:
        result = asyncio.run(_verify(url))
    except ChatbankError as error:
        console.print(f"[red]cannot verify: {error.message}[/red]")
        raise typer.Exit(2) from None
    if result.ok:
        console.print(f"[green]audit log intact[/green]: {result.entries_checked} entries, "
                      f"head {result.head_hash}")
        return
    console.print(f"[red]audit log broken at entry {result.first_bad_seq}[/red]: "
                  f"{result.problem} ({result.entries_checked} entries before it are intact)")
    raise typer.Exit(1)
