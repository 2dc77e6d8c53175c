"""Processes die mid-payment: the platform while its bank executes, the bank after executing but
before answering, the platform after storing a final state but before its cards show it. Each
payment still ends completed, paid exactly once, and every card agrees with the bank. The
platform and the bank are separate OS processes, killed with SIGKILL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import httpx
import pytest

from chatbank.db.engine import create_engine_for_url
from chatbank.payments.model import PaymentStatus
from chatbank.payments.transactions import PaymentStore
from tests.payments.flows import (
    answer_payment,
    bank_records,
    card_of,
    direct_chat,
    land,
    ready_to_receive,
    total_available,
    wait_for_cards,
)
from tests.payments.test_receipts import bank_payment_id, receipts
from tests.scheme.clearing import wait_for
from tests.support.linking import NewUser, PlatformUser
from tests.support.processes import START_TIMEOUT_S, KillableStack, Trip, killable_stack
from tests.support.stack import Stack

RESTART_S = 150  # a restart on a loaded machine, then the tracker's next look at the bank
# Two process starts in set-up and one restart per test: imports alone take 30 s when busy.
pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def killable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KillableStack]:
    with killable_stack(tmp_path_factory.mktemp("killable")) as running:
        yield running


@pytest.fixture(scope="module")
def stack(killable: KillableStack) -> Stack:
    return killable.stack


def authorised_at_bank(stack: Stack, alice: PlatformUser, bob: PlatformUser,
                       amount: str) -> tuple[str, str, dict[str, str]]:
    """A payment alice authorised at Northbank; the browser is on its way back to the platform:
    (chat id, payment id, the bank's answer)."""
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    made = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": amount, "note": "rent"})
    assert made.status_code == 201, made.text
    payment_id = str(made.json()["payment"]["id"])
    started = alice.post(f"/api/v1/payments/{payment_id}/authorise", {"bank_id": "northbank"})
    assert started.status_code == 200, started.text
    return chat, payment_id, answer_payment(stack, started.json()["authorize_url"], "alice")


def balances(stack: Stack) -> tuple[int, int]:
    return total_available(stack, "alice"), total_available(stack, "bob")


def test_the_platform_killed_while_the_bank_executes_pays_once_after_a_restart(
        killable: KillableStack, new_user: NewUser) -> None:
    stack = killable.stack
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat, payment_id, answer = authorised_at_bank(stack, alice, bob, "9.99")
    payer, payee = balances(stack)
    # The platform dies the moment its POST /domestic-payments reaches the bank's gateway;
    # the bank still executes it and answers a dead socket.
    killable.gateway.trip = Trip("POST", "/domestic-payments", killable.platform.kill, False)
    with pytest.raises(httpx.TransportError):
        land(alice, answer)
    wait_for(lambda: len(bank_records(stack.banks["northbank"], payment_id)) == 1, 30,
             "the bank to execute the payment")

    killable.platform.start(START_TIMEOUT_S)  # same port, same database
    card = wait_for_cards([alice, bob], chat, payment_id, timeout_s=RESTART_S)

    assert card["status"] == "completed"
    assert bank_records(stack.banks["northbank"], payment_id)[0][0] == (
        "AcceptedSettlementCompleted")
    assert balances(stack) == (payer - 999, payee + 999)
    reloaded = land(alice, answer)  # the browser reloads the old callback URL
    assert "payment_error=authorisation_invalid" in reloaded.headers["location"]
    assert len(bank_records(stack.banks["northbank"], payment_id)) == 1
    assert balances(stack) == (payer - 999, payee + 999)


def test_a_bank_killed_after_executing_is_asked_again_with_the_same_key_and_pays_once(
        killable: KillableStack, new_user: NewUser) -> None:
    stack = killable.stack
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat, payment_id, answer = authorised_at_bank(stack, alice, bob, "4.20")
    payer, payee = balances(stack)
    # The bank executes, then dies before its answer leaves: the platform sees a timeout.
    killable.gateway.trip = Trip("POST", "/domestic-payments", killable.bank.kill, True)
    landed = land(alice, answer)

    assert "status=pending" in landed.headers["location"], landed.headers
    for user in (alice, bob):  # not completed yet: the platform does not know
        assert card_of(user, chat, payment_id)["status"] == "pending"
    assert [status for status, _ in bank_records(stack.banks["northbank"], payment_id)] == [
        "AcceptedSettlementCompleted"]
    assert balances(stack) == (payer - 420, payee + 420)

    killable.bank.start(START_TIMEOUT_S)  # same port, same database
    card = wait_for_cards([alice, bob], chat, payment_id, timeout_s=RESTART_S)

    assert card["status"] == "completed"
    assert len(bank_records(stack.banks["northbank"], payment_id)) == 1
    assert balances(stack) == (payer - 420, payee + 420)


async def stored_final_states(database_url: str, completed: tuple[str, str],
                              cancelled: str) -> None:
    """What a platform killed right after committing these states leaves in its database: the
    same repository writes as `PaymentExecution._finish` and `Payments.do_cancel`, no card."""
    engine = create_engine_for_url(database_url)
    now = datetime.now(UTC)
    try:
        async with PaymentStore(engine).tx() as tx:
            await tx.set(completed[0], bank_payment_id=completed[1])
            assert await tx.move(completed[0], PaymentStatus.PENDING,
                                 status=PaymentStatus.COMPLETED, updated_at=now, reason=None,
                                 sealed_token=None)
            assert await tx.move(cancelled, PaymentStatus.DRAFT,
                                 status=PaymentStatus.CANCELLED, updated_at=now,
                                 reason="Cancelled")
    finally:
        await engine.dispose()


def cards_due(stack: Stack, payment_ids: list[str]) -> list[str | None]:
    path = stack.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        return [db.execute("SELECT card_due FROM payments WHERE id = ?", (payment_id,))
                .fetchone()[0] for payment_id in payment_ids]


def test_cards_left_behind_by_a_crash_after_a_final_state_are_repaired_at_start_up(
        killable: KillableStack, new_user: NewUser) -> None:
    stack = killable.stack
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat, payment_id, answer = authorised_at_bank(stack, alice, bob, "6.30")
    other = alice.post("/api/v1/payments", {"conversation_id": chat, "amount": "1.10",
                                            "payee_id": bob.user["id"], "note": "bus"})
    assert other.status_code == 201, other.text
    other_id = str(other.json()["payment"]["id"])
    killable.gateway.trip = Trip("POST", "/domestic-payments", killable.platform.kill, False)
    with pytest.raises(httpx.TransportError):
        land(alice, answer)
    wait_for(lambda: len(bank_records(stack.banks["northbank"], payment_id)) == 1, 30,
             "the bank to execute the payment")
    reference = bank_payment_id(stack, payment_id)
    # The dead platform had stored both final states; neither card nor receipt got out.
    asyncio.run(stored_final_states(stack.settings.resolved_database_url,
                                    (payment_id, reference), other_id))
    assert all(cards_due(stack, [payment_id, other_id]))

    killable.platform.start(START_TIMEOUT_S)  # same port, same database: nothing is pending
    card = wait_for_cards([alice, bob], chat, payment_id, timeout_s=RESTART_S)
    cancelled = wait_for_cards([alice, bob], chat, other_id, ("cancelled",), RESTART_S)

    assert (card["status"], cancelled["status"]) == ("completed", "cancelled")
    for user in (alice, bob):
        (receipt,) = receipts(user, chat)  # one receipt, for the completed payment only
        assert receipt["card"]["payload"]["payment_id"] == payment_id
        assert receipt["card"]["payload"]["bank_reference"] == reference
    wait_for(lambda: cards_due(stack, [payment_id, other_id]) == [None, None], 30,
             "both cards to be marked shown")
    assert len(bank_records(stack.banks["northbank"], payment_id)) == 1
