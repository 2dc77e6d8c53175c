"""Domestic standing orders over real HTTP, validated against the OB spec: consent at the bank,
submission, the order visible to AISP, and its first payment paid on FirstPaymentDateTime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_contract import bearer, initiation
from tests.contract.test_pisp_scheduled_contract import consent_page, stamp, wait_for
from tests.contract.tpp import AISP, PISP, Tpp

CONSENTS = f"{PISP}/domestic-standing-order-consents"
ORDERS = f"{PISP}/domestic-standing-orders"


def order(bank: RunningBank, first_in_s: float, amount: str = "9.40",
          currency: str = "GBP", frequency: str = "IntrvlMnthDay:01:15") -> dict[str, Any]:
    first = datetime.now(UTC) + timedelta(seconds=first_in_s)
    creditor = initiation(bank)["CreditorAccount"]
    return {"Frequency": frequency, "Reference": "Rent share",
            "FirstPaymentDateTime": stamp(first),
            "FirstPaymentAmount": {"Amount": amount, "Currency": currency},
            "RecurringPaymentAmount": {"Amount": amount, "Currency": currency},
            "CreditorAccount": creditor}


def listed_orders(tpp: Tpp, account_id: str) -> list[dict[str, Any]]:
    consent_id = tpp.create_account_consent(["ReadStandingOrdersDetail"])
    user = tpp.tokens_for(consent_id, accounts=[account_id])["access_token"]
    listing = check_exchange(tpp.http.get(f"{AISP}/accounts/{account_id}/standing-orders",
                                          headers=bearer(user)))
    assert listing.status_code == 200, listing.text
    return list(listing.json()["Data"].get("StandingOrder", []))


def test_standing_order_is_listed_and_its_first_payment_runs_once(bank: RunningBank,
                                                                   tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    before = bank.available_minor("alice", payer.id)
    token = tpp.client_token("payments")
    body = {"Data": {"Permission": "Create", "Initiation": order(bank, 3)}, "Risk": {}}
    created = check_exchange(tpp.signed_post(CONSENTS, body, token))
    assert created.status_code == 201, created.text
    consent_id = created.json()["Data"]["ConsentId"]
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    read = check_exchange(tpp.http.get(f"{CONSENTS}/{consent_id}", headers=bearer(token)))
    assert read.json()["Data"]["Status"] == "Authorised"
    submit = {"Data": {"ConsentId": consent_id, "Initiation": body["Data"]["Initiation"]},
              "Risk": {}}
    stored = check_exchange(tpp.signed_post(ORDERS, submit, user, "so-1"))
    assert stored.status_code == 201, stored.text
    order_id = stored.json()["Data"]["DomesticStandingOrderId"]
    replay = check_exchange(tpp.signed_post(ORDERS, submit, user, "so-1"))
    assert replay.json()["Data"]["DomesticStandingOrderId"] == order_id
    assert check_exchange(tpp.signed_post(ORDERS, submit, user, "so-2")).status_code == 403
    listed = {o["StandingOrderId"]: o for o in listed_orders(tpp, payer.id)}
    assert listed[order_id]["Frequency"] == "IntrvlMnthDay:01:15"
    assert listed[order_id]["FirstPaymentAmount"]["Amount"].startswith("9.40")
    wait_for(lambda: bank.available_minor("alice", payer.id) == before - 940)
    details = check_exchange(tpp.http.get(f"{ORDERS}/{order_id}/payment-details",
                                          headers=bearer(token)))
    assert details.json()["Data"]["PaymentStatus"][0]["Status"] == "AcceptedSettlementCompleted"
    got = check_exchange(tpp.http.get(f"{ORDERS}/{order_id}", headers=bearer(token)))
    assert got.json()["Data"]["Status"] == "InitiationCompleted"
    assert bank.available_minor("alice", payer.id) == before - 940


def test_bad_standing_orders_get_spec_errors_and_change_nothing(bank: RunningBank,
                                                                 tpp: Tpp) -> None:
    token = tpp.client_token("payments")
    consents_before = bank.row_count("ob_consents")
    cases = [(order(bank, -60), True, "UK.OBIE.Field.InvalidDate"),
             (order(bank, 60, currency="EUR"), True, "UK.OBIE.Unsupported.Currency"),
             (order(bank, 60, amount="0.00"), True, "UK.OBIE.Field.Invalid"),
             (order(bank, 60, frequency="Sometimes"), False, None)]
    for bad, spec_valid, error_code in cases:
        body = {"Data": {"Permission": "Create", "Initiation": bad}, "Risk": {}}
        refused = check_exchange(tpp.signed_post(CONSENTS, body, token),
                                 request_valid=spec_valid)
        assert refused.status_code == 400, refused.text
        if error_code:
            assert refused.json()["Errors"][0]["ErrorCode"] == error_code, refused.text
    assert bank.row_count("ob_consents") == consents_before
    unknown = check_exchange(tpp.http.get(f"{ORDERS}/dso_unknown", headers=bearer(token)))
    assert unknown.status_code == 400


def test_consent_page_shows_first_date_and_frequency(bank: RunningBank, tpp: Tpp) -> None:
    body = {"Data": {"Permission": "Create", "Initiation": order(bank, 86_400)}, "Risk": {}}
    page = consent_page(bank, tpp, CONSENTS, body)
    first = body["Data"]["Initiation"]["FirstPaymentDateTime"]
    assert f'id="when">{first}<' in page
    assert 'id="frequency">IntrvlMnthDay:01:15<' in page
    assert "£9.40" in page
