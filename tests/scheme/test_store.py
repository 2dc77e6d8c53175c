"""The scheme's payments table on SQLite and PostgreSQL: one row per payment, guarded moves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chatbank.db.engine import create_engine_for_url
from chatbank.scheme.model import PaymentState, SchemePayment, delivery_deadline
from chatbank.scheme.store import SqlPayments
from tests.support.postgres import PostgresServer, postgres_server

__all__ = ["postgres_server"]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SqlPayments]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'scheme.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.fresh_database("scheme")
    engine = create_engine_for_url(url)
    payments = SqlPayments(engine)
    await payments.create_tables()
    await payments.create_tables()  # safe to repeat on every start
    yield payments
    await engine.dispose()


def payment(payment_id: str = "sp_1") -> SchemePayment:
    expires = NOW + timedelta(hours=1)
    return SchemePayment(
        payment_id=payment_id, payer_bank="northbank", payer_transfer_id=f"dt_{payment_id}",
        payee_bank="eastbank", amount_minor=12_345, currency="GBP",
        creditor_sort_code="300001", creditor_account_number="12345678",
        creditor_name="Bob", debtor_name="Alice", reference="ref",
        state=PaymentState.SUBMITTED, reject_code=None, hold_expires_at=expires,
        deliver_by=delivery_deadline(NOW, expires), attempts=0, next_attempt_at=NOW,
        last_error=None, created_at=NOW, updated_at=NOW)


async def test_a_payment_is_stored_once_and_moves_only_from_its_expected_state(
        store: SqlPayments) -> None:
    assert await store.insert(payment())
    assert not await store.insert(payment())  # same id
    assert not await store.insert(replace(payment("sp_2"), payer_transfer_id="dt_sp_1"))
    assert [p.payment_id for p in await store.due(NOW, 10)] == ["sp_1"]
    stored = await store.get("sp_1")
    assert stored == payment()  # exact amounts and UTC times survive the round trip
    await store.postpone(stored, NOW + timedelta(seconds=5), "HTTP 503", NOW)
    assert await store.due(NOW, 10) == []
    later = (await store.get("sp_1"))
    assert later is not None and (later.attempts, later.last_error) == (1, "HTTP 503")
    assert await store.move("sp_1", PaymentState.SUBMITTED, PaymentState.ACCEPTED, NOW)
    assert not await store.move("sp_1", PaymentState.SUBMITTED, PaymentState.REJECTED, NOW)
    assert await store.move("sp_1", PaymentState.ACCEPTED, PaymentState.SETTLED, NOW)
    final = await store.get("sp_1")
    assert final is not None and (final.state, final.attempts) == (PaymentState.SETTLED, 0)
    assert await store.due(NOW + timedelta(days=1), 10) == []  # final payments rest
