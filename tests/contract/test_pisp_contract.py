"""Domestic payment consents and payments over real HTTP, validated against the OB spec."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.tpp import PISP, Tpp


def initiation(bank: RunningBank, amount: str = "12.50", currency: str = "GBP",
               payee_login: str = "bob") -> dict[str, Any]:
    payee = bank.accounts(payee_login)[0]
    return {"InstructionIdentification": uuid.uuid4().hex[:16],
            "EndToEndIdentification": "pizza-night",
            "InstructedAmount": {"Amount": amount, "Currency": currency},
            "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                                "Identification": payee.scheme_identification,
                                "Name": "Bob Brown"},
            "RemittanceInformation": {"Reference": "Pizza"}}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_payment_journey_matches_the_spec_and_moves_money_once(bank: RunningBank,
                                                               tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    before = bank.available_minor("alice", payer.id)
    token = tpp.client_token("payments")
    body = {"Data": {"Initiation": initiation(bank)}, "Risk": {}}
    created = check_exchange(tpp.signed_post(f"{PISP}/domestic-payment-consents", body, token,
                                             "consent-key-1"))
    assert created.status_code == 201, created.text
    replay = check_exchange(tpp.signed_post(f"{PISP}/domestic-payment-consents", body, token,
                                            "consent-key-1"))
    assert replay.json()["Data"]["ConsentId"] == created.json()["Data"]["ConsentId"]
    consent_id = created.json()["Data"]["ConsentId"]
    check_exchange(tpp.http.get(f"{PISP}/domestic-payment-consents/{consent_id}",
                                headers=bearer(token)))
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    funds = check_exchange(tpp.http.get(
        f"{PISP}/domestic-payment-consents/{consent_id}/funds-confirmation",
        headers=bearer(user)))
    assert funds.json()["Data"]["FundsAvailableResult"]["FundsAvailable"] is True
    pay = {"Data": {"ConsentId": consent_id, "Initiation": body["Data"]["Initiation"]},
           "Risk": {}}
    paid = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", pay, user, "pay-1"))
    assert paid.status_code == 201, paid.text
    assert paid.json()["Data"]["Status"] == "AcceptedSettlementCompleted"
    again = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", pay, user, "pay-1"))
    assert again.json()["Data"]["DomesticPaymentId"] == paid.json()["Data"]["DomesticPaymentId"]
    second_key = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", pay, user, "pay-2"))
    assert second_key.status_code == 403
    assert bank.available_minor("alice", payer.id) == before - 1250
    payment_id = paid.json()["Data"]["DomesticPaymentId"]
    for path in (f"/domestic-payments/{payment_id}",
                 f"/domestic-payments/{payment_id}/payment-details"):
        assert check_exchange(tpp.http.get(PISP + path, headers=bearer(token))).status_code == 200
    consumed = tpp.http.get(f"{PISP}/domestic-payment-consents/{consent_id}",
                            headers=bearer(token)).json()
    assert consumed["Data"]["Status"] == "Consumed"


def test_payment_must_match_the_authorised_consent_exactly(bank: RunningBank, tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    before = bank.available_minor("alice", payer.id)
    payments_before = bank.row_count("ob_domestic_payments")
    agreed = initiation(bank, "5.00")
    consent_id = tpp.create_payment_consent(agreed)
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    changed = {**agreed, "InstructedAmount": {"Amount": "500.00", "Currency": "GBP"}}
    response = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": changed}, "Risk": {}}, user))
    assert response.status_code == 400
    assert response.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.ConsentMismatch"
    assert bank.available_minor("alice", payer.id) == before
    assert bank.row_count("ob_domestic_payments") == payments_before
    token = tpp.client_token("payments")
    status = tpp.http.get(f"{PISP}/domestic-payment-consents/{consent_id}",
                          headers=bearer(token)).json()["Data"]["Status"]
    assert status == "Authorised"


def test_bad_payment_consents_get_spec_errors_and_change_nothing(bank: RunningBank,
                                                                 tpp: Tpp) -> None:
    token = tpp.client_token("payments")
    consents_before = bank.row_count("ob_consents")
    cases = [("10.001", "GBP", True, "too_many_decimals"), ("0.00", "GBP", True,
             "amount_not_positive"), ("-5.00", "GBP", False, "field_invalid"),
             ("5.00", "XXX", True, "unknown_currency"), ("5.00", "EUR", True,
             "unsupported_currency")]
    for amount, currency, spec_valid, code in cases:
        body = {"Data": {"Initiation": initiation(bank, amount, currency)}, "Risk": {}}
        response = check_exchange(tpp.signed_post(f"{PISP}/domestic-payment-consents", body,
                                                  token), request_valid=spec_valid)
        assert response.status_code == 400, response.text
        assert response.json()["Code"] == code, response.text
    assert bank.row_count("ob_consents") == consents_before
    body = {"Data": {"Initiation": initiation(bank)}, "Risk": {}}
    first = tpp.signed_post(f"{PISP}/domestic-payment-consents", body, token, "same-key")
    assert first.status_code == 201
    other = {"Data": {"Initiation": initiation(bank, "99.00")}, "Risk": {}}
    clash = check_exchange(tpp.signed_post(f"{PISP}/domestic-payment-consents", other, token,
                                           "same-key"))
    assert clash.status_code == 400
    assert clash.json()["Code"] == "idempotency_key_reused"
    assert bank.row_count("ob_consents") == consents_before + 1
    unknown = check_exchange(tpp.http.get(f"{PISP}/domestic-payments/dp_unknown",
                                          headers=bearer(token)))
    assert unknown.status_code == 400


def test_payment_requests_need_a_valid_signature(bank: RunningBank, tpp: Tpp) -> None:
    token = tpp.client_token("payments")
    consents_before = bank.row_count("ob_consents")
    raw = json.dumps({"Data": {"Initiation": initiation(bank)}, "Risk": {}}).encode()
    headers = {**bearer(token), "Content-Type": "application/json",
               "x-idempotency-key": uuid.uuid4().hex}
    unsigned = check_exchange(tpp.http.post(f"{PISP}/domestic-payment-consents", content=raw,
                                            headers=headers), request_valid=False)
    assert unsigned.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Signature.Missing"
    forged = tpp.key.sign_detached(raw + b" ", tpp.client_id, "openbanking.org.uk")
    tampered = check_exchange(tpp.http.post(f"{PISP}/domestic-payment-consents", content=raw,
                                            headers={**headers, "x-jws-signature": forged}))
    assert tampered.status_code == 400
    assert tampered.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Signature.Invalid"
    assert bank.row_count("ob_consents") == consents_before
    assert "x-jws-signature" in tampered.headers


def test_payment_to_another_bank_is_in_process_and_refused_payment_is_rejected(
        bank: RunningBank, tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    elsewhere = {**initiation(bank), "CreditorAccount": {
        "SchemeName": "UK.OBIE.SortCodeAccountNumber", "Identification": "99000112345678",
        "Name": "Carol Chen"}}
    consent_id = tpp.create_payment_consent(elsewhere)
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    paid = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": elsewhere}, "Risk": {}}, user))
    assert paid.json()["Data"]["Status"] == "AcceptedSettlementInProcess", paid.text
    too_much = initiation(bank, "9999999.00")
    consent_id = tpp.create_payment_consent(too_much)
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    refused = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": too_much}, "Risk": {}}, user))
    assert refused.json()["Data"]["Status"] == "Rejected"
