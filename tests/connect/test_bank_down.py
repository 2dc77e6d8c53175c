"""A bank that is down gives a clear failure for that bank only, and the link survives it."""

from __future__ import annotations

import time

from tests.connect.bank_side import gateway_read
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


def test_reads_while_the_bank_is_down_fail_softly_and_keep_the_link(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    bank_server = stack.banks["northbank"].server
    assert bank_server is not None
    bank_server.stop()
    started = time.monotonic()
    result = gateway_read(stack.settings, user.user["id"])
    elapsed = time.monotonic() - started
    assert not result.answers
    (bank_name, error), = result.failures
    assert bank_name == "Northbank" and error.code == "bank_unavailable"
    assert "not answering" in error.message
    assert elapsed < 15  # connect timeout 2 s, three attempts with backoff
    assert [link["status"] for link in user.links()] == ["active"]
