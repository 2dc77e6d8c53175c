"""Clean-up that happens even when the test process is killed (SIGKILL, a CI job cancelled).

Fixtures stop their servers on every normal exit, failures included; a process killed outright
runs no Python at all, so a tiny shell watches it and runs the clean-up command when it is gone.
"""

from __future__ import annotations

import os
import shlex
import subprocess


class Watchdog:
    """Runs `cleanup` (a shell command) once this test process has died, unless disarmed."""

    def __init__(self, cleanup: str) -> None:
        script = (f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; {cleanup}")
        self.proc = subprocess.Popen(
            ["sh", "-c", script], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)

    def disarm(self) -> None:
        """The clean-up happened normally: stop watching."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def quote(*words: str) -> str:
    return shlex.join(words)
