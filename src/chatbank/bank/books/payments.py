"""Money movements the API and the scheme ask for: domestic transfers, outbound settlement or
rejection, and inbound credits. Each runs in one write transaction with its ledger transfer, so a
rejected request changes nothing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.books.model import (
    Account,
    DomesticTransferRequest,
    InboundCredit,
    TransferOutcome,
    TransferStatus,
)
from chatbank.bank.books.sql_accounts import SqlAccounts
from chatbank.bank.books.sql_customers import SqlCustomers
from chatbank.bank.books.sql_statement import SqlStatements, TransferDetails
from chatbank.bank.books.system_accounts import TransferCode, interbank_account_id
from chatbank.bank.ledger import (
    PendingState,
    SqlLedger,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from chatbank.core.errors import ChatbankError, Conflict, InvalidInput, NotFound
from chatbank.core.money import Money

SORT_CODE = re.compile(r"\d{6}")
ACCOUNT_NUMBER = re.compile(r"\d{8}")
MAX_IDEMPOTENCY_ID_CHARS = 128
MAX_REFERENCE_CHARS = 35


def transfer_id_for(customer_id: str, idempotency_id: str) -> str:
    """A ledger id unique per (customer, idempotency id), so two customers never collide."""
    digest = hashlib.sha256(f"{customer_id}\x00{idempotency_id}".encode()).hexdigest()
    return f"dt_{digest[:40]}"


def inbound_transfer_id(scheme_transfer_id: str) -> str:
    """The ledger id of the credit booked for a scheme payment (one credit per scheme id)."""
    digest = hashlib.sha256(scheme_transfer_id.encode()).hexdigest()
    return f"in_{digest[:40]}"


def check_domestic_request(request: DomesticTransferRequest) -> None:
    """Reject malformed requests before touching the database."""
    if not request.idempotency_id or len(request.idempotency_id) > MAX_IDEMPOTENCY_ID_CHARS:
        raise InvalidInput("invalid_idempotency_id",
                           f"Give an idempotency id of 1 to {MAX_IDEMPOTENCY_ID_CHARS} characters.")
    Money(request.amount_minor, request.currency)  # unknown_currency / invalid_amount
    if request.amount_minor <= 0:
        raise InvalidInput("amount_must_be_positive", "The amount must be more than zero.")
    if not SORT_CODE.fullmatch(request.creditor_sort_code):
        raise InvalidInput("invalid_sort_code", "A sort code is 6 digits, e.g. 040004.")
    if not ACCOUNT_NUMBER.fullmatch(request.creditor_account_number):
        raise InvalidInput("invalid_account_number", "An account number is 8 digits.")
    if len(request.reference) > MAX_REFERENCE_CHARS or not request.creditor_name.strip():
        raise InvalidInput("invalid_reference",
                           "Give the payee's name and a reference of at most 35 characters.")


def raise_for_result(result: TransferResult) -> None:
    """Turn a ledger rejection into the books' coded error."""
    if result.succeeded:
        return
    if result == TransferResult.EXCEEDS_CREDITS:
        raise InvalidInput("insufficient_funds", "The account does not have enough money.")
    if result.value.startswith("exists_with_different"):
        raise Conflict("idempotency_key_reused",
                       "This idempotency id was already used for a different payment.",
                       ledger_result=result.value)
    if result == TransferResult.ACCOUNTS_MUST_DIFFER:
        raise InvalidInput("same_account", "The payer and payee accounts are the same.")
    if result == TransferResult.CURRENCY_MISMATCH:
        raise InvalidInput("currency_mismatch", "The accounts are in different currencies.")
    if result == TransferResult.PENDING_TRANSFER_ALREADY_POSTED:
        raise Conflict("transfer_already_settled", "The transfer was already settled.")
    if result == TransferResult.PENDING_TRANSFER_ALREADY_VOIDED:
        raise Conflict("transfer_already_rejected", "The transfer was already rejected.")
    if result == TransferResult.PENDING_TRANSFER_EXPIRED:
        raise Conflict("transfer_expired", "The transfer's hold expired; its money was released.")
    raise ChatbankError(result.value, f"The ledger rejected the transfer ({result.value}).")


