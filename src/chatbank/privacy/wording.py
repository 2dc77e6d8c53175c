"""Audit entries in plain words, for the privacy centre (pure).

"Assistant read your balances at Northbank to answer 'how much do I have?' — 14:02, 25 Nov 2026"
"""

from __future__ import annotations

from collections.abc import Callable

from chatbank.privacy.audit import AuditAction, AuditEntry
from chatbank.privacy.purposes import Purpose, rules_for

BankNamer = Callable[[str], str]

_ACTORS = {"assistant": "Assistant", "payments": "Payments", "privacy-centre": "You",
           "connect": "chatbank", "user": "You", "support": "chatbank support"}
_CHANNELS = {"whatsapp": "WhatsApp", "telegram": "Telegram", "sms": "SMS", "web": "the web app",
             "email": "email"}
_REFUSALS = {
    "no_active_link": "the bank is not linked",
    "link_revoked": "you had revoked that link",
    "consent_expired": "your consent had expired",
    "purpose_not_granted": "you had not allowed that purpose",
    "data_class_outside_purpose": "that purpose does not need it",
    "permission_not_granted": "your consent at the bank does not include it",
}
_WITH_REASON = {
    Purpose.ANSWER_ACCOUNT_QUESTIONS: "answer '{reason}'",
    Purpose.MAKE_PAYMENTS_I_ASK_FOR: "make the payment you asked for ('{reason}')",
    Purpose.SPENDING_INSIGHTS: "work out your spending summary ('{reason}')",
    Purpose.CARD_CONTROLS: "do what you asked with your card ('{reason}')",
}


def default_bank_name(bank_id: str) -> str:
    """A readable bank name when the directory offers none: "northbank" → "Northbank"."""
    return bank_id.replace("-", " ").replace("_", " ").title()


def actor_name(actor: str) -> str:
    """Who did it, in words: "channel:whatsapp" → "WhatsApp"."""
    if actor.startswith("channel:"):
        channel = actor.split(":", 1)[1]
        return _CHANNELS.get(channel, channel.title())
    return _ACTORS.get(actor, actor.replace("-", " ").capitalize())


def _thing(entry: AuditEntry) -> str:
    return (entry.data_class or "data").replace("_", " ")


def _why(entry: AuditEntry) -> str:
    if entry.purpose is None:
        return f" ('{entry.reason}')" if entry.reason else ""
    purpose = Purpose(entry.purpose)
    if entry.reason:
        return " to " + _WITH_REASON[purpose].format(reason=entry.reason)
    return " to " + rules_for(purpose).log_phrase


def _granted(entry: AuditEntry) -> str:
    if entry.purpose is None:
        return ""
    return f" (you agreed: '{rules_for(Purpose(entry.purpose)).description}')"


def _sentence(entry: AuditEntry, bank: str) -> str:
    who, thing, why = actor_name(entry.actor), _thing(entry), _why(entry)
    action = AuditAction(entry.action)
    if action in (AuditAction.READ, AuditAction.CARD_CHANGED) and not entry.allowed:
        because = _REFUSALS.get(entry.code or "", "it was not allowed")
        verb = "reading your" if action is AuditAction.READ else "changing one of your"
        return f"{who} was stopped from {verb} {thing} at {bank}: {because}"
    sentences = {
        AuditAction.READ: f"{who} read your {thing} at {bank}{why}",
        AuditAction.PAYMENT_INITIATED: f"{who} started a payment from your {bank} account{why}",
        AuditAction.PAYMENT_REQUESTED: f"{who} sent a payment request you asked for{why}",
        AuditAction.PAYMENT_AUTHORISED: f"You authorised a payment at {bank}{why}",
        AuditAction.PAYMENT_COMPLETED: f"A payment from your {bank} account completed{why}",
        AuditAction.PAYMENT_REJECTED: f"A payment was not made{why}",
        AuditAction.PAYMENT_CANCELLED: f"A payment was cancelled{why}",
        AuditAction.PAYMENT_EXPIRED: "A payment expired before it was made"
                                     + (f" ('{entry.reason}')" if entry.reason else ""),
        AuditAction.PAYMENT_DECLINED: f"You declined a payment request{why}",
        AuditAction.LINK_STARTED: f"You started linking {bank}",
        AuditAction.LINK_CREATED: f"You linked {bank}{_granted(entry)}",
        AuditAction.LINK_FAILED: f"Linking {bank} did not complete",
        AuditAction.LINK_RECONFIRMED: f"You re-confirmed your link to {bank}",
        AuditAction.TOKEN_REFRESHED: f"chatbank renewed its access to {bank}",
        AuditAction.LINK_REVOKED: f"Your link to {bank} was revoked and the data chatbank "
                                  f"kept from it was destroyed",
        AuditAction.DATA_EXPORTED: "You exported a copy of your data",
        AuditAction.ACCOUNT_DELETED: "Your account was deleted",
        AuditAction.DISCLOSURE_TO_CHANNEL: f"Your {thing} from {bank} were shown in {who}",
        AuditAction.CARD_CHANGED: f"{who} changed one of your cards at {bank}{why}",
    }
    text = sentences[action]
    if action is AuditAction.LINK_REVOKED and entry.code == "superseded":
        text = (f"Your older link to {bank} was replaced by the one you just made; it was "
                f"revoked and the data chatbank kept from it was destroyed")
    if not entry.allowed:
        text += f" (refused: {_REFUSALS.get(entry.code or '', entry.code or 'not allowed')})"
    return text


def describe_entry(entry: AuditEntry, bank_name: BankNamer = default_bank_name) -> str:
    """One line of the access log, ending with the time (UTC)."""
    bank = bank_name(entry.bank) if entry.bank else "your bank"
    moment = entry.at
    return f"{_sentence(entry, bank)} — {moment:%H:%M}, {moment.day} {moment:%b %Y}"
