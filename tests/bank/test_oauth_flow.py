"""The bank's authorisation server through real HTTP: PAR, pages, code + PKCE, tokens."""

from __future__ import annotations

from tests.contract.banks import RunningBank
from tests.contract.tpp import AISP, Tpp


def test_customer_approval_gives_tokens_that_read_only_the_picked_account(
        bank: RunningBank, tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    picked = bank.account_ids("alice")[0]
    tokens = tpp.tokens_for(consent_id, accounts=[picked])
    accounts = tpp.http.get(f"{AISP}/accounts", headers={
        "Authorization": f"Bearer {tokens['access_token']}"})
    assert accounts.status_code == 200, accounts.text
    assert [a["AccountId"] for a in accounts.json()["Data"]["Account"]] == [picked]
    assert "x-jws-signature" in accounts.headers
