"""Optional fields the v3.1.11 documents allow are accepted, not refused as unexpected."""

from __future__ import annotations

from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_contract import initiation
from tests.contract.tpp import PISP, Tpp

POSTAL_ADDRESS = {"AddressType": "Residential", "StreetName": "Acacia Avenue",
                  "BuildingNumber": "22", "PostCode": "AB1 2CD", "TownName": "London",
                  "Country": "GB"}


def test_a_creditor_postal_address_is_accepted_and_bound_to_the_payment(
        bank: RunningBank, tpp: Tpp) -> None:
    payer = bank.account_ids("alice")[0]
    order = {**initiation(bank, "1.50"), "CreditorPostalAddress": POSTAL_ADDRESS}
    created = check_exchange(tpp.signed_post(f"{PISP}/domestic-payment-consents",
                                             {"Data": {"Initiation": order}, "Risk": {}},
                                             tpp.client_token("payments")))
    assert created.status_code == 201, created.text
    consent_id = created.json()["Data"]["ConsentId"]
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer])["access_token"]
    moved = {**order, "CreditorPostalAddress": {**POSTAL_ADDRESS, "BuildingNumber": "23"}}
    mismatch = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": moved}, "Risk": {}}, user))
    assert mismatch.status_code == 400, mismatch.text
    paid = check_exchange(tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}}, user))
    assert paid.status_code == 201, paid.text
