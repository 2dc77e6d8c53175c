"""Two real sandbox banks and the scheme, each on its own port and database, over real HTTP.

Northbank (sort codes 20…) and Eastbank (30…) are members of the scheme; the test can stop and
start any of the three with the same database, or run the scheme as a subprocess it can kill.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from chatbank.bank.app import create_bank_app, prepare_bank
from chatbank.bank.books import BankBooks, DomesticTransferRequest, TransferOutcome
from chatbank.bank.books.payments import inbound_transfer_id
from chatbank.bank.db import create_bank_engine
from chatbank.bank.settings import BankSettings
from chatbank.scheme.app import create_scheme_app
from chatbank.scheme.protocol import API_PREFIX, scheme_payment_id, sign_request
from chatbank.scheme.settings import Participant, SchemeSettings
from tests.contract.banks import RunningBank
from tests.support.servers import ServerThread, free_port, wait_until_up

HOLD_TIMEOUT_S = 8  # the scheme delivers for the first half, the payer posts in the second
FAST_BANK = {"scheme_poll_s": 0.1, "outbound_hold_timeout_s": HOLD_TIMEOUT_S}


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1]


def query(url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(sqlite_path(url))) as db:
        return list(db.execute(sql, args).fetchall())


def wait_for(check: Callable[[], bool], timeout_s: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or check}")


class SchemeProcess:
    """`python -m chatbank.scheme` in a child process that the test can SIGKILL."""

    def __init__(self, env: dict[str, str], url: str, log_path: Path) -> None:
        self.env, self.url, self.log_path = env, url, log_path
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> SchemeProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "chatbank.scheme"],
                                         env={**os.environ, **self.env}, stdout=log,
                                         stderr=subprocess.STDOUT)
        wait_until_up(self.url + "/healthz", timeout_s=90)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Member:
    bank: RunningBank
    secret: str
    server: ServerThread | None = None
    baseline: int = 0  # interbank position after seeding

    @property
    def settings(self) -> BankSettings:
        return self.bank.settings

    @property
    def db(self) -> str:
        return self.settings.resolved_database_url

    def start(self) -> None:
        self.server = ServerThread(create_bank_app(self.settings), port=self.settings.port).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def booked(self, ledger_account_id: str) -> int:
        rows = query(self.db, "SELECT credits_posted - debits_posted FROM ledger_accounts "
                              "WHERE id = ?", ledger_account_id)
        return int(rows[0][0])

    def customer_account(self, login: str) -> Any:
        return self.bank.accounts(login)[0]

    def credits_for(self, payment_id: str) -> int:
        """How many ledger credits this bank booked for the scheme payment."""
        return len(query(self.db, "SELECT id FROM ledger_transfers WHERE id = ?",
                         inbound_transfer_id(payment_id)))

    def books_sum(self) -> int:
        return int(query(self.db, "SELECT sum(credits_posted - debits_posted) "
                                  "FROM ledger_accounts WHERE currency = 'GBP'")[0][0])

    def hold(self, login: str, payee: Any, amount_minor: int, key: str,
             account_number: str | None = None,
             timeout_s: int = HOLD_TIMEOUT_S) -> TransferOutcome:
        """A payment to another bank's customer, made straight in this bank's books."""
        payer = self.customer_account(login)
        request = DomesticTransferRequest(
            key, payer.id, payee.sort_code, account_number or payee.account_number,
            payee.holder_name, amount_minor, "GBP", "scheme test")

        async def run() -> TransferOutcome:
            engine = create_bank_engine(self.db)
            try:
                books = BankBooks(engine, outbound_timeout_s=timeout_s)
                return await books.domestic_transfer(payer.customer_id, request)
            finally:
                await engine.dispose()

        return asyncio.run(run())

    def hold_state(self, transfer_id: str) -> str:
        return str(query(self.db, "SELECT state FROM ledger_transfers WHERE id = ?",
                         transfer_id)[0][0])


@dataclass
class Clearing:
    root: Path
    north: Member
    east: Member
    scheme_settings: SchemeSettings
    scheme: ServerThread | SchemeProcess | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.root / "scheme.log"

    @property
    def scheme_url(self) -> str:
        return self.scheme_settings.base_url

    def start_scheme(self) -> None:
        self.scheme = ServerThread(create_scheme_app(self.scheme_settings),
                                   port=self.scheme_settings.port).start()

    def start_scheme_process(self) -> SchemeProcess:
        """The scheme as `python -m chatbank.scheme` in its own process (killable)."""
        s = self.scheme_settings
        process = SchemeProcess({
            "CHATBANK_SCHEME_PORT": str(s.port), "CHATBANK_SCHEME_DATA_DIR": str(s.data_dir),
            "CHATBANK_SCHEME_PARTICIPANTS": json.dumps(
                [p.model_dump() for p in s.participants]),
            "CHATBANK_SCHEME_TICK_S": "0.1", "CHATBANK_SCHEME_RETRY_BASE_S": "0.1",
            "CHATBANK_SCHEME_RETRY_MAX_S": "0.5"}, s.base_url, self.log_path).start()
        self.scheme = process
        return process

    def stop_scheme(self) -> None:
        if self.scheme is not None:
            self.scheme.stop()
            self.scheme = None

    def state_of(self, payment_id: str) -> str | None:
        return self._column_of(payment_id, "state")

    def reject_code_of(self, payment_id: str) -> str | None:
        """The code the payee's bank gave when it refused the payment (None otherwise)."""
        return self._column_of(payment_id, "reject_code")

    def _column_of(self, payment_id: str, column: str) -> str | None:
        rows = query(self.scheme_settings.resolved_database_url,
                     f"SELECT {column} FROM scheme_payments WHERE payment_id = ?", payment_id)  # noqa: S608
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def payment_id(self, transfer_id: str) -> str:
        return scheme_payment_id(self.north.settings.scheme_member_id, transfer_id)

    def wait_final(self, payment_id: str, timeout_s: float = 10.0) -> str:
        wait_for(lambda: self.state_of(payment_id) in ("settled", "voided"), timeout_s,
                 f"payment {payment_id} to finish")
        return str(self.state_of(payment_id))

    def signed(self, member: Member, method: str, url: str, path: str, body: Any,
               participant: str) -> httpx.Response:
        raw = b"" if body is None else json.dumps(body).encode()
        headers = sign_request(member.secret, participant, method, path, raw)
        return httpx.request(method, url + path, content=raw, timeout=10.0,
                             headers={**headers, "content-type": "application/json"})

    def submit_as_north(self, held: TransferOutcome, payee: Any,
                        expires_in_s: float) -> httpx.Response:
        """What Northbank's relay would send for `held`, sent by the test itself."""
        expires = datetime.now(UTC) + timedelta(seconds=expires_in_s)
        return self.submit_body_as_north({
            "transfer_id": held.transfer_id, "amount_minor": held.amount_minor,
            "currency": "GBP", "creditor_sort_code": payee.sort_code,
            "creditor_account_number": payee.account_number, "creditor_name": "Bob",
            "debtor_name": "Alice", "reference": "scheme test",
            "hold_expires_at": expires.isoformat()})

    def submit_body_as_north(self, body: dict[str, Any]) -> httpx.Response:
        return self.signed(self.north, "POST", self.scheme_url, f"{API_PREFIX}/payments", body,
                           self.north.settings.scheme_member_id)

    def assert_conserved(self) -> None:
        """Each bank's books sum to zero and, with nothing in flight, interbank nets out."""
        assert self.north.books_sum() == 0 and self.east.books_sum() == 0
        in_flight = query(self.scheme_settings.resolved_database_url,
                          "SELECT count(*) FROM scheme_payments "
                          "WHERE state NOT IN ('settled', 'voided')")[0][0]
        if in_flight == 0:
            positions = (self.north.booked("interbank:GBP") - self.north.baseline
                         + self.east.booked("interbank:GBP") - self.east.baseline)
            assert positions == 0


def make_member(root: Path, name: str, prefix: str, scheme_port: int) -> Member:
    port = free_port()
    secret = f"{name}-shared-secret-0123456789"
    settings = BankSettings(name=name, port=port, data_dir=root / name,
                            scheme_url=f"http://127.0.0.1:{scheme_port}", scheme_secret=secret,
                            **FAST_BANK)  # type: ignore[arg-type]
    report = asyncio.run(prepare_bank(settings, prefix))
    member = Member(RunningBank(settings.base_url, settings, report), secret)
    member.baseline = member.booked("interbank:GBP")
    member.start()
    return member


def participants(*members: tuple[Member, str]) -> list[Participant]:
    return [Participant(bank_id=m.settings.scheme_member_id, sort_code_prefix=prefix,
                        base_url=m.settings.base_url, secret=m.secret) for m, prefix in members]
