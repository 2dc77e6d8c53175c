"""One server of the benchmark stack in its own process: the platform, a demo bank or the scheme.

    python -m chatbank.benchmarks.stack_server PART DATA_DIR

The parts are those of `chatbank demo` on the same ports (platform first, then the banks, then
the scheme), but each in its own process, as they would be deployed: a bank's password hashing
or a slow query then cannot stall the platform's event loop. `prepare_stack` (run once, before
any part starts) migrates and seeds every database, registers the platform at each bank and
writes every part's settings to `bench-stack.json`; a part imports only what it serves.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

if TYPE_CHECKING:
    from chatbank.config import Settings

STACK_FILE = "bench-stack.json"
BANK_OVERRIDES = {"login_attempts_per_window": 1_000_000}  # every payment signs in at the bank


def part_names() -> tuple[str, ...]:
    from chatbank.cli.demo_banks import DEMO_BANKS

    return ("platform", *(bank.name.lower() for bank in DEMO_BANKS), "scheme")


def platform_settings(values: dict[str, str]) -> Settings:
    """The platform's settings: these values, the rest from `CHATBANK_*` (the mode, limits)."""
    from chatbank.config import Settings

    return Settings(data_dir=Path(values["data_dir"]), public_url=values["public_url"],
                    banks=values["banks"])


async def prepare_stack(port: int, data_dir: Path) -> None:
    """Everything `chatbank demo` does before serving (without the demo users)."""
    from chatbank.cli.demo_banks import DEMO_BANKS, bank_settings, prepare_bank
    from chatbank.cli.demo_scheme import join_scheme
    from chatbank.db.migrate import upgrade_to_head

    configs, scheme = join_scheme(
        DEMO_BANKS, [bank_settings(bank, port + 1 + i, data_dir)
                     for i, bank in enumerate(DEMO_BANKS)], data_dir, port + 1 + len(DEMO_BANKS))
    callback = f"http://127.0.0.1:{port}/connect/callback"
    entries = [await prepare_bank(bank, config, callback)
               for bank, config in zip(DEMO_BANKS, configs, strict=True)]
    platform = {"data_dir": str(data_dir), "public_url": f"http://127.0.0.1:{port}",
                "banks": json.dumps(entries)}
    await asyncio.to_thread(upgrade_to_head, platform_settings(platform).resolved_database_url)
    stack = {"platform": platform, "scheme": scheme.model_dump(mode="json"),
             **{config.slug: config.model_dump(mode="json") | BANK_OVERRIDES
                for config in configs}}
    await asyncio.to_thread((data_dir / STACK_FILE).write_text, json.dumps(stack))


def part_server(part: str, settings: dict[str, Any]) -> uvicorn.Server:
    """The server of one part on its port (imports only what that part needs)."""
    options: dict[str, Any] = {}
    if part == "platform":
        from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS, create_app

        platform = platform_settings(settings)
        app: Any = create_app(platform)
        port = int(platform.public_url.rsplit(":", 1)[1])
        options = dict(WEBSOCKET_SERVER_OPTIONS)
    elif part == "scheme":
        from chatbank.scheme.app import create_scheme_app
        from chatbank.scheme.settings import SchemeSettings

        scheme = SchemeSettings.model_validate(settings)
        app, port = create_scheme_app(scheme), scheme.port
    else:
        from chatbank.bank.app import create_bank_app
        from chatbank.bank.settings import BankSettings

        bank = BankSettings.model_validate(settings)
        app, port = create_bank_app(bank), bank.port
    return uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                         **options))


def main(argv: list[str]) -> None:
    part, data_dir = argv[0], Path(argv[1])
    settings = json.loads((data_dir / STACK_FILE).read_text())[part]
    part_server(part, settings).run()


if __name__ == "__main__":
    main(sys.argv[1:])
