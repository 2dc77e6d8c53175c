"""Linking a bank (consent + PAR + PKCE + redirect), keeping tokens fresh, and revoking.

`do_*` methods write, audit and notify in one place; nothing is left half-made: a failed
callback marks the link failed and deletes the consent at the bank. A completed link to a bank
the user has already linked supersedes the older link (revoked as a user revoke would), so one
bank never answers twice; a failed or abandoned new link leaves the older one working.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.connect.adapters.sql_links import SqlLinks
from chatbank.connect.directory import BankDirectory, BankEntry
from chatbank.connect.errors import BankAccessRevoked, link_flow_invalid, link_not_found
from chatbank.connect.model import (
    LINK_ATTEMPT_TTL,
    MAX_CONSENT_AGE,
    RECONFIRM_ASK_EVERY,
    BankLink,
    LinkStatus,
    PkcePair,
    state_digest,
)
from chatbank.connect.ob_client import OpenBankingClient, TokenSet
from chatbank.connect.ports import AuditTrail, LinkNotifier, SealingVault
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError, Forbidden
from chatbank.core.ids import new_id
from chatbank.privacy.purposes import Purpose, account_access_permissions

log = logging.getLogger("chatbank.connect")
ACTOR = "connect"


def _tokens_ad(link_id: str) -> bytes:
    return f"bank-tokens:{link_id}".encode()


class Links:
    """Use cases for a user's bank links."""

    def __init__(self, engine: AsyncEngine, directory: BankDirectory, ob: OpenBankingClient,
                 vault: SealingVault, audit: AuditTrail, notifier: LinkNotifier, clock: Clock,
                 callback_url: str) -> None:
        self.engine, self.directory, self.ob = engine, directory, ob
        self.vault, self.audit, self.notifier, self.clock = vault, audit, notifier, clock
        self.callback_url = callback_url
        self._refreshing = weakref.WeakValueDictionary[str, asyncio.Lock]()

    @asynccontextmanager
    async def _tx(self, within: SqlLinks | None = None) -> AsyncIterator[SqlLinks]:
        if within is not None:  # already in an open transaction
            yield within
            return
        async with self.engine.begin() as conn:
            yield SqlLinks(conn)

    async def links_of(self, user_id: str) -> list[BankLink]:
        async with self._tx() as tx:
            return await tx.links_of(user_id)

    async def access_link_by_id(self, user_id: str, link_id: str) -> BankLink:
        """The link if it belongs to `user_id`; others' links look exactly like missing ones."""
        async with self._tx() as tx:
            link = await tx.link(link_id)
        if link is None or link.user_id != user_id:
            raise link_not_found()
        return link

    async def do_start_link(self, user_id: str, bank_id: str, purposes: list[Purpose]) -> str:
        """Create the consent at the bank and return the bank URL to send the browser to."""
        bank = self.directory.get(bank_id)
        if not purposes:
            raise link_flow_invalid("Choose at least one thing chatbank may do with this bank.")
        permissions = account_access_permissions(purposes)
        now = self.clock.now()
        expires_at = now + MAX_CONSENT_AGE
        token = await self.ob.client_token(bank, "accounts")
        consent = await self.ob.api(bank, "POST", "aisp", "/account-access-consents", token, {
            "Data": {"Permissions": permissions,
                     "ExpirationDateTime": expires_at.astimezone(UTC).isoformat()},
            "Risk": {}})
        consent_id = str(consent["Data"]["ConsentId"])
        link = BankLink(new_id("lnk"), user_id, bank_id, consent_id,
                        tuple(p.value for p in purposes), tuple(permissions),
                        LinkStatus.PENDING, now, expires_at)
        pkce, state = PkcePair.new(), secrets.token_urlsafe(32)
        url = await self.ob.push_authorisation(bank, consent_id, "openid accounts",
                                               self.callback_url, state,
                                               secrets.token_urlsafe(16), pkce.challenge)
        sealed = await self.vault.seal(user_id, pkce.verifier.encode(),
                                       state_digest(state).encode())
        async with self._tx() as tx:
            await tx.insert_link(link)
            await tx.insert_attempt(state_digest(state), link.id, user_id, sealed, now,
                                    now + LINK_ATTEMPT_TTL)
        await self._audit(link, "link_started", True, None, "You started linking this bank.")
        return url

    async def do_complete_link(self, user_id: str, state: str, code: str | None,
                               error: str | None) -> BankLink:
        """Handle the bank's redirect: single-use state, same user, PKCE, code exchange."""
        now = self.clock.now()
        async with self._tx() as tx:
            attempt = await tx.claim_attempt(state_digest(state), now) if state else None
            link = await tx.link(attempt.link_id) if attempt is not None else None
        if attempt is None or link is None:
            raise link_flow_invalid("This bank link has already been used or is not ours; "
                                    "start linking again.")
        if attempt.user_id != user_id:
            raise Forbidden("link_other_user", "This bank link was started by someone else.")
        bank = self.directory.get(link.bank_id)
        if attempt.expires_at.replace(tzinfo=UTC) < now:
            return await self._fail(link, bank, "link_attempt_expired",
                                    "Linking took too long; start again.")
        if error or not code:
            why = "You said no at the bank." if error == "access_denied" else (
                f"{bank.name} could not complete the link ({error or 'no code'}).")
            return await self._fail(link, bank, "refused_at_bank", why)
        try:
            verifier = await self.vault.open(user_id, bytes(attempt.sealed_verifier),
                                             state_digest(state).encode())
            tokens = await self.ob.exchange_code(bank, code, self.callback_url, verifier.decode())
        except ChatbankError as failure:
            return await self._fail(link, bank, failure.code, failure.message)
        await self._store_tokens(link, tokens)
        async with self._tx() as tx:
            await tx.set_status(link.id, LinkStatus.ACTIVE, authorised_at=now)
            active = await tx.link(link.id)
        assert active is not None
        await self._audit(active, "link_created", True, None,
                          f"You linked {bank.name} for: {', '.join(active.purposes)}.")
        await self._supersede_older_links(active, bank)
        return active

    async def _supersede_older_links(self, new: BankLink, bank: BankEntry) -> None:
        """Only a completed new link replaces the user's older active link to the same bank:
        revoked as if the user had disconnected it, audited with code `superseded`."""
        for old in await self.links_of(new.user_id):
            if old.bank_id != new.bank_id or old.id == new.id or \
                    old.status is not LinkStatus.ACTIVE:
                continue
            # Revoked first, so a read meanwhile skips it rather than finding no tokens.
            async with self._tx() as tx:
                await tx.set_status(old.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            await self._end_at_bank(old, bank)
            await self._shred_and_keep_others(new.user_id, revoked_link_id=old.id)
            await self._audit(old, "link_revoked", True, "superseded",
                              f"You linked {bank.name} again; the older link was replaced.")

    async def _fail(self, link: BankLink, bank: BankEntry, code: str, message: str) -> BankLink:
        async with self._tx() as tx:
            await tx.set_status(link.id, LinkStatus.FAILED)
            await tx.delete_tokens(link.id)
        await self._delete_consent_at_bank(link, bank)
        await self._audit(link, "link_failed", False, code, message)
        raise ChatbankError(code, message)

    async def _end_at_bank(self, link: BankLink, bank: BankEntry) -> None:
        """Revoke the link's token and delete its consent at the bank (best effort)."""
        with contextlib.suppress(ChatbankError):
            tokens = await self._load_tokens(link)
            await self.ob.revoke_token(bank, tokens.refresh_token or tokens.access_token)
        await self._delete_consent_at_bank(link, bank)

    async def _delete_consent_at_bank(self, link: BankLink, bank: BankEntry) -> None:
        with contextlib.suppress(ChatbankError):
            token = await self.ob.client_token(bank, "accounts")
            await self.ob.api(bank, "DELETE", "aisp",
                              f"/account-access-consents/{link.consent_id}", token)

    async def _store_tokens(self, link: BankLink, tokens: TokenSet,
                            within: SqlLinks | None = None) -> None:
        blob = json.dumps({"access": tokens.access_token, "refresh": tokens.refresh_token,
                           "expires_at": tokens.expires_at}).encode()
        sealed = await self.vault.seal(link.user_id, blob, _tokens_ad(link.id))
        async with self._tx(within) as tx:
            await tx.store_tokens(link.id, link.user_id, sealed,
                                  datetime.fromtimestamp(tokens.expires_at, UTC),
                                  self.clock.now())

    async def _load_tokens(self, link: BankLink, within: SqlLinks | None = None) -> TokenSet:
        async with self._tx(within) as tx:
            sealed = await tx.sealed_tokens(link.id)
        if sealed is None:
            raise BankAccessRevoked(self.directory.get(link.bank_id).name, "no_tokens")
        blob = json.loads(await self.vault.open(link.user_id, sealed, _tokens_ad(link.id)))
        return TokenSet(blob["access"], blob["refresh"], float(blob["expires_at"]))

    async def access_token(self, link: BankLink) -> str:
        """A live access token, refreshed (audited) near expiry, one refresh per link at a time:
        the bank takes a reused refresh token as leaked and revokes the consent (RFC 9700)."""
        tokens = await self._load_tokens(link)
        if tokens.expires_at - self.clock.now().timestamp() > 60 or not tokens.refresh_token:
            return tokens.access_token
        lock = self._refreshing.setdefault(link.id, asyncio.Lock())  # held alive by `lock`
        async with lock:
            try:
                return await self._refresh_once(link)
            except BankAccessRevoked:  # marked lost after the row lock is released
                await self.do_mark_lost(link, "The bank no longer accepts chatbank's access.")
                raise

    async def _refresh_once(self, link: BankLink) -> str:
        """Re-read and refresh unless another coroutine or instance just did. PostgreSQL
        (scale-out): the link row stays locked FOR UPDATE over the bank call, so another
        instance waits and re-reads (a version-CAS loser would already have spent the token).
        SQLite is single-instance: the process lock suffices; no transaction spans the call."""
        async with contextlib.AsyncExitStack() as held:
            tx = None
            if self.engine.dialect.name == "postgresql":
                tx = await held.enter_async_context(self._tx())
                await tx.lock_link(link.id)
            tokens = await self._load_tokens(link, tx)
            if tokens.expires_at - self.clock.now().timestamp() > 60 or not tokens.refresh_token:
                return tokens.access_token  # refreshed meanwhile by someone else
            bank = self.directory.get(link.bank_id)
            fresh = await self.ob.refresh(bank, tokens.refresh_token)
            await self._store_tokens(link, fresh, tx)
            await self._audit(link, "token_refreshed", True, None,
                              f"Access to {bank.name} renewed.")
            return fresh.access_token

    async def do_reconfirm_link(self, user_id: str, link_id: str) -> BankLink:
        """The user keeps an active link: the 90-day clock starts again (audited)."""
        link = await self.access_link_by_id(user_id, link_id)
        if link.status is not LinkStatus.ACTIVE:
            raise link_flow_invalid("Only an active link can be kept; link the bank again.")
        async with self._tx() as tx:
            await tx.set_moment(link.id, confirmed_at=self.clock.now())
            kept = await tx.link(link.id)
        assert kept is not None
        await self._audit(link, "link_reconfirmed", True, None,
                          f"You kept {self.directory.get(link.bank_id).name} linked.")
        return kept

    async def ask_to_reconfirm(self, link: BankLink) -> None:
        """Ask in chat, at most once a week, whether a 90-day-old link should stay."""
        now = self.clock.now()
        if link.reconfirm_asked_at is not None and \
                now - link.reconfirm_asked_at < RECONFIRM_ASK_EVERY:
            return
        async with self._tx() as tx:
            await tx.set_moment(link.id, reconfirm_asked_at=now)
        await self.notifier.reconfirm_due(link.user_id, self.directory.get(link.bank_id).name)

    async def do_mark_lost(self, link: BankLink, why: str) -> None:
        """The bank refused us (revoked or expired there): mark the link and tell the user."""
        async with self._tx() as tx:
            await tx.set_status(link.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            await tx.delete_tokens(link.id)
        bank_name = self.directory.get(link.bank_id).name
        await self._audit(link, "link_revoked", True, "revoked_at_bank", why)
        await self.notifier.link_lost(link.user_id, bank_name, why)

    async def do_revoke_link(self, user_id: str, link_id: str) -> BankLink:
        """Delete the consent at the bank, revoke tokens, crypto-shred, and audit."""
        link = await self.access_link_by_id(user_id, link_id)
        bank = self.directory.get(link.bank_id)
        if link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING):
            await self._end_at_bank(link, bank)
        await self._shred_and_keep_others(user_id, revoked_link_id=link.id)
        async with self._tx() as tx:
            if link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING):
                await tx.set_status(link.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            revoked = await tx.link(link.id)
        await self._audit(link, "link_revoked", True, None, f"You disconnected {bank.name}.")
        assert revoked is not None
        return revoked

    async def _shred_and_keep_others(self, user_id: str, revoked_link_id: str) -> None:
        """Destroy the user's data key; re-seal the other active links' tokens under a new one."""
        keep: list[tuple[BankLink, TokenSet]] = []
        for other in await self.links_of(user_id):
            if other.id != revoked_link_id and other.status is LinkStatus.ACTIVE:
                with contextlib.suppress(ChatbankError):
                    keep.append((other, await self._load_tokens(other)))
        async with self._tx() as tx:
            await tx.delete_tokens(revoked_link_id)
            await tx.delete_cache_of(user_id)
        await self.vault.destroy_user_key(user_id)
        for other, tokens in keep:
            await self._store_tokens(other, tokens)

    async def _audit(self, link: BankLink, action: str, allowed: bool, code: str | None,
                     reason: str) -> None:
        await self.audit.record(user_id=link.user_id, actor=ACTOR, action=action, purpose=None,
                                bank=self.directory.get(link.bank_id).name, data_class=None,
                                allowed=allowed, code=code, reason=reason)
