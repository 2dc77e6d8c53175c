"""What to do with a message, given the dialogue state: pure rules, unit-tested.

- "cancel" (or "stop", "never mind") ends the active form at any point.
- A form waiting for confirmation moves money or changes a card only on an explicit yes.
- A form waiting for a slot first tries to fill it from the message; a confident, different
  request pauses the form and is answered, and the form is offered again afterwards. A reply
  that is one of the buttons the form offered always fills it.
- A new amount while a confirmation waits ("no, £30", "make it £25") corrects the form, which
  asks for confirmation again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from chatbank.assistant.dialogue.state import CONFIRMATION, DialogueState

SWITCH_CONFIDENCE = 0.6
CONTROL_INTENTS = {"affirm", "deny", "cancel"}
# Requests to move money. One of these while a question's answer is open ("show my Tesco
# payments" → "transfer £5 to Bob for lunch") is a new request even when the model is unsure,
# never a follow-up filter of that question.
MOVES_MONEY = frozenset({"pay_contact", "request_money", "split_bill", "transfer_money",
                         "pay_bill", "pay_credit_card"})
_YES = re.compile(r"^\s*(y|yes|yeah|yep|sure|ok(ay)?|confirm|go ahead|do it|send it|"
                  r"yes,? \w+( it)?)\s*[.!]*\s*$", re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no|nope|don'?t|do not)\b.*$", re.IGNORECASE)
_CORRECTION = re.compile(r"^\s*(no|nope|actually|sorry|make it|change it to|i meant|wait|"
                         r"[£$€]?\d)", re.IGNORECASE)
_CANCEL = re.compile(r"^\s*(cancel|stop|never ?mind|forget it|abort|quit)\b", re.IGNORECASE)


class Move(StrEnum):
    CANCEL = "cancel"          # drop the active form
    CONFIRM = "confirm"        # run the active form with consent given
    DECLINE = "decline"        # the user said no to the confirmation
    FILL = "fill"              # give the message to the active form as its awaited answer
    SWITCH = "switch"          # pause the active form, start a new one
    START = "start"            # no form: start one for the message's intent
    REASK = "reask"            # awaiting confirmation, answer unclear: ask again
    CORRECT = "correct"        # awaiting confirmation, a new amount: the form takes it, asks again


@dataclass(frozen=True, slots=True)
class Decision:
    move: Move
    intent: str


def decide(state: DialogueState, text: str, intent: str, confidence: float,
           has_amount: bool = False) -> Decision:
    """The next move for `text` (classified as `intent` with `confidence`; `has_amount` when
    it names an amount of money)."""
    form = state.active
    if _CANCEL.match(text) or (intent == "cancel" and confidence >= SWITCH_CONFIDENCE):
        return Decision(Move.CANCEL, intent)
    if form is None:
        return Decision(Move.START, intent)
    if form.awaiting == CONFIRMATION:
        if has_amount and _CORRECTION.match(text):
            return Decision(Move.CORRECT, form.intent)
        if _YES.match(text) or (intent == "affirm" and confidence >= SWITCH_CONFIDENCE):
            return Decision(Move.CONFIRM, form.intent)
        if _NO.match(text) or intent == "deny":
            return Decision(Move.DECLINE, form.intent)
        if confidence >= SWITCH_CONFIDENCE and intent not in CONTROL_INTENTS | {"out_of_scope"}:
            return Decision(Move.SWITCH, intent)
        return Decision(Move.REASK, form.intent)
    if text.strip().lower() in {str(o).lower() for o in form.slots.get("options") or ()}:
        return Decision(Move.FILL, form.intent)
    if (confidence >= SWITCH_CONFIDENCE and intent != form.intent
            and intent not in CONTROL_INTENTS | {"out_of_scope"} and len(text.split()) > 2):
        return Decision(Move.SWITCH, intent)
    if (intent in MOVES_MONEY and form.intent not in MOVES_MONEY and has_amount
            and len(text.split()) > 2 and not _CORRECTION.match(text)):
        return Decision(Move.SWITCH, intent)
    return Decision(Move.FILL, form.intent)
