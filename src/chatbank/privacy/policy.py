"""The read policy: may this purpose read this kind of data over this bank link, now? (pure)

A read is allowed only when all of these hold, checked in this order so the user is told the
most useful reason first: the link exists and is active, it was not revoked, its consent is
neither expired at the bank nor older than 12 months, the purpose was granted on the link, the
purpose needs that data class at all, and the consent's permissions cover it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from chatbank.core.errors import Forbidden
from chatbank.privacy.purposes import (
    DataClass,
    Purpose,
    permissions_cover,
    purpose_may_read,
    rules_for,
)

CONSENT_MAX_MONTHS = 12
RECONFIRM_AFTER = timedelta(days=90)


class LinkStatus(StrEnum):
    """Lifecycle of a link between a user and a bank."""

    PENDING = "pending"  # consent created at the bank, customer has not authorised yet
    ACTIVE = "active"
    REVOKED = "revoked"  # by the user here, or at the bank (seen as 401/403 on the next call)
    EXPIRED = "expired"
    FAILED = "failed"  # the customer refused at the bank, or the redirect flow broke


class Refusal(StrEnum):
    """Stable codes for refused reads."""

    NO_ACTIVE_LINK = "no_active_link"
    LINK_REVOKED = "link_revoked"
    CONSENT_EXPIRED = "consent_expired"
    PURPOSE_NOT_GRANTED = "purpose_not_granted"
    DATA_CLASS_OUTSIDE_PURPOSE = "data_class_outside_purpose"
    PERMISSION_NOT_GRANTED = "permission_not_granted"


@dataclass(frozen=True, slots=True)
class ConsentedLink:
    """What the policy needs to know about one user's link to one bank."""

    user_id: str
    bank_id: str
    status: LinkStatus
    purposes: frozenset[Purpose]
    permissions: frozenset[str]  # as granted by the bank (may be fewer than requested)
    consent_granted_at: datetime
    consent_expires_at: datetime | None = None  # ExpirationDateTime from the bank, if any
    confirmed_at: datetime | None = None  # last time the user re-confirmed the link


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of a policy check; `code` is a `Refusal` value when refused."""

    allowed: bool
    code: str | None = None
    message: str = field(default="")

    def raise_if_refused(self) -> None:
        """Raise `Forbidden` with the refusal code, for callers that must not continue."""
        if not self.allowed:
            raise Forbidden(self.code or Refusal.NO_ACTIVE_LINK, self.message)


ALLOWED = Decision(True, None, "allowed")


def _refuse(code: Refusal, message: str) -> Decision:
    return Decision(False, code.value, message)


def consent_deadline(granted_at: datetime) -> datetime:
    """The moment a consent granted at `granted_at` becomes too old (12 calendar months)."""
    try:
        return granted_at.replace(year=granted_at.year + CONSENT_MAX_MONTHS // 12)
    except ValueError:  # granted on 29 February: the deadline is 28 February
        return granted_at.replace(year=granted_at.year + CONSENT_MAX_MONTHS // 12, day=28)


def consent_is_current(link: ConsentedLink, now: datetime) -> bool:
    """Whether the consent behind `link` is neither expired at the bank nor too old."""
    if link.status is LinkStatus.EXPIRED or now >= consent_deadline(link.consent_granted_at):
        return False
    return link.consent_expires_at is None or now < link.consent_expires_at


def check_read(link: ConsentedLink | None, purpose: Purpose, data_class: DataClass,
               now: datetime) -> Decision:
    """Decide whether `purpose` may read `data_class` over `link` at `now`."""
    if link is None or link.status in (LinkStatus.PENDING, LinkStatus.FAILED):
        return _refuse(Refusal.NO_ACTIVE_LINK,
                       "You have not linked this bank yet; link it in the privacy centre.")
    if link.status is LinkStatus.REVOKED:
        return _refuse(Refusal.LINK_REVOKED,
                       "This bank link was revoked; link the bank again to use it.")
    if not consent_is_current(link, now):
        return _refuse(Refusal.CONSENT_EXPIRED,
                       "Your consent at this bank has expired; renew it to continue.")
    description = rules_for(purpose).description
    if purpose not in link.purposes:
        return _refuse(Refusal.PURPOSE_NOT_GRANTED,
                       f"You have not allowed chatbank to {description} with this bank.")
    if not purpose_may_read(purpose, data_class):
        return _refuse(Refusal.DATA_CLASS_OUTSIDE_PURPOSE,
                       f"Reading your {data_class.value.replace('_', ' ')} is not needed to "
                       f"{description}.")
    if not permissions_cover(link.permissions, data_class):
        return _refuse(Refusal.PERMISSION_NOT_GRANTED,
                       f"Your consent at the bank does not include your "
                       f"{data_class.value.replace('_', ' ')}; add it by re-linking.")
    return ALLOWED


def needs_reconfirmation(link: ConsentedLink, now: datetime) -> bool:
    """Whether the user should re-confirm an active link (90 days since granted or confirmed)."""
    if link.status is not LinkStatus.ACTIVE:
        return False
    last_confirmed = link.confirmed_at or link.consent_granted_at
    return now - last_confirmed >= RECONFIRM_AFTER
