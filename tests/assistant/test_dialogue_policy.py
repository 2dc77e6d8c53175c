"""The dialogue policy's rules for corrections and button replies (pure, no servers)."""

from __future__ import annotations

from chatbank.assistant.dialogue.policy import Move, decide
from chatbank.assistant.dialogue.state import CONFIRMATION, DialogueState, Form


def waiting(awaiting: str, **slots: object) -> DialogueState:
    return DialogueState(Form("transfer_money", dict(slots), awaiting))


def test_a_new_amount_at_the_confirmation_is_a_correction_not_a_no() -> None:
    state = waiting(CONFIRMATION)
    for text in ("no, £30", "make it £25", "actually £12.50", "£30"):
        assert decide(state, text, "deny", 0.9, has_amount=True).move is Move.CORRECT, text
    assert decide(state, "no", "deny", 0.9).move is Move.DECLINE
    assert decide(state, "no thanks, 30 of them", "deny", 0.9).move is Move.DECLINE
    assert decide(state, "yes", "affirm", 0.9).move is Move.CONFIRM


def test_cancel_wins_over_a_correction() -> None:
    assert decide(waiting(CONFIRMATION), "cancel £30", "cancel", 0.9,
                  has_amount=True).move is Move.CANCEL


def test_a_button_reply_always_fills_the_form_even_when_it_reads_like_a_new_request() -> None:
    state = waiting("to", options=["Greenway Property Mgmt", "Rainy day"])
    assert decide(state, "Greenway Property Mgmt", "pay_contact", 0.95).move is Move.FILL
    assert decide(state, "rainy day", "check_balance", 0.95).move is Move.FILL
    assert decide(state, "how much money do I have?", "check_balance",
                  0.95).move is Move.SWITCH


def test_a_request_to_move_money_after_a_search_starts_a_payment_even_when_the_model_is_unsure(
) -> None:
    searching = DialogueState(Form("search_transactions", {}, "refine"))
    moving = decide(searching, "transfer £5 to Bob for lunch", "pay_contact", 0.59,
                    has_amount=True)
    assert moving.move is Move.SWITCH and moving.intent == "pay_contact"
    # Inside a money form the same kind of message is its answer, not a new request.
    assert decide(waiting("amount"), "send £30 to Bob", "pay_contact", 0.59,
                  has_amount=True).move is Move.FILL
