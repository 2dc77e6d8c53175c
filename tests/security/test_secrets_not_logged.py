"""No secret reaches a log line while a user links a bank and pays another user.

Every logger of the process is captured while the whole flow runs over real HTTP: chatbank's
own (platform, bank, scheme) at DEBUG, libraries (httpx, uvicorn, ...) at INFO. Database
drivers' DEBUG output is left out: it echoes bound SQL parameters by design and must never be
switched on in production (docs/security.md). Then no line may hold a password, the platform's
client secret at the bank, a full account number, a session token, or anything shaped like
the bearer tokens both sides issue (256-bit url-safe, 43 characters).
"""

from __future__ import annotations

import json
import logging
import re
import threading

import pytest

from tests.payments.flows import authorise_at_bank, direct_chat, land, payment, ready_to_receive
from tests.support.api import PASSWORD
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack

BANK_PASSWORD = "bank-demo-pass"  # the sandbox customers' password
TOKEN_SHAPED = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")


def test_linking_and_paying_log_no_token_password_or_account_number(
        stack: Stack, new_user: NewUser, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="chatbank")
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    link_bank(stack, alice, purposes=("answer_account_questions", "make_payments_i_ask_for"))
    ready_to_receive(stack, bob, "bob")
    assert alice.http.get("/api/v1/links").status_code == 200
    chat = direct_chat(alice, bob)
    made = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": "3.21", "client_id": "log-check"})
    assert made.status_code == 201, made.text
    paid = made.json()["payment"]["id"]
    assert land(alice, authorise_at_bank(stack, alice, paid, "alice")).status_code == 303
    assert payment(alice, paid)["status"] in ("pending", "completed")

    # The test itself plays the browsers (its httpx logs show OAuth codes in redirect URLs, as
    # any browser history would); what matters is what the servers' threads log.
    lines = [record.getMessage() for record in caplog.records
             if record.thread != threading.main_thread().ident]
    assert len(lines) > 10, "nothing was logged: the capture is not working"
    text = "\n".join(lines)
    bank = stack.banks["northbank"]
    client_secrets = [entry["client_secret"] for entry in json.loads(stack.settings.banks)]
    numbers = [account.scheme_identification for who in ("alice", "bob")
               for account in bank.accounts(who)]
    secrets = [PASSWORD, BANK_PASSWORD, alice.token, bob.token, alice.csrf, *client_secrets,
               *numbers, *(n[-8:] for n in numbers)]
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []
    assert [line for line in lines if TOKEN_SHAPED.search(line)] == []
