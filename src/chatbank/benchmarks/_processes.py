"""Child processes of a benchmark: servers under test and the load generator.

Every child is started in a way that cannot outlive the benchmark: it is stopped on exit (also
on Ctrl-C or an error) and, on Linux, receives SIGTERM if the benchmark process dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

PR_SET_PDEATHSIG = 1
# Imports alone take 20 s on a busy 2-core machine.
STARTUP_TIMEOUT_S = 180.0


def free_port() -> int:
    """A TCP port on the loopback interface that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_file_limit(wanted: int) -> None:
    """Allow `wanted` open files and sockets (up to the hard limit); children inherit it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < ceiling:
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))


def _die_with_parent() -> None:
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(args: list[str], env: dict[str, str] | None = None, *, stdin: int | None = None,
          stdout: int | None = None, log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start `python -m …` with this interpreter; stderr goes to `log` when one is given."""
    stderr = log.open("ab") if log is not None else None
    try:
        return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, *args], env={**os.environ, **(env or {})}, stdin=stdin,
            stdout=stdout if stdout is not None else stderr, stderr=stderr,
            preexec_fn=_die_with_parent)
    finally:
        if stderr is not None:
            stderr.close()


def stop(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> None:
    """Ask the process to stop, then kill it if it does not within `timeout_s`."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)


def log_tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(no log)"


def _wait(ready: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], log: Path,
          timeout_s: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with code {proc.returncode} before {what}:\n"
                               f"{log_tail(log)}")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not happen within {timeout_s} s:\n{log_tail(log)}")


def _http_ok(url: str) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url, timeout=1.0).status_code < 500
    return False


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


@contextlib.contextmanager
def chatbank_server(data_dir: Path) -> Iterator[tuple[str, int]]:
    """`chatbank serve` on a free port with its SQLite data in `data_dir`: (base URL, pid)."""
    port = free_port()
    log = data_dir / "server.log"
    proc = spawn(["-m", "chatbank.cli.main", "serve", "--port", str(port)],
                 {"CHATBANK_DATA_DIR": str(data_dir), "CHATBANK_MODE": "test",
                  "CHATBANK_PUBLIC_URL": f"http://127.0.0.1:{port}"}, log=log)
    try:
        health = f"http://127.0.0.1:{port}/healthz"
        _wait(lambda: _http_ok(health), f"{health} answered", proc, log)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        stop(proc)


@contextlib.contextmanager
def raw_server(log_dir: Path) -> Iterator[tuple[str, int]]:
    """The bare `websockets` baseline on a free port: (base URL, pid)."""
    port = free_port()
    log = log_dir / "raw.log"
    proc = spawn(["-m", "chatbank.benchmarks.raw_server", str(port)], log=log)
    try:
        _wait(lambda: _listening(port), f"port {port} listened", proc, log)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        stop(proc)
