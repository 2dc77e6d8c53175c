"""“Link my bank” / “disconnect Eastbank”: the consent itself always happens at the bank."""

from __future__ import annotations

import re

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import CONFIRMATION, Form
from chatbank.assistant.skills.base import Outcome, Turn
from chatbank.assistant.skills.privacy import linked_banks_card
from chatbank.connect.directory import BankDirectory, BankEntry
from chatbank.connect.links import Links
from chatbank.connect.model import LinkStatus
from chatbank.core.errors import ChatbankError
from chatbank.privacy.purposes import Purpose, rules_for

# "Which banks are linked?" is a question about links, not a request to make one.
_LISTING = re.compile(r"\b(which|what|show|list)\b.*\b(linked|connected)\b", re.IGNORECASE)
# What a link made from the chat allows; the privacy centre offers a finer choice.
CHAT_LINK_PURPOSES = (Purpose.ANSWER_ACCOUNT_QUESTIONS, Purpose.MAKE_PAYMENTS_I_ASK_FOR,
                      Purpose.SPENDING_INSIGHTS, Purpose.CARD_CONTROLS)


def bank_named_in(text: str, banks: list[BankEntry]) -> BankEntry | None:
    lowered = text.lower()
    return next((b for b in banks if b.name.lower() in lowered or b.id in lowered), None)


class LinkBank:
    intents = frozenset({"link_bank"})

    def __init__(self, links: Links, directory: BankDirectory) -> None:
        self.links, self.directory = links, directory

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        if _LISTING.search(turn.text):
            return Outcome.show(await linked_banks_card(self.links, self.directory,
                                                        turn.user_id, turn.now))
        bank = bank_named_in(turn.text, self.directory.all())
        if bank is None:
            card = ReplyCard("Which bank shall I link?",
                             subtitle="You will sign in at your bank, never here.")
            for entry in self.directory.all():
                card.button(entry.name, f"link {entry.name}", "primary")
            return Outcome.show(card, Form("link_bank", awaiting="bank"))
        try:
            url = await self.links.do_start_link(turn.user_id, bank.id, list(CHAT_LINK_PURPOSES))
        except ChatbankError as failure:
            return Outcome.say(f"I couldn't start linking {bank.name}: {failure.message}")
        card = ReplyCard(f"Link {bank.name}", state="confirm",
                         subtitle=f"At {bank.name} you sign in and choose which accounts to "
                                  "share. chatbank may then do what is listed below. Change or "
                                  "revoke this any time in the privacy centre.")
        for purpose in CHAT_LINK_PURPOSES:
            card.row(rules_for(purpose).description, "allowed")
        return Outcome.show(card.link(f"Continue at {bank.name}", url))


class UnlinkBank:
    intents = frozenset({"unlink_bank"})

    def __init__(self, links: Links, directory: BankDirectory) -> None:
        self.links, self.directory = links, directory

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        active = [link for link in await self.links.links_of(turn.user_id)
                  if link.status is LinkStatus.ACTIVE]
        if not active:
            return Outcome.say("You have no linked banks.")
        named = bank_named_in(turn.text, [self.directory.get(lnk.bank_id) for lnk in active])
        link_id = form.slots.get("link_id") or (
            next(lnk.id for lnk in active if lnk.bank_id == named.id) if named
            else active[0].id if len(active) == 1 else None)
        if link_id is None:
            card = ReplyCard("Which bank shall I disconnect?")
            for link in active:
                name = self.directory.get(link.bank_id).name
                card.button(name, f"disconnect {name}")
            return Outcome.show(card, Form("unlink_bank", awaiting="bank"))
        bank_name = self.directory.get(next(lnk.bank_id for lnk in active
                                            if lnk.id == link_id)).name
        if not confirmed:
            card = ReplyCard(f"Disconnect {bank_name}?", state="confirm",
                             subtitle="The consent at the bank is deleted and everything "
                                      "chatbank holds from it becomes unreadable.")
            card.button("Yes, disconnect", "yes", "danger").button("No", "no")
            return Outcome.show(card, Form("unlink_bank", {"link_id": link_id}, CONFIRMATION))
        await self.links.do_revoke_link(turn.user_id, link_id)
        return Outcome.say(f"Done: {bank_name} is disconnected and its consent deleted at the "
                           "bank.")
