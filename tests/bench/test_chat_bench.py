"""Smoke test of `chatbank bench chat`: every workload runs at tiny sizes and yields figures.

It asserts nothing about speed (benchmarks are measured, not asserted); only that each figure
was measured, is positive, that the JSON document is the only thing on stdout, and that no
process is left behind.
"""

from __future__ import annotations

import json

import psutil
import pytest
from typer.testing import CliRunner

from chatbank.cli.bench import bench_app


@pytest.mark.timeout(600)  # two servers start; on a busy 2-core machine imports alone take 30 s
def test_quick_chat_benchmark_measures_every_figure_for_both_servers() -> None:
    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    run = CliRunner().invoke(bench_app, ["chat", "--quick", "--json", "--pairs", "3"])
    assert run.exit_code == 0, (run.output, run.exception)
    report = json.loads(run.stdout)
    assert report["config"]["pairs"] == 3
    for target in ("chatbank", "raw"):
        assert report["results"][target]["pairs"]["conversations"] == 3
    assert {row["figure"] for row in report["figures"]} >= {
        "pairs.msgs_per_s", "latency.p99_ms", "memory.bytes_per_socket"}
    for row in report["figures"]:
        assert row["chatbank"] is not None and row["chatbank"] > 0, row
        assert row["raw"] is not None and row["raw"] > 0, row
        assert row["ratio"] is not None and row["ratio"] > 0, row
    for target in ("chatbank", "raw"):
        assert report["results"][target]["latency"]["errors"] == 0
    # Stopped children may take a moment to be reaped on a loaded machine: wait, then check.
    extra = [p for p in psutil.Process().children(recursive=True)
             if p.pid not in children_before]
    _gone, alive = psutil.wait_procs(extra, timeout=20)
    assert not alive, f"the benchmark left processes behind: {[p.cmdline() for p in alive]}"
