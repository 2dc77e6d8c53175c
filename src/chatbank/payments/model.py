"""Person-to-person payments (pure): the state machine, amounts, limits and receiving accounts.

draft → awaiting_authorisation → pending → completed | rejected
draft | awaiting_authorisation → cancelled (payer; or the payee for their own request)
draft (a request) → declined (payer) | expired (7 days)
awaiting_authorisation → draft (the payer said no at the bank)
awaiting_authorisation → expired (the payer never came back from the bank: swept)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from chatbank.core.errors import Conflict, InvalidInput
from chatbank.core.money import CURRENCY_EXPONENTS, Money

REQUEST_TTL = timedelta(days=7)
AUTHORISATION_TTL = timedelta(minutes=10)
MAX_NOTE_CHARS = 140
PAYMENT_CURRENCIES = ("GBP",)


class PaymentStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_AUTHORISATION = "awaiting_authorisation"
    PENDING = "pending"
    COMPLETED = "completed"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DECLINED = "declined"

    @property
    def final(self) -> bool:
        return self in FINAL


FINAL = frozenset({PaymentStatus.COMPLETED, PaymentStatus.REJECTED, PaymentStatus.EXPIRED,
                   PaymentStatus.CANCELLED, PaymentStatus.DECLINED})
MOVES: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.DRAFT: frozenset({PaymentStatus.AWAITING_AUTHORISATION,
                                    PaymentStatus.CANCELLED, PaymentStatus.DECLINED,
                                    PaymentStatus.EXPIRED, PaymentStatus.REJECTED}),
    PaymentStatus.AWAITING_AUTHORISATION: frozenset({
        PaymentStatus.AWAITING_AUTHORISATION, PaymentStatus.PENDING, PaymentStatus.DRAFT,
        PaymentStatus.CANCELLED, PaymentStatus.REJECTED, PaymentStatus.EXPIRED}),
    PaymentStatus.PENDING: frozenset({PaymentStatus.COMPLETED, PaymentStatus.REJECTED}),
}


class PaymentKind(StrEnum):
    PAYMENT = "payment"  # the payer sends
    REQUEST = "request"  # the payee asks the payer


@dataclass(frozen=True, slots=True)
class PaymentLimits:
    """Per payment and per payer per day (UTC), in minor units; configurable at wiring."""

    per_payment_minor: int = 100_000
    daily_minor: int = 250_000


@dataclass(frozen=True, slots=True)
class Payment:
    id: str
    kind: PaymentKind
    conversation_id: str
    payer_id: str
    payee_id: str
    amount: Money
    note: str
    status: PaymentStatus
    created_at: datetime
    updated_at: datetime
    creditor_last4: str
    creditor_bank_id: str
    split_id: str | None = None
    expires_at: datetime | None = None
    message_id: str | None = None
    bank_id: str | None = None  # the payer's bank, chosen at authorisation
    consent_id: str | None = None
    bank_payment_id: str | None = None
    attempts: int = 0
    reason: str | None = None

    def move(self, to: PaymentStatus, now: datetime, reason: str | None = None) -> Payment:
        """The payment in state `to`, or `invalid_state` if the machine does not allow it."""
        if to not in MOVES.get(self.status, frozenset()):
            raise invalid_state(self.status, to)
        return replace(self, status=to, updated_at=now,
                       reason=reason if reason is not None else self.reason)

    def is_expired(self, now: datetime) -> bool:
        return (self.status is PaymentStatus.DRAFT and self.expires_at is not None
                and now >= self.expires_at)


def invalid_state(current: PaymentStatus, wanted: PaymentStatus) -> Conflict:
    return Conflict("invalid_state", f"This payment is {current.value.replace('_', ' ')}; "
                    f"it cannot become {wanted.value.replace('_', ' ')}.",
                    status=current.value)


def parse_amount(text: str, currency: str, limits: PaymentLimits) -> Money:
    """An exact, positive amount within the per-payment limit (coded errors otherwise)."""
    if currency not in CURRENCY_EXPONENTS:
        raise InvalidInput("unknown_currency", f"{currency[:8]!r} is not a currency we know.")
    if currency not in PAYMENT_CURRENCIES:
        raise InvalidInput("unsupported_currency", "Payments between people are in GBP.")
    cleaned = text.strip().replace(",", "").removeprefix("£")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput("invalid_amount", "Write the amount like 12.50.") from None
    if not value.is_finite():
        raise InvalidInput("invalid_amount", "Write the amount like 12.50.")
    if value <= 0:
        raise InvalidInput("amount_not_positive", "The amount must be more than zero.")
    if value > Decimal(limits.per_payment_minor).scaleb(-CURRENCY_EXPONENTS[currency]):
        raise amount_too_large(Money(limits.per_payment_minor, currency))
    return Money.from_decimal_string(str(value), currency)


def amount_too_large(limit: Money) -> InvalidInput:
    return InvalidInput("amount_too_large",
                        f"One payment can be at most {limit.to_decimal_string()} "
                        f"{limit.currency}.", limit=limit.to_decimal_string())


def check_daily_limit(spent_today_minor: int, amount: Money, limits: PaymentLimits) -> None:
    """Refuse a payment that would take the payer over the daily limit."""
    if spent_today_minor + amount.amount_minor > limits.daily_minor:
        left = max(0, limits.daily_minor - spent_today_minor)
        raise InvalidInput("limit_exceeded",
                           f"That would go over your daily limit; you can still send "
                           f"{Money(left, amount.currency).to_decimal_string()} today.")


def clean_note(note: str) -> str:
    return " ".join(note.split())[:MAX_NOTE_CHARS]


def split_amounts(total: Money, parts: int) -> list[Money]:
    """`total` in `parts` shares that add up exactly; the first shares carry the odd pennies."""
    if parts < 1:
        raise InvalidInput("split_needs_people", "Choose at least one person to split with.")
    base, extra = divmod(total.amount_minor, parts)
    if base == 0:
        raise InvalidInput("amount_too_small", "The amount is too small to split that way.")
    return [Money(base + (1 if index < extra else 0), total.currency) for index in range(parts)]


def masked(account_number: str) -> str:
    """What other people see of a receiving account: ••1234."""
    return f"••{account_number[-4:]}"


@dataclass(frozen=True, slots=True)
class ReceivingAccount:
    """A user's default account for money sent to them (one of their linked accounts)."""

    user_id: str
    bank_id: str
    link_id: str
    account_id: str
    last4: str
    label: str
