"""The customer's access dashboard at the bank, and what the third party sees after a revoke."""

from __future__ import annotations

import re

import httpx

from tests.contract.banks import RunningBank
from tests.contract.tpp import AISP, Tpp, field_value, sign_in


def test_revoking_at_the_bank_makes_the_next_call_fail_with_403(bank: RunningBank,
                                                                tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent(["ReadAccountsBasic", "ReadBalances"])
    account_id = bank.account_ids("alice")[0]
    tokens = tpp.tokens_for(consent_id, accounts=[account_id])
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert tpp.http.get(f"{AISP}/accounts", headers=headers).status_code == 200
    with httpx.Client(base_url=bank.url) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
        assert "Chatbank platform" in page and "See your balances" in page
        assert "Last used" in page and "Last used never" not in page.split(consent_id)[0][-2000:]
        revoke = browser.post("/dashboard/revoke", data={
            "consent_id": consent_id, "csrf": field_value(page, "csrf")})
        assert revoke.status_code == 303
        after = browser.get("/dashboard").text
    assert re.search(r"Revoked", after)
    refused = tpp.http.get(f"{AISP}/accounts", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.InvalidConsentStatus"
    assert refused.json()["Code"] == "consent_revoked"
    client = {"Authorization": f"Bearer {tpp.client_token('accounts')}"}
    status = tpp.http.get(f"{AISP}/account-access-consents/{consent_id}", headers=client)
    assert status.json()["Data"]["Status"] == "Revoked"
    refresh = tpp.token_request(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"


def test_dashboard_needs_sca_and_refuses_forged_revokes(bank: RunningBank, tpp: Tpp) -> None:
    with httpx.Client(base_url=bank.url) as browser:
        assert browser.get("/dashboard").headers["location"] == "/login"
        browser.post("/login", data={"login": "alice", "password": "bank-demo-pass"})
        assert browser.get("/dashboard").headers["location"] == "/sca"
        forged = browser.post("/dashboard/revoke", data={"consent_id": "x", "csrf": "nope"})
        assert forged.headers["location"] == "/login"
