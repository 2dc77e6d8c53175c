"""The privacy centre's irreversible actions: export everything, delete the account.

Both are audited. Export contains no tokens, keys or other people's messages; deletion revokes
every bank link (consents deleted at the banks), destroys the user's data key and scrubs the
profile.
"""

from __future__ import annotations

from typing import Any

from chatbank.connect.links import Links
from chatbank.connect.model import LinkStatus
from chatbank.connect.vault import Vault
from chatbank.messenger.services.accounts import Accounts, AuthContext
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.messages import Messages
from chatbank.privacy.audit import AuditAction, AuditRecord
from chatbank.privacy.audit_log import AuditLog

ACTOR = "privacy-centre"
EXPORT_PAGE = 200


class PrivacyCentre:
    def __init__(self, accounts: Accounts, conversations: Conversations, messages: Messages,
                 links: Links, vault: Vault, audit: AuditLog) -> None:
        self.accounts, self.conversations, self.messages = accounts, conversations, messages
        self.links, self.vault, self.audit = links, vault, audit

    async def do_export(self, auth: AuthContext) -> dict[str, Any]:
        """Everything the platform holds about the caller, as JSON-ready data."""
        user = auth.user
        conversations = []
        for view in await self.conversations.list_for(auth, limit=500):
            mine = [{"seq": m.seq, "at": m.created_at.isoformat(), "text": m.text,
                     "card": m.card_kind} for m in await self._all_messages(auth, view)
                    if m.sender_id == user.id and m.deleted_at is None]
            conversations.append({"id": view.conversation.id, "kind": view.conversation.kind,
                                  "title": view.conversation.title, "my_messages": mine})
        links = [{"bank_id": link.bank_id, "status": link.status.value,
                  "purposes": list(link.purposes), "permissions": list(link.permissions),
                  "created_at": link.created_at.isoformat(),
                  "expires_at": link.expires_at.isoformat()}
                 for link in await self.links.links_of(user.id)]
        await self.audit.append(AuditRecord(user.id, ACTOR, AuditAction.DATA_EXPORTED,
                                            reason="You downloaded your data."))
        return {
            "profile": {"id": user.id, "handle": user.handle, "display_name": user.display_name,
                        "created_at": user.created_at.isoformat()},
            "contacts": [c.handle for c in await self.accounts.contacts(auth)],
            "blocked": [b.handle for b in await self.accounts.blocked(auth)],
            "conversations": conversations,
            "bank_links": links,
            "access_log": await self._whole_log(user.id),
        }

    async def _all_messages(self, auth: AuthContext, view: Any) -> list[Any]:
        found: list[Any] = []
        before = None
        while True:
            page = await self.messages.history(auth, view.conversation.id, before, EXPORT_PAGE)
            found = page + found
            if len(page) < EXPORT_PAGE:
                return found
            before = page[0].seq

    async def _whole_log(self, user_id: str) -> list[dict[str, Any]]:
        lines: list[dict[str, Any]] = []
        before = None
        while True:
            page = await self.audit.access_audit_log_by_user(user_id, EXPORT_PAGE, before)
            lines += [{"at": line.at.isoformat(), "action": line.action,
                       "allowed": line.allowed, "text": line.text} for line in page.lines]
            if page.next_before is None:
                return lines
            before = page.next_before

    async def do_delete_account(self, auth: AuthContext, password: str) -> None:
        """Revoke every bank link, shred the data key, scrub the profile, end all sessions."""
        await self.accounts.confirm_password(auth, password)
        user_id = auth.user.id
        async with self.links.tokens.user_key_held(user_id):  # no link completes in between
            for link in await self.links.links_of(user_id):
                if link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING):
                    await self.links.do_revoke_link_held(user_id, link.id)
            await self.vault.destroy_user_key(user_id)
        for view in await self.conversations.list_for(auth, limit=500):
            if view.conversation.kind.value == "group":
                await self.conversations.leave(auth, view.conversation.id)
        await self.audit.append(AuditRecord(auth.user.id, ACTOR, AuditAction.ACCOUNT_DELETED,
                                            reason="You deleted your account."))
        await self.accounts.delete_account(auth)
