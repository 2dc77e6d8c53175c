"""Idempotency, authentication and bad input at the scheme and at the banks' scheme endpoints."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chatbank.scheme.protocol import API_PREFIX, SCHEME_PARTICIPANT, sign_request
from tests.scheme.clearing import Clearing, query, wait_for

PAYMENTS = f"{API_PREFIX}/payments"


def scheme_rows(clearing: Clearing) -> int:
    return int(query(clearing.scheme_settings.resolved_database_url,
                     "SELECT count(*) FROM scheme_payments")[0][0])


def submission(clearing: Clearing, **change: Any) -> dict[str, Any]:
    payee = clearing.east.customer_account("bob")
    body = {"transfer_id": "dt_never_held", "amount_minor": 100, "currency": "GBP",
            "creditor_sort_code": payee.sort_code,
            "creditor_account_number": payee.account_number, "creditor_name": "Bob",
            "debtor_name": "Alice", "reference": "ref",
            "hold_expires_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}
    return {**body, **change}


def test_duplicate_submissions_are_one_payment_credited_once(healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payee = east.customer_account("bob")
    held = north.hold("alice", payee, 800, "dup-1")
    first = healthy.submit_as_north(held, payee, expires_in_s=8)
    again = healthy.submit_as_north(held, payee, expires_in_s=8)
    assert first.status_code in (200, 201) and again.status_code == 200  # the relay may win
    assert first.json()["payment_id"] == again.json()["payment_id"] == healthy.payment_id(
        held.transfer_id)
    changed = healthy.submit_body_as_north(submission(
        healthy, transfer_id=held.transfer_id, amount_minor=801))
    assert (changed.status_code, changed.json()["code"]) == (409, "payment_id_reused")
    payment_id = first.json()["payment_id"]
    assert healthy.wait_final(payment_id) == "settled"
    assert east.credits_for(payment_id) == 1
    settle_again = healthy.signed(
        north, "POST", north.bank.url,
        f"{API_PREFIX}/outbound-payments/{held.transfer_id}/settle",
        {"payment_id": payment_id}, SCHEME_PARTICIPANT)
    assert settle_again.json() == {"status": "settled"}
    void_after = healthy.signed(
        north, "POST", north.bank.url,
        f"{API_PREFIX}/outbound-payments/{held.transfer_id}/void",
        {"payment_id": payment_id}, SCHEME_PARTICIPANT)
    assert (void_after.status_code, void_after.json()["code"]) == (
        409, "transfer_already_settled")
    assert north.hold_state(held.transfer_id) == "posted"


def test_a_repeated_acceptance_credits_the_payee_once_even_after_the_deadline(
        healthy: Clearing) -> None:
    east = healthy.east
    payee = east.customer_account("bob")
    before = east.booked(payee.ledger_account_id)
    body = {"payment_id": "sp_direct_test_1", "amount_minor": 450, "currency": "GBP",
            "creditor_sort_code": payee.sort_code,
            "creditor_account_number": payee.account_number, "debtor_name": "Dana",
            "reference": "direct", "deliver_by": (
                datetime.now(UTC) + timedelta(seconds=1)).isoformat()}

    def deliver(payload: dict[str, Any]) -> dict[str, Any]:
        answer = healthy.signed(east, "POST", east.bank.url, f"{API_PREFIX}/inbound-payments",
                                payload, SCHEME_PARTICIPANT)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    assert deliver(body)["status"] == "accepted"
    time.sleep(1.1)
    repeated = deliver(body)
    assert (repeated["status"], repeated["replayed"]) == ("accepted", True)
    late = deliver({**body, "payment_id": "sp_direct_test_2"})
    assert late == {"status": "rejected", "code": "payment_expired"}
    assert east.booked(payee.ledger_account_id) == before + 450
    assert east.credits_for("sp_direct_test_1") == 1
    east.baseline -= 450  # the test played the scheme for this credit: no payer bank owes it


@pytest.mark.parametrize(("change", "code"), [
    ({"amount_minor": 0}, "amount_must_be_positive"),
    ({"amount_minor": 1.5}, "invalid_submission"),
    ({"amount_minor": "100"}, "invalid_submission"),
    ({"amount_minor": True}, "invalid_submission"),
    ({"currency": "XYZ"}, "unknown_currency"),
    ({"creditor_sort_code": "99-00-00"}, "invalid_sort_code"),
    ({"creditor_sort_code": "990000"}, "unknown_sort_code"),
    ({"creditor_sort_code": "200000"}, "same_bank"),
    ({"creditor_account_number": "1234"}, "invalid_account_number"),
    ({"reference": "r" * 36}, "invalid_reference"),
    ({"hold_expires_at": "2020-01-01T00:00:00+00:00"}, "hold_expired"),
    ({"transfer_id": ""}, "invalid_transfer_id"),
])
def test_bad_submissions_have_codes_and_store_nothing(
        healthy: Clearing, change: dict[str, Any], code: str) -> None:
    before = scheme_rows(healthy)
    answer = healthy.submit_body_as_north(submission(healthy, **change))
    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert scheme_rows(healthy) == before


@pytest.mark.parametrize(("secret", "participant", "age_s", "code"), [
    ("wrong-secret-0123456789", "northbank", 0, "bad_signature"),
    (None, "nobank", 0, "unknown_participant"),
    (None, "northbank", 3600, "stale_request"),
])
def test_unauthenticated_calls_are_refused_both_ways(
        healthy: Clearing, secret: str | None, participant: str, age_s: int,
        code: str) -> None:
    north, east = healthy.north, healthy.east
    raw = json.dumps(submission(healthy)).encode()
    headers = sign_request(secret or north.secret, participant, "POST", PAYMENTS, raw,
                           now_s=time.time() - age_s)
    before = scheme_rows(healthy)
    answer = httpx.post(healthy.scheme_url + PAYMENTS, content=raw, headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (401, code)
    assert scheme_rows(healthy) == before
    forged = httpx.post(east.bank.url + f"{API_PREFIX}/inbound-payments", content=raw,
                        headers=sign_request(north.secret, SCHEME_PARTICIPANT, "POST",
                                             f"{API_PREFIX}/inbound-payments", raw))
    assert (forged.status_code, forged.json()["code"]) == (401, "bad_signature")
    unsigned = httpx.post(healthy.scheme_url + PAYMENTS, content=raw)
    assert (unsigned.status_code, unsigned.json()["code"]) == (401, "missing_signature")


def test_an_unroutable_payment_is_released_by_the_payer_bank_at_once(
        healthy: Clearing) -> None:
    north = healthy.north
    payer = north.customer_account("alice")
    available = north.bank.available_minor("alice", payer.id)
    nowhere = replace(healthy.east.customer_account("bob"), sort_code="990001")
    held = north.hold("alice", nowhere, 300, "nowhere-1")
    wait_for(lambda: north.hold_state(held.transfer_id) == "voided",
             what="the payer bank to void the refused payment")
    assert north.bank.available_minor("alice", payer.id) == available
    assert healthy.state_of(healthy.payment_id(held.transfer_id)) is None
