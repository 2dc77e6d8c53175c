"""Purposes are a closed set; each maps to the permissions and data it needs, and no more."""

from __future__ import annotations

import pytest

from chatbank.core.errors import InvalidInput
from chatbank.privacy.purposes import (
    PAYMENT_INITIATION,
    PURPOSES,
    DataClass,
    Purpose,
    account_access_permissions,
    minimum_permissions,
    needs_payment_initiation,
    parse_purpose,
    permissions_cover,
    purpose_may_read,
    rules_for,
)


@pytest.mark.parametrize("name", ["advertising", "ads", "marketing", "profiling", "sale",
                                  "sell_data", "", "ANSWER ACCOUNT QUESTIONS"])
def test_a_purpose_that_is_not_in_the_closed_set_cannot_be_parsed(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_purpose(name)
    assert raised.value.code == "unknown_purpose"


def test_no_purpose_exists_for_advertising_profiling_or_sale() -> None:
    forbidden = ("advert", "ads", "market", "profil", "sale", "sell", "target", "partner")
    for purpose in Purpose:
        words = f"{purpose.value} {rules_for(purpose).description}".lower()
        assert not any(word in words.split("_") or f" {word}" in f" {words}"
                       for word in forbidden), purpose
    assert {p.value for p in Purpose} == {
        "answer_account_questions", "make_payments_i_ask_for", "spending_insights",
        "card_controls"}


def test_every_purpose_has_plain_words_for_the_consent_screen() -> None:
    assert rules_for(Purpose.ANSWER_ACCOUNT_QUESTIONS).description == (
        "answer my questions about my accounts")
    for purpose in Purpose:
        assert parse_purpose(purpose.value) is purpose
        assert rules_for(purpose).description[0].islower()


def test_minimum_permissions_of_each_purpose() -> None:
    assert minimum_permissions([Purpose.SPENDING_INSIGHTS]) == {
        "ReadAccountsBasic", "ReadTransactionsDetail", "ReadTransactionsDebits"}
    assert minimum_permissions([Purpose.MAKE_PAYMENTS_I_ASK_FOR]) == {
        "ReadAccountsBasic", "ReadBalances", PAYMENT_INITIATION}
    answer = minimum_permissions([Purpose.ANSWER_ACCOUNT_QUESTIONS])
    assert {"ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances", "ReadTransactionsBasic",
            "ReadTransactionsDetail", "ReadTransactionsCredits", "ReadTransactionsDebits",
            "ReadBeneficiariesDetail", "ReadStandingOrdersDetail", "ReadDirectDebits",
            "ReadScheduledPaymentsDetail"} == answer
    assert minimum_permissions([]) == frozenset()


def test_permissions_of_several_purposes_are_the_union_and_pisp_is_not_an_aisp_permission() -> None:
    both = [Purpose.SPENDING_INSIGHTS, Purpose.MAKE_PAYMENTS_I_ASK_FOR]
    assert account_access_permissions(both) == sorted(
        {"ReadAccountsBasic", "ReadTransactionsDetail", "ReadTransactionsDebits", "ReadBalances"})
    assert needs_payment_initiation(both)
    assert not needs_payment_initiation([Purpose.ANSWER_ACCOUNT_QUESTIONS])


@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_purposes_own_permissions_cover_every_data_class_it_may_read(purpose: Purpose) -> None:
    rules = PURPOSES[purpose]
    for data_class in DataClass:
        if purpose_may_read(purpose, data_class):
            assert permissions_cover(rules.permissions, data_class), data_class


def test_transactions_need_a_level_and_a_direction() -> None:
    assert not permissions_cover({"ReadTransactionsDetail"}, DataClass.TRANSACTIONS)
    assert not permissions_cover({"ReadTransactionsCredits"}, DataClass.TRANSACTIONS)
    assert permissions_cover({"ReadTransactionsBasic", "ReadTransactionsCredits"},
                             DataClass.TRANSACTIONS)


def test_no_purpose_reads_party_data() -> None:
    assert not any(purpose_may_read(p, DataClass.PARTY) for p in Purpose)
