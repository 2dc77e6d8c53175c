"""Sandbox only: authorise an account-access consent without a browser, for scripts and demos.

It creates the same consent and tokens the browser journey would, for a "Sandbox CLI" client.
Real banks never offer this; the command refuses unless the bank runs in sandbox mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from chatbank.bank.books.sql_customers import SqlCustomers
from chatbank.bank.openbanking.consents import ACCOUNT_ACCESS, check_account_access_request
from chatbank.bank.openbanking.runtime import BankRuntime
from chatbank.core.clock import utc_now
from chatbank.core.errors import Forbidden, InvalidInput, NotFound

SANDBOX_CLIENT_NAME = "Sandbox CLI"
SANDBOX_REDIRECT = "http://127.0.0.1/sandbox-cli"


@dataclass(frozen=True)
class SandboxGrant:
    client_id: str
    client_secret: str | None
    consent_id: str
    account_ids: list[str]
    access_token: str
    refresh_token: str | None
    expires_in: int


async def grant_headlessly(bank: BankRuntime, login: str, permissions: list[str],
                           account_ids: list[str] | None, days: int = 90) -> SandboxGrant:
    """Register a client, create and authorise a consent for `login`, and issue its tokens."""
    if not bank.settings.sandbox:
        raise Forbidden("sandbox_only", "Headless grants exist only in sandbox mode.")
    async with bank.engine.connect() as conn:
        secrets = await SqlCustomers(conn).secrets_by_login(login)
    if secrets is None:
        raise NotFound("customer_not_found", f"No customer with login {login!r}.")
    customer_id = secrets.customer.id
    owned = [a.id for a in await bank.books.list_accounts(customer_id)]
    chosen = account_ids or owned
    if not chosen or any(a not in owned for a in chosen):
        raise InvalidInput("invalid_account_choice", f"{login} owns: {', '.join(owned)}.")
    expires_at = utc_now() + timedelta(days=days)
    check_account_access_request(permissions, expires_at, None, None)
    client, secret = await bank.clients.register(SANDBOX_CLIENT_NAME, [SANDBOX_REDIRECT])
    consent = await bank.consents.create(ACCOUNT_ACCESS, client.client_id,
                                         permissions=permissions, risk={},
                                         expires_at=expires_at)
    await bank.consents.authorise(consent.consent_id, customer_id, chosen)
    issued = await bank.server.issue_for_consent(client.client_id, "accounts",
                                                 consent.consent_id, customer_id)
    return SandboxGrant(client.client_id, secret, consent.consent_id, chosen,
                        issued.access_token, issued.refresh_token, issued.expires_in)
