"""Story: Alice's weekly standing order of three payments, set up through the bank's OB API,
reads right in "what payments are coming up?" — each of its three dates, then nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.assistant.story_steps import Chat, linked_chat, pounds, rows
from tests.contract.openapi_check import check_exchange
from tests.contract.test_pisp_standing_order_contract import CONSENTS, ORDERS, order
from tests.contract.tpp import Tpp
from tests.support.stack import Stack


@pytest.fixture(scope="module")
def chat(stack: Stack) -> Iterator[Chat]:
    yield from linked_chat(stack)


def weekly_order_from_tomorrow(stack: Stack) -> datetime:
    """Alice's weekly order to Bob, £12.00 × 3, first paid tomorrow; returns the first date."""
    bank = stack.banks["northbank"]
    tpp = Tpp.register(bank.url, name="Rent app")
    try:
        initiation = {**order(bank, 86_400, amount="12.00"), "NumberOfPayments": "3"}
        first = datetime.fromisoformat(initiation["FirstPaymentDateTime"]).astimezone(UTC)
        initiation["Frequency"] = f"IntrvlWkDay:01:{first.isoweekday():02d}"
        body = {"Data": {"Permission": "Create", "Initiation": initiation}, "Risk": {}}
        consent_id = tpp.signed_post(CONSENTS, body, tpp.client_token("payments")).json()[
            "Data"]["ConsentId"]
        payer = bank.account_ids("alice")[0]
        user = tpp.tokens_for(consent_id, scope="payments", accounts=[payer])["access_token"]
        submit = {"Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}
        assert check_exchange(tpp.signed_post(ORDERS, submit, user)).status_code == 201
        return first
    finally:
        tpp.close()


def test_each_payment_of_a_weekly_order_is_coming_up_until_its_last(stack: Stack,
                                                                    chat: Chat) -> None:
    first = weekly_order_from_tomorrow(stack)
    shown = chat.card("what payments are coming up?")
    to_bob = {label.split(" · ")[0]: value for label, value in rows(shown).items()
              if label.endswith("· Bob Brown")}
    expected = [f"{first + timedelta(weeks=n):%a %d %b}" for n in range(3)]
    assert list(to_bob) == expected  # the third is the last: NumberOfPayments
    assert all(pounds(value) == -1200 for value in to_bob.values())
    details = [row.get("detail", "") for row in shown["rows"] if "Bob Brown" in row["label"]]
    assert all(d.startswith("Standing order · weekly") for d in details)