def outcome_of(transfer: Transfer, internal: bool, replayed: bool) -> TransferOutcome:
    status = TransferStatus.BOOKED
    if transfer.kind == TransferKind.PENDING:
        status = {PendingState.POSTED: TransferStatus.SETTLED,
                  PendingState.PENDING: TransferStatus.PENDING}.get(
            transfer.state or PendingState.PENDING, TransferStatus.REJECTED)
    return TransferOutcome(
        transfer_id=transfer.id, status=status, internal=internal,
        amount_minor=transfer.amount_minor, currency=transfer.currency,
        booked_at=transfer.created_at, replayed=replayed)


def plan_domestic_transfer(
    request: DomesticTransferRequest, payer: Account | None, sort_code_prefix: str | None,
    payee: Account | None, transfer_id: str, outbound_timeout_s: int,
) -> TransferRequest:
    """The ledger transfer for a checked request, given what the books hold; raises the
    books' coded error instead when the payer or payee cannot take part."""
    if payer is None or payer.status != "Enabled":
        raise NotFound("account_not_found", "No such account of yours can make payments.")
    if payer.currency != request.currency:
        raise InvalidInput("currency_mismatch",
                           f"The account holds {payer.currency}; pay in {payer.currency}.")
    internal = is_internal(request, sort_code_prefix)
    if internal and payee is None:
        raise NotFound("creditor_account_not_found",
                       "No account with that sort code and number exists at this bank.")
    return TransferRequest(
        id=transfer_id, debit_account_id=payer.ledger_account_id,
        credit_account_id=(payee.ledger_account_id if payee and internal
                           else interbank_account_id(request.currency)),
        amount_minor=request.amount_minor, currency=request.currency,
        kind=TransferKind.POSTED if internal else TransferKind.PENDING,
        timeout_s=0 if internal else outbound_timeout_s,
        code=TransferCode.INTERNAL_TRANSFER if internal else TransferCode.FASTER_PAYMENT_OUT)


def is_internal(request: DomesticTransferRequest, sort_code_prefix: str | None) -> bool:
    """Whether the payee's sort code is one of this bank's."""
    return sort_code_prefix is not None and request.creditor_sort_code.startswith(
        sort_code_prefix)


def details_of_domestic(request: DomesticTransferRequest, payer: Account, transfer_id: str,
                        internal: bool, now: datetime) -> TransferDetails:
    """What the customer's statement shows for a domestic payment."""
    return TransferDetails(
        transfer_id=transfer_id, booking_at=now, value_at=now,
        description=request.reference or f"To {request.creditor_name}",
        bank_transaction_code="FasterPayment" if not internal else "InternalTransfer",
        reference=request.reference, debtor_name=payer.holder_name,
        creditor_name=request.creditor_name, creditor_sort_code=request.creditor_sort_code,
        creditor_account_number=request.creditor_account_number)


async def domestic_transfer(
    conn: AsyncConnection, customer_id: str, request: DomesticTransferRequest,
    now: datetime, outbound_timeout_s: int,
) -> TransferOutcome:
    """Pay from the customer's account to a UK sort code + account number (see `BankBooks`)."""
    check_domestic_request(request)
    accounts = SqlAccounts(conn)
    payer = await accounts.account_of(customer_id, request.from_account_id)
    profile = await SqlCustomers(conn).profile()
    prefix = profile.sort_code_prefix if profile is not None else None
    payee = None
    if payer is not None and is_internal(request, prefix):
        payee = await accounts.account_by_identification(
            request.creditor_sort_code, request.creditor_account_number)
    transfer_id = transfer_id_for(customer_id, request.idempotency_id)
    ledger_request = plan_domestic_transfer(request, payer, prefix, payee, transfer_id,
                                            outbound_timeout_s)
    assert payer is not None  # planning refused a missing payer
    internal = ledger_request.kind == TransferKind.POSTED
    ledger = SqlLedger(conn)
    result = (await ledger.create_transfers([ledger_request], now))[0]
    raise_for_result(result)
    if result == TransferResult.OK:
        await SqlStatements(conn).insert_details(
            [details_of_domestic(request, payer, transfer_id, internal, now)])
    transfer = (await ledger.lookup_transfers([transfer_id]))[transfer_id]
    return outcome_of(transfer, internal, replayed=result == TransferResult.EXISTS)


