"""This bank's side of the scheme: submit held outbound payments, release expired holds.

The ledger is the outbox: every open pending Faster Payment hold (written in the same
transaction as the customer's payment) is submitted until the scheme acknowledges it, so a
crash or a scheme outage only delays a submission. The scheme id is derived from the transfer
id, so resubmitting is harmless. Acknowledgements and backoff are kept in memory: after a
restart every open hold is submitted once more, which doubles as reconciliation. Holds the
scheme never settles are voided at their timeout by the same loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
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
from chatbank.scheme.protocol import API_PREFIX, sign_request

log = logging.getLogger("chatbank.bank.scheme")
PERMANENT_REFUSALS = (400, 409, 422)  # the scheme will never take it: release the hold
RETRY_BASE_S, RETRY_MAX_S = 0.5, 30.0


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
                 http: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.books = books
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
        """Submit what is due, then release holds past their timeout."""
        await self.submit_open_holds()
        released = await self.books.release_expired_holds()
        if released:
            log.info("scheme.holds_expired count=%d", len(released))

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
        now = self.books.clock.now()
        query = (select(transfers.c.id, transfers.c.amount_minor, transfers.c.currency,
                        transfers.c.expires_at, details.c.creditor_sort_code,
                        details.c.creditor_account_number, details.c.creditor_name,
                        details.c.debtor_name, details.c.reference)
                 .join(details, details.c.transfer_id == transfers.c.id)
                 .where(and_(transfers.c.state == PendingState.PENDING.value,
                             transfers.c.expires_at > now,
                             transfers.c.kind == TransferKind.PENDING.value,
                             transfers.c.code == int(TransferCode.FASTER_PAYMENT_OUT),
                             transfers.c.credit_account_id.like("interbank:%"))))
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
            await self.books.void_outbound(hold.transfer_id)
        except ChatbankError as error:  # settled, expired or voided meanwhile
            log.info("scheme.release_skipped transfer_id=%s code=%s", hold.transfer_id,
                     error.code)

    def _postpone(self, hold: OpenHold, reason: str) -> None:
        attempts = self.retry.get(hold.transfer_id, (0, 0.0))[0]
        delay = min(RETRY_MAX_S, RETRY_BASE_S * 2 ** min(attempts, 30))
        self.retry[hold.transfer_id] = (attempts + 1, time.monotonic() + delay)
        log.info("scheme.submit_retry transfer_id=%s reason=%s delay_s=%.1f",
                 hold.transfer_id, reason, delay)

    async def aclose(self) -> None:
        await self.http.aclose()
