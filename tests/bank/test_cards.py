"""The bank's card-controls extension: only under a consent the customer gave `ManageCards`."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract.banks import RunningBank
from tests.contract.tpp import Tpp, sign_in

CARDS = "/extensions/card-controls/v1/cards"
READS = ["ReadAccountsBasic", "ReadBalances"]


def bearer(tpp: Tpp, permissions: list[str], login: str = "alice",
           accounts: list[str] | None = None) -> dict[str, str]:
    tokens = tpp.tokens_for(tpp.create_account_consent(permissions), login=login,
                            accounts=accounts)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def cards_of(tpp: Tpp, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = tpp.http.get(CARDS, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["Data"]["Card"])


def dashboard_text(bank: RunningBank, login: str) -> str:
    with httpx.Client(base_url=bank.url) as browser:
        sign_in(browser, login)
        return browser.get("/dashboard").text


def test_with_manage_cards_a_card_is_frozen_and_unfrozen_and_the_dashboard_shows_it(
        bank: RunningBank, tpp: Tpp) -> None:
    headers = bearer(tpp, [*READS, "ManageCards"], accounts=bank.account_ids("alice"))
    cards = cards_of(tpp, headers)
    assert sorted(c["CardType"] for c in cards) == ["Credit", "Debit"]
    debit = next(c for c in cards if c["CardType"] == "Debit")
    assert len(debit["Last4"]) == 4 and debit["Last4"].isdigit()
    assert "******" not in str(cards) and debit["Status"] == "Active"
    frozen = tpp.http.post(f"{CARDS}/{debit['CardId']}/freeze", headers=headers)
    assert frozen.status_code == 200, frozen.text
    assert frozen.json()["Data"]["Card"][0]["Status"] == "Frozen"
    assert f"ending {debit['Last4']}: <strong class=\"card-status\">Frozen" in dashboard_text(
        bank, "alice")
    assert "Freeze and unfreeze your cards" in dashboard_text(bank, "alice")
    thawed = tpp.http.post(f"{CARDS}/{debit['CardId']}/unfreeze", headers=headers)
    assert thawed.json()["Data"]["Card"][0]["Status"] == "Active"
    assert next(c for c in cards_of(tpp, headers)
                if c["CardId"] == debit["CardId"])["Status"] == "Active"


def test_without_manage_cards_the_bank_refuses_with_the_ob_error_shape(
        bank: RunningBank, tpp: Tpp) -> None:
    headers = bearer(tpp, READS)
    refused = tpp.http.get(CARDS, headers=headers)
    assert refused.status_code == 403
    body = refused.json()
    assert body["Code"] == "permission_not_granted"
    assert body["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.InvalidConsentStatus"
    client_only = {"Authorization": f"Bearer {tpp.client_token('accounts')}"}
    assert tpp.http.get(CARDS, headers=client_only).status_code == 403


def test_a_card_reported_stolen_stays_blocked(bank: RunningBank, tpp: Tpp) -> None:
    headers = bearer(tpp, [*READS, "ManageCards"], login="bob")
    (card,) = cards_of(tpp, headers)
    stolen = tpp.http.post(f"{CARDS}/{card['CardId']}/report-stolen", headers=headers)
    assert stolen.json()["Data"]["Card"][0]["Status"] == "Stolen"
    again = tpp.http.post(f"{CARDS}/{card['CardId']}/unfreeze", headers=headers)
    assert again.status_code == 400
    assert again.json()["Code"] == "card_blocked"
    assert "Blocked (reported stolen)" in dashboard_text(bank, "bob")


def test_cards_on_accounts_not_picked_for_the_consent_are_invisible(
        bank: RunningBank, tpp: Tpp) -> None:
    current = bank.account_ids("alice")[0]
    headers = bearer(tpp, [*READS, "ManageCards"], accounts=[current])
    (card,) = cards_of(tpp, headers)
    assert card["AccountId"] == current and card["CardType"] == "Debit"
    every = bearer(tpp, [*READS, "ManageCards"], accounts=bank.account_ids("alice"))
    credit = next(c for c in cards_of(tpp, every) if c["CardType"] == "Credit")
    hidden = tpp.http.post(f"{CARDS}/{credit['CardId']}/freeze", headers=headers)
    assert hidden.status_code == 400
    assert hidden.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.NotFound"
    unknown = tpp.http.post(f"{CARDS}/{card['CardId']}/shred", headers=headers)
    assert unknown.status_code == 404
