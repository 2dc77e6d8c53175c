"""Consents: what a third party asked for, what the customer authorised, and its lifecycle.

Account-access: AwaitingAuthorisation → Authorised | Rejected; Authorised → Revoked.
Domestic (and scheduled) payment: AwaitingAuthorisation → Authorised | Rejected;
Authorised → Consumed (once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.tables import consents
from chatbank.core.clock import as_utc, utc_now
from chatbank.core.errors import InvalidInput, NotFound
from chatbank.core.ids import new_id

ACCOUNT_ACCESS = "account-access"
DOMESTIC_PAYMENT = "domestic-payment"
SCHEDULED_PAYMENT = "scheduled-payment"
STANDING_ORDER = "standing-order"
PAYMENT_KINDS = (DOMESTIC_PAYMENT, SCHEDULED_PAYMENT, STANDING_ORDER)
ID_PREFIX = {ACCOUNT_ACCESS: "aac", DOMESTIC_PAYMENT: "pdc", SCHEDULED_PAYMENT: "sdc",
             STANDING_ORDER: "soc"}
MAX_CONSENT_DAYS = 365
TRANSACTION_READS = {"ReadTransactionsBasic", "ReadTransactionsDetail"}
TRANSACTION_DIRECTIONS = {"ReadTransactionsCredits", "ReadTransactionsDebits"}


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


@dataclass(frozen=True)
class Consent:
    """One consent as stored."""

    consent_id: str
    kind: str
    client_id: str
    status: str
    permissions: list[str]
    expires_at: datetime | None
    transaction_from: datetime | None
    transaction_to: datetime | None
    initiation: dict[str, Any] | None
    risk: dict[str, Any]
    customer_id: str | None
    account_ids: list[str]
    created_at: datetime
    status_updated_at: datetime
    last_used_at: datetime | None

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utc_now()

    @classmethod
    def from_row(cls, row: Any) -> Consent:
        return cls(row["consent_id"], row["kind"], row["client_id"], row["status"],
                   list(row["permissions"]), _utc(row["expires_at"]),
                   _utc(row["transaction_from"]), _utc(row["transaction_to"]),
                   row["initiation"], dict(row["risk"]), row["customer_id"],
                   list(row["account_ids"]), as_utc(row["created_at"]),
                   as_utc(row["status_updated_at"]), _utc(row["last_used_at"]))


def check_account_access_request(permissions: list[str], expires_at: datetime | None,
                                 tx_from: datetime | None, tx_to: datetime | None) -> None:
    """The OB rules for a coherent account-access request, plus our 12-month cap."""
    granted = set(permissions)
    if granted & TRANSACTION_READS and not granted & TRANSACTION_DIRECTIONS:
        raise OBError(400, "permissions_incomplete", "UK.OBIE.Field.Invalid",
                      "ReadTransactionsBasic/Detail need ReadTransactionsCredits or Debits.",
                      "Data.Permissions")
    if granted & TRANSACTION_DIRECTIONS and not granted & TRANSACTION_READS:
        raise OBError(400, "permissions_incomplete", "UK.OBIE.Field.Invalid",
                      "ReadTransactionsCredits/Debits need ReadTransactionsBasic or Detail.",
                      "Data.Permissions")
    now = utc_now()
    if expires_at is None or as_utc(expires_at) <= now or as_utc(
            expires_at) > now + timedelta(days=MAX_CONSENT_DAYS):
        raise OBError(400, "invalid_expiry", "UK.OBIE.Field.InvalidDate",
                      "ExpirationDateTime must be in the future and at most 12 months away.",
                      "Data.ExpirationDateTime")
    if tx_from and tx_to and as_utc(tx_from) > as_utc(tx_to):
        raise OBError(400, "invalid_transaction_window", "UK.OBIE.Field.InvalidDate",
                      "TransactionFromDateTime is after TransactionToDateTime.",
                      "Data.TransactionFromDateTime")


class Consents:
    """Creates consents and moves them through their statuses."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create(self, kind: str, client_id: str, *, permissions: list[str],
                     risk: dict[str, Any], expires_at: datetime | None = None,
                     transaction_from: datetime | None = None,
                     transaction_to: datetime | None = None,
                     initiation: dict[str, Any] | None = None) -> Consent:
        """Store a new consent awaiting the customer's authorisation."""
        now = utc_now()
        values = {"consent_id": new_id(ID_PREFIX[kind]),
                  "kind": kind, "client_id": client_id, "status": "AwaitingAuthorisation",
                  "permissions": permissions, "expires_at": expires_at,
                  "transaction_from": transaction_from, "transaction_to": transaction_to,
                  "initiation": initiation, "risk": risk, "customer_id": None,
                  "account_ids": [], "created_at": now, "status_updated_at": now,
                  "last_used_at": None}
        async with self.engine.begin() as conn:
            await conn.execute(insert(consents).values(**values))
        return Consent.from_row(values)

    async def find(self, consent_id: str) -> Consent | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(consents).where(
                consents.c.consent_id == consent_id))).mappings().first()
        return Consent.from_row(row) if row is not None else None

    async def get_for_client(self, consent_id: str, client_id: str, kind: str) -> Consent:
        """The client's own consent of `kind`; others' consents do not exist for it."""
        consent = await self.find(consent_id)
        if consent is None or consent.client_id != client_id or consent.kind != kind:
            raise NotFound("consent_not_found", "No such consent for this client.")
        return consent

    async def for_customer(self, customer_id: str) -> list[Consent]:
        """Every consent the customer has answered, newest first."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(consents).where(
                consents.c.customer_id == customer_id).order_by(
                consents.c.created_at.desc()))).mappings().all()
        return [Consent.from_row(row) for row in rows]

    async def _move(self, consent_id: str, from_status: str, to_status: str,
                    **values: Any) -> bool:
        async with self.engine.begin() as conn:
            result = await conn.execute(update(consents).where(
                consents.c.consent_id == consent_id, consents.c.status == from_status).values(
                status=to_status, status_updated_at=utc_now(), **values))
        return bool(result.rowcount == 1)

    async def authorise(self, consent_id: str, customer_id: str, account_ids: list[str]) -> None:
        """The customer approved at the bank, for these accounts."""
        if not account_ids:
            raise InvalidInput("no_accounts_selected", "Pick at least one account.")
        if not await self._move(consent_id, "AwaitingAuthorisation", "Authorised",
                                customer_id=customer_id, account_ids=account_ids):
            raise _bad_status("The consent is no longer awaiting authorisation.")

    async def reject(self, consent_id: str, customer_id: str) -> None:
        """The customer refused at the bank."""
        if not await self._move(consent_id, "AwaitingAuthorisation", "Rejected",
                                customer_id=customer_id):
            raise _bad_status("The consent is no longer awaiting authorisation.")

    async def revoke(self, consent_id: str) -> None:
        """Revoke an account-access consent (by the client's DELETE or the customer)."""
        consent = await self.find(consent_id)
        if consent is None or consent.kind != ACCOUNT_ACCESS:
            raise NotFound("consent_not_found", "No such consent.")
        if consent.status == "Revoked":
            return
        await self._move(consent_id, consent.status, "Revoked")

    async def consume(self, consent_id: str) -> None:
        """Use a payment consent once; a second use fails."""
        if not await self._move(consent_id, "Authorised", "Consumed"):
            raise _bad_status("The payment consent is not authorised or was already used.")

    async def is_live(self, consent_id: str) -> bool:
        """Authorised and not expired: tokens bound to it may still be refreshed."""
        consent = await self.find(consent_id)
        return consent is not None and consent.status == "Authorised" and not consent.expired

    async def touch(self, consent_id: str) -> None:
        """Record that the third party used the consent just now (shown on the dashboard)."""
        async with self.engine.begin() as conn:
            await conn.execute(update(consents).where(consents.c.consent_id == consent_id)
                               .values(last_used_at=utc_now()))


def _bad_status(message: str) -> OBError:
    return OBError(403, "invalid_consent_status", "UK.OBIE.Resource.InvalidConsentStatus",
                   message)
