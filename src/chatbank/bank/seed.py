"""Seed a sandbox bank with demo customers and 18 months of realistic banking.

Sandbox credentials (documented, never for real use):
- every demo customer's password is ``bank-demo-pass`` (`SANDBOX_PASSWORD`);
- each login's TOTP secret is fixed: `demo_totp_secret(login)` = first 32 characters of
  base32(sha256("chatbank-sandbox-totp:" + login)); any authenticator app (or `pyotp`) shows
  the codes. The seed report lists the secrets. For the demo logins they are:
  alice GXPC6PHYOSBBLFCRDMLPU5FWKD2E7U5O, bob 3LPUVTI65A3KBHIHNZML34RWHYVPIDTE,
  carol QVER5JPUCFB7IOQVMPD5R54L3UQVAXFL, dan RJNDBCAOT5PWHCJSI6JDISRW6LM2HS4N.

Everything is derived from (`bank_name`, login, `seed`, `today`): the same inputs give the same
customers, account numbers, merchants, amounts and statement lines. All money moves through the
ledger, so its invariants (conservation, limits) hold for seeded data too.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.books.customer_access import demo_totp_secret
from chatbank.bank.books.model import DirectDebit
from chatbank.bank.books.sql_accounts import SqlAccounts
from chatbank.bank.books.sql_arrangements import SqlArrangements
from chatbank.bank.books.sql_customers import BankProfile, NewCustomer, SqlCustomers
from chatbank.bank.books.sql_statement import SqlStatements, TransferDetails
from chatbank.bank.books.system_accounts import system_ledger_accounts
from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    SqlLedger,
    TransferKind,
    TransferRequest,
    TransferResult,
    write_transaction,
)
from chatbank.bank.seeding.customers import CustomerRecords, DemoCustomer, build_customer
from chatbank.bank.seeding.history import PlannedEntry, plan_history
from chatbank.core.clock import Clock, SystemClock
from chatbank.core.errors import InvalidInput

SANDBOX_PASSWORD = "bank-demo-pass"  # noqa: S105 - documented sandbox credential
PENDING_CARD_TIMEOUT_S = 7 * 24 * 3600
DEFAULT_CUSTOMERS = ("alice", "bob")


@dataclass(frozen=True, slots=True)
class SeededCustomer:
    login: str
    customer_id: str
    display_name: str
    totp_secret: str
    account_ids: list[str]


@dataclass(frozen=True, slots=True)
class SeedReport:
    bank_name: str
    customers: list[SeededCustomer]
    skipped_logins: list[str]  # already present: seeding is safe to repeat
    transfers_posted: int
    transfers_rejected: int  # planned spending the ledger refused (over the limit)
    seconds: float


async def seed_bank(
    engine: AsyncEngine, bank_name: str, sort_code_prefix: str,
    customers: Sequence[DemoCustomer | str] = DEFAULT_CUSTOMERS, seed: int = 0,
    today: date | None = None, password_hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
) -> SeedReport:
    """Create the bank's profile and system accounts (once) and each missing demo customer."""
    if not re.fullmatch(r"\d{1,6}", sort_code_prefix):
        raise InvalidInput("invalid_sort_code_prefix", "A sort code prefix is 1 to 6 digits.")
    started = time.perf_counter()
    clock = clock or SystemClock()
    today = today or clock.now().date()
    hasher = password_hasher or PasswordHasher()
    async with write_transaction(engine) as conn:
        await _ensure_bank(conn, bank_name, sort_code_prefix, clock)
    seeded: list[SeededCustomer] = []
    skipped: list[str] = []
    posted = rejected = 0
    for entry in customers:
        who = DemoCustomer(entry) if isinstance(entry, str) else entry
        rng = random.Random(f"{seed}:{bank_name}:{who.login}")  # noqa: S311 - demo data
        records = build_customer(bank_name, sort_code_prefix, who, today, rng)
        async with write_transaction(engine) as conn:
            if await SqlCustomers(conn).secrets_by_login(who.login) is not None:
                skipped.append(who.login)
                continue
            await _insert_records(conn, records, who, hasher, clock)
            ok, refused = await _post_history(conn, records, today, rng, clock)
        posted, rejected = posted + ok, rejected + refused
        seeded.append(SeededCustomer(
            who.login, records.customer_id, who.resolved_name, demo_totp_secret(who.login),
            [a.id for a in records.accounts]))
    return SeedReport(bank_name, seeded, skipped, posted, rejected,
                      time.perf_counter() - started)


