"""WAL checkpoints off the writer's path: the log is copied back and starts over, bounded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chatbank.db.wal_checkpointer import WalCheckpointer

ROW = "x" * 3000  # most of a page per row: every transaction adds frames


def _writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)")
    return conn


def _write(conn: sqlite3.Connection, checkpointer: WalCheckpointer | None,
           transactions: int) -> None:
    for _ in range(transactions):
        with conn:
            conn.executemany("INSERT INTO t (body) VALUES (?)", [(ROW,)] * 8)
        if checkpointer is not None:
            checkpointer.nudge()
            if checkpointer.tail_due():
                checkpointer.checkpoint_tail(conn)


def _frames_in_log(path: Path, page_size: int = 4096) -> int:
    wal = path.with_name(path.name + "-wal")
    return (wal.stat().st_size - 32) // (page_size + 24) if wal.exists() else 0


def test_the_log_is_copied_back_and_starts_over_while_the_writer_goes_on(
        tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = _writer(path)
    checkpointer = WalCheckpointer(str(path), pause_s=0.001, restart_frames=300)
    checkpointer.start()
    try:
        _write(conn, checkpointer, 1500)  # about 12,000 frames in all
    finally:
        checkpointer.stop()
    assert checkpointer.passes > 0
    # The file is reused from its start once a tail checkpoint caught up: it stays near the
    # restart threshold (plus what one pass lets through), not the 12,000 frames written.
    assert _frames_in_log(path) < 3000
    reader = sqlite3.connect(path)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (12000,)
    reader.close()
    conn.close()


def test_without_checkpoints_the_log_grows_with_every_write(tmp_path: Path) -> None:
    """The control: the same writes with automatic checkpoints off and no checkpointer."""
    path = tmp_path / "db.sqlite"
    conn = _writer(path)
    _write(conn, None, 1500)
    assert _frames_in_log(path) > 10000
    conn.close()


def test_stopping_twice_and_nudging_after_stop_are_harmless(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conn = _writer(path)
    checkpointer = WalCheckpointer(str(path))
    checkpointer.start()
    _write(conn, checkpointer, 3)
    checkpointer.stop()
    checkpointer.stop()
    checkpointer.nudge()
    conn.close()
