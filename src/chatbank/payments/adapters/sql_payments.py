"""SQL repository for payments, their authorisation attempts and users' receiving accounts.

Every state change is a conditional update (`WHERE status = <expected>`): of two racing
requests only one moves the payment, so a double click cannot authorise or execute twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.core.clock import as_utc
from chatbank.core.money import Money
from chatbank.payments.adapters.tables import (
    payment_authorisations,
    payments,
    receiving_accounts,
)
from chatbank.payments.model import (
    Payment,
    PaymentKind,
    PaymentStatus,
    ReceivingAccount,
)

NEW_CARD = "new"  # `card_due` of a payment whose card is not posted yet
SPENDING = (PaymentStatus.AWAITING_AUTHORISATION.value, PaymentStatus.PENDING.value,
            PaymentStatus.COMPLETED.value)


def _opt(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _payment(row: Any) -> Payment:
    return Payment(
        id=row.id, kind=PaymentKind(row.kind), conversation_id=row.conversation_id,
        payer_id=row.payer_id, payee_id=row.payee_id,
        amount=Money(int(row.amount_minor), row.currency), note=row.note,
        status=PaymentStatus(row.status), created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at), creditor_last4=row.creditor_last4,
        creditor_bank_id=row.creditor_bank_id, split_id=row.split_id,
        expires_at=_opt(row.expires_at), message_id=row.message_id, bank_id=row.bank_id,
        consent_id=row.consent_id, bank_payment_id=row.bank_payment_id,
        attempts=int(row.attempts or 0), reason=row.reason)


class SqlPayments:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert(self, payment: Payment, creditor: dict[str, str]) -> None:
        await self.conn.execute(insert(payments).values(
            id=payment.id, kind=payment.kind.value, conversation_id=payment.conversation_id,
            payer_id=payment.payer_id, payee_id=payment.payee_id,
            amount_minor=payment.amount.amount_minor, currency=payment.amount.currency,
            note=payment.note, status=payment.status.value, created_at=payment.created_at,
            updated_at=payment.updated_at, creditor=creditor,
            creditor_last4=payment.creditor_last4, creditor_bank_id=payment.creditor_bank_id,
            split_id=payment.split_id, expires_at=payment.expires_at, attempts=0,
            card_due=NEW_CARD))

    async def get(self, payment_id: str) -> Payment | None:
        row = (await self.conn.execute(select(payments).where(
            payments.c.id == payment_id))).first()
        return _payment(row) if row else None

    async def creditor(self, payment_id: str) -> dict[str, str]:
        value = await self.conn.scalar(select(payments.c.creditor).where(
            payments.c.id == payment_id))
        return dict(value or {})

    async def sealed_token(self, payment_id: str) -> bytes | None:
        value = await self.conn.scalar(select(payments.c.sealed_token).where(
            payments.c.id == payment_id))
        return bytes(value) if value is not None else None

    async def move(self, payment_id: str, expected: PaymentStatus, **values: Any) -> bool:
        """Apply `values` only if the payment is still `expected`; True if it moved.

        A new status also marks its card due (a fresh `card_due` token, in the same statement),
        so a crash before the card shows it leaves the work to `cards_due`.
        """
        if isinstance(values.get("status"), PaymentStatus):
            values["status"] = values["status"].value
        if "status" in values:
            values["card_due"] = secrets.token_hex(16)
        result = await self.conn.execute(update(payments).where(
            payments.c.id == payment_id, payments.c.status == expected.value).values(**values))
        return bool(result.rowcount == 1)

    async def set(self, payment_id: str, **values: Any) -> None:
        await self.conn.execute(update(payments).where(payments.c.id == payment_id)
                                .values(**values))

    async def card_due(self, payment_id: str) -> str | None:
        """The token of the state the card does not show yet (None: the card is current)."""
        value = await self.conn.scalar(select(payments.c.card_due).where(
            payments.c.id == payment_id))
        return str(value) if value is not None else None

    async def card_shown(self, payment_id: str, token: str) -> None:
        """The card shows the state marked `token` (a later state keeps its own token)."""
        await self.conn.execute(update(payments).where(
            payments.c.id == payment_id, payments.c.card_due == token).values(card_due=None))

    async def cards_due(self, changed_before: datetime, limit: int = 200) -> list[Payment]:
        """Payments whose card does not show their state, changed before `changed_before`."""
        rows = await self.conn.execute(select(payments).where(
            payments.c.card_due.is_not(None), payments.c.updated_at < changed_before)
            .order_by(payments.c.updated_at).limit(limit))
        return [_payment(r) for r in rows]

    async def in_conversation(self, conversation_id: str, limit: int) -> list[Payment]:
        rows = await self.conn.execute(select(payments).where(
            payments.c.conversation_id == conversation_id).order_by(
            payments.c.created_at.desc()).limit(limit))
        return [_payment(r) for r in rows]

    async def of_user(self, user_id: str, limit: int) -> list[Payment]:
        rows = await self.conn.execute(select(payments).where(or_(
            payments.c.payer_id == user_id, payments.c.payee_id == user_id)).order_by(
            payments.c.created_at.desc()).limit(limit))
        return [_payment(r) for r in rows]

    async def of_split(self, split_id: str) -> list[Payment]:
        rows = await self.conn.execute(select(payments).where(payments.c.split_id == split_id)
                                       .order_by(payments.c.created_at))
        return [_payment(r) for r in rows]

    async def with_status(self, status: PaymentStatus, limit: int = 200) -> list[Payment]:
        rows = await self.conn.execute(select(payments).where(
            payments.c.status == status.value).limit(limit))
        return [_payment(r) for r in rows]

    async def due_to_expire(self, now: datetime, lapsed_before: datetime,
                            limit: int = 200) -> list[Payment]:
        """Requests past their expiry, and payments left awaiting an authorisation that lapsed."""
        rows = await self.conn.execute(select(payments).where(or_(
            and_(payments.c.status == PaymentStatus.DRAFT.value,
                 payments.c.expires_at.is_not(None), payments.c.expires_at <= now),
            and_(payments.c.status == PaymentStatus.AWAITING_AUTHORISATION.value,
                 payments.c.updated_at < lapsed_before))).limit(limit))
        return [_payment(r) for r in rows]

    async def spent_since(self, payer_id: str, since: datetime, exclude_id: str) -> int:
        """What the payer has sent or is sending since `since` (for the daily limit)."""
        total = await self.conn.scalar(select(func.coalesce(func.sum(
            payments.c.amount_minor), 0)).where(and_(
                payments.c.payer_id == payer_id, payments.c.updated_at >= since,
                payments.c.status.in_(SPENDING), payments.c.id != exclude_id)))
        return int(total or 0)

    async def insert_attempt(self, state_hash: str, payment: Payment, bank_id: str,
                             consent_id: str, sealed_verifier: bytes, now: datetime,
                             expires_at: datetime) -> None:
        await self.conn.execute(insert(payment_authorisations).values(
            state_hash=state_hash, payment_id=payment.id, user_id=payment.payer_id,
            bank_id=bank_id, consent_id=consent_id, sealed_verifier=sealed_verifier,
            created_at=now, expires_at=expires_at))

    async def claim_attempt(self, state_hash: str, now: datetime) -> Any | None:
        """Use the attempt once; None if it is unknown or was used already."""
        claimed = await self.conn.execute(update(payment_authorisations).where(
            payment_authorisations.c.state_hash == state_hash,
            payment_authorisations.c.used_at.is_(None)).values(used_at=now))
        if not claimed.rowcount:
            return None
        return (await self.conn.execute(select(payment_authorisations).where(
            payment_authorisations.c.state_hash == state_hash))).first()

    async def put_receiving(self, account: ReceivingAccount, sealed: bytes,
                            now: datetime) -> None:
        await self.conn.execute(delete(receiving_accounts).where(
            receiving_accounts.c.user_id == account.user_id))
        await self.conn.execute(insert(receiving_accounts).values(
            user_id=account.user_id, bank_id=account.bank_id, link_id=account.link_id,
            account_id=account.account_id, last4=account.last4, label=account.label,
            sealed_account=sealed, updated_at=now))

    async def receiving(self, user_id: str) -> tuple[ReceivingAccount, bytes] | None:
        row = (await self.conn.execute(select(receiving_accounts).where(
            receiving_accounts.c.user_id == user_id))).first()
        if row is None:
            return None
        return (ReceivingAccount(row.user_id, row.bank_id, row.link_id, row.account_id,
                                 row.last4, row.label), bytes(row.sealed_account))
