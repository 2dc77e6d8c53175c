"""One server of the benchmark stack in its own process: the platform, a demo bank or the scheme.

    python -m chatbank.benchmarks.stack_server PART FIRST_PORT DATA_DIR

The parts are those of `chatbank demo` on the same ports (platform on FIRST_PORT, the banks on
the next ones, the scheme after them), but each in its own process, as they would be deployed:
a bank's password hashing or a slow query then cannot stall the platform's event loop.
`prepare_stack` (run once, before any part starts) migrates and seeds every database, registers
the platform at each bank and writes the bank directory the platform part reads.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from chatbank.bank.settings import BankSettings
from chatbank.cli.demo_banks import DEMO_BANKS, bank_app, bank_settings, prepare_bank
from chatbank.cli.demo_scheme import join_scheme
from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head
from chatbank.scheme.app import create_scheme_app
from chatbank.scheme.settings import SchemeSettings
from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS, create_app

PARTS = ("platform", *(bank.name.lower() for bank in DEMO_BANKS), "scheme")
DIRECTORY_FILE = "bench-bank-directory.json"


def _configs(port: int, data_dir: Path) -> tuple[list[BankSettings], SchemeSettings]:
    banks = [bank_settings(bank, port + 1 + i, data_dir) for i, bank in enumerate(DEMO_BANKS)]
    return join_scheme(DEMO_BANKS, banks, data_dir, port + 1 + len(DEMO_BANKS))


def _platform_settings(port: int, data_dir: Path, banks: str | None = None) -> Settings:
    return Settings(data_dir=data_dir, public_url=f"http://127.0.0.1:{port}", banks=banks)


async def prepare_stack(port: int, data_dir: Path) -> None:
    """Everything `chatbank demo` does before serving, without the demo users."""
    configs, _scheme = _configs(port, data_dir)
    callback = f"http://127.0.0.1:{port}/connect/callback"
    entries = [await prepare_bank(bank, config, callback)
               for bank, config in zip(DEMO_BANKS, configs, strict=True)]
    settings = _platform_settings(port, data_dir)
    await asyncio.to_thread(upgrade_to_head, settings.resolved_database_url)
    await asyncio.to_thread((data_dir / DIRECTORY_FILE).write_text, json.dumps(entries))


def part_app(part: str, port: int, data_dir: Path) -> tuple[FastAPI, int]:
    """The ASGI app of one part, and the port it listens on."""
    configs, scheme = _configs(port, data_dir)
    if part == "platform":
        banks = (data_dir / DIRECTORY_FILE).read_text()
        return create_app(_platform_settings(port, data_dir, banks)), port
    if part == "scheme":
        return create_scheme_app(scheme), scheme.port
    index = PARTS.index(part) - 1
    return bank_app(configs[index]), configs[index].port


def main(argv: list[str]) -> None:
    part, port, data_dir = argv[0], int(argv[1]), Path(argv[2])
    app, listen = part_app(part, port, data_dir)
    uvicorn.run(app, host="127.0.0.1", port=listen, log_level="warning",
                **WEBSOCKET_SERVER_OPTIONS)


if __name__ == "__main__":
    main(sys.argv[1:])
