"""Standing orders recur, over real HTTP on a bank of this module's own: each weekly payment is
made once on its date (two runners at once, a runner restarted mid-payment), the order ends
after NumberOfPayments, the customer cancels it at the bank, and a payment the account cannot
cover is skipped (recorded, not retried) while the order carries on. AISP and PISP answers are
validated against the OB spec."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from chatbank.bank.books import BankBooks
from chatbank.bank.books.tables import standing_order_payments
from chatbank.bank.db import create_bank_engine
from chatbank.bank.openbanking.consents import Consents
from chatbank.bank.openbanking.scheduled import ScheduledPayments
from tests.contract.banks import RunningBank, running_bank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_contract import bearer
from tests.contract.test_pisp_scheduled_contract import Later, consent_page, wait_for
from tests.contract.test_pisp_standing_order_contract import (
    CONSENTS,
    ORDERS,
    listed_orders,
    order,
)
from tests.contract.tpp import Tpp, field_value, sign_in

WEEK = timedelta(days=7)


@pytest.fixture(scope="module")
def own_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBank]:
    """A bank for this module alone: its runners jump weeks ahead, which would pay other
    tests' future payments on the shared bank."""
    with running_bank(tmp_path_factory.mktemp("recurring-bank")) as started:
        yield started


@pytest.fixture
def own_tpp(own_bank: RunningBank) -> Iterator[Tpp]:
    client = Tpp.register(own_bank.url)
    yield client
    client.close()


def weekly_order(bank: RunningBank, tpp: Tpp, **amounts: str) -> tuple[str, date]:
    """Alice's weekly standing order to Bob (first payment in 2 s), authorised and submitted;
    returns its id and first payment date once the first payment has been made."""
    payer = bank.accounts("alice")[0]
    initiation = order(bank, 2, amount=amounts.pop("first", "5.00"))
    first = datetime.fromisoformat(initiation["FirstPaymentDateTime"]).astimezone(UTC).date()
    initiation["Frequency"] = f"IntrvlWkDay:01:{first.isoweekday():02d}"
    for name, value in amounts.items():
        initiation[name] = value if name == "NumberOfPayments" else {
            "Amount": value, "Currency": "GBP"}
    body = {"Data": {"Permission": "Create", "Initiation": initiation}, "Risk": {}}
    before = bank.available_minor("alice", payer.id)
    created = check_exchange(tpp.signed_post(CONSENTS, body, tpp.client_token("payments")))
    assert created.status_code == 201, created.text
    consent_id = created.json()["Data"]["ConsentId"]
    user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer.id])["access_token"]
    submit = {"Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}
    stored = check_exchange(tpp.signed_post(ORDERS, submit, user))
    assert stored.status_code == 201, stored.text
    first_minor = int(initiation["FirstPaymentAmount"]["Amount"].replace(".", ""))
    order_id = stored.json()["Data"]["DomesticStandingOrderId"]
    wait_for(lambda: recorded_payments(bank, order_id) == 1)  # the bank's runner paid it
    assert bank.available_minor("alice", payer.id) == before - first_minor
    return order_id, first


def recorded_payments(bank: RunningBank, order_id: str) -> int:
    path = bank.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT count(*) FROM standing_order_payments"
                              " WHERE order_id = ? AND status != 'Processing'",
                              (order_id,)).fetchone()[0])


async def one_runner(bank: RunningBank, ahead: timedelta) -> int:
    """A runner on its own engine (as another bank process would be), `ahead` in the future."""
    engine = create_bank_engine(bank.settings.resolved_database_url)
    try:
        books = BankBooks(engine)
        paid = await ScheduledPayments(engine, Consents(engine), books, Later(ahead)).run_due()
        await books.close()
        return paid
    finally:
        await engine.dispose()


async def two_runners(bank: RunningBank, ahead: timedelta) -> list[int]:
    return list(await asyncio.gather(one_runner(bank, ahead), one_runner(bank, ahead)))


