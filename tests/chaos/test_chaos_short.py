"""The short form of `chatbank chaos`: each workload for a fixed number of operations and a
fixed number of SIGKILLs (seeded), then zero anomalies.

Real processes (`chatbank bank serve`, `python -m chatbank.scheme`, `chatbank serve`) on free
ports; generous timeouts because a restart imports the whole CLI on a busy machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbank.chaos.ledger_workload import LedgerChaosConfig, run_ledger_chaos
from chatbank.chaos.message_workload import MessageChaosConfig, run_message_chaos
from chatbank.chaos.pay_model import read_platform
from chatbank.chaos.report import WorkloadReport
from chatbank.chaos.supervisor import FaultPlan
from tests.scale.cluster import own_keyspace
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer

SEED = 20261125
QUICK_FAULTS = {"every_min_s": 1.0, "every_max_s": 3.0, "down_max_s": 0.5}


def assert_clean(report: WorkloadReport, faults: int) -> None:
    assert report.faults == faults, report
    assert report.acknowledged > 0, report
    assert report.anomalies == [], "\n".join(f"{a.check}: {a.detail}"
                                             for a in report.anomalies)


@pytest.mark.timeout(1500)
async def test_money_is_conserved_and_paid_once_while_banks_scheme_and_platform_are_killed(
        tmp_path: Path) -> None:
    # Four faults: one shuffled round kills each of the scheme, both banks and the platform.
    report = await run_ledger_chaos(tmp_path, LedgerChaosConfig(
        operations=16, clients=4, bank_count=2, platform_clients=2, platform_operations=8,
        faults=FaultPlan(**QUICK_FAULTS, max_faults=4)), SEED)
    assert_clean(report, faults=4)
    assert set(report.faults_by_service) == {"scheme", "northbank", "eastbank", "platform"}
    assert report.operations_by_kind["platform"] >= 8, report
    assert len(report.checks) == 14
    payments, _ = read_platform(tmp_path / "platform" / "platform.db")
    assert any(p.status == "completed" for p in payments), payments  # not all given up


@pytest.mark.timeout(600)
async def test_acknowledged_messages_reach_every_member_once_in_order_while_platform_is_killed(
        tmp_path: Path) -> None:
    report = await run_message_chaos(tmp_path, MessageChaosConfig(
        operations=20, users=3, conversations=2,
        faults=FaultPlan(**QUICK_FAULTS, max_faults=1)), SEED)
    assert_clean(report, faults=1)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.timeout(600)
async def test_messages_survive_killed_instances_on_postgres_and_redis(
        tmp_path: Path, postgres_server: PostgresServer, redis_server: RedisServer) -> None:
    report = await run_message_chaos(tmp_path, MessageChaosConfig(
        label="messages (PostgreSQL + Redis)", operations=20, users=3, conversations=2,
        instances=2, database_url=postgres_server.fresh_database("chaos"),
        redis_url=own_keyspace(redis_server),
        faults=FaultPlan(**QUICK_FAULTS, max_faults=1)), SEED)
    assert_clean(report, faults=1)
