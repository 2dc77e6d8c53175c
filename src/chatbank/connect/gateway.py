"""The data gateway: the one way the platform reads bank data.

`read(user, purpose, data_class, …)` → policy check per linked bank → audit entry → bank call →
typed result. A bank that refuses our token (revoked or expired there) marks the link revoked and
the user is told; a bank that is down gives `bank_unavailable` for that bank only.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from chatbank.connect.directory import BankDirectory
from chatbank.connect.errors import BankAccessRevoked
from chatbank.connect.links import Links
from chatbank.connect.model import BankLink, LinkStatus
from chatbank.connect.ob_client import OpenBankingClient
from chatbank.connect.ports import AuditTrail
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError, Forbidden
from chatbank.privacy.policy import ConsentedLink, Decision, check_read, needs_reconfirmation
from chatbank.privacy.purposes import DataClass, Purpose

# Which AISP resource serves each data class (per account).
ACCOUNT_RESOURCES: dict[DataClass, str] = {
    DataClass.BALANCES: "balances", DataClass.TRANSACTIONS: "transactions",
    DataClass.PAYEES: "beneficiaries", DataClass.STANDING_ORDERS: "standing-orders",
    DataClass.DIRECT_DEBITS: "direct-debits", DataClass.SCHEDULED_PAYMENTS: "scheduled-payments",
}


class CardAction(StrEnum):
    """What the card-controls extension can do to a card."""

    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    REPORT_LOST = "report-lost"
    REPORT_STOLEN = "report-stolen"


def consented(link: BankLink) -> ConsentedLink:
    """The policy's view of a link."""
    return ConsentedLink(
        user_id=link.user_id, bank_id=link.bank_id, status=link.status,
        purposes=frozenset(Purpose(p) for p in link.purposes),
        permissions=frozenset(link.permissions),
        consent_granted_at=link.authorised_at or link.created_at,
        consent_expires_at=link.expires_at, confirmed_at=link.confirmed_at)


@dataclass(frozen=True, slots=True)
class BankAnswer:
    """What one bank returned for a read: per account, the OB `Data` payload."""

    bank_id: str
    bank_name: str
    fetched_at: datetime
    accounts: list[dict[str, Any]]
    data: dict[str, list[dict[str, Any]]]  # account id → records of the data class


@dataclass(frozen=True, slots=True)
class GatewayResult:
    answers: list[BankAnswer]
    failures: list[tuple[str, ChatbankError]]  # (bank name, why) for banks that did not answer


