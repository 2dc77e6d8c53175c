"""The ledger benchmark runs end to end (figures are reported, not asserted)."""

from __future__ import annotations

from pathlib import Path

from chatbank.bank.bench_ledger import bench_ledger


async def test_bench_ledger_reports_positive_rates_and_balanced_books(tmp_path: Path) -> None:
    figures = await bench_ledger(tmp_path, seconds=1.0)
    assert all(rate > 0 for rate in figures["posted_transfers_per_s"].values())
    assert figures["raw_insert_rows_per_s"] > 0
    assert figures["raw_insert_single_row_sqlite3_thread_per_s"] > 0
    assert figures["ratios"]["batched_vs_single_1_client"] > 0
    assert figures["books_balanced"] is True
    assert list(tmp_path.glob("*.db")) == []
