"""The summary tables: the ledger's report shown whatever keys it grows, percentiles, ratios."""

from __future__ import annotations

import math

from chatbank.benchmarks._stats import latency_summary, percentile, ratio
from chatbank.benchmarks._summary import ledger_rows


def test_ledger_rows_show_every_number_including_keys_added_later_and_nested() -> None:
    report = {"database": "sqlite", "posted_transfers_per_s": {"single_1_client": 198.4},
              "books_balanced": True,
              "aisp_latency_ms": {"balances": {"p50": 1.5, "p99": 12.0}}}
    rows = {row[0]: row[1] for row in ledger_rows(report)}
    assert rows == {"posted transfers per s: single 1 client": "198",
                    "books balanced": "True",
                    "aisp latency ms: balances: p50": "1.50",
                    "aisp latency ms: balances: p99": "12.00"}


def test_percentiles_are_nearest_rank_and_summaries_are_in_milliseconds() -> None:
    samples = [i / 1000 for i in range(1, 101)]  # 1 ms … 100 ms
    assert percentile(samples, 0.5) == 0.05 and percentile(samples, 0.99) == 0.099
    summary = latency_summary(list(reversed(samples)))
    assert (summary["n"], summary["p50_ms"], summary["p99_ms"], summary["max_ms"]) == (
        100, 50.0, 99.0, 100.0)
    assert math.isnan(latency_summary([])["p50_ms"])


def test_a_ratio_against_a_missing_or_zero_baseline_is_not_a_number() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert math.isnan(ratio(3.0, 0.0)) and math.isnan(ratio(3.0, float("nan")))
