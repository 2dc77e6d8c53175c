"""PostgreSQL mode: two instances append to one chain without forking it; the vault works."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from chatbank.cli.main import app
from chatbank.connect.vault import Vault
from chatbank.core.errors import ChatbankError
from chatbank.db import create_engine_for_url
from chatbank.db.migrate import upgrade_to_head
from chatbank.privacy.audit import AuditRecord
from chatbank.privacy.audit_log import AuditLog, verify_chain
from chatbank.privacy.policy import Decision
from chatbank.privacy.purposes import DataClass, Purpose
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres


async def _append_from_two_instances(url: str, count: int) -> tuple[bool, int]:
    first, second = create_engine_for_url(url, pool_size=4), create_engine_for_url(url, pool_size=4)
    try:
        logs = [AuditLog(first), AuditLog(second)]
        await asyncio.gather(*(
            logs[n % 2].append(AuditRecord.for_read(
                f"usr_{n % 5}", "assistant", Purpose.SPENDING_INSIGHTS, "northbank",
                DataClass.TRANSACTIONS, Decision(True), f"question {n}"))
            for n in range(count)))
        result = await verify_chain(first)
        with pytest.raises(DBAPIError, match="append-only"):
            async with first.begin() as conn:
                await conn.execute(text("DELETE FROM audit_log WHERE seq = 17"))
        async with first.begin() as conn:  # a superuser can switch the guard off, but ...
            await conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            await conn.execute(text("UPDATE audit_log SET purpose = 'answer_account_questions' "
                                    "WHERE seq = 17"))
        return result.ok, result.entries_checked
    finally:
        await first.dispose()
        await second.dispose()


def test_two_instances_share_one_unforked_chain(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("audit_chain")
    upgrade_to_head(url)
    assert asyncio.run(_append_from_two_instances(url, 60)) == (True, 60)
    result = CliRunner().invoke(app, ["audit", "verify", "--database-url", url])
    assert result.exit_code == 1 and "broken at entry 17" in result.output


async def test_the_vault_seals_and_shreds_on_postgresql(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("vault")
    await asyncio.to_thread(upgrade_to_head, url)
    engine = create_engine_for_url(url, pool_size=4)
    try:
        vault = Vault.from_secret(engine, "postgres-test-key-encryption-secret")
        sealed = await asyncio.gather(*(vault.seal("usr_a", bytes([n]), b"ad") for n in range(6)))
        assert await vault.open("usr_a", sealed[5], b"ad") == bytes([5])
        await vault.destroy_user_key("usr_a")
        with pytest.raises(ChatbankError) as raised:
            await vault.open("usr_a", sealed[0], b"ad")
        assert raised.value.code == "data_key_destroyed"
    finally:
        await engine.dispose()
