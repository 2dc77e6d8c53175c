"""`chatbank bench chat`: the platform's real-time chat against a bare `websockets` server.

Each server runs in its own process on a free loopback port; the load generator runs in
another, so on a 2-core machine the server under test has a core to itself.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from chatbank.benchmarks._config import ChatBenchConfig
from chatbank.benchmarks._processes import (
    chatbank_server,
    log_tail,
    raise_file_limit,
    raw_server,
    spawn,
    stop,
)

TARGETS: dict[str, Callable[[Path], AbstractContextManager[tuple[str, int]]]] = {
    "chatbank": chatbank_server,
    "raw": raw_server,
}
LOAD_TIMEOUT_S = 600.0
PROGRESS = "progress: "


def _last_progress(log: Path) -> str | None:
    lines = [line for line in log_tail(log, 2000).splitlines() if line.startswith(PROGRESS)]
    return lines[-1].removeprefix(PROGRESS) if lines else None


def _run_load_generator(target: str, base_url: str, server_pid: int, config: ChatBenchConfig,
                        log: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    proc = spawn(["-m", "chatbank.benchmarks.load_generator"], stdin=subprocess.PIPE,
                 stdout=subprocess.PIPE, log=log)
    try:
        request = {"target": target, "base_url": base_url, "server_pid": server_pid,
                   "config": config.to_json()}
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(request).encode())
        proc.stdin.close()
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.25)  # the answer is one small JSON document: it fits the pipe
            step = _last_progress(log)
            if step is not None:
                progress(f"{target}: {step}")
        out = proc.stdout.read() if proc.poll() is not None else b""
    finally:
        stop(proc)
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None:
                pipe.close()
    if proc.returncode != 0:
        raise RuntimeError(f"the load generator for {target} failed:\n{log_tail(log)}")
    result: dict[str, Any] = json.loads(out)
    return result


def measure(config: ChatBenchConfig, targets: tuple[str, ...] = ("chatbank", "raw"),
            progress: Callable[[str], None] = lambda _msg: None) -> dict[str, Any]:
    """Run every workload against each target in turn; only one server runs at a time."""
    raise_file_limit(config.idle_users * config.idle_sockets_per_user + 1024)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="chatbank-bench-") as tmp:
        for target in targets:
            progress(f"{target}: starting the server and the load generator")
            data_dir = Path(tmp) / target
            data_dir.mkdir()
            with TARGETS[target](data_dir) as (base_url, pid):
                results[target] = _run_load_generator(target, base_url, pid, config,
                                                      data_dir / "load.log", progress)
    return results
