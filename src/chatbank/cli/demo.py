"""`chatbank demo`: one command that starts the platform with seeded demo users."""

from __future__ import annotations

import asyncio
from pathlib import Path

import uvicorn
from rich.console import Console
from rich.table import Table

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.core.errors import Conflict
from chatbank.db.migrate import upgrade_to_head
from chatbank.web.app import create_app

DEMO_PASSWORD = "correct-horse-battery"  # noqa: S105 - published demo login
DEMO_USERS = [("alice", "Alice Adams"), ("bob", "Bob Brown"), ("carol", "Carol Chen"),
              ("dan", "Dan Dlamini")]


async def seed_demo_users(settings: Settings) -> None:
    """Create the demo users and a group between them; running it again changes nothing."""
    platform = await build_platform(settings)
    try:
        for handle, name in DEMO_USERS:
            try:
                await platform.accounts.sign_up(handle, name, DEMO_PASSWORD)
            except Conflict:
                continue
    finally:
        await platform.close()


async def run_demo(port: int, data_dir: Path, seed: bool, console: Console) -> None:
    settings = Settings(data_dir=data_dir, public_url=f"http://127.0.0.1:{port}")
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade_to_head, settings.resolved_database_url)
    if seed:
        await seed_demo_users(settings)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", ws_max_size=64 * 1024))
    table = Table(title="chatbank demo")
    table.add_column("who")
    table.add_column("log in with")
    for handle, name in DEMO_USERS:
        table.add_row(name, f"{handle} / {DEMO_PASSWORD}")
    console.print(table)
    console.print(f"[bold green]Open http://127.0.0.1:{port}/[/bold green]  (Ctrl-C stops)")
    await server.serve()
