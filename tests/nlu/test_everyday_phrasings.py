"""First messages people actually send, with names and purposes the templates never use.

Held out from training: none of these sentences is in `data/templates.jsonl`, and the names
(Bob, Ana, Ben, Priya, Chen, Olu, ...) and purposes ("for lunch", "for the taxi", ...) are not
there either, so a head that memorised the template fillers fails here.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from chatbank.assistant.nlu import Nlu, load_nlu
from chatbank.assistant.nlu.corpus import read_templates

TODAY = date(2025, 11, 25)
HELD_OUT_NAMES = ("bob", "ana", "ben", "priya", "chen", "olu")

PHRASINGS: list[tuple[str, str]] = [
    # balances
    ("how much have I got in my current account", "check_balance"),
    ("what's left in my savings", "check_balance"),
    ("balance on my joint account please", "check_balance"),
    ("how much money is in my nationwide account", "check_balance"),
    # transaction search
    ("show me what I paid to Deliveroo last week", "search_transactions"),
    ("find the payment to the dentist in october", "search_transactions"),
    ("list my card payments from yesterday", "search_transactions"),
    ("did I pay Priya back in september", "search_transactions"),
    # spending
    ("how much have I spent on taxis this month", "spending_summary"),
    ("what did I spend on eating out in october", "spending_summary"),
    ("how much went on clothes last month", "spending_summary"),
    ("break down my spending for last week", "spending_summary"),
    # upcoming
    ("which direct debits come out this week", "upcoming_payments"),
    ("any standing orders due before friday", "upcoming_payments"),
    ("what payments are coming out of my account soon", "upcoming_payments"),
    # transfers between own accounts / to saved payees
    ("move £200 from current to savings", "transfer_money"),
    ("put 50 quid into my ISA", "transfer_money"),
    ("transfer £75 to my landlord", "transfer_money"),
    ("move 300 pounds from my savings into my current account", "transfer_money"),
    # pay a credit card
    ("pay the statement balance", "pay_credit_card"),
    ("pay off my Amex", "pay_credit_card"),
    ("just pay the minimum on my credit card this month", "pay_credit_card"),
    ("put £120 towards my credit card", "pay_credit_card"),
    ("clear my credit card bill in full", "pay_credit_card"),
    # cards
    ("freeze my card for now", "freeze_card"),
    ("I lost my card", "freeze_card|lost_or_stolen_card"),
    ("my wallet was stolen, block my card", "freeze_card|lost_or_stolen_card"),
    ("lock my credit card please", "freeze_card"),
    ("unfreeze my debit card please", "unfreeze_card"),
    ("I found my debit card, turn it back on", "unfreeze_card"),
    ("unblock my card please", "unfreeze_card"),
    # linking banks
    ("connect my Monzo account", "link_bank"),
    ("add another bank", "link_bank"),
    ("I want to link my Lloyds current account", "link_bank"),
    ("disconnect my HSBC account", "unlink_bank"),
    ("remove the Santander link", "unlink_bank"),
    ("stop sharing my Starling data with you", "unlink_bank"),
    # pay a contact
    ("send Bob £5 for lunch", "pay_contact"),
    ("pay Bob £5 for lunch", "pay_contact"),
    ("send Sam £20 for pizza", "pay_contact"),
    ("send Priya 12 quid for the taxi", "pay_contact"),
    ("pay Chen £40 for concert tickets", "pay_contact"),
    ("give Olu a tenner", "pay_contact"),
    ("transfer £15 to Ana for the cinema", "pay_contact"),
    ("can you send Ben thirty pounds", "pay_contact"),
    ("pay ana 8.50 for coffee", "pay_contact"),
    ("send £25 to Chen", "pay_contact"),
    ("I owe Olu £18 for dinner, pay him", "pay_contact"),
    # request money
    ("ask Ana and Ben for £15 each", "request_money"),
    ("request £30 from Priya for the taxi", "request_money"),
    ("ask Bob to pay me back £12", "request_money"),
    ("chase Chen for the £20 he owes me", "request_money"),
    ("remind Olu he owes me 10 quid for lunch", "request_money"),
    ("can you ask ben for the concert ticket money", "request_money"),
    # split a bill
    ("split £84 with the group", "split_bill"),
    ("split dinner with Priya and Chen", "split_bill"),
    ("split the £60 taxi between me Bob and Ana", "split_bill"),
    ("share the cost of the concert tickets with Olu", "split_bill"),
    ("divide the £45 bill three ways with Ben and Ana", "split_bill"),
    # privacy
    ("what do you do with my data", "privacy_question"),
    ("who can see my bank details", "privacy_question"),
    ("do you sell my information to advertisers", "privacy_question"),
    ("how do I delete all my data", "privacy_question"),
    # pay a bill
    ("pay my water bill", "pay_bill"),
    ("pay the electricity bill", "pay_bill"),
    # small talk and control
    ("hi there", "greet"),
    ("good morning!", "greet"),
    ("hey, hello", "greet"),
    ("what sort of things can you do", "help"),
    ("what can you help me with", "help"),
    ("how does this thing work", "help"),
    ("yes do it", "affirm"),
    ("yep that's right", "affirm"),
    ("sure, go ahead", "affirm"),
    ("that is correct", "affirm"),
    ("no, not that", "deny"),
    ("nope, not that one", "deny"),
    ("no that's wrong", "deny"),
    ("cancel it", "cancel"),
    ("stop, cancel this", "cancel"),
    ("ah forget about it", "cancel"),
    ("drop it, cancel", "cancel"),
]

# Still wrong with the committed head (strict: the test fails once they come right, so that this
# list shrinks). Fix by generalising the templates, never by copying these sentences in.
KNOWN_MISSES: dict[str, str] = {}


def _cases() -> list[object]:
    return [pytest.param(text, intent, marks=[pytest.mark.xfail(strict=True,
                                                                reason=KNOWN_MISSES[text])])
            if text in KNOWN_MISSES else pytest.param(text, intent)
            for text, intent in PHRASINGS]


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return load_nlu()


def test_the_table_and_its_names_are_held_out_from_training() -> None:
    trained = {e.text.lower() for e in read_templates()}
    assert not [text for text, _ in PHRASINGS if text.lower() in trained]
    words = {w for text in trained for w in re.findall(r"\w+", text)}
    assert not words & set(HELD_OUT_NAMES)
    assert all(any(name in text.lower().split() for text, _ in PHRASINGS)
               for name in HELD_OUT_NAMES)


@pytest.mark.parametrize(("text", "intent"), _cases())
def test_everyday_first_message_gets_its_intent(nlu: Nlu, text: str, intent: str) -> None:
    """`intent` may list alternatives with "|": the card skill treats a lost or stolen card
    (BANKING77's `lost_or_stolen_card`) as a freeze."""
    result = nlu.parse(text, TODAY)
    assert result.intent in intent.split("|"), result.ranked
