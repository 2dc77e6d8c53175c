"""The platform-payment checks can fail: each planted fault is reported, and only it.

Pure unit tests of `chatbank.chaos.pay_checks` over hand-made histories.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbank.chaos.pay_checks import check_platform_payments
from chatbank.chaos.pay_model import (
    BankPaymentRef,
    CardRow,
    PlatformAttempt,
    PlatformHistory,
    PlatformPaymentRow,
)

PAID = PlatformPaymentRow("pay_0123456789abcdef0123456789ab", "completed", 1250, "northbank",
                          "dp-1")
CANCELLED = PlatformPaymentRow("pay_ffff456789abcdef0123456789ab", "cancelled", 300,
                               "eastbank", None)
AT_BANK = BankPaymentRef("northbank", "dp-1", PAID.id, "AcceptedSettlementCompleted", 1250)
OTHER_TPP = BankPaymentRef("eastbank", "dp-9", "a1b2c3d4e5f60718", "Rejected", 999)


def attempt(payment: PlatformPaymentRow, *created: str) -> PlatformAttempt:
    return PlatformAttempt(f"client-{payment.id}", "usr_a", "usr_b", payment.amount_minor,
                           False, list(created or (payment.id,)), final_status=payment.status)


def history(payments: tuple[PlatformPaymentRow, ...] = (PAID, CANCELLED),
            bank: tuple[BankPaymentRef, ...] = (AT_BANK, OTHER_TPP),
            attempts: list[PlatformAttempt] | None = None,
            cards: tuple[CardRow, ...] | None = None) -> PlatformHistory:
    return PlatformHistory(
        attempts if attempts is not None else [attempt(p) for p in payments], payments,
        cards if cards is not None else tuple(CardRow(p.id, p.status) for p in payments), bank)


def found(planted: PlatformHistory) -> set[str]:
    return {anomaly.check for anomaly in check_platform_payments(planted)[1]}


def test_a_consistent_history_has_no_anomaly() -> None:
    assert found(history()) == set()
    landed = replace(attempt(PAID), landings=[
        f"/#/c/cnv_1?payment={PAID.id}&status=pending", "/#/?payment_error=authorisation_invalid",
        f"/#/c/cnv_1?payment={PAID.id}&status=completed"])
    assert found(history(attempts=[landed, attempt(CANCELLED)])) == set()


def test_one_client_id_answered_with_two_payments_is_found() -> None:
    twice = attempt(PAID, PAID.id, CANCELLED.id)
    assert found(history(attempts=[twice, attempt(CANCELLED)])) == {
        "same_payment_per_client_id"}


@pytest.mark.parametrize("seen", [
    [attempt(replace(PAID, id="pay_lost")), attempt(PAID), attempt(CANCELLED)],  # never stored
    [replace(attempt(PAID), final_status="pending"), attempt(CANCELLED)],  # payer sees other
    [replace(attempt(PAID), landings=["/#/c/cnv_1?payment=p&status=rejected"]),  # told other
     attempt(CANCELLED)],
])
def test_an_acknowledged_payment_lost_or_seen_wrong_is_found(
        seen: list[PlatformAttempt]) -> None:
    assert found(history(attempts=seen)) == {"platform_payment_final"}


def test_a_payment_left_in_flight_is_found() -> None:
    stuck = replace(PAID, status="pending")
    assert found(history((stuck, CANCELLED))) == {"platform_payment_final"}


def test_a_payment_executed_twice_at_the_bank_is_found() -> None:
    again = replace(AT_BANK, payment_id="dp-2")
    assert found(history(bank=(AT_BANK, again, OTHER_TPP))) == {"paid_once_at_bank",
                                                                "platform_agrees_with_bank"}


def test_a_bank_payment_for_another_amount_is_found() -> None:
    assert found(history(bank=(replace(AT_BANK, amount_minor=1249), OTHER_TPP))) == {
        "paid_once_at_bank"}


def test_a_bank_payment_no_platform_payment_made_is_found() -> None:
    stray = replace(AT_BANK, payment_id="dp-7", instruction_id="pay_not_ours")
    assert found(history(bank=(AT_BANK, stray))) == {"paid_once_at_bank"}


@pytest.mark.parametrize("platform_says", ["rejected", "cancelled", "expired"])
def test_a_platform_state_other_than_the_banks_is_found(platform_says: str) -> None:
    disagreeing = replace(PAID, status=platform_says)
    assert found(history((disagreeing, CANCELLED))) == {"platform_agrees_with_bank"}


def test_a_completed_payment_the_bank_never_made_is_found() -> None:
    assert found(history(bank=(OTHER_TPP,))) == {"platform_agrees_with_bank"}


def test_a_card_that_disagrees_with_its_payment_is_found() -> None:
    stale = (CardRow(PAID.id, "pending"), CardRow(CANCELLED.id, "cancelled"))
    assert found(history(cards=stale)) == {"cards_agree"}
    assert found(history(cards=(CardRow(CANCELLED.id, "cancelled"),))) == {"cards_agree"}
