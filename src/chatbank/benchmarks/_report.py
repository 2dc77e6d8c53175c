"""The chat benchmark's report: headline figures, ratios against the baseline, and targets."""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from chatbank.benchmarks._config import (
    TARGET_BYTES_PER_IDLE_SOCKET,
    TARGET_P99_MS,
    TARGET_PAIR_MSGS_PER_S,
    ChatBenchConfig,
)


@dataclass(frozen=True, slots=True)
class Figure:
    key: str  # "workload.field" in each target's results
    label: str
    scale: float = 1.0
    target: float | None = None
    higher_is_better: bool = True
    lower_bound_flag: str | None = None  # a result field that, when true, makes it a lower bound

    def value(self, result: dict[str, Any]) -> float:
        workload, name = self.key.split(".")
        return float(result[workload][name]) * self.scale

    def is_lower_bound(self, result: dict[str, Any]) -> bool:
        return self.lower_bound_flag is not None and bool(
            result[self.key.split(".")[0]].get(self.lower_bound_flag))


def headline_figures(config: ChatBenchConfig) -> Iterator[Figure]:
    yield Figure("pairs.msgs_per_s", "2-person: messages/s", target=TARGET_PAIR_MSGS_PER_S)
    yield Figure("pairs.deliveries_per_s", "2-person: deliveries/s")
    yield Figure("pairs.server_cpu_us_per_msg", "2-person: server CPU per message (µs)",
                 higher_is_better=False)
    yield Figure("pairs.client_cpu_us_per_msg",
                 "2-person: load generator CPU per message (µs)", higher_is_better=False)
    for size in config.group_sizes:
        yield Figure(f"group_{size}.msgs_per_s", f"{size}-person group: messages/s")
        yield Figure(f"group_{size}.deliveries_per_s", f"{size}-person group: deliveries/s")
        yield Figure(f"group_{size}.server_cpu_us_per_msg",
                     f"{size}-person group: server CPU per message (µs)", higher_is_better=False)
    rate = f"{config.latency_rate_per_s:g} msg/s"
    yield Figure("latency.p50_ms", f"latency p50 at {rate} (ms)", higher_is_better=False,
                 lower_bound_flag="saturated")
    yield Figure("latency.p99_ms", f"latency p99 at {rate} (ms)", target=TARGET_P99_MS,
                 higher_is_better=False, lower_bound_flag="saturated")
    sockets = config.idle_users * config.idle_sockets_per_user
    yield Figure("memory.bytes_per_socket", f"RSS per idle socket, {sockets} open (KiB)",
                 scale=1 / 1024, target=TARGET_BYTES_PER_IDLE_SOCKET / 1024,
                 higher_is_better=False)
    yield Figure("pairs_after_history.msgs_per_s", "2-person after the run's history: msg/s")


def _ratio(ours: float, baseline: float) -> float:
    if baseline == 0 or math.isnan(baseline) or math.isnan(ours):
        return float("nan")
    return ours / baseline


def build_report(config: ChatBenchConfig, results: dict[str, Any]) -> dict[str, Any]:
    """One JSON-ready document: figures per target, ratios chatbank/raw, targets met."""
    ours, raw = results["chatbank"], results.get("raw")
    rows = []
    for figure in headline_figures(config):
        value = figure.value(ours)
        baseline = figure.value(raw) if raw is not None else float("nan")
        met = None
        if figure.target is not None:
            met = value >= figure.target if figure.higher_is_better else value <= figure.target
        rows.append({"figure": figure.key, "label": figure.label, "chatbank": value,
                     "raw": baseline, "ratio": _ratio(value, baseline), "target": figure.target,
                     "higher_is_better": figure.higher_is_better, "target_met": met,
                     "lower_bound": {name: figure.is_lower_bound(result)
                                     for name, result in results.items()}})
    return {"benchmark": "chat", "config": config.to_json(),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform(),
                        "load_average_1m_at_end": os.getloadavg()[0]},
            "figures": rows, "results": results}


def _fmt(value: float | None, lower_bound: bool = False) -> str:
    if value is None or math.isnan(value):
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"≥ {text}" if lower_bound else text


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(title="chatbank bench chat (embedded SQLite) vs bare websockets, same run")
    for column, justify in (("figure", "left"), ("chatbank", "right"), ("raw", "right"),
                            ("chatbank/raw", "right"), ("target", "right"), ("", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in report["figures"]:
        target = row["target"]
        bound = "" if target is None else ("≥ " if row["higher_is_better"] else "≤ ") + _fmt(
            target)
        verdict = {True: "[green]met[/green]", False: "[red]missed[/red]", None: ""}[
            row["target_met"]]
        bounds = row["lower_bound"]
        table.add_row(row["label"], _fmt(row["chatbank"], bounds.get("chatbank", False)),
                      _fmt(row["raw"], bounds.get("raw", False)),
                      "–" if math.isnan(row["ratio"]) else f"{row['ratio']:.2f}×", bound, verdict)
    console.print(table)
    for name, result in report["results"].items():
        pairs = result["pairs"]
        console.print(f"{name}: during 2-person throughput the server used "
                      f"{pairs['server_cpu']:.0%} of a core, the load generator "
                      f"{pairs['client_cpu']:.0%}", style="dim")
    machine = report["machine"]
    console.print(f"{machine['cpus']} CPUs, load average {machine['load_average_1m_at_end']:.1f} "
                  "at the end (other work on the machine skews every figure)", style="dim")
    if any(any(row["lower_bound"].values()) for row in report["figures"]):
        console.print("≥: the server fell behind the offered load; receipts that never came "
                      "count with the time waited for them", style="dim")
