"""Customer authentication at the bank: password (argon2) and TOTP for strong authentication."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from datetime import datetime

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.books.model import Customer
from chatbank.bank.books.sql_customers import SqlCustomers
from chatbank.bank.db import writer_engine
from chatbank.core.errors import Unauthenticated

TOTP_STEP_S = 30
# A code from the previous or next 30-second step is accepted (clock drift of a phone).
TOTP_DRIFT_STEPS = 1
# Verifying against this hash when the login is unknown keeps both paths equally slow.
_UNKNOWN_LOGIN_HASH = PasswordHasher().hash("no-such-customer")


def demo_totp_secret(login: str) -> str:
    """The sandbox's fixed TOTP secret of a demo login: base32 of
    sha256("chatbank-sandbox-totp:" + login), first 32 characters. Documented, not secret."""
    digest = hashlib.sha256(f"chatbank-sandbox-totp:{login}".encode()).digest()
    return base64.b32encode(digest).decode()[:32]


async def authenticate_customer(
    engine: AsyncEngine, hasher: PasswordHasher, login: str, password: str
) -> Customer:
    """The customer whose login and password match; `invalid_credentials` otherwise.

    The argon2 check runs in a worker thread and outside any transaction, so a login neither
    blocks the event loop nor holds the database's write lock.
    """
    async with engine.connect() as conn:
        secrets = await SqlCustomers(conn).secrets_by_login(login)
    stored_hash = secrets.password_hash if secrets else _UNKNOWN_LOGIN_HASH
    if not await asyncio.to_thread(_password_matches, hasher, stored_hash, password) or (
            secrets is None):
        raise Unauthenticated("invalid_credentials", "The login or password is wrong.")
    if hasher.check_needs_rehash(secrets.password_hash):
        new_hash = await asyncio.to_thread(hasher.hash, password)
        async with writer_engine(engine).begin() as conn:
            await SqlCustomers(conn).set_password_hash(secrets.customer.id, new_hash)
    return secrets.customer


def _password_matches(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_totp(conn: AsyncConnection, customer_id: str, code: str, now: datetime) -> bool:
    """True when `code` is the customer's current one-time code, used for the first time."""
    customers = SqlCustomers(conn)
    secrets = await customers.secrets_by_id(customer_id)
    if secrets is None or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secrets.totp_secret, interval=TOTP_STEP_S)
    current_step = int(now.timestamp()) // TOTP_STEP_S
    for step in range(current_step - TOTP_DRIFT_STEPS, current_step + TOTP_DRIFT_STEPS + 1):
        if step <= secrets.totp_last_step:
            continue  # already used (or older than a used code): a replay
        if hmac.compare_digest(str(totp.generate_otp(step)), code):
            await customers.set_totp_last_step(customer_id, step)
            return True
    return False
