"""“Who can see my data?”, “show my privacy settings”, “show the access log”.

Answers come from the privacy rules themselves (the closed set of purposes), the user's bank
links (purposes, status, expiry) and the user's own audit log; nothing here reads bank data.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.connect.directory import BankDirectory
from chatbank.connect.links import Links
from chatbank.privacy.audit_log import AuditPage
from chatbank.privacy.purposes import Purpose, rules_for

ACCESS_LOG_REPLY = "show the privacy access log"
SETTINGS_REPLY = "show my privacy settings"
_SETTINGS = re.compile(r"\b(settings?|linked|connected|links?|consents?|permissions?)\b", re.I)
_LOG = re.compile(r"\b(log|history|who (has )?(read|looked|accessed)|what have you read)\b", re.I)
LOG_ROWS = 10


class AccessLogReader(Protocol):
    async def access_audit_log_by_user(self, user_id: str, limit: int = 50,
                                       before: int | None = None) -> AuditPage: ...


def centre_source(now: datetime) -> str:
    return f"Source: chatbank privacy centre, as of {now:%H:%M} UTC"


async def linked_banks_card(links: Links, directory: BankDirectory, user_id: str,
                            now: datetime) -> ReplyCard:
    """Every bank link with what it allows, its status and when its consent expires."""
    found = [lnk for lnk in await links.links_of(user_id) if lnk.status.value != "failed"]
    card = ReplyCard("Your bank links" if found else "No banks linked yet",
                     subtitle="What chatbank may do with each bank. Revoke any time; the "
                              "consent is deleted at the bank.")
    for link in sorted(found, key=lambda lnk: lnk.created_at, reverse=True):
        allowed = "; ".join(rules_for(Purpose(p)).description for p in link.purposes)
        card.row(directory.get(link.bank_id).name, link.status.value,
                 f"{allowed} · consent expires {link.expires_at:%d %b %Y}")
    card.source = centre_source(now)
    card.button("Show my access log", ACCESS_LOG_REPLY)
    card.button("Link a bank", "link my bank", "primary")
    if any(lnk.status.value == "active" for lnk in found):
        card.button("Disconnect a bank", "disconnect my bank", "danger")
    return card


def privacy_rules_card(now: datetime) -> ReplyCard:
    """Who sees the data and why, from the closed list of purposes."""
    card = ReplyCard("Who can see your bank data", subtitle=(
        "Only you, and chatbank's assistant when you ask it something, for the purposes you "
        "allowed at your bank. There is no advertising purpose: ads never see your money. "
        "Every read is written to your access log."))
    for purpose in Purpose:
        card.row("Allowed purpose", purpose.value.replace("_", " "),
                 rules_for(purpose).description)
    card.row("Advertising", "never", "No such purpose exists, so no read for it can happen")
    card.row("Every read", "logged", "Purpose, bank and time, in your access log")
    card.source = centre_source(now)
    card.button("Show my access log", ACCESS_LOG_REPLY, "primary")
    card.button("My bank links", SETTINGS_REPLY)
    return card


class PrivacyQuestion:
    intents = frozenset({"privacy_question"})

    def __init__(self, links: Links, directory: BankDirectory, log: AccessLogReader) -> None:
        self.links, self.directory, self.log = links, directory, log

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if _LOG.search(turn.text):
            return Outcome.show(await self.access_log_card(turn.user_id, turn.now))
        if _SETTINGS.search(turn.text):
            return Outcome.show(await linked_banks_card(self.links, self.directory,
                                                        turn.user_id, turn.now))
        return Outcome.show(privacy_rules_card(turn.now))

    async def access_log_card(self, user_id: str, now: datetime) -> ReplyCard:
        page = await self.log.access_audit_log_by_user(user_id, LOG_ROWS)
        card = ReplyCard("Your access log", subtitle=f"The last {len(page.lines)} entries; "
                         "the privacy centre has them all.")
        for line in page.lines:
            card.row(line.text, f"{line.at:%d %b %H:%M}",
                     None if line.allowed else f"refused: {line.code}")
        card.source = centre_source(now)
        return card.button("My bank links", SETTINGS_REPLY)
