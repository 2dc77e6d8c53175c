"""Replies fitted to each channel's documented limits (pure: no servers)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chatbank.channels.formatting import messenger_messages, whatsapp_messages
from chatbank.channels.model import (
    Choice,
    Link,
    Outgoing,
    Receipt,
    Reply,
    SendFailure,
    mask_amounts,
    retry_delay_ms,
)
from chatbank.channels.outbox import masked
from tests.channels.graph_server import messenger_problem, whatsapp_problem

labels = st.text(min_size=1, max_size=60).filter(str.strip)
replies = st.builds(
    Reply, text=st.text(min_size=1, max_size=9000).filter(str.strip),
    choices=st.lists(st.builds(Choice, labels, labels), max_size=20).map(tuple),
    links=st.lists(st.builds(Link, labels, st.just("https://bank.example/authorize?x=1")),
                   max_size=4).map(tuple))


@given(replies)
def test_every_reply_fits_the_messenger_send_api(reply: Reply) -> None:
    for message in messenger_messages(Outgoing(reply)):
        body = {"recipient": {"id": "1"}, "messaging_type": "RESPONSE", **message}
        assert messenger_problem(body) is None, body


@given(replies)
def test_every_reply_fits_the_whatsapp_cloud_api(reply: Reply) -> None:
    sent = whatsapp_messages(Outgoing(reply))
    for message in sent:
        body = {"messaging_product": "whatsapp", "to": "447700900001", **message}
        assert whatsapp_problem(body) is None, body
    urls = [m["interactive"]["action"]["parameters"]["url"] for m in sent
            if m.get("interactive", {}).get("type") == "cta_url"]
    assert len(urls) == len(reply.links)


def test_many_choices_become_a_whatsapp_list_of_at_most_ten_rows() -> None:
    reply = Reply("Pick one", tuple(Choice(f"Option {n}", str(n)) for n in range(12)))
    (message,) = whatsapp_messages(Outgoing(reply))
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert message["interactive"]["type"] == "list" and len(rows) == 10


def test_whatsapp_gets_a_text_receipt() -> None:
    receipt = Receipt("pay_1", "Alice Adams", "Bob Brown", "pizza", 525, "GBP", "£5.25", 0)
    (message,) = whatsapp_messages(Outgoing(receipt=receipt))
    assert message["text"]["body"].startswith("Payment completed: £5.25 to Bob Brown for pizza")


def test_amounts_are_masked_but_the_currency_stays() -> None:
    assert mask_amounts("Balance at Northbank: £1,234.56 (was €12)") == (
        "Balance at Northbank: £•••.•• (was €•••.••)")


def test_rate_limits_back_off_longer_than_transient_errors_and_permanent_errors_stop() -> None:
    rate_limited, transient = SendFailure(613, 400, "slow"), SendFailure(2, 500, "oops")
    assert retry_delay_ms(rate_limited, 1, 100) == 800
    assert retry_delay_ms(transient, 1, 100) == 100
    assert retry_delay_ms(transient, 3, 100) == 400
    assert retry_delay_ms(SendFailure(100, 400, "bad parameter"), 1, 100) is None
    assert retry_delay_ms(SendFailure(190, 400, "bad token"), 1, 100) is None


def test_a_masked_receipt_is_text_without_the_amount() -> None:
    receipt = Receipt("pay_1", "Alice Adams", "Bob Brown", "", 123456, "GBP", "£1,234.56", 0)
    shown = masked(Outgoing(receipt=receipt))
    assert shown.receipt is None and shown.reply is not None
    assert shown.reply.text.startswith("Payment completed: £•••.•• to Bob Brown.")
    assert "1,234.56" not in str(messenger_messages(shown))


def test_masking_covers_button_labels_but_keeps_what_a_tap_sends_back() -> None:
    reply = Reply("Approve £5.25 to Bob?", (Choice("Pay £5.25", "yes"),),
                  (Link("Approve £5.25 at Northbank", "https://bank.example/a"),))
    shown = masked(Outgoing(reply)).reply
    assert shown is not None
    assert (shown.text, shown.choices[0], shown.links[0].label) == (
        "Approve £•••.•• to Bob?", Choice("Pay £•••.••", "yes"), "Approve £•••.•• at Northbank")