async def _ensure_bank(conn: AsyncConnection, bank_name: str, prefix: str, clock: Clock) -> None:
    customers = SqlCustomers(conn)
    existing = await customers.profile()
    if existing is None:
        await customers.insert_profile(BankProfile(bank_name, prefix), clock.now())
    elif (existing.name, existing.sort_code_prefix) != (bank_name, prefix):
        raise InvalidInput("bank_mismatch",
                           f"This database belongs to bank {existing.name!r} "
                           f"(sort codes {existing.sort_code_prefix}…).")
    wanted = system_ledger_accounts("GBP")
    ledger = SqlLedger(conn)
    present = await ledger.lookup_accounts([a.id for a in wanted])
    missing = [a for a in wanted if a.id not in present]
    if missing:
        await ledger.create_accounts(missing, clock.now())


async def _insert_records(conn: AsyncConnection, records: CustomerRecords, who: DemoCustomer,
                          hasher: PasswordHasher, clock: Clock) -> None:
    now = clock.now()
    password_hash = await asyncio.to_thread(hasher.hash, SANDBOX_PASSWORD)
    await SqlCustomers(conn).insert_customers([NewCustomer(
        id=records.customer_id, login=who.login, display_name=who.resolved_name,
        password_hash=password_hash, totp_secret=demo_totp_secret(who.login),
        email=records.email, phone=records.phone, address_line=records.address_line,
        town="London", post_code="SE1 7PB")], now)
    await SqlLedger(conn).create_accounts([LedgerAccount(
        a.ledger_account_id, a.currency, AccountKind.CUSTOMER,
        overdraft_limit_minor=records.overdrafts_minor.get(a.ledger_account_id, 0),
    ) for a in records.accounts], now)
    accounts = SqlAccounts(conn)
    await accounts.insert_accounts(records.accounts)
    await accounts.insert_cards(records.cards, now)
    await SqlArrangements(conn).insert_all(
        [*records.beneficiaries, *records.standing_orders, *records.scheduled_payments])


async def _post_history(conn: AsyncConnection, records: CustomerRecords, today: date,
                        rng: random.Random, clock: Clock) -> tuple[int, int]:
    """Post the planned history in one ledger batch; return (posted, rejected) counts."""
    entries = plan_history(records.plan, today, rng)
    prefix = f"seed:{records.customer_id}"
    requests = [TransferRequest(
        id=f"{prefix}:{n:05d}", debit_account_id=e.debit_ledger_id,
        credit_account_id=e.credit_ledger_id, amount_minor=e.amount_minor, currency="GBP",
        kind=TransferKind.PENDING if e.pending else TransferKind.POSTED,
        timeout_s=PENDING_CARD_TIMEOUT_S if e.pending else 0, code=int(e.code),
    ) for n, e in enumerate(entries)]
    results = await SqlLedger(conn).create_transfers(requests, clock.now())
    accepted = [(r.id, e) for r, e, result in zip(requests, entries, results, strict=True)
                if result == TransferResult.OK]
    await SqlStatements(conn).insert_details([_details(i, e) for i, e in accepted])
    await SqlArrangements(conn).insert_all(
        _direct_debits(records, [e for _, e in accepted], today))
    return len(accepted), len(requests) - len(accepted)


def _details(transfer_id: str, entry: PlannedEntry) -> TransferDetails:
    return TransferDetails(
        transfer_id=transfer_id, booking_at=entry.booking_at,
        value_at=entry.booking_at + timedelta(days=1 if entry.card_id and not entry.pending
                                              else 0),
        description=entry.description, bank_transaction_code=entry.bank_transaction_code,
        reference=entry.reference, merchant_name=entry.merchant_name,
        merchant_category_code=entry.merchant_category_code, debtor_name=entry.debtor_name,
        creditor_name=entry.creditor_name, card_id=entry.card_id)


def _direct_debits(records: CustomerRecords, posted: list[PlannedEntry],
                   today: date) -> list[DirectDebit]:
    """One mandate per originator that collected, with its latest collection."""
    latest: dict[str, PlannedEntry] = {}
    for entry in posted:
        if entry.bank_transaction_code == "DirectDebit" and entry.creditor_name:
            latest[entry.creditor_name] = entry
    current = records.plan.current_ledger_id
    return [DirectDebit(
        id=f"{current}-dd-{n}", account_id=current, mandate_reference=f"DDM{n:03d}{today.year}",
        originator_name=name, status="Active",
        previous_payment_date=entry.booking_at.date(), previous_amount_minor=entry.amount_minor,
        currency="GBP") for n, (name, entry) in enumerate(sorted(latest.items()))]
