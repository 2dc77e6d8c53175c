"""Shared wording: where an answer came from, and what to say when banks cannot answer."""

from __future__ import annotations

from datetime import datetime

from chatbank.assistant.cards import ReplyCard
from chatbank.connect.gateway import GatewayResult
from chatbank.core.errors import ChatbankError

NO_LINK_CODES = {"no_active_link", "link_revoked", "consent_expired"}


def source_line(result: GatewayResult, now: datetime) -> str:
    """"Source: Northbank, Eastbank, as of 14:02"."""
    names = ", ".join(dict.fromkeys(a.bank_name for a in result.answers))
    moment = max((a.fetched_at for a in result.answers), default=now)
    return f"Source: {names}, as of {moment:%H:%M} UTC"


def note_failures(card: ReplyCard, result: GatewayResult) -> None:
    """Say which banks did not answer, and why, under the card."""
    for bank_name, error in result.failures:
        card.row(bank_name, "unavailable", error.message)
        card.state = "warning"


def refusal_card(error: ChatbankError) -> ReplyCard:
    """No usable link (none yet, revoked, expired) or a purpose not granted, in plain words."""
    if error.code in NO_LINK_CODES:
        card = ReplyCard("Link a bank first", subtitle=error.message, state="warning")
        return card.button("Link a bank", "link my bank", "primary")
    return ReplyCard("I can't look at that", subtitle=error.message, state="warning").button(
        "Privacy centre", "show my privacy settings")
