"""What a chaos run found: operations, faults injected, anomalies; as a Rich table or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rich.table import Table


@dataclass(frozen=True)
class Anomaly:
    """One broken invariant: which check, and what exactly was seen."""

    check: str
    detail: str


@dataclass
class WorkloadReport:
    """The outcome of one workload (ledger, messages-sqlite, messages-postgres …)."""

    workload: str
    operations: int = 0
    operations_by_kind: dict[str, int] = field(default_factory=dict)  # when several kinds
    acknowledged: int = 0
    retries: int = 0
    faults: int = 0
    faults_by_service: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def summary_table(reports: list[WorkloadReport]) -> Table:
    """One row per workload; the anomalies column must read 0."""
    table = Table(title="chatbank chaos: invariants under SIGKILL")
    for column in ("workload", "operations", "acknowledged", "retries+reconnects",
                   "faults injected",
                   "checks", "anomalies", "seconds"):
        table.add_column(column, justify="left" if column == "workload" else "right")
    for report in reports:
        crashed = ", ".join(f"{name}×{count}" for name, count in
                            sorted(report.faults_by_service.items()))
        colour = "red" if report.anomalies else "green"
        kinds = ", ".join(f"{kind} {count}" for kind, count in report.operations_by_kind.items())
        table.add_row(report.workload,
                      f"{report.operations} ({kinds})" if kinds else str(report.operations),
                      str(report.acknowledged),
                      str(report.retries), f"{report.faults} ({crashed or '-'})",
                      str(len(report.checks)),
                      f"[{colour}]{len(report.anomalies)}[/{colour}]", f"{report.seconds:.0f}")
    return table


def anomaly_lines(reports: list[WorkloadReport], limit: int = 20) -> list[str]:
    """The first anomalies of every workload, for printing under the table."""
    lines: list[str] = []
    for report in reports:
        lines.extend(f"{report.workload}: {a.check}: {a.detail}"
                     for a in report.anomalies[:limit])
    return lines
