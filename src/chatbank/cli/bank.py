"""`chatbank bank …`: run a sandbox bank, register a third party, grant access headlessly."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from chatbank.bank.app import build_runtime, create_bank_app, load_signing_key, prepare_bank
from chatbank.bank.auth.sandbox_grant import grant_headlessly
from chatbank.bank.openbanking.schemas import Permission
from chatbank.bank.settings import BankSettings
from chatbank.core.errors import ChatbankError

bank_app = typer.Typer(help="Sandbox banks: serve, register clients, grant access.",
                       no_args_is_help=True)
console = Console()
DEFAULT_PERMISSIONS = "ReadAccountsDetail,ReadBalances,ReadTransactionsDetail," \
                      "ReadTransactionsCredits,ReadTransactionsDebits"
PERMISSION_CODES = set(Permission.__args__)  # type: ignore[attr-defined]


def _settings(name: str, port: int, data_dir: Path, **extra: object) -> BankSettings:
    return BankSettings(name=name, port=port, data_dir=data_dir, **extra)  # type: ignore[arg-type]


async def _prepare(settings: BankSettings, prefix: str, customers: list[str]) -> None:
    report = await prepare_bank(settings, prefix, customers)
    for customer in report.customers:
        console.print(f"seeded {customer.login} ({customer.display_name}) "
                      f"TOTP secret {customer.totp_secret}")


@bank_app.command()
def serve(
    name: str = typer.Option("Northbank", help="The bank's name (also its cookie/file slug)."),
    port: int = typer.Option(8101), host: str = typer.Option("127.0.0.1"),
    data_dir: Path = typer.Option(Path("data/banks"), help="Where the bank keeps its files."),
    colour: str = typer.Option("#1f4e8c", help="Brand colour of the bank's pages."),
    sort_code_prefix: str = typer.Option("20", help="First digits of the bank's sort codes."),
    customers: str = typer.Option("alice,bob", help="Demo logins to seed when missing."),
    sandbox: bool = typer.Option(True, "--sandbox/--no-sandbox"),
) -> None:
    """Migrate, seed the demo customers if missing, and serve the bank."""
    settings = _settings(name, port, data_dir, host=host, brand_colour=colour, sandbox=sandbox)
    asyncio.run(_prepare(settings, sort_code_prefix, [c for c in customers.split(",") if c]))
    console.print(f"[green]{name} at {settings.base_url}[/green] (OB API under "
                  f"{settings.base_url}/open-banking/v3.1/aisp and /pisp)")
    uvicorn.run(create_bank_app(settings), host=host, port=port, log_level="warning")


async def _run_grant(settings: BankSettings, login: str, permissions: list[str],
                     accounts: list[str] | None) -> dict[str, object]:
    runtime = build_runtime(settings, load_signing_key(settings))
    try:
        grant = await grant_headlessly(runtime, login, permissions, accounts)
    finally:
        await runtime.engine.dispose()
    return dict(grant.__dict__)


@bank_app.command()
def grant(
    bank: str = typer.Option(..., "--bank", help="Name of the bank (as given to serve)."),
    customer: str = typer.Option(..., help="The customer's login at that bank."),
    permissions: str = typer.Option(DEFAULT_PERMISSIONS, help="Comma-separated OB codes."),
    accounts: str = typer.Option("", help="Comma-separated account ids; empty = all."),
    data_dir: Path = typer.Option(Path("data/banks")), port: int = typer.Option(8101),
) -> None:
    """Sandbox only: print tokens for an account-access consent authorised without a browser."""
    settings = _settings(bank, port, data_dir)
    wanted = [p for p in permissions.split(",") if p]
    unknown = [p for p in wanted if p not in PERMISSION_CODES]
    if unknown:
        console.print(f"[red]unknown permissions: {', '.join(unknown)}[/red]")
        raise typer.Exit(2)
    try:
        result = asyncio.run(_run_grant(settings, customer, wanted,
                                        [a for a in accounts.split(",") if a] or None))
    except ChatbankError as error:
        console.print(f"[red]{error.code}: {error.message}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result, indent=2))


async def _register(settings: BankSettings, client_name: str, redirect_uris: list[str],
                    method: str, jwks: list[dict[str, object]]) -> dict[str, object]:
    runtime = build_runtime(settings, load_signing_key(settings))
    try:
        client, secret = await runtime.clients.register(client_name, redirect_uris, method, jwks)
    finally:
        await runtime.engine.dispose()
    return {"client_id": client.client_id, "client_secret": secret,
            "token_endpoint_auth_method": client.auth_method}


@bank_app.command("register-client")
def register_client(
    bank: str = typer.Option(..., "--bank"), client_name: str = typer.Option(..., "--name"),
    redirect_uri: list[str] = typer.Option(..., help="Repeat for several."),
    jwks_file: Path | None = typer.Option(None, help="JSON file {\"keys\": [public JWK]}."),
    auth_method: str = typer.Option("client_secret_basic"),
    data_dir: Path = typer.Option(Path("data/banks")), port: int = typer.Option(8101),
) -> None:
    """Register a third party (e.g. the platform) and print its client id and secret."""
    settings = _settings(bank, port, data_dir)
    keys = json.loads(jwks_file.read_text())["keys"] if jwks_file else []
    try:
        result = asyncio.run(_register(settings, client_name, redirect_uri, auth_method, keys))
    except ChatbankError as error:
        console.print(f"[red]{error.code}: {error.message}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result, indent=2))
