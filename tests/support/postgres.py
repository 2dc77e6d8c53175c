"""A throwaway PostgreSQL server for tests: Debian's initdb/pg_ctl in a temp dir on a free port.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the server runs as the
`postgres` OS user that the Debian package creates. Usage:

    with running_postgres() as server:
        url = server.create_database("platform")   # postgresql+asyncpg://...

or the session fixture `postgres_server` (import it into a conftest to use it; every conftest
that does shares the one server).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import free_port
from tests.support.watchdog import Watchdog, quote

SUPERUSER = "postgres"
RUN_AS = "postgres"  # the OS user that owns the cluster when the tests run as root
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Durability is worthless for a throwaway cluster; these make initdb and writes much faster.
SERVER_OPTIONS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                  "-c max_connections=200 -c shared_buffers=32MB")


def postgres_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL is not installed; run `make system-deps` "
                       "(scripts/install-system-deps.sh) first.")


def _temp_parent() -> str | None:
    """Where the cluster's directory goes: the usual temp dir, unless running as root with a
    temp dir that the `postgres` user cannot reach (e.g. TMPDIR under /root)."""
    if os.geteuid() != 0:
        return None
    parent = Path(tempfile.gettempdir()).resolve()
    reachable = all(p.stat().st_mode & 0o001 for p in (parent, *parent.parents))
    return None if reachable else "/tmp"  # noqa: S108 (mkdtemp: private dir)


class PostgresServer:
    """One PostgreSQL cluster on 127.0.0.1:`port`, living in a temporary directory."""

    def __init__(self) -> None:
        self.bin_dir = postgres_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="chatbank-pg-", dir=_temp_parent()))
        self.data_dir = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log_path = self.root / "server.log"
        self.port = 0
        self._owner: pwd.struct_passwd | None = None
        self._databases: set[str] = set()
        self._watchdog: Watchdog | None = None

    def _run_as_owner(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner.pw_name, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                              cwd=self.root)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.log_path.read_text() if self.log_path.exists() else ""
            raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{log[-4000:]}")

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            try:
                self._owner = pwd.getpwnam(RUN_AS)
            except KeyError:
                raise RuntimeError(f"PostgreSQL refuses to run as root and there is no "
                                   f"{RUN_AS!r} user; install Debian's postgresql package "
                                   f"(make system-deps) or run the tests unprivileged.") from None
            os.chown(self.root, self._owner.pw_uid, self._owner.pw_gid)
        self.socket_dir.mkdir()
        if self._owner is not None:
            os.chown(self.socket_dir, self._owner.pw_uid, self._owner.pw_gid)
        self._watchdog = Watchdog(self._cleanup_command())
        self._check(self._run_as_owner(
            "initdb", "-D", str(self.data_dir), "--auth=trust", f"--username={SUPERUSER}",
            "--encoding=UTF8", "--locale=C", "--no-sync"), "initdb")
        for _attempt in range(3):  # the free port can be taken between choosing and binding
            self.port = free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} "
                       f"-k {self.socket_dir} {SERVER_OPTIONS}")
            result = self._run_as_owner("pg_ctl", "-D", str(self.data_dir), "-o", options,
                                        "-l", str(self.log_path), "-w", "-t", "60", "start")
            if result.returncode == 0:
                return self
        self._check(result, "pg_ctl start")
        return self

    def _stop_args(self) -> list[str]:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate",
                   "-w", "-t", "30", "stop"]
        if self._owner is not None:
            command = ["runuser", "-u", self._owner.pw_name, "--", *command]
        return command

    def _cleanup_command(self) -> str:
        return f"{quote(*self._stop_args())}; {quote('rm', '-rf', str(self.root))}"

    def stop(self) -> None:
        """Stop the server (immediately: the data is thrown away) and delete its directory."""
        if (self.data_dir / "postmaster.pid").exists():
            subprocess.run(self._stop_args(), capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        if self._watchdog is not None:
            self._watchdog.disarm()

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run one SQL statement as the superuser and return its unaligned output."""
        result = subprocess.run(
            [str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
             SUPERUSER, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            capture_output=True, text=True, timeout=60, check=False)
        self._check(result, f"psql {sql!r}")
        return result.stdout.strip()

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self, prefix: str = "test") -> str:
        """Create a database with a name nobody else uses and return its URL."""
        return self.create_database(f"{prefix}_{uuid.uuid4().hex[:12]}")

    def create_database(self, name: str) -> str:
        """Create an empty database `name` (once) and return its SQLAlchemy asyncpg URL."""
        if not _NAME.match(name):
            raise ValueError(f"database names here are lower-case identifiers, not {name!r}")
        if name not in self._databases:
            self.psql(f'CREATE DATABASE "{name}"')
            self._databases.add(name)
        return self.url(name)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """A started PostgreSQL server that is stopped and deleted on exit, even after errors."""
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


_shared: PostgresServer | None = None


def shared_postgres(config: pytest.Config) -> PostgresServer:
    """The test process's one PostgreSQL, started on first use and stopped when pytest ends
    (however it ends), however many conftests import `postgres_server`."""
    global _shared
    if _shared is None:
        server = PostgresServer()
        config.add_cleanup(server.stop)
        _shared = server.start()
    return _shared


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> PostgresServer:
    """The session's throwaway PostgreSQL; tests create their own databases on it (pick names
    no other test directory uses, or call `fresh_database`)."""
    return shared_postgres(request.config)
