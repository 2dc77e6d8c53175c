"""The long form: every workload in turn for a share of N minutes, with faults all along."""

from __future__ import annotations

import traceback
from collections.abc import Awaitable
from pathlib import Path

from chatbank.chaos.ledger_workload import LedgerChaosConfig, run_ledger_chaos
from chatbank.chaos.message_workload import MessageChaosConfig, run_message_chaos
from chatbank.chaos.report import Anomaly, WorkloadReport
from chatbank.chaos.supervisor import FaultPlan

# Starting, recovering and checking take part of each share; workloads run for the rest.
RUNNING_SHARE = 0.6
LONG_RUN_FAULTS = FaultPlan(every_min_s=4.0, every_max_s=15.0, down_max_s=2.0)
UNLIMITED = 10**9


async def _reported(label: str, run: Awaitable[WorkloadReport]) -> WorkloadReport:
    """The workload's report; if the harness itself failed (a server that would not start
    again, a client that got no answer for minutes), a report saying so, so that the other
    workloads' results are still printed."""
    try:
        return await run
    except Exception as error:  # reported as the run's failure: exit 1
        report = WorkloadReport(label)
        report.anomalies.append(Anomaly("run_failed", "".join(
            traceback.format_exception_only(error)).strip()[-500:]))
        return report


async def run_all(minutes: float, seed: int, root: Path, database_url: str | None = None,
                  redis_url: str | None = None) -> list[WorkloadReport]:
    """Ledger + payments (third-party clients at the banks' OB API and platform users paying in
    chats; banks, scheme and platform killed) for half the time, messages for the other half
    (split between SQLite and PostgreSQL + Redis with two instances when both URLs are given)."""
    total_s = minutes * 60.0
    clustered = bool(database_url and redis_url)
    reports = [await _reported("ledger + payments", run_ledger_chaos(
        root / "ledger", LedgerChaosConfig(
            operations=UNLIMITED, duration_s=total_s * 0.5 * RUNNING_SHARE, clients=6,
            bank_count=3, platform_clients=3, platform_operations=UNLIMITED,
            faults=LONG_RUN_FAULTS), seed))]
    message_share = 0.25 if clustered else 0.5
    reports.append(await _reported("messages (SQLite)", run_message_chaos(
        root / "messages-sqlite", MessageChaosConfig(
            operations=UNLIMITED, duration_s=total_s * message_share * RUNNING_SHARE, users=6,
            conversations=3, faults=LONG_RUN_FAULTS), seed)))
    if clustered:
        label = "messages (PostgreSQL + Redis, 2 instances)"
        reports.append(await _reported(label, run_message_chaos(
            root / "messages-postgres", MessageChaosConfig(
                label=label, operations=UNLIMITED, duration_s=total_s * 0.25 * RUNNING_SHARE,
                users=6, conversations=3, instances=2, database_url=database_url,
                redis_url=redis_url, faults=LONG_RUN_FAULTS), seed)))
    return reports