async def finish_outbound(
    conn: AsyncConnection, transfer_id: str, settle: bool, now: datetime
) -> TransferOutcome:
    """Post (`settle`) or void an outbound pending transfer; retries are harmless."""
    ledger = SqlLedger(conn)
    pending = (await ledger.lookup_transfers([transfer_id])).get(transfer_id)
    if pending is None or pending.kind != TransferKind.PENDING:
        raise NotFound("transfer_not_found", "No outbound transfer has that id.")
    finish_id = f"{transfer_id}:{'post' if settle else 'void'}"
    result = (await ledger.create_transfers([TransferRequest(
        id=finish_id, pending_id=transfer_id, after_timeout=True,  # released only this way
        kind=TransferKind.POST_PENDING if settle else TransferKind.VOID_PENDING)], now))[0]
    raise_for_result(result)
    statements = SqlStatements(conn)
    details = await statements.details_of(transfer_id)
    if result == TransferResult.OK and settle and details is not None:
        # The settled line replaces the pending one on the statement, booked now.
        await statements.insert_details(
            [replace(details, transfer_id=finish_id, booking_at=now, value_at=now)])
    settled = (await ledger.lookup_transfers([transfer_id]))[transfer_id]
    return outcome_of(settled, internal=False, replayed=result == TransferResult.EXISTS)


async def credit_inbound(
    conn: AsyncConnection, credit: InboundCredit, now: datetime
) -> TransferOutcome:
    """Book money another bank sent through the scheme to one of our accounts."""
    Money(credit.amount_minor, credit.currency)
    if credit.amount_minor <= 0:
        raise InvalidInput("amount_must_be_positive", "The amount must be more than zero.")
    if not credit.transfer_id or len(credit.transfer_id) > MAX_IDEMPOTENCY_ID_CHARS:
        raise InvalidInput("invalid_idempotency_id", "Give the scheme's transfer id.")
    payee = await SqlAccounts(conn).account_by_identification(
        credit.creditor_sort_code, credit.creditor_account_number)
    if payee is None:
        raise NotFound("creditor_account_not_found",
                       "No account with that sort code and number exists at this bank.")
    if payee.status != "Enabled":
        raise InvalidInput("creditor_account_closed", "That account is closed to payments.")
    transfer_id = inbound_transfer_id(credit.transfer_id)
    ledger = SqlLedger(conn)
    result = (await ledger.create_transfers([TransferRequest(
        id=transfer_id, debit_account_id=interbank_account_id(credit.currency),
        credit_account_id=payee.ledger_account_id, amount_minor=credit.amount_minor,
        currency=credit.currency, code=TransferCode.FASTER_PAYMENT_IN)], now))[0]
    raise_for_result(result)
    if result == TransferResult.OK:
        await SqlStatements(conn).insert_details([TransferDetails(
            transfer_id=transfer_id, booking_at=now, value_at=now,
            description=credit.reference or f"From {credit.debtor_name}",
            bank_transaction_code="FasterPayment", reference=credit.reference,
            debtor_name=credit.debtor_name, creditor_name=payee.holder_name,
            creditor_sort_code=payee.sort_code, creditor_account_number=payee.account_number)])
    transfer = (await ledger.lookup_transfers([transfer_id]))[transfer_id]
    return outcome_of(transfer, internal=False, replayed=result == TransferResult.EXISTS)
