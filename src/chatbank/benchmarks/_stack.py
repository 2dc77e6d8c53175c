"""The whole product on loopback for the payments and assistant benchmarks.

`chatbank demo` in a child process: the platform, the three sandbox banks (Northbank, Eastbank,
Westbank, seeded with the demo customers) and the interbank scheme, each on its own port, with
throw-away SQLite databases. The benchmark process only talks to them over HTTP and WebSocket,
as users and their browsers would. The sign-in rate limits of the banks are raised for the run
(every benchmarked payment signs in at the bank once, all from 127.0.0.1).
"""

from __future__ import annotations

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
from chatbank.cli.demo_banks import DEMO_BANKS

PORTS_NEEDED = 1 + len(DEMO_BANKS) + 1  # platform, banks, scheme
BENCH_ENV = {
    "CHATBANK_MODE": "test",
    "CHATBANK_BANK_LOGIN_ATTEMPTS_PER_WINDOW": "1000000",
    "CHATBANK_PAYMENT_DAILY_LIMIT_MINOR": str(10**9),
}


@dataclass(frozen=True, slots=True)
class DemoStack:
    """Where each part listens, where its files are, and the pid of the process serving them."""

    platform_url: str
    bank_urls: dict[str, str]  # slug -> base URL
    scheme_url: str
    data_dir: Path
    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the stack's process has used so far."""
        times = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)


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
    """Start `chatbank demo` (no demo users) in a temporary directory; stop it on exit."""
    with tempfile.TemporaryDirectory(prefix="chatbank-bench-stack-") as tmp:
        data_dir = Path(tmp)
        port = free_port_run()
        log = data_dir / "stack.log"
        proc = spawn(["-m", "chatbank.cli.main", "demo", "--port", str(port), "--data-dir",
                      str(data_dir), "--no-seed"], BENCH_ENV, log=log)
        try:
            urls = [f"http://127.0.0.1:{port + i}" for i in range(PORTS_NEEDED)]
            for url in urls:
                _wait(functools.partial(_http_ok, f"{url}/healthz"), f"{url}/healthz answered",
                      proc, log)
            banks = {bank.name.lower(): urls[1 + i] for i, bank in enumerate(DEMO_BANKS)}
            yield DemoStack(urls[0], banks, urls[-1], data_dir, port, proc.pid)
        finally:
            stop(proc)
