"""Issue #4's bad-input list, on the operations the other contract tests cover less.

Every answer is validated against the v3.1.11 documents (error shape included) and nothing
moves: consents, payments and balances are counted before and after.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.contract.banks import RunningBank, running_bank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_contract import bearer, initiation
from tests.contract.tpp import AISP, PISP, Tpp


def authorised(bank: RunningBank, tpp: Tpp, amount: str) -> tuple[str, dict[str, Any], str]:
    """A payment consent alice authorised: (consent id, its initiation, her access token)."""
    order = initiation(bank, amount)
    consent_id = tpp.create_payment_consent(order)
    token = tpp.tokens_for(consent_id, scope="payments",
                           accounts=[bank.account_ids("alice")[0]])["access_token"]
    return consent_id, order, token


def state(bank: RunningBank) -> tuple[int, int, int]:
    payer = bank.account_ids("alice")[0]
    return (bank.row_count("ob_consents"), bank.row_count("ob_domestic_payments"),
            bank.available_minor("alice", payer))


def refused(response: Any, status: int = 400) -> str:
    check_exchange(response, request_valid=False)
    assert response.status_code == status, response.text
    error_code = str(response.json()["Errors"][0]["ErrorCode"])
    assert error_code.startswith("UK.OBIE."), response.text
    return error_code


def test_unknown_and_foreign_ids_are_refused_without_saying_whose(bank: RunningBank,
                                                                 tpp: Tpp) -> None:
    payer = bank.account_ids("alice")[0]
    consent_id, order, user = authorised(bank, tpp, "2.00")
    paid = tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}}, user)
    payment_id = paid.json()["Data"]["DomesticPaymentId"]
    other = Tpp.register(bank.url, name="Another TPP")
    try:
        theirs = other.client_token("payments")
        for path in (f"/domestic-payment-consents/{consent_id}",
                     f"/domestic-payments/{payment_id}",
                     f"/domestic-payments/{payment_id}/payment-details"):
            foreign = other.http.get(PISP + path, headers=bearer(theirs))
            unknown = tpp.http.get(PISP + path.replace(payment_id, "dp_nope").replace(
                consent_id, "pc_nope"), headers=bearer(tpp.client_token("payments")))
            assert refused(foreign) == refused(unknown) == "UK.OBIE.Resource.NotFound", path
    finally:
        other.close()
    accounts_user = tpp.tokens_for(tpp.create_account_consent(),
                                   accounts=[payer])["access_token"]
    for path in ("/accounts/acc_nope", "/accounts/acc_nope/balances",
                 "/accounts/acc_nope/transactions"):
        refused(tpp.http.get(AISP + path, headers=bearer(accounts_user)), 403)


def test_payments_under_a_wrong_consent_status_move_nothing(bank: RunningBank,
                                                           tpp: Tpp) -> None:
    consent_id, order, user = authorised(bank, tpp, "3.00")
    body = {"Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}}
    assert tpp.signed_post(f"{PISP}/domestic-payments", body, user, "first").status_code == 201
    before = state(bank)
    consumed = tpp.signed_post(f"{PISP}/domestic-payments", body, user, "second")
    refused(consumed, 403)
    waiting = tpp.create_payment_consent(initiation(bank, "4.00"))
    funds = tpp.http.get(f"{PISP}/domestic-payment-consents/{waiting}/funds-confirmation",
                         headers=bearer(tpp.client_token("payments")))
    assert funds.status_code in (400, 401, 403)
    check_exchange(funds, request_valid=False)
    assert state(bank) == (before[0] + 1, before[1], before[2])


def test_a_replayed_payment_idempotency_key_with_another_body_moves_nothing(
        bank: RunningBank, tpp: Tpp) -> None:
    consent_id, order, user = authorised(bank, tpp, "6.00")
    body = {"Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}}
    first = tpp.signed_post(f"{PISP}/domestic-payments", body, user, "pay-key")
    assert first.status_code == 201
    before = state(bank)
    changed = {**body, "Risk": {"PaymentContextCode": "PartyToParty"}}
    clash = tpp.signed_post(f"{PISP}/domestic-payments", changed, user, "pay-key")
    refused(clash)
    assert clash.json()["Code"] == "idempotency_key_reused"
    same = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", body, user, "pay-key"))
    assert same.json()["Data"]["DomesticPaymentId"] == first.json()["Data"]["DomesticPaymentId"]
    assert state(bank) == before


def test_bad_amounts_in_a_payment_and_oversize_payment_bodies_move_nothing(
        bank: RunningBank, tpp: Tpp) -> None:
    consent_id, order, user = authorised(bank, tpp, "7.00")
    before = state(bank)
    for amount, currency in (("7.001", "GBP"), ("0.00", "GBP"), ("-7.00", "GBP"),
                             ("7.00", "XXX"), ("7", "JPY")):
        bad = {**order, "InstructedAmount": {"Amount": amount, "Currency": currency}}
        refused(tpp.signed_post(f"{PISP}/domestic-payments", {
            "Data": {"ConsentId": consent_id, "Initiation": bad}, "Risk": {}}, user))
    huge = {"Data": {"ConsentId": consent_id, "Initiation": order},
            "Risk": {"padding": "x" * 70_000}}
    oversize = tpp.signed_post(f"{PISP}/domestic-payments", huge, user)
    refused(oversize)
    assert oversize.json()["Code"] == "payload_too_large"
    assert state(bank) == before


def test_expired_access_tokens_are_refused_for_reads_and_payments(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_bank(tmp_path_factory.mktemp("short-tokens"), access_token_ttl_s=2) as bank:
        tpp = Tpp.register(bank.url, name="Slow TPP")
        try:
            payer = bank.account_ids("alice")[0]
            reader = tpp.tokens_for(tpp.create_account_consent(),
                                    accounts=[payer])["access_token"]
            consent_id, order, payer_token = authorised(bank, tpp, "1.00")
            issued_at = time.monotonic()
            while time.monotonic() - issued_at < 3.0:  # the bank's clock must pass 2 s
                time.sleep(0.2)
            before = state(bank)
            assert refused(tpp.http.get(f"{AISP}/accounts", headers=bearer(reader)), 401)
            assert refused(tpp.signed_post(f"{PISP}/domestic-payments", {
                "Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}},
                payer_token), 401)
            assert state(bank) == before
        finally:
            tpp.close()
