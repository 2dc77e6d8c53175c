"""Payments between two real banks through the scheme, over real HTTP."""

from __future__ import annotations

import asyncio

from chatbank.bank.books import TransferStatus
from chatbank.scheme.protocol import API_PREFIX
from tests.contract.tpp import PISP, Tpp
from tests.scheme.clearing import Clearing, wait_for


def test_payment_to_another_bank_settles_on_both_sides_over_open_banking(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payer = north.customer_account("alice")
    payee = east.customer_account("bob")
    payer_before, payee_before = north.booked(payer.ledger_account_id), east.booked(
        payee.ledger_account_id)
    tpp = Tpp.register(north.bank.url)
    try:
        initiation = {
            "InstructionIdentification": "instr-1", "EndToEndIdentification": "e2e-1",
            "InstructedAmount": {"Amount": "12.34", "Currency": "GBP"},
            "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                                "Identification": payee.scheme_identification,
                                "Name": payee.holder_name},
            "RemittanceInformation": {"Reference": "Lunch"}}
        consent_id = tpp.create_payment_consent(initiation)
        token = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
        paid = tpp.signed_post(f"{PISP}/domestic-payments", {
            "Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}, token)
        assert paid.status_code == 201, paid.text
        assert paid.json()["Data"]["Status"] == "AcceptedSettlementInProcess"
        payment_url = f"{PISP}/domestic-payments/{paid.json()['Data']['DomesticPaymentId']}"
        reader = {"Authorization": f"Bearer {tpp.client_token('payments')}"}

        def status() -> str:
            got = tpp.http.get(payment_url, headers=reader)
            return str(got.json()["Data"]["Status"])

        wait_for(lambda: status() == "AcceptedSettlementCompleted", what="settlement")
    finally:
        tpp.close()
    assert north.booked(payer.ledger_account_id) == payer_before - 1234
    assert east.booked(payee.ledger_account_id) == payee_before + 1234
    healthy.assert_conserved()


def test_payee_bank_rejects_an_unknown_account_and_the_hold_is_released(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payer = north.customer_account("alice")
    available = north.bank.available_minor("alice", payer.id)
    held = north.hold("alice", east.customer_account("bob"), 700, "reject-1",
                      account_number="99999999")
    assert north.bank.available_minor("alice", payer.id) == available - 700
    payment_id = healthy.payment_id(held.transfer_id)
    assert healthy.wait_final(payment_id) == "voided"
    assert north.hold_state(held.transfer_id) == "voided"
    outcome = asyncio.run(north.bank._books_call("transfer_outcome", held.transfer_id))
    assert outcome.status == TransferStatus.REJECTED  # the OB payment reads "Rejected"
    assert north.bank.available_minor("alice", payer.id) == available
    assert east.credits_for(payment_id) == 0
    status = healthy.signed(north, "GET", healthy.scheme_url,
                            f"{API_PREFIX}/payments/{payment_id}", None, "northbank")
    assert (status.json()["state"], status.json()["reject_code"]) == (
        "voided", "creditor_account_not_found")


def test_many_payments_at_once_each_finish_once_and_money_is_conserved(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payee = east.customer_account("bob")
    payee_before = east.booked(payee.ledger_account_id)
    good = [north.hold("alice", payee, 100 + i, f"many-ok-{i}") for i in range(6)]
    bad = [north.hold("alice", payee, 50 + i, f"many-bad-{i}", account_number="99999999")
           for i in range(3)]
    ids = {held.transfer_id: healthy.payment_id(held.transfer_id) for held in good + bad}
    finals = {held.transfer_id: healthy.wait_final(ids[held.transfer_id])
              for held in good + bad}
    assert [finals[h.transfer_id] for h in good] == ["settled"] * 6
    assert [finals[h.transfer_id] for h in bad] == ["voided"] * 3
    assert [east.credits_for(ids[h.transfer_id]) for h in good + bad] == [1] * 6 + [0] * 3
    assert east.booked(payee.ledger_account_id) == payee_before + sum(h.amount_minor
                                                                      for h in good)
    healthy.assert_conserved()
