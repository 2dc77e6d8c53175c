"""SQL repository for the bank's profile and its customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.books.model import Customer, Party
from chatbank.bank.books.tables import bank_profile, customers


@dataclass(frozen=True, slots=True)
class BankProfile:
    name: str
    sort_code_prefix: str


@dataclass(frozen=True, slots=True)
class CustomerSecrets:
    """What authentication needs; never leaves the bank's services."""

    customer: Customer
    password_hash: str
    totp_secret: str
    totp_last_step: int


@dataclass(frozen=True, slots=True)
class NewCustomer:
    id: str
    login: str
    display_name: str
    password_hash: str
    totp_secret: str
    email: str | None = None
    phone: str | None = None
    address_line: str | None = None
    town: str | None = None
    post_code: str | None = None


def row_to_customer(row: Any) -> Customer:
    return Customer(id=row.id, login=row.login, display_name=row.display_name)


class SqlCustomers:
    """The bank profile and customers, on one open connection/transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def profile(self) -> BankProfile | None:
        row = (await self.conn.execute(select(bank_profile).where(bank_profile.c.id == 1))).first()
        return BankProfile(row.name, row.sort_code_prefix) if row else None

    async def insert_profile(self, profile: BankProfile, now: datetime) -> None:
        await self.conn.execute(insert(bank_profile).values(
            id=1, name=profile.name, sort_code_prefix=profile.sort_code_prefix, created_at=now))

    async def insert_customers(self, new: list[NewCustomer], now: datetime) -> None:
        await self.conn.execute(insert(customers), [{
            "id": c.id, "login": c.login, "display_name": c.display_name, "email": c.email,
            "phone": c.phone, "address_line": c.address_line, "town": c.town,
            "post_code": c.post_code, "password_hash": c.password_hash,
            "totp_secret": c.totp_secret, "totp_last_step": 0, "created_at": now,
        } for c in new])

    async def customer_by_id(self, customer_id: str) -> Customer | None:
        row = (await self.conn.execute(
            select(customers).where(customers.c.id == customer_id))).first()
        return row_to_customer(row) if row else None

    async def secrets_by_login(self, login: str) -> CustomerSecrets | None:
        return await self._secrets(customers.c.login == login)

    async def secrets_by_id(self, customer_id: str) -> CustomerSecrets | None:
        return await self._secrets(customers.c.id == customer_id)

    async def _secrets(self, where: Any) -> CustomerSecrets | None:
        row = (await self.conn.execute(select(customers).where(where))).first()
        if row is None:
            return None
        return CustomerSecrets(row_to_customer(row), row.password_hash, row.totp_secret,
                               row.totp_last_step)

    async def set_totp_last_step(self, customer_id: str, step: int) -> None:
        await self.conn.execute(update(customers).where(customers.c.id == customer_id)
                                .values(totp_last_step=step))

    async def set_password_hash(self, customer_id: str, password_hash: str) -> None:
        await self.conn.execute(update(customers).where(customers.c.id == customer_id)
                                .values(password_hash=password_hash))

    async def party(self, customer_id: str) -> Party | None:
        row = (await self.conn.execute(
            select(customers).where(customers.c.id == customer_id))).first()
        if row is None:
            return None
        return Party(party_id=row.id, name=row.display_name, email=row.email, phone=row.phone,
                     address_line=row.address_line, town=row.town, post_code=row.post_code)
