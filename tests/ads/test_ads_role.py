"""PostgreSQL mode: the ads role can use the ad tables and is refused every other table."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.adapters.tables import AD_TABLES
from chatbank.ads.roles import ads_database_url, create_ads_role
from chatbank.ads.services import AdService
from chatbank.core.errors import InvalidInput
from chatbank.db import create_engine_for_url
from chatbank.db.migrate import upgrade_to_head
from tests.privacy.databases import add_user
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres
PASSWORD = "ads-role-password-for-tests"


async def _public_tables(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' ORDER BY table_name"))
        return [r[0] for r in rows]


async def _refused(engine: AsyncEngine, statement: str) -> bool:
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    except DBAPIError as error:
        return "permission denied" in str(error.orig)
    return False


async def test_the_ads_role_reaches_ad_tables_only(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("ads_role")
    await asyncio.to_thread(upgrade_to_head, url)
    admin = create_engine_for_url(url, pool_size=2)
    ads_engine = create_engine_for_url(ads_database_url(url, PASSWORD), pool_size=2)
    try:
        await create_ads_role(admin, PASSWORD)
        await create_ads_role(admin, PASSWORD)  # running it again only resets the password
        user_id = await add_user(admin)
        tables = await _public_tables(admin)
        financial = [t for t in tables if t not in AD_TABLES]
        assert {"messages", "audit_log", "user_data_keys", "users"} <= set(financial)
        for table in financial:
            query = f'SELECT * FROM "{table}" LIMIT 1'  # noqa: S608 (names from the catalog)
            assert await _refused(ads_engine, query), table
        assert await _refused(ads_engine, "UPDATE audit_log SET reason = ''")
        assert await _refused(ads_engine, "INSERT INTO user_data_keys (user_id) VALUES ('x')")
        assert await _refused(ads_engine, "UPDATE ad_catalogue SET priority = 99")
        ads = AdService(ads_engine)
        await ads.do_update_ad_profile(user_id, ["music"], "london")
        chosen = await ads.ad_for_user(user_id)
        assert chosen is not None and chosen.id == "ad_gigs_tonight"
    finally:
        await ads_engine.dispose()
        await admin.dispose()


async def test_the_ads_role_needs_postgresql_and_a_real_password(engine: AsyncEngine) -> None:
    with pytest.raises(InvalidInput) as raised:
        await create_ads_role(engine, PASSWORD)
    assert raised.value.code == "ads_role_needs_postgresql"
