"""Sign-up, log-in, sessions, profiles, contacts and blocking."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from chatbank.core.clock import Clock
from chatbank.core.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from chatbank.core.ids import new_id, new_secret_token
from chatbank.core.ratelimit import RateLimiter, enforce
from chatbank.messenger.model import (
    User,
    check_password_strength,
    clean_display_name,
    normalise_handle,
)
from chatbank.messenger.unit_of_work import MessengerStore

_hasher = PasswordHasher()  # Argon2id with the library's RFC 9106 low-memory profile
# Verifying against this keeps unknown-handle logins as slow as wrong-password ones.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0000")


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    csrf_token: str
    user: User


@dataclass(frozen=True, slots=True)
class AuthContext:
    user: User
    csrf_token: str
    token_hash: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Use cases for people: accounts, sessions, contacts, blocks."""

    def __init__(self, store: MessengerStore, clock: Clock, limiter: RateLimiter,
                 session_ttl_s: int, login_limit: int, login_window_s: int) -> None:
        self.store = store
        self.clock = clock
        self.limiter = limiter
        self.session_ttl = timedelta(seconds=session_ttl_s)
        self.login_limit = login_limit
        self.login_window_s = login_window_s
        # Run after each sign-up (e.g. the assistant opening its chat with the new user).
        self.after_sign_up: list[Callable[[User], Awaitable[None]]] = []

    async def sign_up(self, handle: str, display_name: str, password: str) -> Session:
        """Create an account and log it in."""
        handle = normalise_handle(handle)
        name = clean_display_name(display_name)
        check_password_strength(password, handle)
        password_hash = await asyncio.to_thread(_hasher.hash, password)
        user = User(new_id("usr"), handle, name, False, self.clock.now())
        taken = Conflict("handle_taken", f"@{handle} is taken; pick another handle.")
        try:
            async with self.store.transaction() as tx:
                if await tx.people.handle_taken(handle):
                    raise taken
                await tx.people.insert_user(user, password_hash)
        except IntegrityError:  # another sign-up took the handle between check and insert
            raise taken from None
        for hook in self.after_sign_up:
            await hook(user)
        return await self._open_session(user)

    async def create_bot(self, handle: str, display_name: str) -> User:
        """Create (or return) a bot user, which cannot log in with a password."""
        async with self.store.transaction() as tx:
            found = await tx.people.user_and_hash_by_handle(handle)
            if found:
                return found[0]
            user = User(new_id("usr"), handle, display_name, True, self.clock.now())
            await tx.people.insert_user(user, None)
            return user

    async def log_in(self, handle: str, password: str, client_ip: str) -> Session:
        """Check the password (rate-limited per handle and per address) and open a session."""
        handle = handle.strip().lstrip("@").lower()[:64]
        await enforce(self.limiter, f"login:h:{handle}", self.login_limit, self.login_window_s,
                      "log-in attempts")
        await enforce(self.limiter, f"login:ip:{client_ip}", self.login_limit * 5,
                      self.login_window_s, "log-in attempts")
        async with self.store.transaction() as tx:
            found = await tx.people.user_and_hash_by_handle(handle)
        stored = found[1] if found and found[1] else _DUMMY_HASH
        if not await asyncio.to_thread(_verify, stored, password) or not found or not found[1]:
            raise Unauthenticated("bad_credentials", "Wrong handle or password.")
        user = found[0]
        if _hasher.check_needs_rehash(stored):
            new_hash = await asyncio.to_thread(_hasher.hash, password)
            async with self.store.transaction() as tx:
                await tx.people.set_password_hash(user.id, new_hash)
        return await self._open_session(user)

    async def _open_session(self, user: User) -> Session:
        token, csrf = new_secret_token(), secrets.token_urlsafe(24)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.people.insert_session(hash_token(token), user.id, csrf, now,
                                           now + self.session_ttl)
        return Session(token, csrf, user)

    async def authenticate(self, token: str) -> AuthContext:
        """Resolve a session token; expired or unknown tokens are `session_invalid`."""
        token_hash = hash_token(token)
        async with self.store.transaction() as tx:
            found = await tx.people.session_by_hash(token_hash)
            if found is None or found[2] <= self.clock.now():
                if found is not None:
                    await tx.people.delete_session(token_hash)
                raise Unauthenticated("session_invalid", "Your session has ended; log in again.")
            user = await tx.people.user_by_id(found[0])
        if user is None:
            raise Unauthenticated("session_invalid", "Your session has ended; log in again.")
        return AuthContext(user, found[1], token_hash)

    async def confirm_password(self, auth: AuthContext, password: str) -> None:
        """Re-check the password before something irreversible (`bad_credentials` if wrong)."""
        async with self.store.transaction() as tx:
            found = await tx.people.user_and_hash_by_handle(auth.user.handle)
        stored = found[1] if found and found[1] else _DUMMY_HASH
        if not await asyncio.to_thread(_verify, stored, password) or not found:
            raise Unauthenticated("bad_credentials", "That password is not right.")

    async def delete_account(self, auth: AuthContext) -> None:
        """Scrub the profile and end every session; messages others received stay theirs."""
        async with self.store.transaction() as tx:
            await tx.people.scrub_user(auth.user.id, self.clock.now())

    async def log_out(self, auth: AuthContext) -> None:
        async with self.store.transaction() as tx:
            await tx.people.delete_session(auth.token_hash)

    async def rename(self, auth: AuthContext, display_name: str) -> User:
        name = clean_display_name(display_name)
        async with self.store.transaction() as tx:
            await tx.people.set_display_name(auth.user.id, name)
            user = await tx.people.user_by_id(auth.user.id)
        assert user is not None
        return user

    async def user_by_handle(self, handle: str) -> User:
        async with self.store.transaction() as tx:
            found = await tx.people.user_and_hash_by_handle(normalise_handle(handle))
        if found is None:
            raise NotFound("user_not_found", f"Nobody is called @{handle}.")
        return found[0]

    async def search(self, prefix: str, limit: int = 20) -> list[User]:
        prefix = prefix.strip().lstrip("@").lower()
        if not re.fullmatch(r"[a-z0-9_]{1,32}", prefix):
            raise InvalidInput("invalid_query", "Search for 1–32 characters of a handle.")
        async with self.store.transaction() as tx:
            return await tx.people.search_users(prefix, limit)

    async def add_contact(self, auth: AuthContext, handle: str) -> User:
        other = await self.user_by_handle(handle)
        if other.id == auth.user.id:
            raise InvalidInput("self_contact", "You cannot add yourself as a contact.")
        async with self.store.transaction() as tx:
            await tx.people.add_contact(auth.user.id, other.id, self.clock.now())
        return other

    async def remove_contact(self, auth: AuthContext, user_id: str) -> None:
        async with self.store.transaction() as tx:
            await tx.people.remove_contact(auth.user.id, user_id)

    async def contacts(self, auth: AuthContext) -> list[User]:
        async with self.store.transaction() as tx:
            return await tx.people.contacts_of(auth.user.id)

    async def block(self, auth: AuthContext, user_id: str) -> None:
        async with self.store.transaction() as tx:
            if user_id == auth.user.id:
                raise InvalidInput("self_block", "You cannot block yourself.")
            if await tx.people.user_by_id(user_id) is None:
                raise NotFound("user_not_found", "That user does not exist.")
            await tx.people.add_block(auth.user.id, user_id, self.clock.now())

    async def unblock(self, auth: AuthContext, user_id: str) -> None:
        async with self.store.transaction() as tx:
            await tx.people.remove_block(auth.user.id, user_id)

    async def blocked(self, auth: AuthContext) -> list[User]:
        async with self.store.transaction() as tx:
            return await tx.people.blocked_users(auth.user.id)


def _verify(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
