"""Domestic scheduled payments over real HTTP, validated against the OB spec: consent at the
bank, submission, execution by the bank's runner when the requested moment arrives, once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from chatbank.bank.books import BankBooks
from chatbank.bank.db import create_bank_engine
from chatbank.bank.openbanking.consents import Consents
from chatbank.bank.openbanking.scheduled import ScheduledPayments
from chatbank.bank.openbanking.tables import scheduled_payments
from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_contract import bearer, initiation
from tests.contract.tpp import PISP, Tpp, sign_in

CONSENTS = f"{PISP}/domestic-scheduled-payment-consents"
PAYMENTS = f"{PISP}/domestic-scheduled-payments"


def stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def scheduled(bank: RunningBank, in_seconds: float, amount: str = "7.25") -> dict[str, Any]:
    when = datetime.now(UTC) + timedelta(seconds=in_seconds)
    return {**initiation(bank, amount), "RequestedExecutionDateTime": stamp(when)}


def wait_for(check: Any, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.2)


class Later:
    """A clock `ahead` in the future (the runner's clock is injectable)."""

    def __init__(self, ahead: timedelta) -> None:
        self.ahead = ahead

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


async def run_again(bank: RunningBank, payment_id: str, forget_execution: bool,
                    ahead: timedelta = timedelta(0)) -> int:
    """A fresh runner on the bank's database (as after a restart); optionally as if the bank
    had stopped between paying and recording it."""
    engine = create_bank_engine(bank.settings.resolved_database_url)
    try:
        if forget_execution:
            async with engine.begin() as conn:
                await conn.execute(update(scheduled_payments).where(
                    scheduled_payments.c.payment_id == payment_id).values(executed_at=None))
        books = BankBooks(engine)
        runner = ScheduledPayments(engine, Consents(engine), books, Later(ahead))
        executed = await runner.run_due()
        await books.close()
        return executed
    finally:
        await engine.dispose()


def authorised_consent(bank: RunningBank, tpp: Tpp, body: dict[str, Any],
                       payer_id: str) -> tuple[str, str, str]:
    token = tpp.client_token("payments")
    created = check_exchange(tpp.signed_post(CONSENTS, body, token))
    assert created.status_code == 201, created.text
    consent_id = created.json()["Data"]["ConsentId"]
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer_id])["access_token"]
    return token, consent_id, user


