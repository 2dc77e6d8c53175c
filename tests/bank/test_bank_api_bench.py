"""The bank API benchmark runs end to end against a real bank process (figures reported, not
asserted beyond being measured)."""

from __future__ import annotations

from pathlib import Path

from chatbank.bank.bench_api import bench_bank_api


async def test_bench_bank_api_measures_payments_and_aisp_latency_over_http(
        tmp_path: Path) -> None:
    figures = await bench_bank_api(tmp_path, seconds=0.5, per_endpoint=5)
    assert all(rate > 0 for rate in figures["payments_through_books_per_s"].values())
    assert figures["payments_replayed"] == 0
    latency = figures["aisp_latency_over_http"]
    assert set(latency) == {"accounts", "balances", "transactions"}
    for endpoint in latency.values():
        assert endpoint["requests"] == 5
        assert 0 < endpoint["p50_ms"] <= endpoint["p99_ms"]
