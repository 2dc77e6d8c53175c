"""Real OS processes under test, and the fault injector that SIGKILLs and restarts them.

Each service keeps its port, data dir and environment across restarts, so a restart is the
same server coming back after a crash. Children die with the harness (see benchmarks).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from chatbank.benchmarks._processes import free_port, log_tail, spawn, stop

# Importing the whole CLI takes 10-20 s of a busy 2-core machine.
START_TIMEOUT_S = 180.0


def seeded_rng(seed: float) -> random.Random:
    """A reproducible random source: the same seed, the same workload and fault schedule."""
    return random.Random(seed)  # noqa: S311 - a test schedule, not a secret


@dataclass
class Service:
    """One server process started with `python <args>`, healthy when `health_path` answers."""

    name: str
    args: list[str]
    log: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)
    health_path: str = "/healthz"
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout_s: float = START_TIMEOUT_S) -> None:
        """Start the process and block until it answers its health check."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = spawn(self.args, self.env, log=self.log)
        self.starts += 1
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n"
                                   f"{log_tail(self.log)}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + self.health_path, timeout=2.0).status_code < 500:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy after {timeout_s} s:\n{log_tail(self.log)}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, exactly like a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


@dataclass
class FaultPlan:
    """How often to crash something: a pause drawn from [min, max] s before each crash."""

    every_min_s: float = 2.0
    every_max_s: float = 6.0
    down_max_s: float = 1.0  # how long a crashed process stays down before its restart
    max_faults: int | None = None


class FaultInjector:
    """Crashes a random service, waits, restarts it on the same port and data; repeats."""

    def __init__(self, services: list[Service], plan: FaultPlan, rng: random.Random) -> None:
        self.services = services
        self.plan = plan
        self.rng = rng
        self.faults = 0
        self.by_service: dict[str, int] = {}
        self._stopping = asyncio.Event()
        self._round: list[Service] = []

    async def run(self) -> None:
        """Inject faults until `stop_soon()`; the crashed service is up again when it returns."""
        while not self._stopping.is_set():
            if self.plan.max_faults is not None and self.faults >= self.plan.max_faults:
                await self._stopping.wait()
                return
            pause = self.rng.uniform(self.plan.every_min_s, self.plan.every_max_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)
                return
            victim = self._next_victim()
            await asyncio.to_thread(victim.kill)
            self.faults += 1
            self.by_service[victim.name] = self.by_service.get(victim.name, 0) + 1
            await asyncio.sleep(self.rng.uniform(0.0, self.plan.down_max_s))
            await asyncio.to_thread(victim.start)

    def _next_victim(self) -> Service:
        # Shuffled rounds: random order, yet every service is crashed once per round.
        if not self._round:
            self._round = self.rng.sample(self.services, len(self.services))
        return self._round.pop()

    def stop_soon(self) -> None:
        self._stopping.set()


@dataclass
class Budget:
    """How long clients keep going: `operations` done and `min_faults` injected, or the
    deadline (monotonic seconds) passed."""

    operations: int
    deadline: float
    injector: FaultInjector
    min_faults: int = 0

    def take(self) -> bool:
        if time.monotonic() > self.deadline:
            return False
        if self.operations <= 0 and self.injector.faults >= self.min_faults:
            return False
        self.operations -= 1
        return True


async def ensure_all_up(services: list[Service]) -> None:
    """Restart any service that is not running (after the injector has stopped)."""
    for service in services:
        if not service.running:
            await asyncio.to_thread(service.start)


def stop_all(services: list[Service]) -> None:
    for service in reversed(services):
        service.stop()
