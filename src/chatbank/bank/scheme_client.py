"""This bank's side of the scheme: submit held outbound payments, release expired holds.

The ledger is the outbox: every open pending Faster Payment hold (written in the same
transaction as the customer's payment) is submitted until the scheme acknowledges it, so a
crash or a scheme outage only delays a submission. The scheme id is derived from the transfer
id, so resubmitting is harmless. Acknowledgements and backoff are kept in memory: after a
restart every open hold is submitted once more, which doubles as reconciliation.

A hold past its timeout is never released on the clock alone: the payee may already have been
credited (the scheme's answer lost, or this bank down when the scheme came to settle). The
relay asks the scheme where the payment stands and settles or voids the hold on that word; a
payment the scheme never received (it refuses submissions after the hold's timeout) is voided.
Until the scheme answers, the money stays held: late, never lost or paid twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy import and_, select

from chatbank.bank.books import BankBooks
from chatbank.bank.books.system_accounts import TransferCode
from chatbank.bank.books.tables import transaction_details as details
from chatbank.bank.ledger import PendingState, TransferKind
from chatbank.bank.ledger.tables import ledger_transfers as transfers
from chatbank.bank.settings import BankSettings
from chatbank.core.clock import as_utc
from chatbank.core.errors import ChatbankError
from chatbank.scheme.protocol import API_PREFIX, scheme_payment_id, sign_request

log = logging.getLogger("chatbank.bank.scheme")
PERMANENT_REFUSALS = (400, 409, 422)  # the scheme will never take it: release the hold
RETRY_BASE_S, RETRY_MAX_S = 0.5, 30.0
LAPSED_PER_TICK = 100
SETTLED_STATES = ("accepted", "settled")  # the payee was credited: the money must leave
VOIDED_STATES = ("rejected", "voided")
UNKNOWN_TO_SCHEME = "unknown"  # never received: it refuses submissions after the timeout
NOT_SENT_IN_TIME = ("The payment could not reach the interbank scheme before its deadline; "
                    "the money was not sent.")
RecordRejection = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OpenHold:
    transfer_id: str
    amount_minor: int
    currency: str
    expires_at: datetime
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str
    debtor_name: str
    reference: str


class SchemeRelay:
    """Submits open outbound holds to the scheme and voids expired ones, every `scheme_poll_s`."""

    def __init__(self, settings: BankSettings, books: BankBooks,
                 http: httpx.AsyncClient | None = None,
                 record_rejection: RecordRejection | None = None) -> None:
        self.settings = settings
        self.books = books
        self.record_rejection = record_rejection  # why a payment failed, for its OB status
        self.http = http or httpx.AsyncClient(timeout=5.0)
        self.acknowledged: set[str] = set()
        self.retry: dict[str, tuple[int, float]] = {}  # transfer id → (attempts, due monotonic)

    async def run_forever(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # the loop must outlive a database or network hiccup
                log.exception("scheme.relay_failed")
            await asyncio.sleep(self.settings.scheme_poll_s)

    async def tick(self) -> None:
        """Submit what is due, finish lapsed holds on the scheme's word, release other holds
        past their timeout."""
        await self.submit_open_holds()
        await self.resolve_lapsed_holds()
        released = await self.books.release_expired_holds()
        if released:
            log.info("scheme.holds_expired count=%d", len(released))

    async def resolve_lapsed_holds(self) -> None:
        """Settle or void each hold past its timeout as the scheme says (none while it is
        unreachable or still delivering)."""
        lapsed = await self._holds(lapsed=True, limit=LAPSED_PER_TICK)
        await asyncio.gather(*(self._resolve(hold) for hold in lapsed))

    async def _resolve(self, hold: OpenHold) -> None:
        state = await self.scheme_state(hold.transfer_id)
        try:
            if state in SETTLED_STATES:
                await self.books.post_outbound(hold.transfer_id)
            elif state in VOIDED_STATES:
                await self.books.void_outbound(hold.transfer_id)  # the scheme gives the reason
            elif state == UNKNOWN_TO_SCHEME:
                await self._reject(hold.transfer_id, NOT_SENT_IN_TIME)
            else:
                return  # still delivering, or no answer: keep holding
        except ChatbankError as error:  # the scheme's own call finished it meanwhile
            log.info("scheme.lapsed_skipped transfer_id=%s code=%s", hold.transfer_id,
                     error.code)
            return
        log.info("scheme.lapsed_resolved transfer_id=%s scheme_state=%s", hold.transfer_id,
                 state)

    async def scheme_state(self, transfer_id: str) -> str | None:
        """The scheme's state of this bank's payment, UNKNOWN_TO_SCHEME, or None (no answer)."""
        path = f"{API_PREFIX}/payments/" + scheme_payment_id(
            self.settings.scheme_member_id, transfer_id)
        headers = sign_request(self.settings.scheme_secret or "", self.settings.scheme_member_id,
                               "GET", path, b"")
        try:
            response = await self.http.get(
                f"{(self.settings.scheme_url or '').rstrip('/')}{path}", headers=headers)
            if response.status_code == 404 and response.json().get("code") == "payment_not_found":
                return UNKNOWN_TO_SCHEME
            if response.status_code == 200:
                return str(response.json().get("state"))
        except (httpx.HTTPError, ValueError) as error:  # ValueError: not JSON
            log.info("scheme.status_unavailable transfer_id=%s reason=%s", transfer_id,
                     type(error).__name__)
        return None

    async def submit_open_holds(self) -> None:
        holds = await self.open_holds()
        open_ids = {h.transfer_id for h in holds}
        self.acknowledged &= open_ids
        self.retry = {k: v for k, v in self.retry.items() if k in open_ids}
        now = time.monotonic()
        due = [h for h in holds if h.transfer_id not in self.acknowledged
               and self.retry.get(h.transfer_id, (0, 0.0))[1] <= now]
        await asyncio.gather(*(self.submit(h) for h in due))

    async def open_holds(self) -> list[OpenHold]:
        """Pending Faster Payment holds to other banks that have not expired."""
        return await self._holds(lapsed=False)

    async def _holds(self, lapsed: bool, limit: int | None = None) -> list[OpenHold]:
        """Pending Faster Payment holds to other banks, within (or past) their timeout."""
        now = self.books.clock.now()
        in_time = transfers.c.expires_at <= now if lapsed else transfers.c.expires_at > now
        query = (select(transfers.c.id, transfers.c.amount_minor, transfers.c.currency,
                        transfers.c.expires_at, details.c.creditor_sort_code,
                        details.c.creditor_account_number, details.c.creditor_name,
                        details.c.debtor_name, details.c.reference)
                 .join(details, details.c.transfer_id == transfers.c.id)
                 .where(and_(transfers.c.state == PendingState.PENDING.value, in_time,
                             transfers.c.kind == TransferKind.PENDING.value,
                             transfers.c.code == int(TransferCode.FASTER_PAYMENT_OUT),
                             transfers.c.credit_account_id.like("interbank:%")))
                 .order_by(transfers.c.expires_at).limit(limit))
        async with self.books.engine.connect() as conn:
            rows = list(await conn.execute(query))
        return [OpenHold(r.id, r.amount_minor, r.currency, as_utc(r.expires_at),
                         r.creditor_sort_code or "", r.creditor_account_number or "",
                         (r.creditor_name or "")[:70], (r.debtor_name or "")[:70],
                         (r.reference or "")[:35]) for r in rows]

    async def submit(self, hold: OpenHold) -> None:
        """Submit one hold; acknowledged, released when refused for good, or retried later."""
        body = json.dumps({
            "transfer_id": hold.transfer_id, "amount_minor": hold.amount_minor,
            "currency": hold.currency, "creditor_sort_code": hold.creditor_sort_code,
            "creditor_account_number": hold.creditor_account_number,
            "creditor_name": hold.creditor_name, "debtor_name": hold.debtor_name,
            "reference": hold.reference, "hold_expires_at": hold.expires_at.isoformat()}).encode()
        path = f"{API_PREFIX}/payments"
        headers = sign_request(self.settings.scheme_secret or "", self.settings.scheme_member_id,
                               "POST", path, body)
        try:
            response = await self.http.post(
                f"{(self.settings.scheme_url or '').rstrip('/')}{path}", content=body,
                headers={**headers, "content-type": "application/json"})
        except httpx.HTTPError as error:
            self._postpone(hold, type(error).__name__)
            return
        if response.status_code in (200, 201):
            self.acknowledged.add(hold.transfer_id)
            self.retry.pop(hold.transfer_id, None)
            log.info("scheme.submitted transfer_id=%s", hold.transfer_id)
        elif response.status_code in PERMANENT_REFUSALS:
            await self._release(hold, response)
        else:
            self._postpone(hold, f"HTTP {response.status_code}")

    async def _release(self, hold: OpenHold, response: httpx.Response) -> None:
        code = response.json().get("code", "refused") if response.content else "refused"
        log.warning("scheme.submission_refused transfer_id=%s code=%s", hold.transfer_id, code)
        try:
            await self._reject(hold.transfer_id,
                               f"The interbank scheme refused the payment ({code[:40]}).")
        except ChatbankError as error:  # settled, expired or voided meanwhile
            log.info("scheme.release_skipped transfer_id=%s code=%s", hold.transfer_id,
                     error.code)

    async def _reject(self, transfer_id: str, reason: str) -> None:
        """Release the hold, its reason recorded first so "Rejected" never lacks one."""
        if self.record_rejection is not None:
            await self.record_rejection(transfer_id, reason)
        await self.books.void_outbound(transfer_id)

    def _postpone(self, hold: OpenHold, reason: str) -> None:
        attempts = self.retry.get(hold.transfer_id, (0, 0.0))[0]
        delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** min(attempts, 30))
        self.retry[hold.transfer_id] = (attempts + 1, time.monotonic() + delay)
        log.info("scheme.submit_retry transfer_id=%s reason=%s delay_s=%.1f",
                 hold.transfer_id, reason, delay)

    async def aclose(self) -> None:
        await self.http.aclose()
