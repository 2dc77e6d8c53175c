"""The checkers can fail: fed histories with a planted anomaly, each one reports it.

Pure unit tests of `chatbank.chaos.*_checks`; the chaos runs rely on these checks finding
what they claim to find.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbank.chaos.ledger_checks import check_ledger
from chatbank.chaos.ledger_model import (
    Answer,
    BankBooksSnapshot,
    LedgerAccountRow,
    LedgerHistory,
    ObPaymentRow,
    PaymentAttempt,
    SchemePaymentRow,
    TransferRow,
)
from chatbank.chaos.message_checks import Delivered, MessageHistory, Sent, check_messages


def account(id_: str, kind: str, debits: int = 0, credits: int = 0) -> LedgerAccountRow:
    return LedgerAccountRow(id_, "GBP", kind, 0, debits, credits, 0, 0)


def posted(seq: int, id_: str, debit: str, credit: str, amount: int) -> TransferRow:
    return TransferRow(seq, id_, debit, credit, amount, "GBP", "posted", "", None)


OPENING = BankBooksSnapshot("north", (
    account("settlement:GBP", "settlement", debits=1000), account("alice", "customer", credits=600),
    account("bob", "customer", credits=400)), (
    posted(1, "seed-1", "settlement:GBP", "alice", 600),
    posted(2, "seed-2", "settlement:GBP", "bob", 400)), ())
AFTER = BankBooksSnapshot("north", (
    account("settlement:GBP", "settlement", debits=1000),
    account("alice", "customer", debits=100, credits=600),
    account("bob", "customer", credits=500)),
    (*OPENING.transfers, posted(3, "t1", "alice", "bob", 100)),
    (ObPaymentRow("dp1", "consent-1", "AcceptedSettlementCompleted", "t1"),))
PAID = Answer(201, "dp1", "AcceptedSettlementCompleted", body_digest="same")


def attempt(*answers: Answer) -> PaymentAttempt:
    return PaymentAttempt("north", "key-1", "consent-1", 100, False, list(answers),
                          "AcceptedSettlementCompleted")


def ledger_anomalies(after: BankBooksSnapshot, *answers: Answer) -> set[str]:
    history = LedgerHistory({"north": OPENING}, [attempt(*(answers or (PAID, PAID)))])
    _, found = check_ledger(history, {"north": after}, [])
    return {a.check for a in found}


def with_account(books: BankBooksSnapshot, row: LedgerAccountRow) -> BankBooksSnapshot:
    return replace(books, accounts=tuple(row if a.id == row.id else a for a in books.accounts))


def test_a_consistent_ledger_history_has_no_anomaly() -> None:
    assert ledger_anomalies(AFTER) == set()


def test_a_payment_executed_twice_is_found() -> None:
    twice = replace(AFTER, transfers=(*AFTER.transfers, posted(4, "t2", "alice", "bob", 100)))
    twice = with_account(with_account(twice, account("alice", "customer", 200, 600)),
                         account("bob", "customer", credits=600))
    assert ledger_anomalies(twice) == {"executed_once"}


def test_money_created_out_of_thin_air_is_found() -> None:
    minted = replace(AFTER, transfers=(*AFTER.transfers, posted(4, "m", "settlement:GBP",
                                                                "bob", 50)))
    minted = with_account(with_account(minted, account("bob", "customer", credits=550)),
                          account("settlement:GBP", "settlement", debits=1050))
    assert ledger_anomalies(minted) == {"money_conserved"}


def test_a_balance_that_disagrees_with_its_journal_is_found() -> None:
    drifted = with_account(AFTER, account("bob", "customer", credits=510))
    assert {"balances_match_journal", "books_balance"} <= ledger_anomalies(drifted)


def test_an_account_below_its_limit_is_found() -> None:
    overdrawn = replace(AFTER, transfers=(*OPENING.transfers,
                                          posted(3, "t1", "alice", "bob", 700)))
    overdrawn = with_account(with_account(overdrawn, account("alice", "customer", 700, 600)),
                             account("bob", "customer", credits=1100))
    assert "within_limits" in ledger_anomalies(overdrawn)


@pytest.mark.parametrize("answers", [
    (PAID, replace(PAID, body_digest="other")),  # a retry answered differently
    (Answer(403, error_code="consent_consumed"), PAID),  # executed, yet refused on retry
])
def test_a_key_answered_two_ways_is_found(answers: tuple[Answer, ...]) -> None:
    assert ledger_anomalies(AFTER, *answers) == {"idempotent_answers"}


def test_an_acknowledged_payment_missing_from_the_books_is_found() -> None:
    assert "acknowledged_payment_present" in ledger_anomalies(
        AFTER, replace(PAID, payment_id="dp-lost"))


def test_a_payment_left_in_flight_is_found() -> None:
    stuck = replace(AFTER, payments=(ObPaymentRow("dp1", "consent-1", "Pending", "t1"),))
    assert ledger_anomalies(stuck) == {"payment_final"}


MEMBERS = {"c": ["ann", "ben"]}
HELLO = Sent("c", "ann", "client-1", "m1", 2)


def message_anomalies(ann: list[int], ben: list[int], sent: list[Sent] | None = None,
                      ) -> set[str]:
    def frames(seqs: list[int]) -> list[Delivered]:
        return [Delivered("c", s, "message.new", f"m{s - 1}", f"client-{s - 1}", "ann")
                for s in seqs]

    history = MessageHistory(MEMBERS, sent or [HELLO, replace(HELLO, message_id="m1")],
                             {"ann": frames(ann), "ben": frames(ben)}, {"c": 1}, {"c": 3})
    return {a.check for a in check_messages(history)[1]}


def test_messages_delivered_once_in_order_have_no_anomaly() -> None:
    assert message_anomalies([2, 3], [2, 3]) == set()


def test_a_lost_message_is_found() -> None:
    assert message_anomalies([2, 3], [3]) == {"in_order_without_gaps",
                                              "acknowledged_delivered_once"}


def test_a_message_delivered_twice_is_found() -> None:
    assert message_anomalies([2, 3], [2, 2, 3]) == {"in_order_without_gaps",
                                                    "acknowledged_delivered_once"}


def test_messages_out_of_order_are_found() -> None:
    assert message_anomalies([3, 2], [2, 3]) == {"in_order_without_gaps"}


def test_a_client_id_answered_with_two_messages_is_found() -> None:
    assert "same_answer_per_client_id" in message_anomalies(
        [2, 3], [2, 3], [HELLO, replace(HELLO, message_id="m9", seq=9)])


def test_one_client_id_that_made_two_messages_is_found() -> None:
    twins = [Delivered("c", s, "message.new", f"m{s}", "client-1", "ann") for s in (2, 3)]
    history = MessageHistory(MEMBERS, [], {"ann": twins}, {"c": 1}, {"c": 3})
    assert {a.check for a in check_messages(history)[1]} == {"one_message_per_client_id"}


def test_a_settled_interbank_payment_without_its_payee_credit_is_found() -> None:
    settled = SchemePaymentRow("sp1", "north", "t1", "north", 100, "settled")
    history = LedgerHistory({"north": OPENING}, [attempt(PAID, PAID)])
    _, found = check_ledger(history, {"north": AFTER}, [settled])
    assert {a.check for a in found} == {"scheme_agrees"}
