"""AISP routes (`/open-banking/v3.1/aisp`): consents and the data they grant, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from chatbank.bank.books import CreditDebit, StatementSlice
from chatbank.bank.openbanking import views
from chatbank.bank.openbanking.access import (
    client_grant,
    consent_grant,
    require_account,
    require_permission,
)
from chatbank.bank.openbanking.consents import (
    ACCOUNT_ACCESS,
    Consent,
    check_account_access_request,
)
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.idempotency import StoredResponse
from chatbank.bank.openbanking.parsing import parse_body
from chatbank.bank.openbanking.posting import post_once
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.bank.openbanking.schemas import ReadConsentRequest

AISP = "/open-banking/v3.1/aisp"
router = APIRouter(prefix=AISP)
FAR_PAST = datetime(1970, 1, 1, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def envelope(bank: BankRuntime, request: Request, data: dict[str, Any],
             total_pages: int = 1, next_url: str | None = None) -> dict[str, Any]:
    """`Data` + `Links.Self` (absolute) + `Meta`."""
    links = {"Self": bank.settings.base_url + request.url.path +
             (f"?{request.url.query}" if request.url.query else "")}
    if next_url:
        links["Next"] = next_url
    return {"Data": data, "Links": links, "Meta": {"TotalPages": total_pages}}


def consent_json(consent: Consent) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ConsentId": consent.consent_id, "Status": consent.status,
        "CreationDateTime": views.stamp(consent.created_at),
        "StatusUpdateDateTime": views.stamp(consent.status_updated_at),
        "Permissions": consent.permissions}
    for key, value in (("ExpirationDateTime", consent.expires_at),
                       ("TransactionFromDateTime", consent.transaction_from),
                       ("TransactionToDateTime", consent.transaction_to)):
        if value is not None:
            data[key] = views.stamp(value)
    return data


@router.post("/account-access-consents", status_code=201)
async def create_consent(request: Request, bank: Runtime) -> JSONResponse:
    """OBReadConsent1 → a consent AwaitingAuthorisation (client_credentials token)."""
    grant = await client_grant(request, bank, "accounts")

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(ReadConsentRequest, raw)
        data = body.Data
        check_account_access_request(list(data.Permissions), data.ExpirationDateTime,
                                     data.TransactionFromDateTime, data.TransactionToDateTime)
        consent = await bank.consents.create(
            ACCOUNT_ACCESS, grant.client_id, permissions=list(dict.fromkeys(data.Permissions)),
            risk=body.Risk, expires_at=data.ExpirationDateTime,
            transaction_from=data.TransactionFromDateTime,
            transaction_to=data.TransactionToDateTime)
        return StoredResponse(201, {
            "Data": consent_json(consent), "Risk": consent.risk, "Meta": {"TotalPages": 1},
            "Links": {"Self": f"{bank.settings.base_url}{AISP}/account-access-consents/"
                              f"{consent.consent_id}"}})

    return await post_once(request, bank, grant.client_id, "account-access-consent", run,
                           signed=False)


@router.get("/account-access-consents/{consent_id}")
async def get_consent(consent_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The client's consent and its current status."""
    grant = await client_grant(request, bank, "accounts")
    consent = await bank.consents.get_for_client(consent_id, grant.client_id, ACCOUNT_ACCESS)
    return {**envelope(bank, request, consent_json(consent)), "Risk": consent.risk}


@router.delete("/account-access-consents/{consent_id}", status_code=204)
async def delete_consent(consent_id: str, request: Request, bank: Runtime) -> Response:
    """The third party gives the access up; every token bound to it stops working."""
    grant = await client_grant(request, bank, "accounts")
    await bank.consents.get_for_client(consent_id, grant.client_id, ACCOUNT_ACCESS)
    await bank.consents.revoke(consent_id)
    await bank.server.revoke_consent_tokens(consent_id)
    return Response(status_code=204)


@router.get("/accounts")
async def list_accounts(request: Request, bank: Runtime) -> dict[str, Any]:
    """The accounts the customer picked for this consent."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    granted = require_permission(consent, "ReadAccountsBasic", "ReadAccountsDetail")
    accounts = await bank.books.list_accounts(consent.customer_id or "")
    picked = [a for a in accounts if a.id in consent.account_ids]
    detail = "ReadAccountsDetail" in granted
    return envelope(bank, request, {"Account": [views.account_json(a, detail) for a in picked]})


@router.get("/accounts/{account_id}")
async def get_account(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """One picked account."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    granted = require_permission(consent, "ReadAccountsBasic", "ReadAccountsDetail")
    require_account(consent, account_id)
    accounts = await bank.books.list_accounts(consent.customer_id or "")
    detail = "ReadAccountsDetail" in granted
    return envelope(bank, request, {"Account": [
        views.account_json(a, detail) for a in accounts if a.id == account_id]})


