"""Customer sessions at the bank: password login, then strong customer authentication (SCA).

SCA is a TOTP code from the customer's authenticator, or in sandbox mode a one-time code the
bank shows on screen (standing in for an SMS). Login and SCA attempts are rate limited.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.auth.clients import sha256_hex
from chatbank.bank.auth.tables import customer_sessions
from chatbank.bank.books import BankBooks
from chatbank.bank.settings import BankSettings
from chatbank.core.clock import as_utc, utc_now
from chatbank.core.errors import InvalidInput, RateLimited, Unauthenticated
from chatbank.core.ids import new_secret_token
from chatbank.core.ratelimit import RateLimiter, enforce


@dataclass(frozen=True)
class CustomerSession:
    """A signed-in customer; `strong` once SCA passed."""

    customer_id: str
    csrf_token: str
    strong: bool
    request_uri: str | None


class CustomerSessions:
    """Login, SCA and the session cookie's server side."""

    def __init__(self, engine: AsyncEngine, settings: BankSettings,
                 books: BankBooks, limiter: RateLimiter) -> None:
        self.engine = engine
        self.settings = settings
        self.books = books
        self.limiter = limiter
        self._blocked_until: dict[str, float] = {}

    def _check_blocked(self, key: str, what: str) -> None:
        until = self._blocked_until.get(key, 0.0)
        if until > time.monotonic():
            wait_s = int(until - time.monotonic()) + 1
            raise RateLimited("rate_limited", f"Too many {what}; try again in {wait_s} s.",
                              retry_after_s=wait_s)

    async def _count_failure(self, key: str, limit: int, what: str) -> None:
        """Failures count towards the limit; past it the key is blocked for the window."""
        try:
            await enforce(self.limiter, key, limit, self.settings.attempts_window_s, what)
        except RateLimited as limited:
            self._blocked_until[key] = time.monotonic() + float(
                limited.details.get("retry_after_s", 1))
            raise

    async def login(self, login: str, password: str, client_ip: str,
                    request_uri: str | None) -> str:
        """Check the password and open a (not yet strong) session; returns the cookie value."""
        limit = self.settings.login_attempts_per_window
        key = f"login:{login.lower()}"
        self._check_blocked(key, "sign-in attempts")
        await enforce(self.limiter, f"login-ip:{client_ip}", limit * 10,
                      self.settings.attempts_window_s, "sign-in attempts")
        try:
            customer_id = (await self.books.authenticate_customer(login, password)).id
        except Unauthenticated:
            await self._count_failure(key, limit, "sign-in attempts")
            raise
        token = new_secret_token()
        now = utc_now()
        async with self.engine.begin() as conn:
            await conn.execute(insert(customer_sessions).values(
                session_hash=sha256_hex(token), customer_id=customer_id,
                csrf_token=new_secret_token(), sca_code_hash=None, sca_passed_at=None,
                request_uri=request_uri, created_at=now,
                expires_at=now + timedelta(seconds=self.settings.session_ttl_s)))
        return token

    async def get(self, token: str | None) -> CustomerSession | None:
        """The live session behind a cookie value, if any."""
        if not token:
            return None
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(customer_sessions).where(
                customer_sessions.c.session_hash == sha256_hex(token)))).mappings().first()
        if row is None or as_utc(row["expires_at"]) < utc_now():
            return None
        return CustomerSession(row["customer_id"], row["csrf_token"],
                               row["sca_passed_at"] is not None, row["request_uri"])

    async def set_request(self, token: str, request_uri: str | None) -> None:
        """Remember which pushed authorisation request this session is answering."""
        await self._update(token, request_uri=request_uri)

    async def start_sca(self, token: str) -> str | None:
        """Issue a fresh sandbox one-time code (returned to show on screen) in sandbox mode."""
        if not self.settings.sandbox:
            return None
        code = f"{secrets.randbelow(10**6):06d}"
        await self._update(token, sca_code_hash=sha256_hex(code))
        return code

    async def pass_sca(self, token: str, code: str) -> None:
        """Make the session strong if `code` is the sandbox code or the customer's TOTP."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(customer_sessions).where(
                customer_sessions.c.session_hash == sha256_hex(token)))).mappings().first()
        if row is None:
            raise Unauthenticated("session_expired", "Your session ended; sign in again.")
        key = f"sca:{row['customer_id']}"
        self._check_blocked(key, "security code attempts")
        code = code.strip()
        sandbox_ok = (self.settings.sandbox and row["sca_code_hash"] is not None and
                      hmac.compare_digest(row["sca_code_hash"], sha256_hex(code)))
        if not sandbox_ok and not await self.books.verify_totp(row["customer_id"], code):
            await self._count_failure(key, self.settings.sca_attempts_per_window,
                                      "security code attempts")
            raise InvalidInput("sca_failed", "That security code is not right; try again.")
        await self._update(token, sca_code_hash=None, sca_passed_at=utc_now())

    async def end(self, token: str) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(customer_sessions).where(
                customer_sessions.c.session_hash == sha256_hex(token)))

    async def _update(self, token: str, **values: object) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(customer_sessions).where(
                customer_sessions.c.session_hash == sha256_hex(token)).values(**values))
