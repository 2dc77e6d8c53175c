"""Start a real sandbox bank (migrated, seeded) on a free loopback port, in this process."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatbank.bank.app import create_bank_app, prepare_bank
from chatbank.bank.books import Account, BankBooks, DomesticTransferRequest
from chatbank.bank.db import create_bank_engine
from chatbank.bank.seed import SeedReport
from chatbank.bank.settings import BankSettings
from tests.support.servers import ServerThread, free_port


@dataclass(frozen=True)
class RunningBank:
    url: str
    settings: BankSettings
    seed: SeedReport
    server: ServerThread | None = None

    def account_ids(self, login: str) -> list[str]:
        return next(c.account_ids for c in self.seed.customers if c.login == login)

    def row_count(self, table: str) -> int:
        """Rows in one of the bank's tables, read straight from its SQLite file."""
        path = self.settings.resolved_database_url.split(":///", 1)[1]
        with closing(sqlite3.connect(path)) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

    def customer_id(self, login: str) -> str:
        return next(c.customer_id for c in self.seed.customers if c.login == login)

    def accounts(self, login: str) -> list[Account]:
        """The customer's accounts as the books hold them (for identifiers and balances)."""
        return asyncio.run(self._books_call("list_accounts", self.customer_id(login)))

    def available_minor(self, login: str, account_id: str) -> int:
        balances = asyncio.run(self._books_call("balances", self.customer_id(login), account_id))
        return int(balances.available_minor)

    def spend_down(self, login: str, account_id: str, payee_login: str,
                   leave_minor: int) -> None:
        """Pay the payee's current account whatever is above `leave_minor` (the seeded history
        runs up to today, so balances vary with the date; tests that need little money say so)."""
        extra = self.available_minor(login, account_id) - leave_minor
        if extra <= 0:
            return
        payee = next(a for a in self.accounts(payee_login) if str(a.subtype) == "CurrentAccount")
        request = DomesticTransferRequest(
            f"spend-down-{account_id}-{leave_minor}-{extra}", account_id, payee.sort_code,
            payee.account_number, payee.holder_name, extra, "GBP", "test spend-down")
        asyncio.run(self._books_call("domestic_transfer", self.customer_id(login), request))

    async def _books_call(self, method: str, *args: Any) -> Any:
        engine = create_bank_engine(self.settings.resolved_database_url)
        try:
            return await getattr(BankBooks(engine), method)(*args)
        finally:
            await engine.dispose()


@contextmanager
def running_bank(data_dir: Path, name: str = "Northbank", sort_code_prefix: str = "20",
                 **overrides: object) -> Iterator[RunningBank]:
    port = free_port()
    settings = BankSettings(name=name, port=port, data_dir=data_dir,
                            **overrides)  # type: ignore[arg-type]
    report = asyncio.run(prepare_bank(settings, sort_code_prefix))
    server = ServerThread(create_bank_app(settings), port=port).start()
    try:
        yield RunningBank(server.url, settings, report, server)
    finally:
        server.stop()