@router.get("/accounts/{account_id}/balances")
async def get_balances(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Booked and available balance (with the credit line)."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    require_permission(consent, "ReadBalances")
    require_account(consent, account_id)
    balances = await bank.books.balances(consent.customer_id or "", account_id)
    return envelope(bank, request, {"Balance": views.balance_json(balances)})


def _when(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OBError(400, "invalid_date", "UK.OBIE.Field.InvalidDate",
                      f"{name} must be an ISO 8601 date-time.", name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _page_number(text: str | None) -> int:
    if text is None:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 10_000:
        raise OBError(400, "invalid_page", "UK.OBIE.Field.Invalid", "page must be 1 or more.",
                      "page")
    return int(text)


def _window(consent: Consent, request: Request) -> tuple[datetime, datetime]:
    """The query's booking window, clipped to what the consent allows."""
    asked_from = _when(request.query_params.get("fromBookingDateTime"), "fromBookingDateTime")
    asked_to = _when(request.query_params.get("toBookingDateTime"), "toBookingDateTime")
    start = max(d for d in (asked_from, consent.transaction_from, FAR_PAST) if d is not None)
    end = min(d for d in (asked_to, consent.transaction_to, FAR_FUTURE) if d is not None)
    return start, max(start, end)


@router.get("/accounts/{account_id}/transactions")
async def get_transactions(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Statement lines in the window, newest first, `page_size` per page (`?page=N`)."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    granted = require_permission(consent, "ReadTransactionsBasic", "ReadTransactionsDetail")
    sides = frozenset(side for side in CreditDebit
                      if f"ReadTransactions{side}s" in consent.permissions)
    require_account(consent, account_id)
    page = _page_number(request.query_params.get("page"))
    size = bank.settings.page_size
    window = _window(consent, request)
    lines = StatementSlice([], 0)
    if window[0] < window[1]:
        lines = await bank.books.statement_slice(consent.customer_id or "", account_id, window,
                                                 sides, size, (page - 1) * size)
    total_pages = max(1, -(-lines.total // size))
    next_url = None
    if page < total_pages:
        query = dict(request.query_params) | {"page": str(page + 1)}
        next_url = f"{bank.settings.base_url}{request.url.path}?{urlencode(query)}"
    detail = "ReadTransactionsDetail" in granted
    return envelope(bank, request, {"Transaction": [
        views.transaction_json(t, detail) for t in lines.items]}, total_pages, next_url)


async def _listing(request: Request, bank: BankRuntime, account_id: str, key: str,
                   permissions: tuple[str, ...], load: str,
                   render: Callable[[Any, bool], dict[str, Any]]) -> dict[str, Any]:
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    granted = require_permission(consent, *permissions)
    require_account(consent, account_id)
    items = await getattr(bank.books, load)(consent.customer_id or "", account_id)
    detail = any(p.endswith("Detail") for p in granted) or len(permissions) == 1
    return envelope(bank, request, {key: [render(item, detail) for item in items]})


@router.get("/accounts/{account_id}/beneficiaries")
async def get_beneficiaries(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Trusted payees of the account."""
    return await _listing(request, bank, account_id, "Beneficiary",
                          ("ReadBeneficiariesBasic", "ReadBeneficiariesDetail"),
                          "beneficiaries", views.beneficiary_json)


@router.get("/accounts/{account_id}/direct-debits")
async def get_direct_debits(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Direct debit mandates of the account."""
    return await _listing(request, bank, account_id, "DirectDebit", ("ReadDirectDebits",),
                          "direct_debits", lambda item, _d: views.direct_debit_json(item))


@router.get("/accounts/{account_id}/standing-orders")
async def get_standing_orders(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Standing orders of the account."""
    return await _listing(request, bank, account_id, "StandingOrder",
                          ("ReadStandingOrdersBasic", "ReadStandingOrdersDetail"),
                          "standing_orders", views.standing_order_json)


@router.get("/accounts/{account_id}/scheduled-payments")
async def get_scheduled_payments(account_id: str, request: Request,
                                 bank: Runtime) -> dict[str, Any]:
    """Future-dated payments of the account."""
    return await _listing(request, bank, account_id, "ScheduledPayment",
                          ("ReadScheduledPaymentsBasic", "ReadScheduledPaymentsDetail"),
                          "scheduled_payments", views.scheduled_payment_json)


@router.get("/accounts/{account_id}/party")
async def get_account_party(account_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The account holder (sole accounts only in the sandbox)."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    require_permission(consent, "ReadParty")
    require_account(consent, account_id)
    return await _party(request, bank, consent)


@router.get("/party")
async def get_party(request: Request, bank: Runtime) -> dict[str, Any]:
    """The customer who gave the consent."""
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    require_permission(consent, "ReadPartyPSU")
    return await _party(request, bank, consent)


async def _party(request: Request, bank: BankRuntime, consent: Consent) -> dict[str, Any]:
    party = await bank.books.party(consent.customer_id or "")
    return envelope(bank, request, {"Party": views.party_json(party)})
