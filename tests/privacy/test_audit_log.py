"""The audit log on a real SQLite database: appends chain, users see only their own entries,
and any change made behind the log's back is found (by the API and by `chatbank audit verify`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from chatbank.cli.main import app
from chatbank.core.errors import InvalidInput
from chatbank.db import create_engine_for_url
from chatbank.privacy.audit import AuditAction, AuditRecord
from chatbank.privacy.audit_log import AuditLog, verify_chain
from chatbank.privacy.policy import Decision
from chatbank.privacy.purposes import DataClass, Purpose


class StepClock:
    """A clock that moves one minute per reading, from a fixed start."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.moment += timedelta(minutes=1)
        return self.moment


def read(user_id: str, reason: str, data_class: DataClass = DataClass.BALANCES) -> AuditRecord:
    return AuditRecord.for_read(user_id, "assistant", Purpose.ANSWER_ACCOUNT_QUESTIONS,
                                "northbank", data_class, Decision(True), reason)


async def test_appends_form_one_verifiable_chain(engine: AsyncEngine) -> None:
    log = AuditLog(engine, StepClock())
    first = await log.append(read("usr_a", "how much do I have?"))
    second = await log.append(read("usr_b", "what did I spend?"))
    assert (first.seq, second.seq) == (1, 2) and second.prev_hash == first.hash
    result = await verify_chain(engine)
    assert (result.ok, result.entries_checked, result.head_hash) == (True, 2, second.hash)


async def test_an_empty_log_verifies(engine: AsyncEngine) -> None:
    result = await verify_chain(engine)
    assert (result.ok, result.entries_checked, result.first_bad_seq) == (True, 0, None)


async def test_record_takes_plain_values_and_rejects_unknown_ones(engine: AsyncEngine) -> None:
    log = AuditLog(engine, StepClock())
    await log.record(user_id="usr_a", actor="connect", action="link_started", purpose=None,
                     bank="Northbank", data_class=None, allowed=True, code=None,
                     reason="You started linking this bank.")
    for bad in ({"action": "sold_to_advertiser"}, {"purpose": "advertising"}):
        values = {"action": "read", "purpose": "answer_account_questions", **bad}
        with pytest.raises(InvalidInput):
            await log.record(user_id="usr_a", actor="assistant", bank="Northbank",
                             data_class="balances", allowed=True, code=None, reason="",
                             **values)  # type: ignore[arg-type]
    assert (await verify_chain(engine)).entries_checked == 1


async def test_users_see_only_their_own_entries_newest_first_in_pages(engine: AsyncEngine) -> None:
    log = AuditLog(engine, StepClock())
    for number in range(5):
        await log.append(read("usr_a", f"question {'abcde'[number]}"))
        await log.append(read("usr_b", "someone else's question"))
    page = await log.access_audit_log_by_user("usr_a", limit=3)
    assert [line.seq for line in page.lines] == [9, 7, 5]
    assert page.lines[0].text == ("Assistant read your balances at Northbank to answer "
                                  "'question e' — 14:09, 25 Nov 2026")
    older = await log.access_audit_log_by_user("usr_a", limit=3, before=page.next_before)
    assert [line.seq for line in older.lines] == [3, 1] and older.next_before is None
    assert all("someone else" not in line.text for line in page.lines + older.lines)
    with pytest.raises(InvalidInput):
        await log.access_audit_log_by_user("usr_a", limit=0)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET reason = 'x'",
                                       "DELETE FROM audit_log"])
async def test_the_database_refuses_to_change_or_delete_entries(
        engine: AsyncEngine, statement: str) -> None:
    await AuditLog(engine).append(read("usr_a", "how much do I have?"))
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    assert (await verify_chain(engine)).ok


async def test_concurrent_appends_from_two_engines_never_fork_the_chain(
        engine: AsyncEngine, database_url: str) -> None:
    other = create_engine_for_url(database_url)
    try:
        logs = [AuditLog(engine), AuditLog(other)]
        await asyncio.gather(*(logs[n % 2].append(read(f"usr_{n % 3}", f"q{n}"))
                               for n in range(40)))
    finally:
        await other.dispose()
    result = await verify_chain(engine)
    assert (result.ok, result.entries_checked) == (True, 40)


async def _seed(url: str, count: int = 6) -> None:
    engine = create_engine_for_url(url)
    log = AuditLog(engine, StepClock())
    for number in range(count):
        await log.append(read("usr_a", f"question {number}"))
    await engine.dispose()


def _tamper(url: str, *statements: str) -> None:
    """What someone with write access to the database file could do."""
    with sqlite3.connect(url.split("///", 1)[1]) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        for statement in statements:
            conn.execute(statement)


def _verify_cli(url: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", "--database-url", url])
    return result.exit_code, result.output


TAMPERING = {
    "update_reason": ["UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3"],
    "update_result": ["UPDATE audit_log SET result = 'refused' WHERE seq = 3"],
    "update_time": ["UPDATE audit_log SET at = '2026-11-25 13:00:00.000000' WHERE seq = 3"],
    "delete_middle": ["DELETE FROM audit_log WHERE seq = 3"],
    "delete_last": ["DELETE FROM audit_log WHERE seq = 6"],
    "reorder": ["UPDATE audit_log SET seq = -1 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = -1"],
    "insert_forged": ["DELETE FROM audit_log WHERE seq = 3",
                      "INSERT INTO audit_log SELECT 3, at, user_id, actor, action, purpose, "
                      "bank, data_class, result, code, 'forged', prev_hash, hash "
                      "FROM audit_log WHERE seq = 2"],
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_tampering_with_any_row_is_detected_and_the_cli_exits_non_zero(
        database_url: str, how: str) -> None:
    asyncio.run(_seed(database_url))
    assert _verify_cli(database_url)[0] == 0
    _tamper(database_url, *TAMPERING[how])
    code, output = _verify_cli(database_url)
    expected_seq = 6 if how == "delete_last" else 3
    assert code == 1, output
    assert f"broken at entry {expected_seq}" in output


def test_the_command_prints_the_entry_count_and_the_head_to_anchor(database_url: str) -> None:
    asyncio.run(_seed(database_url, count=3))
    code, output = _verify_cli(database_url)
    assert code == 0 and "audit log intact: 3 entries, head " in output
    _tamper(database_url, "UPDATE audit_log SET bank = 'eastbank' WHERE seq = 2")
    code, output = _verify_cli(database_url)
    assert code == 1 and "broken at entry 2" in output and "was changed" in output


def test_a_database_without_the_chain_head_cannot_be_verified(database_url: str) -> None:
    _tamper(database_url, "DELETE FROM audit_chain_head")
    assert _verify_cli(database_url)[0] == 2


def test_appending_audits_every_action(database_url: str) -> None:
    async def append_all() -> None:
        engine = create_engine_for_url(database_url)
        log = AuditLog(engine)
        for action in AuditAction:
            await log.append(AuditRecord("usr_a", "connect", action, bank="northbank"))
        await engine.dispose()

    asyncio.run(append_all())
    assert _verify_cli(database_url)[0] == 0
