"""Crashes and outages of any party between steps: no money created or lost, nothing twice."""

from __future__ import annotations

import time

from tests.scheme.clearing import HOLD_TIMEOUT_S, Clearing, wait_for


def test_scheme_down_at_submit_time_the_bank_retries_and_it_settles_once(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payee = east.customer_account("bob")
    payee_before = east.booked(payee.ledger_account_id)
    healthy.stop_scheme()
    held = north.hold("alice", payee, 1500, "scheme-down-1")
    payment_id = healthy.payment_id(held.transfer_id)
    time.sleep(0.6)  # the relay tries and fails a few times
    assert north.hold_state(held.transfer_id) == "pending"
    healthy.start_scheme()
    assert healthy.wait_final(payment_id) == "settled"
    assert north.hold_state(held.transfer_id) == "posted"
    assert east.credits_for(payment_id) == 1
    assert east.booked(payee.ledger_account_id) == payee_before + 1500


def test_payee_bank_down_is_retried_until_it_accepts(healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payee = east.customer_account("bob")
    payee_before = east.booked(payee.ledger_account_id)
    east.stop()
    held = north.hold("alice", payee, 2500, "payee-down-1")
    payment_id = healthy.payment_id(held.transfer_id)
    wait_for(lambda: healthy.state_of(payment_id) == "submitted", what="submission")
    time.sleep(0.6)
    assert healthy.state_of(payment_id) == "submitted"
    east.start()
    assert healthy.wait_final(payment_id) == "settled"
    assert east.credits_for(payment_id) == 1
    assert east.booked(payee.ledger_account_id) == payee_before + 2500


def test_payee_bank_down_past_the_timeout_keeps_the_hold_until_the_scheme_voids_it(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payer = north.customer_account("alice")
    available = north.bank.available_minor("alice", payer.id)
    east.stop()
    held = north.hold("alice", east.customer_account("bob"), 900, "payee-gone-1")
    payment_id = healthy.payment_id(held.transfer_id)
    time.sleep(HOLD_TIMEOUT_S + 1)  # past the timeout, the scheme still waiting for the payee
    # The payee's bank may have credited already: the hold stays until the scheme knows.
    assert healthy.state_of(payment_id) == "submitted"
    assert north.hold_state(held.transfer_id) == "pending"
    assert north.bank.available_minor("alice", payer.id) == available - 900
    east.start()  # now too late for a first credit: the payee bank refuses it
    assert healthy.wait_final(payment_id) == "voided"
    wait_for(lambda: north.hold_state(held.transfer_id) == "voided", what="the hold released")
    assert north.bank.available_minor("alice", payer.id) == available
    assert east.credits_for(payment_id) == 0


def test_a_hold_the_scheme_never_received_is_voided_once_the_scheme_says_so(
        healthy: Clearing) -> None:
    north = healthy.north
    payer = north.customer_account("alice")
    available = north.bank.available_minor("alice", payer.id)
    healthy.stop_scheme()
    held = north.hold("alice", healthy.east.customer_account("bob"), 700, "never-sent-1",
                      timeout_s=1)
    time.sleep(1.6)  # lapsed while the scheme was down: no answer, so still held
    assert north.hold_state(held.transfer_id) == "pending"
    healthy.start_scheme()  # "no such payment" (it refuses lapsed submissions): released
    wait_for(lambda: north.hold_state(held.transfer_id) == "voided", what="the hold released")
    assert north.bank.available_minor("alice", payer.id) == available
    assert healthy.east.credits_for(healthy.payment_id(held.transfer_id)) == 0


def test_scheme_killed_between_credit_and_settlement_completes_once_after_restart(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payer, payee = north.customer_account("alice"), east.customer_account("bob")
    payer_before, payee_before = north.booked(payer.ledger_account_id), east.booked(
        payee.ledger_account_id)
    healthy.stop_scheme()
    process = healthy.start_scheme_process()
    try:
        north.stop()  # the payer's bank cannot hear "settle" yet
        held = north.hold("alice", payee, 3300, "scheme-crash-1", timeout_s=600)
        submitted = healthy.submit_as_north(held, payee, expires_in_s=600)
        assert submitted.status_code == 201, submitted.text
        payment_id = submitted.json()["payment_id"]
        wait_for(lambda: healthy.state_of(payment_id) == "accepted", what="the payee credit")
        assert east.credits_for(payment_id) == 1
        process.kill()  # SIGKILL: no chance to finish anything
        north.start()
        process = healthy.start_scheme_process()  # same database: resumes the payment
        assert healthy.wait_final(payment_id) == "settled"
    finally:
        process.stop()
        healthy.scheme = None
    assert north.hold_state(held.transfer_id) == "posted"
    assert east.credits_for(payment_id) == 1
    assert north.booked(payer.ledger_account_id) == payer_before - 3300
    assert east.booked(payee.ledger_account_id) == payee_before + 3300


def test_payer_bank_down_until_its_hold_lapsed_still_settles_from_the_hold(
        healthy: Clearing) -> None:
    north, east = healthy.north, healthy.east
    payer, payee = north.customer_account("alice"), east.customer_account("bob")
    payer_before, suspense_before = north.booked(payer.ledger_account_id), north.booked(
        "suspense:GBP")
    north.stop()
    held = north.hold("alice", payee, 4100, "late-1", timeout_s=2)
    payment_id = healthy.submit_as_north(held, payee, expires_in_s=2).json()["payment_id"]
    wait_for(lambda: healthy.state_of(payment_id) == "accepted", what="the payee credit")
    time.sleep(2.2)  # the hold's timeout passes while the payer's bank is down
    north.start()
    assert healthy.wait_final(payment_id) == "settled"
    # The hold was never released on the clock alone: the payer pays, the payee is paid once.
    assert north.hold_state(held.transfer_id) == "posted"
    assert north.booked(payer.ledger_account_id) == payer_before - 4100
    assert north.booked("suspense:GBP") == suspense_before
    assert east.credits_for(payment_id) == 1
