"""Upcoming payments read a recurring standing order as the bank lists it (OBStandingOrder6):
every payment in the window, not only the next one, ending at the final payment."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chatbank.assistant.skills.periods import ahead
from chatbank.assistant.skills.upcoming import frequency_words, upcoming_of
from chatbank.privacy.purposes import DataClass

TODAY = date(2026, 11, 26)  # a Thursday


def weekly(**fields: Any) -> dict[str, Any]:
    return {"AccountId": "acc1", "StandingOrderId": "dso_1", "Frequency": "IntrvlWkDay:01:03",
            "StandingOrderStatusCode": "Active", "Reference": "Allowance",
            "NextPaymentDateTime": "2026-12-02T00:00:00+00:00",
            "NextPaymentAmount": {"Amount": "20.00", "Currency": "GBP"},
            "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                                "Identification": "20000012345678", "Name": "Sam"}, **fields}


def payments(record: dict[str, Any]) -> list[tuple[date, int]]:
    due = upcoming_of(DataClass.STANDING_ORDERS, record, "Current", ahead(TODAY))
    return [(u.due, u.amount.amount_minor) for u in due]


def test_a_weekly_order_shows_each_wednesday_of_the_next_thirty_days() -> None:
    assert payments(weekly()) == [(date(2026, 12, d), -2000) for d in (2, 9, 16, 23)]


def test_the_final_payment_ends_the_list_with_its_own_amount() -> None:
    record = weekly(FinalPaymentDateTime="2026-12-09T00:00:00+00:00",
                    FinalPaymentAmount={"Amount": "5.00", "Currency": "GBP"})
    assert payments(record) == [(date(2026, 12, 2), -2000), (date(2026, 12, 9), -500)]


@pytest.mark.parametrize("record", [
    weekly(StandingOrderStatusCode="Inactive"),
    {k: v for k, v in weekly().items() if k != "NextPaymentDateTime"},
])
def test_a_cancelled_or_finished_order_shows_nothing(record: dict[str, Any]) -> None:
    assert payments(record) == []


def test_an_unknown_frequency_shows_only_the_date_the_bank_gave() -> None:
    assert payments(weekly(Frequency="NotKnown")) == [(date(2026, 12, 2), -2000)]


def test_a_monthly_order_due_today_shows_today_and_not_next_month_past_the_window() -> None:
    record = weekly(Frequency="IntrvlMnthDay:01:26", NextPaymentDateTime="2026-11-26T00:00:00Z")
    assert payments(record) == [(date(2026, 11, 26), -2000), (date(2026, 12, 26), -2000)]


@pytest.mark.parametrize(("code", "words"), [
    ("IntrvlWkDay:01:03", " · weekly"), ("IntrvlWkDay:02:05", " · fortnightly"),
    ("IntrvlWkDay:03:01", " · every 3 weeks"), ("IntrvlMnthDay:01:28", " · monthly"),
    ("IntrvlMnthDay:03:-01", " · quarterly"), ("IntrvlMnthDay:12:01", " · yearly"),
    ("IntrvlDay:10", " · every 10 days"), ("WkInMnthDay:02:01", " · monthly"),
    ("QtrDay:ENGLISH", " · quarterly"), ("EvryWorkgDay", " · every working day"),
    ("NotKnown", ""),
])
def test_frequencies_in_words(code: str, words: str) -> None:
    assert frequency_words(code) == words
