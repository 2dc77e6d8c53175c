"""Smoke test of `chatbank bench all` (and so of payments, assistant and nlu) at tiny sizes.

Nothing about speed is asserted (benchmarks are measured, not asserted): every workload runs
against the real stack — platform, three sandbox banks and the scheme in their own process —
and yields positive, finite figures next to its baseline; stdout holds only the JSON document;
no process is left behind.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from typer.testing import CliRunner

from chatbank.cli.bench import bench_app


def numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every number in a JSON document, with where it is."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from numbers(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from numbers(inner, f"{path}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield path, float(value)


def assert_measured(figures: dict[str, Any], *keys: str) -> None:
    for key in keys:
        value = figures[key]
        assert isinstance(value, int | float) and math.isfinite(value) and value > 0, (key, value)


@pytest.mark.timeout(900)  # five workloads; the stack's imports alone take 30 s on a busy machine
def test_quick_bench_all_measures_every_workload_and_its_baseline_in_one_document() -> None:
    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    run = CliRunner().invoke(bench_app, ["all", "--quick", "--json"])
    assert run.stdout.strip(), (run.output[-4000:], run.exception)
    report = json.loads(run.stdout)
    # A workload that failed reports why in its own section: show that, not the whole output.
    assert run.exit_code == 0, {part: report[part].get("error") for part in report
                                if isinstance(report[part], dict) and "error" in report[part]}
    assert set(report) == {"chat", "ledger", "payments", "assistant", "nlu", "seconds_total"}
    assert report["seconds_total"] > 0

    for row in report["chat"]["figures"]:
        assert row["chatbank"] > 0 and row["raw"] > 0 and row["ratio"] > 0, row
    assert report["ledger"]["books_balanced"] is True

    payments = report["payments"]
    for kind in ("same_bank", "cross_bank"):
        assert payments[kind]["payments"] == payments["config"]["payments_per_kind"]
        assert_measured(payments[kind], "payments_per_s", "stack_cpu_ms_per_payment")
        assert_measured(payments[kind]["latency_to_completed"], "p50_ms", "p99_ms")
        assert (payments[kind]["latency_to_completed"]["p50_ms"]
                >= payments[kind]["latency_to_callback"]["p50_ms"])
    assert_measured(payments["ledger"]["single_transfer_1_client"], "transfers_per_s",
                    "cpu_ms_per_transfer")
    assert_measured(payments["ratios"], *payments["ratios"])

    assistant = report["assistant"]
    assert [row["reply_titles"] for row in assistant["turns"].values()] == [
        ["Your balance"], ["Transactions at Tesco"], [title for title in
                                                     assistant["turns"]["spending"]
                                                     ["reply_titles"]
                                                     if title.startswith("Spent on groceries")]]
    assert set(assistant["balance_by_linked_banks"]) == {"1", "2", "3"}
    assert assistant["balance_by_linked_banks"]["2"]["reply_titles"] == ["Your balances"]
    for row in [*assistant["turns"].values(), *assistant["balance_by_linked_banks"].values(),
                *assistant["bank"].values()]:
        assert_measured(row, "p50_ms", "p99_ms")
    assert_measured(assistant["ratios"], *assistant["ratios"])

    nlu = report["nlu"]
    for part in ("tfidf_head", "encoder", "intent_model", "parse"):
        assert_measured(nlu[part], "p50_ms", "p99_ms", "cpu_p50_ms", "per_s")
    assert_measured(nlu["ratios"], *nlu["ratios"])
    assert all(math.isfinite(value) for _, value in numbers(report))

    extra = [p for p in psutil.Process().children(recursive=True)
             if p.pid not in children_before]
    _gone, alive = psutil.wait_procs(extra, timeout=20)
    assert not alive, f"the benchmark left processes behind: {[p.cmdline() for p in alive]}"


def test_quick_nlu_benchmark_prints_the_model_next_to_its_tfidf_head_and_one_json_document(
        ) -> None:
    run = CliRunner().invoke(bench_app, ["nlu", "--quick", "--json"])
    assert run.exit_code == 0, (run.output, run.exception)
    report = json.loads(run.stdout)
    assert report["utterances"] == report["config"]["utterances"]
    assert "TF-IDF head" in run.stderr and "intent model" in run.stderr
    for part in ("tfidf_head", "intent_model", "parse"):
        assert_measured(report[part], "p50_ms", "cpu_p99_ms", "per_s_one_core_cpu")
    assert report["ratios"]["intent_model_vs_tfidf_head_cpu_p50"] > 0
