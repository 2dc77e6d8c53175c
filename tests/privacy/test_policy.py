"""The read policy: every rule, its refusal code, and a property over random links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbank.core.errors import Forbidden
from chatbank.privacy.policy import (
    ConsentedLink,
    LinkStatus,
    Refusal,
    check_read,
    consent_deadline,
    needs_reconfirmation,
)
from chatbank.privacy.purposes import (
    COVERING_PERMISSIONS,
    DataClass,
    Purpose,
    minimum_permissions,
    permissions_cover,
    purpose_may_read,
)

GRANTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOW = GRANTED + timedelta(days=10)
ALL_PERMISSIONS = sorted({p for groups in COVERING_PERMISSIONS.values() for g in groups for p in g})


def link(**changes: object) -> ConsentedLink:
    base = ConsentedLink(
        user_id="usr_a", bank_id="northbank", status=LinkStatus.ACTIVE,
        purposes=frozenset({Purpose.ANSWER_ACCOUNT_QUESTIONS}),
        permissions=minimum_permissions([Purpose.ANSWER_ACCOUNT_QUESTIONS]),
        consent_granted_at=GRANTED, consent_expires_at=GRANTED + timedelta(days=300))
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_read_for_a_granted_purpose_within_the_consent_is_allowed() -> None:
    decision = check_read(link(), Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.BALANCES, NOW)
    assert decision.allowed and decision.code is None
    decision.raise_if_refused()


@pytest.mark.parametrize("status", [None, LinkStatus.PENDING])
def test_no_link_or_a_pending_one_is_no_active_link(status: LinkStatus | None) -> None:
    subject = None if status is None else link(status=status)
    decision = check_read(subject, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.BALANCES, NOW)
    assert (decision.allowed, decision.code) == (False, Refusal.NO_ACTIVE_LINK)


def test_a_revoked_link_refuses_with_link_revoked() -> None:
    decision = check_read(link(status=LinkStatus.REVOKED), Purpose.ANSWER_ACCOUNT_QUESTIONS,
                          DataClass.BALANCES, NOW)
    assert decision.code == "link_revoked"
    with pytest.raises(Forbidden) as raised:
        decision.raise_if_refused()
    assert raised.value.code == "link_revoked"


@pytest.mark.parametrize("subject, at", [
    (link(status=LinkStatus.EXPIRED), NOW),
    (link(consent_expires_at=NOW), NOW),  # expiry is exclusive
    (link(consent_expires_at=None), GRANTED + timedelta(days=365)),
    (link(consent_expires_at=GRANTED + timedelta(days=900)), datetime(2027, 3, 1, 9, tzinfo=UTC)),
])
def test_an_expired_or_year_old_consent_refuses_with_consent_expired(
        subject: ConsentedLink, at: datetime) -> None:
    decision = check_read(subject, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.BALANCES, at)
    assert decision.code == "consent_expired"


def test_a_consent_just_under_twelve_months_old_is_still_current() -> None:
    subject = link(consent_expires_at=None)
    just_before = datetime(2027, 3, 1, 8, 59, 59, tzinfo=UTC)
    assert check_read(subject, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.BALANCES,
                      just_before).allowed


def test_twelve_months_from_a_leap_day_ends_on_the_28th_of_february() -> None:
    leap = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert consent_deadline(leap) == datetime(2029, 2, 28, 12, tzinfo=UTC)


def test_a_purpose_not_granted_on_the_link_is_refused() -> None:
    decision = check_read(link(), Purpose.SPENDING_INSIGHTS, DataClass.TRANSACTIONS, NOW)
    assert decision.code == "purpose_not_granted"
    assert "show me summaries" in decision.message


def test_a_data_class_the_purpose_does_not_need_is_refused() -> None:
    subject = link(purposes=frozenset({Purpose.SPENDING_INSIGHTS}),
                   permissions=frozenset(ALL_PERMISSIONS))
    decision = check_read(subject, Purpose.SPENDING_INSIGHTS, DataClass.BALANCES, NOW)
    assert decision.code == "data_class_outside_purpose"


def test_a_data_class_the_bank_did_not_grant_is_refused() -> None:
    subject = link(permissions=frozenset({"ReadAccountsBasic", "ReadBalances"}))
    decision = check_read(subject, Purpose.ANSWER_ACCOUNT_QUESTIONS, DataClass.PAYEES, NOW)
    assert decision.code == "permission_not_granted"


def test_reconfirmation_is_due_ninety_days_after_grant_or_last_confirmation() -> None:
    assert not needs_reconfirmation(link(), GRANTED + timedelta(days=89, hours=23))
    assert needs_reconfirmation(link(), GRANTED + timedelta(days=90))
    confirmed = link(confirmed_at=GRANTED + timedelta(days=80))
    assert not needs_reconfirmation(confirmed, GRANTED + timedelta(days=120))
    assert needs_reconfirmation(confirmed, GRANTED + timedelta(days=170))
    assert not needs_reconfirmation(link(status=LinkStatus.REVOKED), GRANTED + timedelta(days=400))


random_links = st.builds(
    ConsentedLink,
    user_id=st.just("usr_a"), bank_id=st.sampled_from(["northbank", "eastbank"]),
    status=st.sampled_from(list(LinkStatus)),
    purposes=st.frozensets(st.sampled_from(list(Purpose))),
    permissions=st.frozensets(st.sampled_from(ALL_PERMISSIONS)),
    consent_granted_at=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1),
                                    timezones=st.just(UTC)),
    consent_expires_at=st.none() | st.datetimes(min_value=datetime(2025, 1, 1),
                                                max_value=datetime(2028, 1, 1),
                                                timezones=st.just(UTC)),
)


@given(subject=st.none() | random_links, purpose=st.sampled_from(list(Purpose)),
       data_class=st.sampled_from(list(DataClass)),
       now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 1),
                        timezones=st.just(UTC)))
def test_an_allowed_read_always_has_a_granted_purpose_covering_the_class(
        subject: ConsentedLink | None, purpose: Purpose, data_class: DataClass,
        now: datetime) -> None:
    decision = check_read(subject, purpose, data_class, now)
    assert decision.allowed == (decision.code is None)
    if decision.allowed:
        assert subject is not None and subject.status is LinkStatus.ACTIVE
        assert purpose in subject.purposes and purpose_may_read(purpose, data_class)
        assert permissions_cover(subject.permissions, data_class)
        assert now < consent_deadline(subject.consent_granted_at)
        assert subject.consent_expires_at is None or now < subject.consent_expires_at
    else:
        assert decision.code in {r.value for r in Refusal} and decision.message
