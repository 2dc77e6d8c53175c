"""The payment model (pure): amounts, splits, limits and the state machine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbank.core.errors import ChatbankError
from chatbank.core.money import Money
from chatbank.payments.model import (
    REQUEST_TTL,
    Payment,
    PaymentKind,
    PaymentLimits,
    PaymentStatus,
    check_daily_limit,
    parse_amount,
    split_amounts,
)

LIMITS = PaymentLimits(per_payment_minor=100_000, daily_minor=250_000)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@given(st.integers(min_value=1, max_value=100_000))
def test_every_amount_within_the_limit_parses_exactly(minor: int) -> None:
    text = f"{minor // 100}.{minor % 100:02d}"
    assert parse_amount(text, "GBP", LIMITS) == Money(minor, "GBP")


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=1, max_value=20))
def test_split_shares_add_up_to_the_total_and_differ_by_at_most_a_penny(
        total: int, parts: int) -> None:
    if total < parts:
        with pytest.raises(ChatbankError):
            split_amounts(Money(total, "GBP"), parts)
        return
    shares = split_amounts(Money(total, "GBP"), parts)
    assert sum(s.amount_minor for s in shares) == total and len(shares) == parts
    assert max(s.amount_minor for s in shares) - min(s.amount_minor for s in shares) <= 1


def test_the_daily_limit_counts_what_was_already_sent() -> None:
    check_daily_limit(150_000, Money(100_000, "GBP"), LIMITS)
    with pytest.raises(ChatbankError) as refused:
        check_daily_limit(150_001, Money(100_000, "GBP"), LIMITS)
    assert refused.value.code == "limit_exceeded"


def payment(status: PaymentStatus, kind: PaymentKind = PaymentKind.REQUEST) -> Payment:
    return Payment("pay_x", kind, "cnv_x", "usr_a", "usr_b", Money(500, "GBP"), "", status,
                   NOW, NOW, "1234", "northbank", expires_at=NOW + REQUEST_TTL)


@pytest.mark.parametrize("final", [s for s in PaymentStatus if s.final])
def test_final_states_never_move(final: PaymentStatus) -> None:
    for target in PaymentStatus:
        with pytest.raises(ChatbankError) as refused:
            payment(final).move(target, NOW)
        assert refused.value.code == "invalid_state"


def test_a_pending_payment_can_only_finish() -> None:
    pending = payment(PaymentStatus.PENDING)
    assert pending.move(PaymentStatus.COMPLETED, NOW).status is PaymentStatus.COMPLETED
    for target in (PaymentStatus.CANCELLED, PaymentStatus.DRAFT, PaymentStatus.DECLINED):
        with pytest.raises(ChatbankError):
            pending.move(target, NOW)


def test_requests_expire_after_seven_days() -> None:
    request = payment(PaymentStatus.DRAFT)
    assert not request.is_expired(NOW + REQUEST_TTL / 2)
    assert request.is_expired(NOW + REQUEST_TTL)
