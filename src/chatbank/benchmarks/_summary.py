"""Table rows for each benchmark's report: figure, chatbank, baseline, ratio (one Rich table)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from rich.console import Console
from rich.table import Table

Row = tuple[str, str, str, str]  # figure, chatbank, baseline, chatbank/baseline


def fmt(value: Any, unit: str = "") -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}{unit}"
    if math.isnan(value):
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text}{unit}"


def fmt_ratio(value: Any) -> str:
    if not isinstance(value, int | float) or math.isnan(value):
        return "–"
    return f"{value:.2f}×" if abs(value) >= 0.1 else f"{value:.2g}×"


def _p50_p99(row: dict[str, Any]) -> str:
    return f"{fmt(row['p50_ms'])} / {fmt(row['p99_ms'])}"


def _ratio_of(a: float, b: float) -> float:
    return a / b if b and not math.isnan(a) and not math.isnan(b) else float("nan")


def payments_rows(report: dict[str, Any]) -> Iterator[Row]:
    raw = report["ledger"]["single_transfer_1_client"]
    for kind in ("same_bank", "cross_bank"):
        phase, label = report[kind], kind.replace("_", "-")
        yield (f"{label}: payments/s (ledger: transfers/s)",
               fmt(phase["payments_per_s"]), fmt(raw["transfers_per_s"]),
               fmt_ratio(_ratio_of(phase["payments_per_s"], raw["transfers_per_s"])))
        yield (f"{label}: to completed p50 / p99 (ms)",
               _p50_p99(phase["latency_to_completed"]), "", "")
        yield (f"{label}: to bank's answer p50 / p99 (ms)",
               _p50_p99(phase["latency_to_callback"]), "", "")
        yield (f"{label}: CPU ms per payment (ledger: per transfer)",
               fmt(phase["stack_cpu_ms_per_payment"]), fmt(raw["cpu_ms_per_transfer"]),
               fmt_ratio(_ratio_of(phase["stack_cpu_ms_per_payment"],
                                   raw["cpu_ms_per_transfer"])))
    for name, rates in report["ledger"].items():
        yield (f"ledger alone, {name.replace('_', ' ')}: transfers/s", "",
               fmt(rates["transfers_per_s"]), "")


def assistant_rows(report: dict[str, Any]) -> Iterator[Row]:
    if "skipped" in report:
        yield ("assistant", report["skipped"], "", "")
        return
    bank, ratios = report["bank"], report["ratios"]
    for name, row in report["turns"].items():
        baseline = report["baseline_for"][name]
        yield (f"{name.replace('_', ' ')} turn p50 / p99 (ms) (bank: "
               f"{baseline.removeprefix('bank_').replace('_', ' ')})",
               _p50_p99(row), _p50_p99(bank[baseline]),
               fmt_ratio(ratios[f"{name}_turn_vs_{baseline}_p50"]))
        yield (f"{name.replace('_', ' ')}: stack CPU ms per turn (bank: per GET)",
               fmt(row["stack_cpu_ms_per_call"]), fmt(bank[baseline]["stack_cpu_ms_per_call"]),
               fmt_ratio(_ratio_of(row["stack_cpu_ms_per_call"],
                                   bank[baseline]["stack_cpu_ms_per_call"])))
    one = report["balance_by_linked_banks"].get("1")
    for count, row in report["balance_by_linked_banks"].items():
        yield (f"balance, {count} linked bank(s): p50 / p99 ms (1 bank)",
               _p50_p99(row), _p50_p99(one) if one else "",
               fmt_ratio(ratios.get(f"balance_{count}_banks_vs_1_bank_p50")))


def nlu_rows(report: dict[str, Any]) -> Iterator[Row]:
    if "skipped" in report:
        yield ("nlu", report["skipped"], "", "")
        return
    base = report["tfidf_head"]
    for name in ("parse", "intent_model", "encoder"):
        row, label = report[name], name.replace("_", " ")
        yield (f"{label}: CPU p50 / p99 (ms)",
               f"{fmt(row['cpu_p50_ms'])} / {fmt(row['cpu_p99_ms'])}",
               f"{fmt(base['cpu_p50_ms'])} / {fmt(base['cpu_p99_ms'])}",
               fmt_ratio(report["ratios"][f"{name}_vs_tfidf_head_cpu_p50"]))
        yield (f"{label}: wall p50 / p99 (ms)", _p50_p99(row), _p50_p99(base), "")
        yield (f"{label}: utterances/s", fmt(row["per_s"]), fmt(base["per_s"]),
               fmt_ratio(_ratio_of(row["per_s"], base["per_s"])))
    batched = report["batched_encoder"]
    yield (f"encoder in batches of {batched['batch_size']}: utterances/s",
           fmt(batched["per_s"]), "", "")
    yield ("accuracy", "see `chatbank nlu eval`", "", "")


def chat_rows(report: dict[str, Any]) -> Iterator[Row]:
    for row in report["figures"]:
        yield (row["label"], fmt(row["chatbank"]), fmt(row["raw"]), fmt_ratio(row["ratio"]))


def ledger_rows(report: dict[str, Any], prefix: str = "") -> Iterator[Row]:
    """Every figure of the ledger report, whatever its keys (nested dicts are flattened)."""
    for key, value in report.items():
        label = f"{prefix}{key.replace('_', ' ')}"
        if isinstance(value, dict):
            yield from ledger_rows(value, f"{label}: ")
        elif isinstance(value, int | float | bool):
            yield (label, fmt(value), "", "")


def render(title: str, baseline: str, sections: dict[str, list[Row]], console: Console) -> None:
    table = Table(title=title)
    for column, justify in (("figure", "left"), ("chatbank", "right"), (baseline, "right"),
                            ("ratio", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for name, rows in sections.items():
        if len(sections) > 1:
            table.add_row(f"[bold]{name}[/bold]", "", "", "")
        for row in rows:
            table.add_row(*row)
    console.print(table)
