"""Card controls in the chat: confirm first, the bank changes the card, the change is audited."""

from __future__ import annotations

import httpx

from tests.assistant.story_steps import Chat, fully_linked_chat, link_all_accounts
from tests.contract.tpp import sign_in
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack

CARDS = ("Visa debit", "Mastercard credit")


def card_status_at_bank(stack: Stack, last4: str) -> str:
    """What alice's dashboard at the bank says about the card ending `last4`."""
    with httpx.Client(base_url=stack.banks["northbank"].url) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
    line = page.split(f"ending {last4}: ", 1)[1]
    return line.split('class="card-status">', 1)[1].split("<", 1)[0]


def test_freezing_asks_which_card_then_confirms_then_the_bank_freezes_it(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    which = chat.card("freeze my card")
    assert which["title"] == "Which card?"
    labels = [b["label"] for b in which["buttons"]]
    assert [label.rsplit(" ••", 1)[0] for label in labels] == list(CARDS)
    debit = next(b for b in which["buttons"] if b["label"].startswith("Visa debit"))
    last4 = debit["label"][-4:]
    confirm = chat.card(debit["reply"])
    assert confirm["title"] == f"Freeze your Visa debit ••{last4}?"
    assert confirm["state"] == "confirm"
    assert card_status_at_bank(stack, last4) == "Active"
    before = len(chat.log())
    done = chat.card("yes")
    assert done["title"] == f"Your Visa debit ••{last4} is frozen"
    assert done["source"].startswith("Source: Northbank, as of ")
    assert card_status_at_bank(stack, last4) == "Frozen"
    changed = chat.log()[: len(chat.log()) - before]
    assert any("changed one of your cards at Northbank" in e["text"] for e in changed), changed
    again = chat.card("unfreeze my card")
    assert again["title"] == f"Unfreeze your Visa debit ••{last4}?"
    assert chat.card("yes")["title"] == f"Your Visa debit ••{last4} works again"
    assert card_status_at_bank(stack, last4) == "Active"


def test_saying_no_to_the_freeze_leaves_the_card_active(stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    confirm = chat.card("freeze my credit card")
    assert confirm["title"].startswith("Freeze your Mastercard credit ••")
    last4 = confirm["title"][-5:-1]
    (declined,) = chat.replies("no")
    assert "won't" in declined["text"]
    assert card_status_at_bank(stack, last4) == "Active"


def test_cancelling_while_choosing_a_card_changes_nothing(stack: Stack,
                                                          new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    assert chat.card("lock my card")["title"] == "Which card?"
    (cancelled,) = chat.replies("cancel")
    assert "Nothing was changed" in cancelled["text"]
    (nothing,) = chat.replies("yes")
    assert "nothing waiting" in nothing["text"].lower()


def test_unfreezing_when_nothing_is_frozen_says_so(stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    (answer,) = chat.replies("unfreeze my card")
    assert answer["text"] == "None of your cards is frozen."


def test_reporting_a_card_stolen_warns_it_is_irreversible_and_blocks_it_for_good(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_all_accounts(stack, user, login="bob")
    chat = Chat.open(user)
    confirm = chat.card("my card was stolen")
    assert confirm["title"].startswith("Block your Visa debit ••")
    assert "can't be undone" in confirm["subtitle"]
    assert confirm["buttons"][0]["style"] == "danger"
    done = chat.card("yes")
    assert done["title"].endswith("is blocked (reported stolen)")
    (after,) = chat.replies("unfreeze my card")
    assert after["text"] == "None of your cards is frozen."
    (frozen,) = chat.replies("freeze my card")
    assert frozen["text"] == "All your cards are frozen or blocked already."


def test_a_link_made_before_card_controls_is_asked_to_relink_then_works(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)  # answer_account_questions only, as every link before card controls
    chat = Chat.open(user)
    before = len(chat.log())
    relink = chat.card("freeze my card")
    assert relink["title"] == "Re-link to allow card controls"
    assert relink["buttons"][0]["reply"] == "link my bank"
    refused = chat.log()[: len(chat.log()) - before]
    assert refused and all(e["allowed"] is False for e in refused), refused
    link_all_accounts(stack, user)
    assert chat.card("freeze my debit card")["title"].startswith("Freeze your Visa debit")
    (cancelled,) = chat.replies("cancel")
    assert "Nothing was changed" in cancelled["text"]


def test_a_lost_card_without_a_linked_bank_gets_what_to_do_now(new_user: NewUser) -> None:
    chat = Chat.open(new_user())
    shown = chat.card("I lost my card")
    assert shown["title"] == "Lost or stolen card"
    assert "24-hour number" in shown["rows"][0]["detail"]
    (nothing,) = chat.replies("yes")
    assert "nothing waiting" in nothing["text"].lower()
