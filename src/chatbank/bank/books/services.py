"""`BankBooks`: the use cases the bank's OAuth server, Open Banking API and scheme call.

Every read is scoped to a customer (`customer_id` first), so an account, card or arrangement of
someone else is `account_not_found` / `card_not_found`, exactly like one that does not exist.
Every method runs in one database transaction; writers take the write lock up front.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.books import customer_access, payments
from chatbank.bank.books.model import (
    Account,
    Balances,
    Beneficiary,
    Card,
    CardStatus,
    CreditDebit,
    Customer,
    DirectDebit,
    DomesticTransferRequest,
    InboundCredit,
    Party,
    ScheduledPayment,
    StandingOrder,
    StatementSlice,
    TransactionPage,
    TransferOutcome,
)
from chatbank.bank.books.sql_accounts import SqlAccounts
from chatbank.bank.books.sql_arrangements import SqlArrangements
from chatbank.bank.books.sql_customers import SqlCustomers
from chatbank.bank.books.sql_statement import SqlStatements
from chatbank.bank.books.sqlite_payments import Payment, apply_domestic_transfers
from chatbank.bank.books.system_accounts import SCHEME_HOLD_CODES
from chatbank.bank.ledger import (
    LedgerService,
    SqliteGroupCommit,
    SqlLedger,
    sqlite_file_of,
    write_transaction,
)
from chatbank.core.clock import Clock, SystemClock, as_utc
from chatbank.core.errors import Conflict, InvalidInput, NotFound

Arrangement = TypeVar("Arrangement", Beneficiary, StandingOrder, DirectDebit, ScheduledPayment)
MAX_PAGE = 1000
OUTBOUND_TIMEOUT_S = 24 * 3600  # the scheme must settle or reject an outbound payment by then
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class BankBooks:
    """The sandbox bank's books: customers, accounts, cards, arrangements and payments."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None,
                 password_hasher: PasswordHasher | None = None,
                 outbound_timeout_s: int = OUTBOUND_TIMEOUT_S) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.hasher = password_hasher or PasswordHasher()
        self.outbound_timeout_s = outbound_timeout_s
        self.ledger = LedgerService(engine, self.clock)
        self._payments: SqliteGroupCommit[Payment, TransferOutcome] | None = None

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            yield conn

    # --- customers -------------------------------------------------------------------------

    async def authenticate_customer(self, login: str, password: str) -> Customer:
        """The customer with this login and password; raises `invalid_credentials`."""
        return await customer_access.authenticate_customer(
            self.engine, self.hasher, login, password)

    async def verify_totp(self, customer_id: str, code: str) -> bool:
        """True once per valid 6-digit TOTP code of the customer (a replayed code is False)."""
        async with write_transaction(self.engine) as conn:
            return await customer_access.verify_totp(conn, customer_id, code, self.clock.now())

    async def get_customer(self, customer_id: str) -> Customer:
        """The customer; raises `customer_not_found`."""
        async with self._read() as conn:
            customer = await SqlCustomers(conn).customer_by_id(customer_id)
        if customer is None:
            raise NotFound("customer_not_found", "No such customer.")
        return customer

    async def party(self, customer_id: str) -> Party:
        """The customer as the OB `/party` endpoint shows them; raises `customer_not_found`."""
        async with self._read() as conn:
            found = await SqlCustomers(conn).party(customer_id)
        if found is None:
            raise NotFound("customer_not_found", "No such customer.")
        return found

    # --- accounts --------------------------------------------------------------------------

    async def list_accounts(self, customer_id: str) -> list[Account]:
        """The customer's accounts, oldest first."""
        async with self._read() as conn:
            return await SqlAccounts(conn).accounts_of(customer_id)

    async def get_account(self, customer_id: str, account_id: str) -> Account:
        """One of the customer's accounts; raises `account_not_found`."""
        async with self._read() as conn:
            return await _owned_account(conn, customer_id, account_id)

    async def balances(self, customer_id: str, account_id: str) -> Balances:
        """Booked and available balances and the credit line, now."""
        async with self._read() as conn:
            account = await _owned_account(conn, customer_id, account_id)
            ledger_accounts = await SqlLedger(conn).lookup_accounts([account.ledger_account_id])
        entry = ledger_accounts[account.ledger_account_id]
        return Balances(
            account_id=account.id, currency=account.currency, booked_minor=entry.booked_minor,
            available_minor=entry.available_minor,
            credit_line_minor=entry.overdraft_limit_minor,
            pending_debits_minor=entry.debits_pending, as_of=self.clock.now())

    async def transactions(
        self, customer_id: str, account_id: str, from_dt: datetime | None = None,
        to_dt: datetime | None = None, limit: int = 100, cursor: str | None = None,
    ) -> TransactionPage:
        """Statement lines booked in [from_dt, to_dt), newest first, `limit` per page."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput("invalid_limit", f"Ask for 1 to {MAX_PAGE} transactions a page.")
        window = (as_utc(from_dt or EARLIEST), as_utc(to_dt or LATEST))
        if window[0] >= window[1]:
            raise InvalidInput("invalid_date_range", "The start must be before the end.")
        async with self._read() as conn:
            account = await _owned_account(conn, customer_id, account_id)
            return await SqlStatements(conn).statement(
                account.id, account.ledger_account_id, window, limit, cursor)

    async def statement_slice(
        self, customer_id: str, account_id: str, window: tuple[datetime, datetime],
        sides: frozenset[CreditDebit], limit: int, offset: int,
    ) -> StatementSlice:
        """Page `offset // limit` of the lines on `sides` booked in [from, to), newest first,
        with the window's line count (for numbered pages)."""
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("invalid_limit", f"Ask for 1 to {MAX_PAGE} transactions a page.")
        async with self._read() as conn:
            account = await _owned_account(conn, customer_id, account_id)
            return await SqlStatements(conn).statement_slice(
                account.id, account.ledger_account_id, (as_utc(window[0]), as_utc(window[1])),
                sides, limit, offset)

    async def beneficiaries(self, customer_id: str,
                            account_id: str | None = None) -> list[Beneficiary]:
        """Saved payees of the customer (or of one account)."""
        return await self._arrangements(Beneficiary, customer_id, account_id)

    async def standing_orders(self, customer_id: str,
                              account_id: str | None = None) -> list[StandingOrder]:
        """Standing orders of the customer (or of one account)."""
        return await self._arrangements(StandingOrder, customer_id, account_id)

    async def direct_debits(self, customer_id: str,
                            account_id: str | None = None) -> list[DirectDebit]:
        """Direct debit mandates of the customer (or of one account)."""
        return await self._arrangements(DirectDebit, customer_id, account_id)

    async def scheduled_payments(self, customer_id: str,
                                 account_id: str | None = None) -> list[ScheduledPayment]:
        """Future-dated one-off payments of the customer (or of one account)."""
        return await self._arrangements(ScheduledPayment, customer_id, account_id)

    async def _arrangements(self, kind: type[Arrangement], customer_id: str,
                            account_id: str | None) -> list[Arrangement]:
        async with self._read() as conn:
            if account_id is not None:
                await _owned_account(conn, customer_id, account_id)
            return await SqlArrangements(conn).list_of(kind, customer_id, account_id)

    # --- cards -----------------------------------------------------------------------------

    async def list_cards(self, customer_id: str) -> list[Card]:
        """The customer's cards."""
        async with self._read() as conn:
            return await SqlAccounts(conn).cards_of(customer_id)

    async def freeze_card(self, customer_id: str, card_id: str) -> Card:
        """Freeze an active card (idempotent); a lost or stolen card is `card_blocked`."""
        return await self._set_card_status(customer_id, card_id, CardStatus.FROZEN)

    async def unfreeze_card(self, customer_id: str, card_id: str) -> Card:
        """Unfreeze a frozen card (idempotent); a lost or stolen card is `card_blocked`."""
        return await self._set_card_status(customer_id, card_id, CardStatus.ACTIVE)

    async def report_card(self, customer_id: str, card_id: str, status: CardStatus) -> Card:
        """Block a card for good as `lost` or `stolen` (it can never be unfrozen)."""
        if status not in (CardStatus.LOST, CardStatus.STOLEN):
            raise InvalidInput("invalid_card_report", "A card is reported lost or stolen.")
        return await self._set_card_status(customer_id, card_id, status)

    async def _set_card_status(self, customer_id: str, card_id: str, status: CardStatus) -> Card:
        async with write_transaction(self.engine) as conn:
            accounts = SqlAccounts(conn)
            card = await accounts.card_of(customer_id, card_id)
            if card is None:
                raise NotFound("card_not_found", "No such card of yours.")
            if card.status in (CardStatus.LOST, CardStatus.STOLEN):
                raise Conflict("card_blocked",
                               f"The card was reported {card.status.value}; order a new one.")
            if card.status != status:
                await accounts.set_card_status(card_id, status, self.clock.now())
            return await accounts.card_of(customer_id, card_id) or card

    # --- payments --------------------------------------------------------------------------

    async def domestic_transfer(
        self, customer_id: str, request: DomesticTransferRequest
    ) -> TransferOutcome:
        """Pay from one of the customer's accounts to a UK sort code + account number.

        Same bank: booked at once. Other bank: funds held by a pending transfer to the interbank
        account until the scheme calls `post_outbound` or `void_outbound` (or the hold expires).
        Errors: account_not_found, creditor_account_not_found, insufficient_funds,
        idempotency_key_reused, same_account, currency_mismatch, invalid_* / amount_*.
        """
        if self._payments is None:
            path = sqlite_file_of(self.engine)
            if path is None:  # PostgreSQL: one transaction per payment, rows locked
                async with write_transaction(self.engine) as conn:
                    return await payments.domestic_transfer(
                        conn, customer_id, request, self.clock.now(), self.outbound_timeout_s)
            # SQLite: concurrent payments share one transaction in one writer thread.
            self._payments = SqliteGroupCommit(path, self.clock, partial(
                apply_domestic_transfers, outbound_timeout_s=self.outbound_timeout_s),
                name="payments-writer")
        return await self._payments.submit((customer_id, request))

    async def transfer_outcome(self, transfer_id: str) -> TransferOutcome:
        """Where a transfer returned by `domestic_transfer` stands now."""
        transfers = await self.ledger.lookup_transfers([transfer_id])
        if transfer_id not in transfers:
            raise NotFound("transfer_not_found", "No transfer has that id.")
        transfer = transfers[transfer_id]
        internal = not transfer.credit_account_id.startswith("interbank:")
        return payments.outcome_of(transfer, internal, replayed=True)

    async def post_outbound(self, transfer_id: str) -> TransferOutcome:
        """The scheme settled an outbound transfer: the held money leaves (idempotent)."""
        async with write_transaction(self.engine) as conn:
            return await payments.finish_outbound(conn, transfer_id, True, self.clock.now())

    async def void_outbound(self, transfer_id: str) -> TransferOutcome:
        """The scheme rejected an outbound transfer: the hold is released (idempotent)."""
        async with write_transaction(self.engine) as conn:
            return await payments.finish_outbound(conn, transfer_id, False, self.clock.now())

    async def credit_inbound(self, credit: InboundCredit) -> TransferOutcome:
        """Book money arriving from another bank (idempotent on the scheme's transfer id)."""
        async with write_transaction(self.engine) as conn:
            return await payments.credit_inbound(conn, credit, self.clock.now())

    async def close(self) -> None:
        """Stop the group-commit writers (payments, single transfers), if they were started."""
        if self._payments is not None:
            await self._payments.close()
            self._payments = None
        await self.ledger.close()

    async def release_expired_holds(self) -> list[str]:
        """Release holds whose timeout passed; returns their transfer ids. Outbound scheme holds
        are not among them: the scheme relay settles or voids those on the scheme's word."""
        return await self.ledger.void_expired(keep_codes=SCHEME_HOLD_CODES)


async def _owned_account(conn: AsyncConnection, customer_id: str, account_id: str) -> Account:
    account = await SqlAccounts(conn).account_of(customer_id, account_id)
    if account is None:
        raise NotFound("account_not_found", "No such account of yours.")
    return account
