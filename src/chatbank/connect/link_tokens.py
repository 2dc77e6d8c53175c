"""A bank link's OAuth tokens, sealed under the user's data key: stored, loaded, refreshed one
at a time, and carried over when the user's data key is shredded.

Ending a link destroys the user's data key (crypto-shred) and seals what is still needed (other
links' tokens, unfinished link attempts' PKCE verifiers) under a new one. `user_key_held`
serialises that with everything else that seals under the key: without it a link completing
while another ends stores its tokens under a key destroyed a moment later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.connect.adapters.sql_links import SqlLinks, links_tx
from chatbank.connect.directory import BankDirectory
from chatbank.connect.errors import BankAccessRevoked
from chatbank.connect.model import BankLink, LinkStatus
from chatbank.connect.ob_client import OpenBankingClient, TokenSet
from chatbank.connect.ports import SealingVault
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError

AuditLink = Callable[[BankLink, str, bool, str | None, str], Awaitable[None]]
MarkLost = Callable[[BankLink, str], Awaitable[None]]


def _tokens_ad(link_id: str) -> bytes:
    return f"bank-tokens:{link_id}".encode()


class LinkTokens:
    """The token side of `Links`: `audit` records an entry about a link, `mark_lost` ends a
    link the bank no longer accepts (both are `Links`' own)."""

    def __init__(self, engine: AsyncEngine, directory: BankDirectory, ob: OpenBankingClient,
                 vault: SealingVault, clock: Clock, audit: AuditLink,
                 mark_lost: MarkLost) -> None:
        self.engine, self.directory, self.ob = engine, directory, ob
        self.vault, self.clock, self.audit, self.mark_lost = vault, clock, audit, mark_lost
        self._refreshing = weakref.WeakValueDictionary[str, asyncio.Lock]()
        self._user_keys = weakref.WeakValueDictionary[str, asyncio.Lock]()

    @asynccontextmanager
    async def user_key_held(self, user_id: str) -> AsyncIterator[None]:
        """One holder per user at a time: an asyncio lock in this process and, on PostgreSQL
        (scale-out), an advisory lock across instances for as long as it is held."""
        lock = self._user_keys.setdefault(user_id, asyncio.Lock())  # held alive by `lock`
        async with lock, contextlib.AsyncExitStack() as held:
            if self.engine.dialect.name == "postgresql":
                tx = await held.enter_async_context(links_tx(self.engine))
                await tx.lock_user_links(user_id)
            yield

    async def store(self, link: BankLink, tokens: TokenSet,
                    within: SqlLinks | None = None) -> None:
        """Seal `tokens` under the user's current data key and keep them for `link`."""
        blob = json.dumps({"access": tokens.access_token, "refresh": tokens.refresh_token,
                           "expires_at": tokens.expires_at}).encode()
        sealed = await self.vault.seal(link.user_id, blob, _tokens_ad(link.id))
        async with links_tx(self.engine, within) as tx:
            await tx.store_tokens(link.id, link.user_id, sealed,
                                  datetime.fromtimestamp(tokens.expires_at, UTC),
                                  self.clock.now())

    async def load(self, link: BankLink, within: SqlLinks | None = None) -> TokenSet:
        """The link's tokens (`BankAccessRevoked` if it has none, a vault error once shredded)."""
        async with links_tx(self.engine, within) as tx:
            sealed = await tx.sealed_tokens(link.id)
        if sealed is None:
            raise BankAccessRevoked(self.directory.get(link.bank_id).name, "no_tokens")
        blob = json.loads(await self.vault.open(link.user_id, sealed, _tokens_ad(link.id)))
        return TokenSet(blob["access"], blob["refresh"], float(blob["expires_at"]))

    async def access_token(self, link: BankLink) -> str:
        """A live access token, refreshed (audited) near expiry, one refresh per link at a time:
        the bank takes a reused refresh token as leaked and revokes the consent (RFC 9700)."""
        tokens = await self.load(link)
        if tokens.expires_at - self.clock.now().timestamp() > 60 or not tokens.refresh_token:
            return tokens.access_token
        async with self._refresh_lock(link.id):
            try:
                return await self._refresh_once(link)
            except BankAccessRevoked:  # marked lost after the row lock is released
                await self.mark_lost(link, "The bank no longer accepts chatbank's access.")
                raise

    async def _refresh_once(self, link: BankLink) -> str:
        """Re-read and refresh unless another coroutine or instance just did. PostgreSQL
        (scale-out): the link row stays locked FOR UPDATE over the bank call, so another
        instance waits and re-reads (a version-CAS loser would already have spent the token).
        SQLite is single-instance: the process lock suffices; no transaction spans the call."""
        async with contextlib.AsyncExitStack() as held:
            tx = None
            if self.engine.dialect.name == "postgresql":
                tx = await held.enter_async_context(links_tx(self.engine))
                await tx.lock_link(link.id)
            tokens = await self.load(link, tx)
            if tokens.expires_at - self.clock.now().timestamp() > 60 or not tokens.refresh_token:
                return tokens.access_token  # refreshed meanwhile by someone else
            bank = self.directory.get(link.bank_id)
            fresh = await self.ob.refresh(bank, tokens.refresh_token)
            await self.store(link, fresh, tx)
            await self.audit(link, "token_refreshed", True, None,
                             f"Access to {bank.name} renewed.")
            return fresh.access_token

    async def shred_keeping_others(self, user_id: str, ended_link_id: str) -> None:
        """Destroy the user's data key and cached data; seal the other active links' tokens and
        the unfinished link attempts' verifiers under a new key. Hold `user_key_held`.
        Each kept link's refresh lock is held throughout, so a refresh of it finishes first or
        starts after (it would otherwise seal under the old key, or be overwritten by the
        spent refresh token read here)."""
        async with links_tx(self.engine) as tx:
            others = [link for link in await tx.links_of(user_id)
                      if link.id != ended_link_id and link.status is LinkStatus.ACTIVE]
        async with self._refreshes_held(others) as tx:
            keep: list[tuple[BankLink, TokenSet]] = []
            for other in others:
                with contextlib.suppress(ChatbankError):
                    keep.append((other, await self.load(other, tx)))
            verifiers = await self._open_attempts(user_id, tx)
            async with links_tx(self.engine, tx) as own:
                await own.delete_tokens(ended_link_id)
                await own.delete_cache_of(user_id)
            await self.vault.destroy_user_key(user_id)
            for other, tokens in keep:
                await self.store(other, tokens, tx)
            for state_hash, verifier in verifiers:
                resealed = await self.vault.seal(user_id, verifier, state_hash.encode())
                async with links_tx(self.engine, tx) as own:
                    await own.reseal_attempt(state_hash, resealed)

    @asynccontextmanager
    async def _refreshes_held(self, links: list[BankLink]) -> AsyncIterator[SqlLinks | None]:
        """Hold the refresh locks of `links`, in id order: this process's and, on PostgreSQL,
        their rows, locked in the transaction yielded (None on SQLite: one instance)."""
        async with contextlib.AsyncExitStack() as held:
            tx = None
            if self.engine.dialect.name == "postgresql":
                tx = await held.enter_async_context(links_tx(self.engine))
            for link in sorted(links, key=lambda link: link.id):
                await held.enter_async_context(self._refresh_lock(link.id))
                if tx is not None:
                    await tx.lock_link(link.id)
            yield tx

    def _refresh_lock(self, link_id: str) -> asyncio.Lock:
        return self._refreshing.setdefault(link_id, asyncio.Lock())  # held alive by the caller

    async def _open_attempts(self, user_id: str,
                             within: SqlLinks | None) -> list[tuple[str, bytes]]:
        """(state hash, PKCE verifier) of the user's unfinished link attempts still readable."""
        async with links_tx(self.engine, within) as tx:
            attempts = await tx.open_attempts_of(user_id)
        verifiers: list[tuple[str, bytes]] = []
        for state_hash, sealed in attempts:
            with contextlib.suppress(ChatbankError):
                verifiers.append((state_hash, await self.vault.open(
                    user_id, sealed, state_hash.encode())))
        return verifiers
