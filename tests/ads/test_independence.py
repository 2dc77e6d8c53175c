"""No financial value can change which ad a user sees.

For one user with a fixed ad profile, many random "financial worlds" are written into the real
platform database (audit entries of balance reads, sealed balances and tokens in the vault,
payment messages in chats, cached bank data when that table exists). The ad never changes, and
every statement the ads service sends to the database touches ad tables only.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, event, insert, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.adapters.tables import AD_TABLES
from chatbank.ads.services import AdService
from chatbank.connect.vault import Vault
from chatbank.db.all_tables import platform_metadata
from chatbank.messenger.adapters.tables import conversations, members, messages
from chatbank.privacy.audit import AuditRecord
from chatbank.privacy.audit_log import AuditLog
from chatbank.privacy.policy import Decision
from chatbank.privacy.purposes import DataClass, Purpose
from tests.privacy.databases import add_user

WORLDS = 20
SECRET = "independence-test-key-encryption-secret"


async def _table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def write_world(engine: AsyncEngine, rng: random.Random, user_id: str, peer_id: str,
                      tables: set[str]) -> None:
    """Random balances, spending, payments and bank reads for `user_id`."""
    balance_minor = rng.randint(-50_000, 10_000_000)
    vault, log = Vault.from_secret(engine, SECRET), AuditLog(engine)
    if rng.random() < 0.3:  # sometimes the user revoked a bank in this world
        await vault.destroy_user_key(user_id)
    sealed = await vault.seal(user_id, f'{{"balance": {balance_minor}}}'.encode(), b"cache")
    for _ in range(rng.randint(1, 4)):
        purpose = rng.choice(list(Purpose))
        await log.append(AuditRecord.for_read(
            user_id, "assistant", purpose, rng.choice(["northbank", "eastbank"]),
            rng.choice([DataClass.BALANCES, DataClass.TRANSACTIONS]),
            Decision(rng.random() < 0.8, None), f"spent {rng.randint(1, 9999)} on travel?"))
    conversation_id = f"cnv_world_{rng.randint(0, 10**9)}"
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(delete(messages))
        await conn.execute(insert(conversations).values(
            id=conversation_id, kind="direct", created_by=user_id, created_at=now, last_seq=1,
            last_activity_at=now))
        await conn.execute(insert(members).values(
            conversation_id=conversation_id, user_id=user_id, role="member", joined_seq=0))
        amount = rng.randint(1, 500_000)
        await conn.execute(insert(messages).values(
            id=f"msg_{rng.randint(0, 10**9)}", conversation_id=conversation_id, seq=1,
            sender_id=rng.choice([user_id, peer_id]), client_id="c1",
            text=f"sent you £{amount / 100:.2f}", card_kind="payment",
            card_payload={"amount_minor": amount, "currency": "GBP", "status": "completed"},
            created_at=now))
        if "bank_links" in tables:
            links = platform_metadata.tables["bank_links"]
            await conn.execute(insert(links).values(
                id=f"lnk_{rng.randint(0, 10**9)}", user_id=user_id,
                bank_id=rng.choice(["northbank", "eastbank", "westbank"]),
                consent_id=f"aac-{rng.randint(0, 10**9)}",
                purposes=[p.value for p in Purpose if rng.random() < 0.6],
                permissions=["ReadBalances", "ReadTransactionsDetail"],
                status=rng.choice(["active", "revoked", "expired"]), created_at=now,
                expires_at=now))
        if "cached_bank_data" in tables:
            cached = platform_metadata.tables["cached_bank_data"]
            await conn.execute(delete(cached))
            await conn.execute(insert(cached).values(
                user_id=user_id, cache_key="balances", sealed_value=sealed, fetched_at=now))


async def test_no_financial_world_changes_the_ad(engine: AsyncEngine) -> None:
    user_id, peer_id = await add_user(engine), await add_user(engine)
    ads = AdService(engine)
    await ads.do_update_ad_profile(user_id, ["travel", "food"], "london")
    baseline = await ads.ad_for_user(user_id)
    assert baseline is not None and baseline.id == "ad_street_food"
    tables = await _table_names(engine)
    rng = random.Random(20261125)
    for _world in range(WORLDS):
        await write_world(engine, rng, user_id, peer_id, tables)
        assert await ads.ad_for_user(user_id) == baseline


async def test_the_ads_service_only_ever_queries_ad_tables(engine: AsyncEngine) -> None:
    user_id = await add_user(engine)
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    ads = AdService(engine)
    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        await ads.do_update_ad_profile(user_id, ["music"], None)
        await ads.access_ad_profile_by_user(user_id)
        await ads.ad_for_user(user_id)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    others = [name for name in platform_metadata.tables if name not in AD_TABLES]
    assert statements and others
    for statement in statements:
        touched = [name for name in others if re.search(rf"\b{name}\b", statement)]
        assert touched == [], statement
