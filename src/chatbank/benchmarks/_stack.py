"""The whole product on loopback for the payments and assistant benchmarks.

What `chatbank demo` runs — the platform, the three sandbox banks (Northbank, Eastbank, Westbank,
seeded with the demo customers) and the interbank scheme — each in its own process on its own
port (`stack_server`), with throw-away SQLite databases. The benchmark process talks to them
only over HTTP and WebSocket, as users and their browsers would. The banks' sign-in rate limits
are raised for the run (every benchmarked payment signs in at the bank, all from 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from chatbank.benchmarks._processes import _http_ok, _wait, spawn, stop
from chatbank.benchmarks.stack_server import part_names, prepare_stack
from chatbank.cli.demo_banks import DEMO_BANKS

PORTS_NEEDED = 1 + len(DEMO_BANKS) + 1  # platform, banks, scheme
STARTUP_TIMEOUT_S = 600.0  # five processes importing at once on a loaded 2-core machine
BENCH_ENV = {"CHATBANK_MODE": "test", "CHATBANK_PAYMENT_DAILY_LIMIT_MINOR": str(10**9)}


@dataclass(frozen=True, slots=True)
class DemoStack:
    """Where each part listens, where its files are, and the pid of the process of each part."""

    platform_url: str
    bank_urls: dict[str, str]  # slug -> base URL
    scheme_url: str
    data_dir: Path
    port: int
    pids: dict[str, int]  # part -> pid

    def cpu_by_part(self) -> dict[str, float]:
        """CPU seconds (user + system) each part's process has used so far."""
        times = {part: psutil.Process(pid).cpu_times() for part, pid in self.pids.items()}
        return {part: float(t.user + t.system) for part, t in times.items()}

    def cpu_seconds(self) -> float:
        """CPU seconds the whole stack has used so far."""
        return sum(self.cpu_by_part().values())


def _ports_free(first: int, count: int) -> bool:
    for port in range(first, first + count):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port_run(count: int = PORTS_NEEDED) -> int:
    """The first of `count` consecutive free loopback ports."""
    rng = random.Random()  # noqa: S311 - a port number, not a secret
    for _ in range(200):
        first = rng.randrange(20000, 60000 - count)
        if _ports_free(first, count):
            return first
    raise RuntimeError(f"no {count} consecutive free ports found")


@contextlib.contextmanager
def demo_stack() -> Iterator[DemoStack]:
    """Prepare the demo's databases in a temporary directory, then start each part in its own
    process (`stack_server`); stop them all on exit."""
    with tempfile.TemporaryDirectory(prefix="chatbank-bench-stack-") as tmp, \
            contextlib.ExitStack() as running:
        data_dir = Path(tmp)
        port = free_port_run()
        asyncio.run(prepare_stack(port, data_dir))
        procs = {}
        parts = part_names()
        for part in parts:
            log = data_dir / f"{part}.log"
            proc = spawn(["-m", "chatbank.benchmarks.stack_server", part, str(data_dir)],
                         BENCH_ENV, log=log)
            running.callback(stop, proc)
            procs[part] = (proc, log)
        urls = {part: f"http://127.0.0.1:{port + i}" for i, part in enumerate(parts)}
        for part, (proc, log) in procs.items():
            _wait(functools.partial(_http_ok, f"{urls[part]}/healthz"),
                  f"{urls[part]}/healthz answered", proc, log, STARTUP_TIMEOUT_S)
        banks = {bank.name.lower(): urls[bank.name.lower()] for bank in DEMO_BANKS}
        yield DemoStack(urls["platform"], banks, urls["scheme"], data_dir, port,
                        {part: proc.pid for part, (proc, _log) in procs.items()})
