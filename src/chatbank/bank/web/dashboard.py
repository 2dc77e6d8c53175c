"""The customer's access dashboard: who holds which consent, last use, and a Revoke button;
their cards; their standing orders with each one's recent payments and a Cancel button."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from chatbank.bank.openbanking.consents import ACCOUNT_ACCESS
from chatbank.bank.openbanking.runtime import Runtime
from chatbank.bank.web.common import current_session, go, message_page, render
from chatbank.bank.web.standing_orders import STATUS_OF, standing_order_rows
from chatbank.bank.web.wording import payment_summary, permission_words
from chatbank.core.errors import ChatbankError

router = APIRouter()


@router.get("/dashboard", include_in_schema=False)
async def dashboard(request: Request, bank: Runtime) -> Response:
    """Every third-party access the customer granted or refused, newest first."""
    session = await current_session(request, bank)
    if session is None:
        return go("/login")
    if not session.strong:
        return go("/sca")
    rows = []
    for consent in await bank.consents.for_customer(session.customer_id):
        client = await bank.clients.get(consent.client_id)
        rows.append({
            "consent": consent, "client_name": client.client_name if client else "Unknown",
            "permissions": permission_words(consent.permissions),
            "payment": payment_summary(consent.initiation) if consent.initiation else None,
            "revocable": consent.kind == ACCOUNT_ACCESS and consent.status == "Authorised"
            and not consent.expired})
    customer = await bank.books.get_customer(session.customer_id)
    cards = await bank.books.list_cards(session.customer_id)
    orders = await standing_order_rows(bank, session.customer_id)
    return render(bank, "dashboard.html", rows=rows, customer=customer, cards=cards,
                  orders=orders, csrf=session.csrf_token)


@router.post("/dashboard/revoke", include_in_schema=False)
async def revoke(request: Request, bank: Runtime, consent_id: Annotated[str, Form()],
                 csrf: Annotated[str, Form(max_length=64)]) -> Response:
    """Revoke one of the customer's account-access consents; the third party sees 403 next."""
    session = await current_session(request, bank)
    if session is None or not session.strong or not hmac.compare_digest(session.csrf_token,
                                                                         csrf):
        return go("/login")
    consent = await bank.consents.find(consent_id)
    if consent is None or consent.customer_id != session.customer_id:
        return message_page(bank, "Not found", "That access does not exist.", 404)
    await bank.consents.revoke(consent_id)
    return go("/dashboard")


@router.post("/dashboard/standing-orders/cancel", include_in_schema=False)
async def cancel_standing_order(request: Request, bank: Runtime,
                                order_id: Annotated[str, Form(max_length=40)],
                                csrf: Annotated[str, Form(max_length=64)]) -> Response:
    """Cancel one of the customer's standing orders: no payment is made after this."""
    session = await current_session(request, bank)
    if session is None or not session.strong or not hmac.compare_digest(session.csrf_token,
                                                                         csrf):
        return go("/login")
    try:
        await bank.scheduled.standing.book.cancel(session.customer_id, order_id,
                                                  bank.scheduled.clock.now())
    except ChatbankError as error:
        return message_page(bank, "Not cancelled", f"{error.message} ({error.code})",
                            STATUS_OF.get(error.code, 400))
    return go("/dashboard")