def test_scheduled_payment_runs_when_due_once_and_matches_the_spec(bank: RunningBank,
                                                                   tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    before = bank.available_minor("alice", payer.id)
    body = {"Data": {"Permission": "Create", "Initiation": scheduled(bank, 3)}, "Risk": {}}
    token, consent_id, user = authorised_consent(bank, tpp, body, payer.id)
    read = check_exchange(tpp.http.get(f"{CONSENTS}/{consent_id}", headers=bearer(token)))
    assert read.json()["Data"]["Status"] == "Authorised"
    pay = {"Data": {"ConsentId": consent_id, "Initiation": body["Data"]["Initiation"]},
           "Risk": {}}
    stored = check_exchange(tpp.signed_post(PAYMENTS, pay, user, "sched-1"))
    assert stored.status_code == 201, stored.text
    assert stored.json()["Data"]["Status"] == "InitiationCompleted"
    again = check_exchange(tpp.signed_post(PAYMENTS, pay, user, "sched-1"))
    payment_id = stored.json()["Data"]["DomesticScheduledPaymentId"]
    assert again.json()["Data"]["DomesticScheduledPaymentId"] == payment_id
    second_key = check_exchange(tpp.signed_post(PAYMENTS, pay, user, "sched-2"))
    assert second_key.status_code == 403
    wait_for(lambda: bank.available_minor("alice", payer.id) == before - 725)
    details = check_exchange(tpp.http.get(f"{PAYMENTS}/{payment_id}/payment-details",
                                          headers=bearer(token)))
    assert details.json()["Data"]["PaymentStatus"][0]["Status"] == "AcceptedSettlementCompleted"
    check_exchange(tpp.http.get(f"{PAYMENTS}/{payment_id}", headers=bearer(token)))
    assert asyncio.run(run_again(bank, payment_id, forget_execution=False)) == 0
    assert asyncio.run(run_again(bank, payment_id, forget_execution=True)) == 1
    assert bank.available_minor("alice", payer.id) == before - 725


def test_scheduled_payment_waits_for_its_date_on_the_runners_clock(bank: RunningBank,
                                                                    tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    body = {"Data": {"Permission": "Create", "Initiation": scheduled(bank, 86_400)},
            "Risk": {}}
    token, consent_id, user = authorised_consent(bank, tpp, body, payer.id)
    before = bank.available_minor("alice", payer.id)
    pay = {"Data": {"ConsentId": consent_id, "Initiation": body["Data"]["Initiation"]},
           "Risk": {}}
    stored = check_exchange(tpp.signed_post(PAYMENTS, pay, user))
    payment_id = stored.json()["Data"]["DomesticScheduledPaymentId"]
    assert asyncio.run(run_again(bank, payment_id, forget_execution=False)) == 0
    details = check_exchange(tpp.http.get(f"{PAYMENTS}/{payment_id}/payment-details",
                                          headers=bearer(token)))
    assert details.json()["Data"]["PaymentStatus"][0]["Status"] == "Pending"
    assert bank.available_minor("alice", payer.id) == before
    ahead = timedelta(days=1, hours=1)
    # The bank is shared by the whole contract suite: whatever else falls due by then runs too.
    assert asyncio.run(run_again(bank, payment_id, False, ahead=ahead)) >= 1
    details = check_exchange(tpp.http.get(f"{PAYMENTS}/{payment_id}/payment-details",
                                          headers=bearer(token)))
    assert details.json()["Data"]["PaymentStatus"][0]["Status"] == "AcceptedSettlementCompleted"
    assert asyncio.run(run_again(bank, payment_id, False, ahead=ahead)) == 0  # never twice


def test_bad_scheduled_requests_get_spec_errors_and_change_nothing(bank: RunningBank,
                                                                   tpp: Tpp) -> None:
    token = tpp.client_token("payments")
    consents_before = bank.row_count("ob_consents")
    past = {"Data": {"Permission": "Create", "Initiation": scheduled(bank, -60)}, "Risk": {}}
    refused = check_exchange(tpp.signed_post(CONSENTS, past, token))
    assert refused.status_code == 400, refused.text
    assert refused.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Field.InvalidDate"
    seconds = {"Data": {"Permission": "Create", "Initiation": {
        **scheduled(bank, 60), "RequestedExecutionDateTime": int(time.time()) + 600}}, "Risk": {}}
    not_a_date = check_exchange(tpp.signed_post(CONSENTS, seconds, token), request_valid=False)
    assert not_a_date.status_code == 400, not_a_date.text
    no_permission = {"Data": {"Initiation": scheduled(bank, 60)}, "Risk": {}}
    missing = check_exchange(tpp.signed_post(CONSENTS, no_permission, token),
                             request_valid=False)
    assert missing.status_code == 400, missing.text
    unsigned = check_exchange(tpp.http.post(CONSENTS, json=past, headers={
        **bearer(token), "x-idempotency-key": "k1"}), request_valid=False)
    assert unsigned.json()["Errors"][0]["ErrorCode"] == "UK.OBIE.Signature.Missing"
    assert bank.row_count("ob_consents") == consents_before
    unknown = check_exchange(tpp.http.get(f"{PAYMENTS}/dsp_unknown", headers=bearer(token)))
    assert unknown.status_code == 400


def test_a_domestic_payment_token_cannot_submit_a_scheduled_payment(bank: RunningBank,
                                                                    tpp: Tpp) -> None:
    payer = bank.accounts("alice")[0]
    consent_id = tpp.create_payment_consent(initiation(bank))
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    stored_before = bank.row_count("ob_scheduled_payments")
    pay = {"Data": {"ConsentId": consent_id, "Initiation": scheduled(bank, 60)}, "Risk": {}}
    refused = check_exchange(tpp.signed_post(PAYMENTS, pay, user))
    assert refused.status_code == 403, refused.text
    assert bank.row_count("ob_scheduled_payments") == stored_before


def test_consent_page_shows_the_requested_execution_date(bank: RunningBank, tpp: Tpp) -> None:
    body = {"Data": {"Permission": "Create", "Initiation": scheduled(bank, 86_400)}, "Risk": {}}
    page = consent_page(bank, tpp, CONSENTS, body)
    when = body["Data"]["Initiation"]["RequestedExecutionDateTime"]
    assert f'id="when">{when}<' in page
    assert "£7.25" in page


def consent_page(bank: RunningBank, tpp: Tpp, consents_path: str, body: dict[str, Any]) -> str:
    """Create the consent, push it and return the consent page alice sees after SCA."""
    created = tpp.signed_post(consents_path, body, tpp.client_token("payments"))
    pushed = tpp.push(created.json()["Data"]["ConsentId"], "payments", "v" * 50, "st")
    with httpx.Client(base_url=bank.url, timeout=20.0) as browser:
        start = browser.get("/as/authorize", params={
            "client_id": tpp.client_id, "request_uri": pushed.json()["request_uri"]})
        assert start.status_code == 303, start.text
        sign_in(browser, "alice")
        return browser.get("/consent").text
