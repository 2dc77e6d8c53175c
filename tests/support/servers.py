"""Real servers on free loopback ports, for end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from chatbank.web.app import WEBSOCKET_SERVER_OPTIONS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not come up in {timeout_s} s")


class ServerThread:
    """Runs an ASGI app under uvicorn in a background thread with its own event loop."""

    def __init__(self, app: FastAPI, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on",
            **WEBSOCKET_SERVER_OPTIONS))
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve())

    def start(self, health_path: str = "/healthz") -> ServerThread:
        self.thread.start()
        wait_until_up(self.url + health_path)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


class ServerProcess:
    """A `chatbank` CLI server in its own process, which tests can kill and restart."""

    def __init__(self, args: list[str], env: dict[str, str], port: int, log_path: Path,
                 health_path: str = "/healthz") -> None:
        self.args, self.env, self.port, self.log_path = args, env, port, log_path
        self.health_path = health_path
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 90.0) -> ServerProcess:
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the handle
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "chatbank.cli.main", *self.args],
                env={**os.environ, **self.env}, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                wait_until_up(self.url + self.health_path, timeout_s=2)
                return self
            except RuntimeError:
                continue
        self.kill()
        tail = self.log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"server {self.args} did not come up on {self.url}:\n{tail}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            self.kill()
