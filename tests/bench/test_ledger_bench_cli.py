"""Smoke test of `chatbank bench ledger`: it runs briefly and reports positive figures."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from chatbank.cli.bench import bench_app


def test_ledger_benchmark_reports_rates_ratios_and_balanced_books() -> None:
    run = CliRunner().invoke(bench_app, ["ledger", "--seconds", "1.2", "--json"])
    assert run.exit_code == 0, (run.output, run.exception)
    report = json.loads(run.stdout)
    assert all(rate > 0 for rate in report["posted_transfers_per_s"].values())
    assert report["raw_insert_rows_per_s"] > 0 and report["ratios"]["batched_vs_single_1_client"]
    assert report["books_balanced"] is True