class DataGateway:
    def __init__(self, links: Links, directory: BankDirectory, ob: OpenBankingClient,
                 audit: AuditTrail, clock: Clock) -> None:
        self.links, self.directory, self.ob = links, directory, ob
        self.audit, self.clock = audit, clock

    async def read(self, user_id: str, purpose: Purpose, data_class: DataClass, reason: str,
                   actor: str = "assistant", bank_id: str | None = None,
                   params: dict[str, str] | None = None) -> GatewayResult:
        """Read `data_class` for `purpose` from every usable link (or just `bank_id`)."""
        links = _links_to_read(await self.links.links_of(user_id), bank_id)
        if not links:
            refusal = check_read(None, purpose, data_class, self.clock.now())
            await self._audit(user_id, actor, purpose, None, data_class, refusal, reason)
            refusal.raise_if_refused()
        allowed: list[BankLink] = []
        refusals: list[Decision] = []
        for link in links:  # checks and audit entries in order, before any bank is called
            decision = check_read(consented(link), purpose, data_class, self.clock.now())
            bank_name = self.directory.get(link.bank_id).name
            await self._audit(user_id, actor, purpose, bank_name, data_class, decision, reason)
            if not decision.allowed:
                refusals.append(decision)
                continue
            if needs_reconfirmation(consented(link), self.clock.now()):
                await self.links.ask_to_reconfirm(link)
            allowed.append(link)
        if not allowed:
            first = refusals[0]
            raise Forbidden(first.code or "no_active_link", first.message)
        # Banks are independent servers: ask them all at once, so a turn costs the slowest
        # bank's round trip rather than the sum of them.
        outcomes = await asyncio.gather(
            *(self._fetch_or_failure(link, data_class, params or {}) for link in allowed))
        return GatewayResult([o for o in outcomes if isinstance(o, BankAnswer)],
                             [o for o in outcomes if not isinstance(o, BankAnswer)])

    async def _fetch_or_failure(self, link: BankLink, data_class: DataClass,
                                params: dict[str, str]) -> BankAnswer | tuple[str, ChatbankError]:
        bank_name = self.directory.get(link.bank_id).name
        try:
            return await self._fetch(link, data_class, params)
        except BankAccessRevoked as lost:
            await self.links.do_mark_lost(link, lost.message)
            return bank_name, lost
        except ChatbankError as failure:
            return bank_name, failure

    async def change_card(self, user_id: str, bank_id: str, card_id: str, action: CardAction,
                          reason: str, actor: str = "assistant") -> dict[str, Any]:
        """Freeze, unfreeze or block one card at its bank (the card-controls extension).

        Checked like a read of `cards` for `card_controls`, audited as `card_changed`; the
        bank's answer is the card as it now stands.
        """
        now = self.clock.now()
        checked = [(lnk, check_read(consented(lnk), Purpose.CARD_CONTROLS, DataClass.CARDS, now))
                   for lnk in await self.links.links_of(user_id)
                   if lnk.bank_id == bank_id and lnk.status is not LinkStatus.FAILED]
        # A newer link that allows card controls wins over an older one that does not.
        link, decision = next((pair for pair in checked if pair[1].allowed), None) or (
            checked[0] if checked else (None, check_read(None, Purpose.CARD_CONTROLS,
                                                         DataClass.CARDS, now)))
        bank = self.directory.get(bank_id)
        await self.audit.record(user_id=user_id, actor=actor, action="card_changed",
                                purpose=Purpose.CARD_CONTROLS.value, bank=bank.name,
                                data_class=DataClass.CARDS.value, allowed=decision.allowed,
                                code=decision.code, reason=reason)
        decision.raise_if_refused()
        assert link is not None
        try:
            token = await self.links.access_token(link)
            body = await self.ob.api(bank, "POST", "card_controls",
                                     f"/cards/{card_id}/{action.value}", token)
        except BankAccessRevoked as lost:
            await self.links.do_mark_lost(link, lost.message)
            raise
        card: dict[str, Any] = body["Data"]["Card"][0]
        return card

    async def _fetch(self, link: BankLink, data_class: DataClass,
                     params: dict[str, str]) -> BankAnswer:
        bank = self.directory.get(link.bank_id)
        token = await self.links.access_token(link)
        accounts = (await self.ob.api(bank, "GET", "aisp", "/accounts", token))["Data"].get(
            "Account", [])
        data: dict[str, list[dict[str, Any]]] = {}
        resource = ACCOUNT_RESOURCES.get(data_class)
        if data_class is DataClass.CARDS:
            body = await self.ob.api(bank, "GET", "card_controls", "/cards", token)
            for card in body.get("Data", {}).get("Card", []):
                data.setdefault(str(card["AccountId"]), []).append(card)
        elif resource is not None:
            ids = [str(account["AccountId"]) for account in accounts]
            pages = await asyncio.gather(
                *(self._paged(bank, token, account_id, resource, params) for account_id in ids))
            data = dict(zip(ids, pages, strict=True))
        return BankAnswer(bank.id, bank.name, self.clock.now(), accounts, data)

    async def _paged(self, bank: Any, token: str, account_id: str, resource: str,
                     params: dict[str, str], max_pages: int = 40) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        page_params: dict[str, str] | None = dict(params)
        path = f"/accounts/{account_id}/{resource}"
        for _ in range(max_pages):
            body = await self.ob.api(bank, "GET", "aisp", path, token, params=page_params)
            items: Any = next(iter(body.get("Data", {}).values()), [])
            records.extend(items if isinstance(items, list) else [])
            next_url = (body.get("Links") or {}).get("Next")
            if not next_url:
                break
            path, page_params = _relative_path(next_url), None
        return records

    async def _audit(self, user_id: str, actor: str, purpose: Purpose, bank: str | None,
                     data_class: DataClass, decision: Decision, reason: str) -> None:
        await self.audit.record(user_id=user_id, actor=actor, action="read",
                                purpose=purpose.value, bank=bank, data_class=data_class.value,
                                allowed=decision.allowed, code=decision.code, reason=reason)


def _links_to_read(links: list[BankLink], bank_id: str | None) -> list[BankLink]:
    """Links a read goes to: not failed ones, and for a bank with an active link only that one
    (a revoked or superseded older link would only add a refusal to the access log)."""
    active_banks = {link.bank_id for link in links if link.status is LinkStatus.ACTIVE}
    return [link for link in links
            if link.status is not LinkStatus.FAILED and (bank_id is None or link.bank_id == bank_id)
            and (link.status is LinkStatus.ACTIVE or link.bank_id not in active_banks)]


def _relative_path(next_url: str) -> str:
    """`Links.Next` is absolute; keep the part after the AISP base path (with its query)."""
    marker = "/aisp"
    index = next_url.find(marker)
    return next_url[index + len(marker):] if index >= 0 else next_url
