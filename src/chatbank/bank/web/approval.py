"""The consent page: exactly what the third party asks, accounts to pick, approve or refuse.

For a payment the page shows amount and payee, and the approval carries a digest of exactly
those details (dynamic linking): if the consent changed in between, the approval is refused.
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from chatbank.bank.auth.sessions import CustomerSession
from chatbank.bank.books import Account
from chatbank.bank.openbanking.consents import PAYMENT_KINDS, Consent
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.bank.web.common import current_session, flow_cookie, go, message_page, render
from chatbank.bank.web.wording import initiation_binding, payment_summary, permission_words
from chatbank.core.errors import ChatbankError

router = APIRouter()


def eligible_accounts(consent: Consent, accounts: list[Account]) -> list[Account]:
    """Accounts the customer may pick: any for data; for a payment the named debtor (if any)."""
    if consent.kind not in PAYMENT_KINDS:
        return accounts
    initiation = consent.initiation or {}
    currency = (initiation.get("InstructedAmount") or initiation["FirstPaymentAmount"])["Currency"]
    debtor = (initiation.get("DebtorAccount") or {}).get("Identification")
    return [a for a in accounts if a.currency == currency and a.status == "Enabled"
            and (debtor is None or a.scheme_identification == debtor)]


def redirect_back(bank: BankRuntime, redirect_uri: str, state: str | None,
                  **params: str) -> Response:
    """Back to the client's registered redirect URI, with `state` and `iss` (RFC 9207)."""
    query = dict(params)
    if state is not None:
        query["state"] = state
    query["iss"] = bank.settings.base_url
    separator = "&" if "?" in redirect_uri else "?"
    response = go(f"{redirect_uri}{separator}{urlencode(query)}")
    response.delete_cookie(flow_cookie(bank), path="/")
    return response


async def _strong_session(request: Request, bank: BankRuntime) -> CustomerSession | Response:
    session = await current_session(request, bank)
    if session is None:
        return go("/login")
    if not session.strong:
        return go("/sca")
    return session


@router.get("/consent", include_in_schema=False)
async def consent_page(request: Request, bank: Runtime) -> Response:
    """Show what is asked, in plain words, for the pushed request in the flow cookie."""
    session = await _strong_session(request, bank)
    if isinstance(session, Response):
        return session
    try:
        pushed = await bank.server.open_pushed(None, request.cookies.get(flow_cookie(bank), ""))
    except ChatbankError as error:
        return message_page(bank, "Nothing to approve", error.message)
    consent = await bank.consents.find(pushed.consent_id)
    client = await bank.clients.get(pushed.client_id)
    if consent is None or client is None or consent.status != "AwaitingAuthorisation":
        return message_page(bank, "Nothing to approve", "This request was already answered.")
    accounts = eligible_accounts(consent, await bank.books.list_accounts(session.customer_id))
    payment = payment_summary(consent.initiation) if consent.initiation else None
    return render(bank, "consent.html", consent=consent, client=client, accounts=accounts,
                  permissions=permission_words(consent.permissions), payment=payment,
                  binding=initiation_binding(consent.initiation) if consent.initiation else "",
                  csrf=session.csrf_token, request_uri=pushed.request_uri)


@router.post("/consent", include_in_schema=False)
async def answer_consent(
    request: Request, bank: Runtime, decision: Annotated[str, Form()],
    csrf: Annotated[str, Form(max_length=64)], request_uri: Annotated[str, Form()],
    binding: Annotated[str, Form()] = "", accounts: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Approve (with the picked accounts) or refuse, then send the customer back."""
    session = await _strong_session(request, bank)
    if isinstance(session, Response):
        return session
    if not hmac.compare_digest(session.csrf_token, csrf) or request_uri != request.cookies.get(
            flow_cookie(bank)):
        return message_page(bank, "Please start again", "This form has expired.", 403)
    try:
        pushed = await bank.server.open_pushed(None, request_uri)
        consent = await bank.consents.find(pushed.consent_id)
        if consent is None:
            raise ChatbankError("consent_not_found", "The request no longer exists.")
        if decision != "approve":
            await bank.consents.reject(consent.consent_id, session.customer_id)
            await bank.server.close_pushed(request_uri)
            return redirect_back(bank, pushed.redirect_uri, pushed.state, error="access_denied",
                                 error_description="The customer refused.")
        picked = _check_pick(consent, accounts or [], binding, eligible_accounts(
            consent, await bank.books.list_accounts(session.customer_id)))
        await bank.consents.authorise(consent.consent_id, session.customer_id, picked)
        code = await bank.server.issue_code(pushed, session.customer_id)
    except ChatbankError as error:
        return message_page(bank, "We could not save your answer", error.message)
    return redirect_back(bank, pushed.redirect_uri, pushed.state, code=code)


def _check_pick(consent: Consent, picked: list[str], binding: str,
                eligible: list[Account]) -> list[str]:
    allowed = {a.id for a in eligible}
    chosen = list(dict.fromkeys(picked))
    if not chosen or any(a not in allowed for a in chosen):
        raise ChatbankError("invalid_account_choice", "Pick one or more of your accounts.")
    if consent.kind in PAYMENT_KINDS:
        if len(chosen) != 1:
            raise ChatbankError("invalid_account_choice", "Pick the one account to pay from.")
        if not hmac.compare_digest(binding, initiation_binding(consent.initiation or {})):
            raise ChatbankError("payment_changed",
                                "The payment details changed; nothing was approved.")
    return chosen
