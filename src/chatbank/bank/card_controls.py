"""Card controls: a bank extension API, because UK OB Read/Write v3.1.11 has no card control.

`GET  /extensions/card-controls/v1/cards` — the cards on the accounts the customer picked
`POST /extensions/card-controls/v1/cards/{CardId}/freeze | unfreeze | report-lost | report-stolen`

Called with the customer's AISP access token, and only when the account-access consent carries
the extension permission `ManageCards`, which the customer granted at the bank in plain words
(see `web/wording.py`). Answers use the OB envelope and the OB error shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from chatbank.bank.books import Account, AccountSubtype, Card, CardStatus
from chatbank.bank.openbanking.access import consent_grant, require_permission
from chatbank.bank.openbanking.consents import ACCOUNT_ACCESS, Consent
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime

PREFIX = "/extensions/card-controls/v1"
MANAGE_CARDS = "ManageCards"
ACTIONS = {"freeze", "unfreeze", "report-lost", "report-stolen"}
STATUS_WORDS = {CardStatus.ACTIVE: "Active", CardStatus.FROZEN: "Frozen",
                CardStatus.LOST: "Lost", CardStatus.STOLEN: "Stolen"}

router = APIRouter(prefix=PREFIX)


def card_json(card: Card, account: Account) -> dict[str, Any]:
    """One card as the extension shows it: never the full number, only its last four digits."""
    return {"CardId": card.id, "AccountId": card.account_id,
            "CardType": "Credit" if account.subtype is AccountSubtype.CREDIT_CARD else "Debit",
            "CardScheme": card.scheme, "Last4": card.masked_pan[-4:],
            "ExpiryDate": f"{card.expiry_month:02d}/{card.expiry_year % 100:02d}",
            "Status": STATUS_WORDS[card.status]}


async def _consented_cards(request: Request, bank: BankRuntime
                           ) -> tuple[Consent, list[dict[str, Any]]]:
    _grant, consent = await consent_grant(request, bank, ACCOUNT_ACCESS)
    require_permission(consent, MANAGE_CARDS)
    customer_id = consent.customer_id or ""
    accounts = {a.id: a for a in await bank.books.list_accounts(customer_id)
                if a.id in consent.account_ids}
    cards = [card_json(c, accounts[c.account_id])
             for c in await bank.books.list_cards(customer_id) if c.account_id in accounts]
    return consent, cards


def _envelope(bank: BankRuntime, request: Request, cards: list[dict[str, Any]]
              ) -> dict[str, Any]:
    return {"Data": {"Card": cards}, "Links": {"Self": bank.settings.base_url + request.url.path},
            "Meta": {"TotalPages": 1}}


@router.get("/cards")
async def list_cards(request: Request, bank: Runtime) -> dict[str, Any]:
    """The cards on the accounts under this consent, with their status."""
    _consent, cards = await _consented_cards(request, bank)
    return _envelope(bank, request, cards)


@router.post("/cards/{card_id}/{action}")
async def change_card(card_id: str, action: str, request: Request,
                      bank: Runtime) -> dict[str, Any]:
    """Freeze, unfreeze, or block for good (lost/stolen) one card under this consent."""
    if action not in ACTIONS:
        raise OBError(404, "unknown_card_action", "UK.OBIE.NotFound",
                      f"Card actions are: {', '.join(sorted(ACTIONS))}.")
    consent, cards = await _consented_cards(request, bank)
    if not any(card["CardId"] == card_id for card in cards):
        raise OBError(400, "card_not_found", "UK.OBIE.Resource.NotFound",
                      "No such card under this consent.", "CardId")
    customer_id = consent.customer_id or ""
    if action == "freeze":
        await bank.books.freeze_card(customer_id, card_id)
    elif action == "unfreeze":
        await bank.books.unfreeze_card(customer_id, card_id)
    else:
        status = CardStatus.LOST if action == "report-lost" else CardStatus.STOLEN
        await bank.books.report_card(customer_id, card_id, status)
    _consent, after = await _consented_cards(request, bank)
    return _envelope(bank, request, [card for card in after if card["CardId"] == card_id])
