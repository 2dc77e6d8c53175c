"""SQLite WAL checkpoints in a thread of their own, off the writer's path.

With SQLite's automatic checkpoints, the connection whose commit takes the log past 1,000
frames copies them into the database file and waits for two fsyncs inside that commit. On the
group-commit send path that was 45 % of the writer's time (measured on batches of 24 sends to
25 chats: 165 µs per message with automatic checkpoints, 90 µs without). So the writer's
connection turns them off and this thread runs PASSIVE checkpoints, which copy frames into the
database while the writer goes on appending new ones.

A passive checkpoint under steady writes never quite catches up with the newest frame, and
SQLite starts the log over only when a write transaction begins with every frame copied. So
once the log has grown past `restart_frames`, `tail_due()` asks the writer to run one
checkpoint itself between two batches: it copies only the frames written since this thread's
last pass, and the writer's next transaction starts the log from its beginning again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("chatbank.db")

DEFAULT_PAUSE_S = 0.2  # frames gather between passes: a page rewritten meanwhile is copied once
DEFAULT_RESTART_FRAMES = 4000  # about 16 MB of log at 4 KiB pages


class WalCheckpointer:
    """Runs `PRAGMA wal_checkpoint(PASSIVE)` after `nudge()`, at most once per `pause_s`."""

    def __init__(self, database: str, *, pause_s: float = DEFAULT_PAUSE_S,
                 restart_frames: int = DEFAULT_RESTART_FRAMES) -> None:
        self.database, self.pause_s, self.restart_frames = database, pause_s, restart_frames
        self.passes = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._tail_due = False
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpointer",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def nudge(self) -> None:
        """New frames were committed."""
        self._wake.set()

    def tail_due(self) -> bool:
        """Whether the writer should checkpoint once itself, so that the log starts over."""
        return self._tail_due

    def checkpoint_tail(self, writer: sqlite3.Connection) -> None:
        """Run by the writer between transactions, on its own connection."""
        self._tail_due = False
        writer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.database, isolation_level=None, check_same_thread=False)
        try:
            while not self._stopping.is_set():
                self._wake.wait()
                self._wake.clear()
                if self._stopping.is_set():
                    break
                self._checkpoint(conn)
                self._stopping.wait(self.pause_s)
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            _busy, frames, _copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as error:  # another checkpoint ran at the same moment: next pass
            log.warning("event=wal_checkpoint_failed error=%s", error)
            return
        self.passes += 1
        if frames >= self.restart_frames:
            self._tail_due = True
