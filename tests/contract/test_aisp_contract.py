"""Every AISP operation the bank implements, over real HTTP, validated against the OB spec."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.tpp import AISP, ALL_READS, Tpp, in_months

INTERACTION_ID = "3f1e2d4c-0000-4000-8000-000000000001"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "x-fapi-interaction-id": INTERACTION_ID}


def test_account_information_operations_match_the_spec(bank: RunningBank, tpp: Tpp) -> None:
    client_token = tpp.client_token("accounts")
    created = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json={
        "Data": {"Permissions": ALL_READS, "ExpirationDateTime": in_months(3)}, "Risk": {}},
        headers=bearer(client_token)))
    assert created.status_code == 201
    assert created.headers["x-fapi-interaction-id"] == INTERACTION_ID
    consent_id = created.json()["Data"]["ConsentId"]
    assert created.json()["Data"]["Status"] == "AwaitingAuthorisation"
    account_id = bank.account_ids("alice")[0]
    tokens = tpp.tokens_for(consent_id, accounts=[account_id])
    fetched = check_exchange(tpp.http.get(f"{AISP}/account-access-consents/{consent_id}",
                                          headers=bearer(client_token)))
    assert fetched.json()["Data"]["Status"] == "Authorised"
    user = bearer(tokens["access_token"])
    for path in ("/accounts", f"/accounts/{account_id}", f"/accounts/{account_id}/balances",
                 f"/accounts/{account_id}/beneficiaries", f"/accounts/{account_id}/direct-debits",
                 f"/accounts/{account_id}/standing-orders",
                 f"/accounts/{account_id}/scheduled-payments", f"/accounts/{account_id}/party",
                 "/party"):
        response = check_exchange(tpp.http.get(AISP + path, headers=user))
        assert response.status_code == 200, (path, response.text)
    balances = tpp.http.get(f"{AISP}/accounts/{account_id}/balances", headers=user).json()
    assert {b["Type"] for b in balances["Data"]["Balance"]} == {"InterimBooked", "InterimAvailable"}
    deleted = check_exchange(tpp.http.delete(f"{AISP}/account-access-consents/{consent_id}",
                                             headers=bearer(client_token)))
    assert deleted.status_code == 204
    after = check_exchange(tpp.http.get(f"{AISP}/accounts", headers=user))
    assert after.status_code == 401


def test_transactions_are_paged_with_links_next_and_total_pages(bank: RunningBank,
                                                               tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    account_id = bank.account_ids("alice")[0]
    user = bearer(tpp.tokens_for(consent_id, accounts=[account_id])["access_token"])
    since = (datetime.now(UTC) - timedelta(days=120)).replace(microsecond=0).isoformat()
    first = check_exchange(tpp.http.get(f"{AISP}/accounts/{account_id}/transactions",
                                        params={"fromBookingDateTime": since}, headers=user))
    body = first.json()
    assert body["Meta"]["TotalPages"] >= 2, "seeded history should span pages"
    assert all(t["BookingDateTime"] >= since for t in body["Data"]["Transaction"])
    second = check_exchange(tpp.http.get(body["Links"]["Next"], headers=user))
    first_ids = {t["TransactionId"] for t in body["Data"]["Transaction"]}
    assert first_ids.isdisjoint(t["TransactionId"] for t in second.json()["Data"]["Transaction"])


def test_basic_permissions_hide_details_and_credits_only_hides_debits(bank: RunningBank,
                                                                      tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent(
        ["ReadAccountsBasic", "ReadTransactionsBasic", "ReadTransactionsCredits"])
    account_id = bank.account_ids("alice")[0]
    user = bearer(tpp.tokens_for(consent_id, accounts=[account_id])["access_token"])
    accounts = check_exchange(tpp.http.get(f"{AISP}/accounts", headers=user)).json()
    assert "Account" not in accounts["Data"]["Account"][0]
    lines = check_exchange(tpp.http.get(f"{AISP}/accounts/{account_id}/transactions",
                                        headers=user)).json()["Data"]["Transaction"]
    assert lines and {t["CreditDebitIndicator"] for t in lines} == {"Credit"}
    assert all("TransactionInformation" not in t for t in lines)
    refused = check_exchange(tpp.http.get(f"{AISP}/accounts/{account_id}/balances",
                                          headers=user))
    assert refused.status_code == 403
    assert refused.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.InvalidConsentStatus"


def test_bad_consent_requests_get_spec_errors_and_create_nothing(bank: RunningBank,
                                                                tpp: Tpp) -> None:
    token = tpp.client_token("accounts")
    consents_before = bank.row_count("ob_consents")
    cases = [
        ({"Data": {"Permissions": ["ReadEverything"], "ExpirationDateTime": in_months(1)},
          "Risk": {}}, False, "UK.OBIE.Field.Invalid"),
        ({"Data": {"Permissions": ["ReadBalances"], "ExpirationDateTime": in_months(13)},
          "Risk": {}}, True, "UK.OBIE.Field.InvalidDate"),
        ({"Data": {"Permissions": ["ReadTransactionsDetail"],
                   "ExpirationDateTime": in_months(1)}, "Risk": {}}, True,
         "UK.OBIE.Field.Invalid"),
        ({"Data": {"ExpirationDateTime": in_months(1)}, "Risk": {}}, False,
         "UK.OBIE.Field.Missing"),
    ]
    for body, spec_valid, ob_code in cases:
        response = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json=body,
                                                headers=bearer(token)), request_valid=spec_valid)
        assert response.status_code == 400, response.text
        assert response.json()["Errors"][0]["ErrorCode"] == ob_code
    assert bank.row_count("ob_consents") == consents_before
    unknown = check_exchange(tpp.http.get(f"{AISP}/account-access-consents/aac_nope",
                                          headers=bearer(token)))
    assert unknown.status_code == 400
    assert unknown.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.NotFound"


def test_foreign_expired_and_missing_tokens_are_refused(bank: RunningBank, tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    other = Tpp.register(bank.url, name="Someone else")
    try:
        foreign = check_exchange(other.http.get(f"{AISP}/account-access-consents/{consent_id}",
                                                headers=bearer(other.client_token("accounts"))))
        assert foreign.status_code == 400
    finally:
        other.close()
    missing = check_exchange(tpp.http.get(f"{AISP}/accounts"), request_valid=False)
    assert missing.status_code == 401
    client_only = check_exchange(tpp.http.get(f"{AISP}/accounts",
                                              headers=bearer(tpp.client_token("accounts"))))
    assert client_only.status_code == 403
    soon = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
    token = tpp.client_token("accounts")
    short = tpp.http.post(f"{AISP}/account-access-consents", headers=bearer(token), json={
        "Data": {"Permissions": ["ReadBalances"], "ExpirationDateTime": soon}, "Risk": {}})
    account_id = bank.account_ids("alice")[0]
    user = bearer(tpp.tokens_for(short.json()["Data"]["ConsentId"],
                                 accounts=[account_id])["access_token"])
    time.sleep(max(0.0, (datetime.fromisoformat(soon) - datetime.now(UTC)).total_seconds()))
    expired = check_exchange(tpp.http.get(f"{AISP}/accounts/{account_id}/balances",
                                          headers=user))
    assert expired.status_code == 403
    assert expired.json()["Code"] == "consent_expired"
    other_account = bank.account_ids("alice")[1]
    consent_id = tpp.create_account_consent()
    user = bearer(tpp.tokens_for(consent_id, accounts=[account_id])["access_token"])
    unpicked = check_exchange(tpp.http.get(f"{AISP}/accounts/{other_account}/balances",
                                           headers=user))
    assert unpicked.status_code == 403


def test_oversize_body_gets_the_spec_error_shape(tpp: Tpp) -> None:
    token = tpp.client_token("accounts")
    huge = {"Data": {"Permissions": ["ReadBalances"], "ExpirationDateTime": in_months(1)},
            "Risk": {"padding": "x" * 70_000}}
    response = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json=huge,
                                            headers=bearer(token)), request_valid=False)
    assert response.status_code == 400
    assert response.json()["Code"] == "payload_too_large"


def test_consent_creation_honours_an_idempotency_key(tpp: Tpp) -> None:
    headers = {**bearer(tpp.client_token("accounts")), "x-idempotency-key": "aisp-key-1"}
    body = {"Data": {"Permissions": ["ReadBalances"], "ExpirationDateTime": in_months(2)},
            "Risk": {}}
    first = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json=body,
                                         headers=headers))
    again = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json=body,
                                         headers=headers))
    assert again.json()["Data"]["ConsentId"] == first.json()["Data"]["ConsentId"]
    other = {**body, "Data": {**body["Data"], "Permissions": ["ReadAccountsBasic"]}}
    clash = check_exchange(tpp.http.post(f"{AISP}/account-access-consents", json=other,
                                         headers=headers))
    assert clash.status_code == 400 and clash.json()["Code"] == "idempotency_key_reused"
