"""Expired consents are refused; a bank that never answers is given up on in bounded time."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from chatbank.core.errors import ChatbankError
from tests.connect.bank_side import gateway_read
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


def test_an_expired_consent_is_refused_and_audited(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    past = (datetime.now(UTC) - timedelta(minutes=1)).replace(tzinfo=None)
    with sqlite3.connect(stack.settings.data_dir / "platform.db") as db:
        db.execute("UPDATE bank_links SET expires_at = ? WHERE id = ?",
                   (past.strftime("%Y-%m-%d %H:%M:%S.%f"), link["id"]))
    with pytest.raises(ChatbankError) as refused:
        gateway_read(stack.settings, user.user["id"])
    assert refused.value.code == "consent_expired"
    entry = user.http.get("/api/v1/privacy/access-log").json()["entries"][0]
    assert entry["allowed"] is False and entry["code"] == "consent_expired"


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts TCP connections and never answers (a bank that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        listener.close()


def test_a_bank_that_hangs_is_given_up_on_and_the_link_survives(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    with silent_server() as hanging_url:
        entries = json.loads(stack.settings.banks or "[]")
        entries[0]["base_url"] = hanging_url
        settings = stack.settings.model_copy(update={"banks": json.dumps(entries)})
        started = time.monotonic()
        result = gateway_read(settings, user.user["id"])
        elapsed = time.monotonic() - started
    assert not result.answers and result.failures[0][1].code == "bank_unavailable"
    assert elapsed < 30  # 5 s read timeout, three attempts with backoff
    assert [lnk["status"] for lnk in user.links()] == ["active"]
