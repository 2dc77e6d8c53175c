"""`chatbank demo`: one command that starts the platform and three sandbox banks, seeded."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from rich.console import Console
from rich.table import Table

from chatbank.bootstrap import build_platform
from chatbank.cli.demo_banks import BANK_PASSWORD, DEMO_BANKS, bank_app, bank_settings, prepare_bank
from chatbank.cli.demo_scheme import join_scheme
from chatbank.config import Settings
from chatbank.core.errors import Conflict
from chatbank.db.migrate import upgrade_to_head
from chatbank.scheme.app import create_scheme_app
from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS, create_app

DEMO_PASSWORD = "correct-horse-battery"  # noqa: S105 - published demo login
DEMO_USERS = [("alice", "Alice Adams"), ("bob", "Bob Brown"), ("carol", "Carol Chen"),
              ("dan", "Dan Dlamini")]


async def seed_demo_users(settings: Settings) -> None:
    """Create the demo users; running it again changes nothing."""
    platform = await build_platform(settings)
    try:
        for handle, name in DEMO_USERS:
            try:
                await platform.accounts.sign_up(handle, name, DEMO_PASSWORD)
            except Conflict:
                continue
    finally:
        await platform.close()


def _server(app: FastAPI, port: int) -> uvicorn.Server:
    return uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                         **WEBSOCKET_SERVER_OPTIONS))


def _print_logins(console: Console, port: int, banks: list[dict[str, str]],
                  scheme_url: str) -> None:
    table = Table(title="chatbank demo")
    table.add_column("who")
    table.add_column("chatbank log-in")
    table.add_column("bank log-ins (password " + BANK_PASSWORD + ")")
    for handle, name in DEMO_USERS:
        at = [b.name for b in DEMO_BANKS if handle in b.customers]
        table.add_row(name, f"{handle} / {DEMO_PASSWORD}", f"{handle} at {', '.join(at)}")
    console.print(table)
    for bank in banks:
        console.print(f"  {bank['name']}: {bank['base_url']}/  (its own server and database)")
    console.print(f"  Interbank scheme: {scheme_url}/  (banks pay each other through it)")
    console.print("At the bank's SCA step the sandbox shows the one-time code on screen.")
    console.print(f"[bold green]Open http://127.0.0.1:{port}/[/bold green]  (Ctrl-C stops)")


async def run_demo(port: int, data_dir: Path, seed: bool, console: Console) -> None:
    """Prepare and start three banks and the platform on consecutive ports."""
    callback = f"http://127.0.0.1:{port}/connect/callback"
    bank_configs = [bank_settings(bank, port + 1 + i, data_dir) for i, bank in
                    enumerate(DEMO_BANKS)]
    bank_configs, scheme = join_scheme(DEMO_BANKS, bank_configs, data_dir,
                                       port + 1 + len(DEMO_BANKS))
    entries = [await prepare_bank(bank, cfg, callback) for bank, cfg in
               zip(DEMO_BANKS, bank_configs, strict=True)]
    settings = Settings(data_dir=data_dir, public_url=f"http://127.0.0.1:{port}",
                        banks=json.dumps(entries))
    await asyncio.to_thread(upgrade_to_head, settings.resolved_database_url)
    if seed:
        await seed_demo_users(settings)
    servers = [_server(create_app(settings), port)] + [
        _server(bank_app(cfg), cfg.port) for cfg in bank_configs] + [
        _server(create_scheme_app(scheme), scheme.port)]
    _print_logins(console, port, entries, scheme.base_url)
    await asyncio.gather(*(server.serve() for server in servers))
