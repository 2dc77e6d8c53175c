"""The sandbox bank's ASGI app: OAuth server, UK OB AISP/PISP API and the customer's pages.

`create_bank_app(settings)` runs in-process (tests, the demo's three banks) exactly as
`chatbank bank serve` runs it in its own process. The database must be migrated first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from chatbank.bank import card_controls
from chatbank.bank.auth import routes as auth_routes
from chatbank.bank.auth.clients import ClientRegistry
from chatbank.bank.auth.server import AuthorisationServer
from chatbank.bank.auth.sessions import CustomerSessions
from chatbank.bank.books import BankBooks
from chatbank.bank.db import create_bank_engine, upgrade_bank_database
from chatbank.bank.openbanking import aisp, pisp, pisp_scheduled, pisp_standing_orders
from chatbank.bank.openbanking.consents import Consents
from chatbank.bank.openbanking.edge import BankEdge
from chatbank.bank.openbanking.errors import install_ob_error_handlers
from chatbank.bank.openbanking.idempotency import IdempotencyStore
from chatbank.bank.openbanking.jws import SigningKey
from chatbank.bank.openbanking.payments import DomesticPayments
from chatbank.bank.openbanking.runtime import BankRuntime
from chatbank.bank.openbanking.scheduled import ScheduledPayments
from chatbank.bank.scheme_api import router as scheme_router
from chatbank.bank.scheme_client import SchemeRelay
from chatbank.bank.seed import SeedReport, seed_bank
from chatbank.bank.settings import BankSettings
from chatbank.bank.web import approval, dashboard, pages
from chatbank.core.ratelimit import MemoryRateLimiter

WEB_DIR = Path(__file__).parent / "web"


def load_signing_key(settings: BankSettings) -> SigningKey:
    """The configured PEM, or the bank's key file in its data dir (created on first start)."""
    if settings.signing_key_pem:
        return SigningKey.from_pem(settings.signing_key_pem.encode())
    return SigningKey.load_or_create(settings.signing_key_path)


def build_runtime(settings: BankSettings, signing_key: SigningKey) -> BankRuntime:
    """Wire one bank's services on its own database."""
    engine = create_bank_engine(settings.resolved_database_url)
    books = BankBooks(engine, outbound_timeout_s=settings.outbound_hold_timeout_s)
    limiter = MemoryRateLimiter()
    consents = Consents(engine)
    templates = Environment(loader=FileSystemLoader(WEB_DIR / "templates"),
                            autoescape=select_autoescape(["html"]))
    return BankRuntime(
        settings=settings, engine=engine, signing_key=signing_key, limiter=limiter,
        clients=ClientRegistry(engine, settings.base_url),
        server=AuthorisationServer(engine, settings, consents.is_live),
        sessions=CustomerSessions(engine, settings, books, limiter), consents=consents,
        idempotency=IdempotencyStore(engine), payments=DomesticPayments(engine, consents, books),
        books=books, templates=templates,
        scheduled=ScheduledPayments(engine, consents, books))


async def prepare_bank(settings: BankSettings, sort_code_prefix: str,
                       customers: Sequence[str] = ("alice", "bob")) -> SeedReport:
    """Migrate the bank's database and seed the missing demo customers (safe to repeat).

    Banks that should pay each other through the scheme need different sort code prefixes.
    """
    await asyncio.to_thread(settings.data_dir.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade_bank_database, settings.resolved_database_url)
    engine = create_bank_engine(settings.resolved_database_url)
    try:
        return await seed_bank(engine, settings.name, sort_code_prefix, list(customers))
    finally:
        await engine.dispose()


def create_bank_app(settings: BankSettings) -> FastAPI:
    """Build one bank's app (its database must already be at the newest schema)."""
    signing_key = load_signing_key(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.bank = build_runtime(settings, signing_key)
        runner = asyncio.create_task(app.state.bank.scheduled.run_forever(), name="scheduled")
        relay = None
        if settings.scheme_url and settings.scheme_secret:
            relay = SchemeRelay(settings, app.state.bank.books,
                                record_rejection=app.state.bank.payments.record_rejection)
            relay_task = asyncio.create_task(relay.run_forever(), name="scheme-relay")
        try:
            yield
        finally:
            if relay is not None:
                relay_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await relay_task
                await relay.aclose()
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            await app.state.bank.books.close()
            await app.state.bank.engine.dispose()

    app = FastAPI(title=f"{settings.name} (chatbank sandbox bank)", version="3.1.11",
                  lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    install_ob_error_handlers(app)
    for router in (auth_routes.router, aisp.router, pisp.router, pisp_scheduled.router,
                   pisp_standing_orders.router, pages.router, approval.router, dashboard.router,
                   scheme_router, card_controls.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.add_middleware(BankEdge, max_bytes=settings.max_body_bytes, key=signing_key,
                       issuer=settings.base_url)
    return app
