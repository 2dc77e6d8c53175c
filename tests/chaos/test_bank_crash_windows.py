"""Crash windows the chaos checker found, replayed deterministically against a real bank.

A SIGKILL between executing a payment and storing its idempotency record leaves the payment
made and the key unanswered; the client's retry with the same key must get that payment.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from tests.contract.banks import RunningBank, running_bank
from tests.contract.tpp import PISP, Tpp


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBank]:
    with running_bank(tmp_path_factory.mktemp("crash-window-bank")) as started:
        yield started


def forget_answer(bank: RunningBank, key: str) -> None:
    """What the crash leaves behind: the payment is in the books, its answer is not."""
    path = Path(bank.settings.resolved_database_url.split(":///", 1)[1])
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("DELETE FROM ob_idempotency WHERE key = ?", (key,)).rowcount == 1


def test_retry_after_crash_between_paying_and_remembering_gets_the_same_payment(
        bank: RunningBank) -> None:
    tpp = Tpp.register(bank.url)
    payer, payee = bank.accounts("alice")[0], bank.accounts("bob")[0]
    initiation = {"InstructionIdentification": uuid.uuid4().hex[:16],
                  "EndToEndIdentification": "crash-window",
                  "InstructedAmount": {"Amount": "3.21", "Currency": "GBP"},
                  "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                                      "Identification": payee.scheme_identification,
                                      "Name": "Bob Brown"}}
    consent_id = tpp.create_payment_consent(initiation)
    token = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    before = bank.available_minor("alice", payer.id)
    body = {"Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}
    paid = tpp.signed_post(f"{PISP}/domestic-payments", body, token, "crash-key")
    assert paid.status_code == 201, paid.text
    forget_answer(bank, "crash-key")

    retried = tpp.signed_post(f"{PISP}/domestic-payments", body, token, "crash-key")

    assert retried.status_code == 201, retried.text
    assert retried.json()["Data"]["DomesticPaymentId"] == paid.json()["Data"]["DomesticPaymentId"]
    assert retried.json()["Data"]["Status"] == "AcceptedSettlementCompleted"
    assert bank.available_minor("alice", payer.id) == before - 321
    other_key = tpp.signed_post(f"{PISP}/domestic-payments", body, token, "another-key")
    assert other_key.status_code == 403
    assert other_key.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Resource.InvalidConsentStatus"
    tpp.close()
