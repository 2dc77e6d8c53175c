"""Everything one bank process wires together, handed to routes through `app.state.bank`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.auth.clients import ClientRegistry
from chatbank.bank.auth.server import AuthorisationServer
from chatbank.bank.auth.sessions import CustomerSessions
from chatbank.bank.books import BankBooks
from chatbank.bank.openbanking.consents import Consents
from chatbank.bank.openbanking.idempotency import IdempotencyStore
from chatbank.bank.openbanking.jws import SigningKey
from chatbank.bank.openbanking.payments import DomesticPayments
from chatbank.bank.openbanking.scheduled import ScheduledPayments
from chatbank.bank.settings import BankSettings
from chatbank.core.ratelimit import RateLimiter


@dataclass
class BankRuntime:
    """The wired services of one bank."""

    settings: BankSettings
    engine: AsyncEngine
    signing_key: SigningKey
    limiter: RateLimiter
    clients: ClientRegistry
    server: AuthorisationServer
    sessions: CustomerSessions
    consents: Consents
    idempotency: IdempotencyStore
    payments: DomesticPayments
    books: BankBooks
    templates: Environment
    scheduled: ScheduledPayments


def _runtime(request: Request) -> BankRuntime:
    runtime: BankRuntime = request.app.state.bank
    return runtime


Runtime = Annotated[BankRuntime, Depends(_runtime)]
