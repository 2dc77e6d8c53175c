"""Steps shared by the assistant's dialogue stories: a chat, its cards, and the access log."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from chatbank.bank.books import AccountSubtype
from tests.contract.tpp import customer_journey
from tests.payments.flows import answer_payment, land
from tests.support.linking import PlatformUser, ask, assistant_chat, finish_at_platform, link_bank
from tests.support.stack import Stack

ANSWER_PURPOSE = "to answer"
INSIGHTS_PURPOSE = "to work out your spending summary"


def card_of(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["card"] and reply["card"]["kind"] == "assistant.reply", reply
    payload: dict[str, Any] = reply["card"]["payload"]
    return payload


@dataclass
class Chat:
    """One user's conversation with the assistant, and what the access log says about it."""

    user: PlatformUser
    conversation_id: str

    @classmethod
    def open(cls, user: PlatformUser) -> Chat:
        chat = cls(user, assistant_chat(user))
        chat.replies("cancel")  # a story starts with no form open
        return chat

    def replies(self, text: str) -> list[dict[str, Any]]:
        return ask(self.user, self.conversation_id, text)

    def card(self, text: str) -> dict[str, Any]:
        """The one card the assistant answers `text` with."""
        replies = self.replies(text)
        assert len(replies) == 1, replies
        return card_of(replies[0])

    def answer_card(self, text: str, timeout_s: float = 30.0) -> tuple[list[dict[str, Any]],
                                                                     dict[str, Any]]:
        """Every reply to `text` up to the assistant's card (a notice may come first)."""
        replies = self.replies(text)
        deadline = time.monotonic() + timeout_s
        while not any(r.get("card") for r in replies) and time.monotonic() < deadline:
            time.sleep(0.1)
            page = self.user.http.get(f"/api/v1/conversations/{self.conversation_id}/messages",
                                      params={"limit": 50}).json()["messages"]
            replies = [m for m in page if m["seq"] >= replies[0]["seq"]
                       and m["sender_id"] != self.user.user["id"]]
        return replies, card_of(next(r for r in replies if r.get("card")))

    def log(self) -> list[dict[str, Any]]:
        """The user's access log, newest first."""
        entries: list[dict[str, Any]] = self.user.http.get(
            "/api/v1/privacy/access-log", params={"limit": 100}).json()["entries"]
        return entries

    def reads_after(self, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The card answering `text` and the access-log entries the answer added."""
        before = len(self.log())
        shown = self.card(text)
        after = self.log()
        return shown, after[: len(after) - before]


def rows(shown: dict[str, Any]) -> dict[str, str]:
    return {row["label"]: row["value"] for row in shown.get("rows", [])}


def assert_sourced(shown: dict[str, Any], bank: str = "Northbank") -> None:
    assert shown["source"].startswith(f"Source: {bank}, as of "), shown
    assert shown["source"].endswith(" UTC"), shown


def assert_read(entries: list[dict[str, Any]], data: str, purpose: str = ANSWER_PURPOSE,
                bank: str = "Northbank") -> None:
    """Every new entry is an allowed read of `data` at `bank` for `purpose`."""
    assert entries, "no access-log entry for the read"
    for entry in entries:
        assert entry["action"] == "read" and entry["allowed"], entry
        assert f"read your {data} at {bank} {purpose}" in entry["text"], entry["text"]


def pounds(text: str) -> int:
    """"-£1,234.56" → -123456 (minor units)."""
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").lstrip("£").replace(",", "")
    whole, _, pence = digits.partition(".")
    return sign * (int(whole) * 100 + int((pence + "00")[:2]))


def linked_chat(stack: Stack, purposes: tuple[str, ...] = ("answer_account_questions",)
                ) -> Iterator[Chat]:
    """A new user linked to Alice at Northbank for `purposes`, chatting with the assistant."""
    user = PlatformUser.sign_up(stack.platform_url)
    link_bank(stack, user, purposes=purposes)
    yield Chat.open(user)
    user.http.close()


CHAT_PURPOSES = ("answer_account_questions", "make_payments_i_ask_for", "spending_insights",
                 "card_controls")


def link_all_accounts(stack: Stack, user: PlatformUser, purposes: tuple[str, ...] = CHAT_PURPOSES,
                      login: str = "alice") -> dict[str, Any]:
    """Link Northbank sharing every account of `login` (current, savings, credit card)."""
    bank = stack.banks["northbank"]
    query = parse_qs(urlparse(user.start_link("northbank", list(purposes))).query)
    answer = customer_journey(bank.url, query["client_id"][0], query["request_uri"][0], login,
                              "approve", bank.account_ids(login),
                              redirect_uri=f"{stack.platform_url}/connect/callback")
    landed = finish_at_platform(user, answer)
    assert landed.status_code == 303 and "linked=" in landed.headers["location"], landed.headers
    return next(link for link in user.links() if link["status"] == "active")


def fully_linked_chat(stack: Stack, user: PlatformUser, login: str = "alice") -> Chat:
    """`user` with every account of `login` linked for every chat purpose, in their chat."""
    link_all_accounts(stack, user, login=login)
    return Chat.open(user)


# Transfers: alice's accounts at Northbank and the bank's side of an approval.

def account_id(stack: Stack, subtype: AccountSubtype, login: str = "alice") -> str:
    return next(a.id for a in stack.banks["northbank"].accounts(login) if a.subtype is subtype)


def available(stack: Stack, subtype: AccountSubtype) -> int:
    return stack.banks["northbank"].available_minor("alice", account_id(stack, subtype))


def approve_at_bank(stack: Stack, chat: Chat, approve: dict[str, Any]) -> str:
    """Follow the card's link: the customer pays from the current account at the bank."""
    (link,) = approve["links"]
    answer = answer_payment(stack, link["url"], "alice",
                            accounts=[account_id(stack, AccountSubtype.CURRENT_ACCOUNT)])
    landed = land(chat.user, answer)
    return str(landed.headers["location"])


def payments_of(chat: Chat) -> list[dict[str, Any]]:
    return list(chat.user.http.get("/api/v1/payments").json()["payments"])
