"""Linking a bank (consent + PAR + PKCE + redirect), keeping tokens fresh, and revoking.

`do_*` methods write, audit and notify in one place; nothing is left half-made: a failed
callback marks the link failed and deletes the consent at the bank. A completed link to a bank
the user has already linked supersedes the older link (revoked as a user revoke would), so one
bank never answers twice; a failed or abandoned new link leaves the older one working.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.connect.adapters.sql_links import links_tx
from chatbank.connect.directory import BankDirectory, BankEntry
from chatbank.connect.errors import link_flow_invalid, link_not_found
from chatbank.connect.link_tokens import LinkTokens
from chatbank.connect.model import (
    LINK_ATTEMPT_TTL,
    MAX_CONSENT_AGE,
    RECONFIRM_ASK_EVERY,
    BankLink,
    LinkStatus,
    PkcePair,
    state_digest,
)
from chatbank.connect.ob_client import OpenBankingClient
from chatbank.connect.ports import AuditTrail, LinkNotifier, SealingVault
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError, Forbidden
from chatbank.core.ids import new_id
from chatbank.privacy.purposes import Purpose, account_access_permissions

log = logging.getLogger("chatbank.connect")
ACTOR = "connect"


class Links:
    """Use cases for a user's bank links."""

    def __init__(self, engine: AsyncEngine, directory: BankDirectory, ob: OpenBankingClient,
                 vault: SealingVault, audit: AuditTrail, notifier: LinkNotifier, clock: Clock,
                 callback_url: str) -> None:
        self.engine, self.directory, self.ob = engine, directory, ob
        self.vault, self.audit, self.notifier, self.clock = vault, audit, notifier, clock
        self.callback_url = callback_url
        self.tokens = LinkTokens(engine, directory, ob, vault, clock, self._audit,
                                 self.do_mark_lost)

    async def links_of(self, user_id: str) -> list[BankLink]:
        async with links_tx(self.engine) as tx:
            return await tx.links_of(user_id)

    async def access_link_by_id(self, user_id: str, link_id: str) -> BankLink:
        """The link if it belongs to `user_id`; others' links look exactly like missing ones."""
        async with links_tx(self.engine) as tx:
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
        async with self.tokens.user_key_held(user_id):  # not sealed under a key being shredded
            sealed = await self.vault.seal(user_id, pkce.verifier.encode(),
                                           state_digest(state).encode())
            async with links_tx(self.engine) as tx:
                await tx.insert_link(link)
                await tx.insert_attempt(state_digest(state), link.id, user_id, sealed, now,
                                        now + LINK_ATTEMPT_TTL)
        await self._audit(link, "link_started", True, None, "You started linking this bank.")
        return url

    async def do_complete_link(self, user_id: str, state: str, code: str | None,
                               error: str | None) -> BankLink:
        """Handle the bank's redirect: single-use state, same user, PKCE, code exchange.
        A user's links complete one at a time: of two links to one bank completed together
        the later replaces the earlier, and no data key is shredded under a completion."""
        async with self.tokens.user_key_held(user_id):
            return await self._complete(user_id, state, code, error)

    async def _complete(self, user_id: str, state: str, code: str | None,
                        error: str | None) -> BankLink:
        now = self.clock.now()
        async with links_tx(self.engine) as tx:
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
        await self.tokens.store(link, tokens)
        async with links_tx(self.engine) as tx:
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
            async with links_tx(self.engine) as tx:
                await tx.set_status(old.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            await self._end_at_bank(old, bank)
            await self.tokens.shred_keeping_others(new.user_id, ended_link_id=old.id)
            await self._audit(old, "link_revoked", True, "superseded",
                              f"You linked {bank.name} again; the older link was replaced.")

    async def _fail(self, link: BankLink, bank: BankEntry, code: str, message: str) -> BankLink:
        async with links_tx(self.engine) as tx:
            await tx.set_status(link.id, LinkStatus.FAILED)
            await tx.delete_tokens(link.id)
        await self._delete_consent_at_bank(link, bank)
        await self._audit(link, "link_failed", False, code, message)
        raise ChatbankError(code, message)

    async def _end_at_bank(self, link: BankLink, bank: BankEntry) -> None:
        """Revoke the link's token and delete its consent at the bank (best effort)."""
        with contextlib.suppress(ChatbankError):
            tokens = await self.tokens.load(link)
            await self.ob.revoke_token(bank, tokens.refresh_token or tokens.access_token)
        await self._delete_consent_at_bank(link, bank)

    async def _delete_consent_at_bank(self, link: BankLink, bank: BankEntry) -> None:
        with contextlib.suppress(ChatbankError):
            token = await self.ob.client_token(bank, "accounts")
            await self.ob.api(bank, "DELETE", "aisp",
                              f"/account-access-consents/{link.consent_id}", token)

    async def access_token(self, link: BankLink) -> str:
        """A live access token for `link` (refreshed near expiry, once at a time)."""
        return await self.tokens.access_token(link)

    async def do_reconfirm_link(self, user_id: str, link_id: str) -> BankLink:
        """The user keeps an active link: the 90-day clock starts again (audited)."""
        link = await self.access_link_by_id(user_id, link_id)
        if link.status is not LinkStatus.ACTIVE:
            raise link_flow_invalid("Only an active link can be kept; link the bank again.")
        async with links_tx(self.engine) as tx:
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
        async with links_tx(self.engine) as tx:
            await tx.set_moment(link.id, reconfirm_asked_at=now)
        await self.notifier.reconfirm_due(link.user_id, self.directory.get(link.bank_id).name)

    async def do_mark_lost(self, link: BankLink, why: str) -> None:
        """The bank refused us (revoked or expired there): mark the link and tell the user."""
        async with links_tx(self.engine) as tx:
            await tx.set_status(link.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            await tx.delete_tokens(link.id)
        bank_name = self.directory.get(link.bank_id).name
        await self._audit(link, "link_revoked", True, "revoked_at_bank", why)
        await self.notifier.link_lost(link.user_id, bank_name, why)

    async def do_revoke_link(self, user_id: str, link_id: str) -> BankLink:
        """Delete the consent at the bank, revoke tokens, crypto-shred, and audit."""
        async with self.tokens.user_key_held(user_id):  # read inside: a relink may end it
            return await self.do_revoke_link_held(user_id, link_id)

    async def do_revoke_link_held(self, user_id: str, link_id: str) -> BankLink:
        """`do_revoke_link` for a caller already holding `tokens.user_key_held(user_id)`."""
        link = await self.access_link_by_id(user_id, link_id)
        bank = self.directory.get(link.bank_id)
        live = link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING)
        if live:
            await self._end_at_bank(link, bank)
        await self.tokens.shred_keeping_others(user_id, ended_link_id=link.id)
        async with links_tx(self.engine) as tx:
            if live:
                await tx.set_status(link.id, LinkStatus.REVOKED, revoked_at=self.clock.now())
            revoked = await tx.link(link.id)
        await self._audit(link, "link_revoked", True, None, f"You disconnected {bank.name}.")
        assert revoked is not None
        return revoked

    async def _audit(self, link: BankLink, action: str, allowed: bool, code: str | None,
                     reason: str) -> None:
        await self.audit.record(user_id=link.user_id, actor=ACTOR, action=action, purpose=None,
                                bank=self.directory.get(link.bank_id).name, data_class=None,
                                allowed=allowed, code=code, reason=reason)