async def forget_outcome(bank: RunningBank, order_id: str, sequence: int) -> None:
    """As if the runner had stopped after claiming (and maybe paying) a payment, long ago."""
    engine = create_bank_engine(bank.settings.resolved_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(update(standing_order_payments).where(
                standing_order_payments.c.order_id == order_id,
                standing_order_payments.c.sequence == sequence).values(
                status="Processing", claimed_at=datetime(2000, 1, 1, tzinfo=UTC)))
    finally:
        await engine.dispose()


def listed(bank: RunningBank, tpp: Tpp, order_id: str) -> dict[str, Any]:
    orders = listed_orders(tpp, bank.accounts("alice")[0].id)
    return next(o for o in orders if o["StandingOrderId"] == order_id)


def payment_statuses(tpp: Tpp, order_id: str) -> list[str]:
    details = check_exchange(tpp.http.get(f"{ORDERS}/{order_id}/payment-details",
                                          headers=bearer(tpp.client_token("payments"))))
    assert details.status_code == 200, details.text
    return [p["Status"] for p in details.json()["Data"]["PaymentStatus"]]


def stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def test_a_weekly_order_pays_once_a_week_and_stops_after_number_of_payments(
        own_bank: RunningBank, own_tpp: Tpp) -> None:
    payer = own_bank.accounts("alice")[0]
    start = own_bank.available_minor("alice", payer.id)
    order_id, first = weekly_order(own_bank, own_tpp, NumberOfPayments="3")
    for week in (1, 2):
        ahead = week * WEEK + timedelta(hours=1)
        assert sorted(asyncio.run(two_runners(own_bank, ahead))) == [0, 1]
        assert asyncio.run(one_runner(own_bank, ahead)) == 0  # restarted: nothing twice
        assert own_bank.available_minor("alice", payer.id) == start - 500 * (week + 1)
    shown = listed(own_bank, own_tpp, order_id)
    assert shown["LastPaymentDateTime"] == stamp(first + 2 * WEEK)
    assert shown["NumberOfPayments"] == "3" and shown["StandingOrderStatusCode"] == "Inactive"
    assert "NextPaymentDateTime" not in shown  # the third payment was the last
    asyncio.run(forget_outcome(own_bank, order_id, 3))
    assert asyncio.run(one_runner(own_bank, 2 * WEEK)) == 1  # paid again only as a replay
    assert asyncio.run(one_runner(own_bank, 3 * WEEK + timedelta(hours=1))) == 0
    assert asyncio.run(one_runner(own_bank, 9 * WEEK)) == 0
    assert own_bank.available_minor("alice", payer.id) == start - 1500
    assert payment_statuses(own_tpp, order_id) == ["AcceptedSettlementCompleted"] * 3


def test_the_listing_shows_the_next_and_last_payments_as_weeks_pass(
        own_bank: RunningBank, own_tpp: Tpp) -> None:
    order_id, first = weekly_order(own_bank, own_tpp, first="3.00", NumberOfPayments="5",
                                   RecurringPaymentAmount="4.00")
    before = listed(own_bank, own_tpp, order_id)
    assert before["NextPaymentDateTime"] == stamp(first + WEEK)
    assert before["NextPaymentAmount"]["Amount"].startswith("4.00")
    assert before["FirstPaymentAmount"]["Amount"].startswith("3.00")
    asyncio.run(one_runner(own_bank, 3 * WEEK + timedelta(hours=1)))  # three weeks at once
    after = listed(own_bank, own_tpp, order_id)
    assert after["LastPaymentDateTime"] == stamp(first + 3 * WEEK)
    assert after["LastPaymentAmount"]["Amount"].startswith("4.00")
    assert after["NextPaymentDateTime"] == stamp(first + 4 * WEEK)
    assert after["FinalPaymentDateTime"] == stamp(first + 4 * WEEK)  # the fifth, known ahead
    assert payment_statuses(own_tpp, order_id) == ["AcceptedSettlementCompleted"] * 4
    assert asyncio.run(one_runner(own_bank, 4 * WEEK + timedelta(hours=1))) == 1
    assert listed(own_bank, own_tpp, order_id)["StandingOrderStatusCode"] == "Inactive"


def test_a_payment_the_account_cannot_cover_is_skipped_and_the_order_goes_on(
        own_bank: RunningBank, own_tpp: Tpp) -> None:
    payer = own_bank.accounts("alice")[0]
    start = own_bank.available_minor("alice", payer.id)
    order_id, first = weekly_order(own_bank, own_tpp, first="1.00", NumberOfPayments="3",
                                   RecurringPaymentAmount="9999999.00", FinalPaymentAmount="2.00")
    assert asyncio.run(one_runner(own_bank, WEEK + timedelta(hours=1))) == 1
    assert asyncio.run(one_runner(own_bank, WEEK + timedelta(hours=2))) == 0  # not retried
    assert own_bank.available_minor("alice", payer.id) == start - 100
    shown = listed(own_bank, own_tpp, order_id)
    assert shown["StandingOrderStatusCode"] == "Active"
    assert shown["NextPaymentDateTime"] == stamp(first + 2 * WEEK)
    assert shown["NextPaymentAmount"]["Amount"].startswith("2.00")
    assert shown["LastPaymentDateTime"] == stamp(first)
    assert payment_statuses(own_tpp, order_id) == ["AcceptedSettlementCompleted", "Rejected"]
    assert asyncio.run(one_runner(own_bank, 2 * WEEK + timedelta(hours=1))) == 1
    assert own_bank.available_minor("alice", payer.id) == start - 300
    with httpx.Client(base_url=own_bank.url, timeout=20.0) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
    mine = page.split(f'id="so-{order_id}"')[1].split("</article>")[0]
    assert "£9999999.00 not paid (insufficient_funds" in mine
    assert "£2.00 paid" in mine and "Inactive" in mine


def test_the_customer_cancels_at_the_bank_and_no_payment_follows(
        own_bank: RunningBank, own_tpp: Tpp) -> None:
    payer = own_bank.accounts("alice")[0]
    order_id, _first = weekly_order(own_bank, own_tpp)
    after_first = own_bank.available_minor("alice", payer.id)
    with httpx.Client(base_url=own_bank.url, timeout=20.0) as bob:
        sign_in(bob, "bob")
        csrf = field_value(bob.get("/dashboard").text, "csrf")
        theirs = bob.post("/dashboard/standing-orders/cancel",
                          data={"order_id": order_id, "csrf": csrf})
        assert theirs.status_code == 404 and "standing_order_not_found" in theirs.text
    with httpx.Client(base_url=own_bank.url, timeout=20.0) as alice:
        sign_in(alice, "alice")
        page = alice.get("/dashboard").text
        assert f'name="order_id" value="{order_id}"' in page
        cancelled = alice.post("/dashboard/standing-orders/cancel",
                               data={"order_id": order_id, "csrf": field_value(page, "csrf")})
        assert cancelled.status_code == 303
        page = alice.get("/dashboard").text
        assert f'name="order_id" value="{order_id}"' not in page
        again = alice.post("/dashboard/standing-orders/cancel",
                           data={"order_id": order_id, "csrf": field_value(page, "csrf")})
        assert again.status_code == 409 and "standing_order_not_active" in again.text
    assert asyncio.run(one_runner(own_bank, 5 * WEEK)) == 0
    assert own_bank.available_minor("alice", payer.id) == after_first
    shown = listed(own_bank, own_tpp, order_id)
    assert shown["StandingOrderStatusCode"] == "Inactive" and "NextPaymentDateTime" not in shown
    got = check_exchange(own_tpp.http.get(f"{ORDERS}/{order_id}", headers=bearer(
        own_tpp.client_token("payments"))))
    assert got.json()["Data"]["Status"] == "Cancelled"


@pytest.mark.parametrize(("field", "value", "code"), [
    ("RecurringPaymentDateTime", "2000-01-01T00:00:00+00:00", "UK.OBIE.Field.InvalidDate"),
    ("NumberOfPayments", "three", "UK.OBIE.Field.Invalid"),
    ("NumberOfPayments", "0", "UK.OBIE.Field.Invalid"),
    ("FinalPaymentDateTime", "2000-01-01T00:00:00+00:00", "UK.OBIE.Field.InvalidDate"),
])
def test_schedules_the_bank_cannot_keep_are_refused(own_bank: RunningBank, own_tpp: Tpp,
                                                    field: str, value: str, code: str) -> None:
    initiation = {**order(own_bank, 60), field: value}
    body = {"Data": {"Permission": "Create", "Initiation": initiation}, "Risk": {}}
    refused = check_exchange(own_tpp.signed_post(CONSENTS, body,
                                                 own_tpp.client_token("payments")))
    assert refused.status_code == 400, refused.text
    assert refused.json()["Errors"][0]["ErrorCode"] == code


def test_the_consent_page_shows_every_amount_and_when_the_order_ends(
        own_bank: RunningBank, own_tpp: Tpp) -> None:
    initiation = {**order(own_bank, 86_400, amount="1.00"), "NumberOfPayments": "6",
                  "RecurringPaymentAmount": {"Amount": "250.00", "Currency": "GBP"},
                  "FinalPaymentAmount": {"Amount": "3.50", "Currency": "GBP"}}
    page = consent_page(own_bank, own_tpp, CONSENTS,
                        {"Data": {"Permission": "Create", "Initiation": initiation}, "Risk": {}})
    assert 'id="amount">£1.00<' in page and 'id="then">£250.00<' in page
    assert 'id="final">£3.50<' in page and 'id="ends">after 6 payments<' in page
    open_ended = consent_page(own_bank, own_tpp, CONSENTS, {"Data": {
        "Permission": "Create", "Initiation": order(own_bank, 86_400)}, "Risk": {}})
    assert 'id="then">£9.40<' in open_ended and 'id="ends">when you cancel it<' in open_ended
    assert 'id="final"' not in open_ended
