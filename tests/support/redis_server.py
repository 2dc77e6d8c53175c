"""A throwaway Redis server for tests: Debian's redis-server on a free port, no persistence.

    with running_redis() as server:
        settings = Settings(redis_url=server.url, ...)
        server.restart()   # crash and start again on the same port: clients must reconnect

or the session fixture `redis_server` (import it into a conftest to use it; every conftest
that does shares the one server).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.servers import free_port
from tests.support.watchdog import Watchdog, quote


def redis_server_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if found is None:
        raise RuntimeError("redis-server is not installed; run `make system-deps` "
                           "(scripts/install-system-deps.sh) first.")
    return found


class RedisServer:
    """One redis-server process on 127.0.0.1:`port`, working in a temporary directory."""

    def __init__(self) -> None:
        self.binary = redis_server_binary()
        self.root = Path(tempfile.mkdtemp(prefix="chatbank-redis-"))
        self.log_path = self.root / "server.log"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.pid_path = self.root / "redis.pid"
        self._watchdog = Watchdog(
            f"kill -9 $(cat {quote(str(self.pid_path))}) 2>/dev/null; "
            f"{quote('rm', '-rf', str(self.root))}")

    @property
    def url(self) -> str:
        return self.url_for_db(0)

    def url_for_db(self, db: int) -> str:
        """The URL of one of the server's 16 keyspaces (pub/sub channels are server-wide)."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        """A synchronous client, for tests that inspect or prepare the server directly."""
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def _spawn(self) -> bool:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.root), "--daemonize", "no",
             "--protected-mode", "no", "--pidfile", str(self.pid_path)],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.root)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # most likely the port was taken meanwhile
            with contextlib.suppress(redis.RedisError), self.client() as client:
                if client.ping():
                    return True
            time.sleep(0.02)
        self._terminate()
        raise RuntimeError(f"redis-server did not answer on port {self.port}: "
                           f"{self.log_path.read_text()[-2000:]}")

    def start(self) -> RedisServer:
        for _attempt in range(3):
            self.port = free_port()
            if self._spawn():
                return self
        raise RuntimeError(f"redis-server did not start: {self.log_path.read_text()[-2000:]}")

    def crash(self) -> None:
        """Kill the server (SIGKILL: all data is lost and every client connection drops)."""
        self._terminate(kill=True)

    def start_again(self) -> None:
        """Start a crashed server again, empty, on the same port."""
        if not self._spawn():
            raise RuntimeError(f"redis-server did not restart on port {self.port}: "
                               f"{self.log_path.read_text()[-2000:]}")

    def restart(self) -> None:
        """Crash the server and start it again on the same port."""
        self.crash()
        self.start_again()

    def _terminate(self, kill: bool = False) -> None:
        if self.proc is not None and self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        self._terminate()
        shutil.rmtree(self.root, ignore_errors=True)
        self._watchdog.disarm()


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started Redis server that is stopped and deleted on exit, even after errors."""
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.stop()


_shared: RedisServer | None = None


def shared_redis(config: pytest.Config) -> RedisServer:
    """The test process's one Redis, started on first use and stopped when pytest ends."""
    global _shared
    if _shared is None:
        server = RedisServer()
        config.add_cleanup(server.stop)
        _shared = server.start()
    return _shared


@pytest.fixture(scope="session")
def redis_server(request: pytest.FixtureRequest) -> RedisServer:
    """The session's throwaway Redis (tests that crash Redis use `running_redis` instead)."""
    return shared_redis(request.config)
