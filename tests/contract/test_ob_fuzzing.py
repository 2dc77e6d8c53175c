"""Schemathesis against the sandbox bank with the UK OB v3.1.11 documents, unmodified.

Every operation of the two documents that the bank implements (found by matching the
document's paths against the bank's own routes, so a new route is fuzzed without editing this
file) gets generated requests with real credentials: a client-credentials token for consent
resources, an access token for a real authorised consent for account data and payments, and a
detached JWS over the exact body bytes where the spec asks for one. Path ids are either the
real ones (so data responses are checked against the schema) or generated (error responses).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from starlette.routing import Match

from chatbank.bank.app import create_bank_app
from tests.contract.banks import RunningBank
from tests.contract.fuzzing import exercise, operations, send_with
from tests.contract.openapi_check import SPEC_FILES, shared_dir
from tests.contract.test_pisp_contract import initiation
from tests.contract.test_pisp_scheduled_contract import scheduled
from tests.contract.test_pisp_standing_order_contract import order as standing_order
from tests.contract.tpp import AISP, ALL_READS, PISP, Tpp

# Account data and payment execution need the customer's token; consent resources the client's.
CUSTOMER_TOKEN_PATHS = ("/accounts", "/party", "/domestic-payments",
                        "/domestic-payment-consents/{ConsentId}/funds-confirmation",
                        "/domestic-scheduled-payments", "/domestic-standing-orders")
CLIENT_ONLY = ("/domestic-payments/{DomesticPaymentId}",
               "/domestic-scheduled-payments/{DomesticScheduledPaymentId}",
               "/domestic-standing-orders/{DomesticStandingOrderId}")


@dataclass(frozen=True)
class Credentials:
    client: Tpp
    accounts_client: str
    payments_client: str
    accounts_user: str
    payments_user: str
    ids: dict[str, dict[str, str]]
    consent_of: dict[str, str]  # the ConsentId for each kind of consent resource

    def path_ids(self, prefix: str, path: str) -> dict[str, str]:
        real = {name: value for name, value in self.ids[prefix].items()
                if f"{{{name}}}" in path}
        if "ConsentId" in real:
            real["ConsentId"] = self.consent_of.get(path.split("/")[1], real["ConsentId"])
        return real

    def headers(self, case: Case, body: bytes) -> dict[str, str]:
        path = case.operation.path
        aisp = path.startswith(("/account-access-consents", "/accounts", "/party"))
        customer = path.startswith(CUSTOMER_TOKEN_PATHS) and not path.startswith(CLIENT_ONLY)
        if customer:
            token = self.accounts_user if aisp else self.payments_user
        else:
            token = self.accounts_client if aisp else self.payments_client
        headers = {"Authorization": f"Bearer {token}",
                   "x-fapi-interaction-id": str(uuid.uuid4())}
        if case.method.upper() == "POST":
            headers["x-idempotency-key"] = uuid.uuid4().hex
            headers["x-jws-signature"] = self.client.key.sign_detached(
                body, self.client.client_id, "openbanking.org.uk")
        return headers


@pytest.fixture(scope="module")
def credentials(bank: RunningBank) -> Iterator[Credentials]:
    client = Tpp.register(bank.url, name="Fuzzing TPP", method="client_secret_basic")
    try:
        yield authorised(bank, client)
    finally:
        client.close()


def authorised(bank: RunningBank, client: Tpp) -> Credentials:
    account_id = bank.account_ids("alice")[0]
    aisp = client.create_account_consent(ALL_READS)
    accounts_user = client.tokens_for(aisp, accounts=[account_id])["access_token"]
    spare = client.create_account_consent(["ReadBalances"])  # GET/DELETE may revoke this one
    order = initiation(bank, amount="1.00")
    executed = client.create_payment_consent(order)
    paid = client.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": executed, "Initiation": order}, "Risk": {}},
        client.tokens_for(executed, scope="payments", accounts=[account_id])["access_token"])
    assert paid.status_code == 201, paid.text
    waiting = client.create_payment_consent(initiation(bank, amount="2.00"))
    payments_user = client.tokens_for(waiting, scope="payments",
                                      accounts=[account_id])["access_token"]
    later = submitted(client, account_id, "/domestic-scheduled-payment",
                      scheduled(bank, 86_400))
    orders = submitted(client, account_id, "/domestic-standing-order", standing_order(bank,
                                                                                      86_400))
    ids = {AISP: {"AccountId": account_id, "ConsentId": spare},
           PISP: {"ConsentId": waiting,
                  "DomesticPaymentId": paid.json()["Data"]["DomesticPaymentId"],
                  "DomesticScheduledPaymentId": later["DomesticScheduledPaymentId"],
                  "DomesticStandingOrderId": orders["DomesticStandingOrderId"]}}
    consent_of = {"domestic-scheduled-payment-consents": later["ConsentId"],
                  "domestic-standing-order-consents": orders["ConsentId"]}
    return Credentials(client, client.client_token("accounts"), client.client_token("payments"),
                       accounts_user, payments_user, ids, consent_of)


def submitted(client: Tpp, account_id: str, resource: str,
              order: dict[str, Any]) -> dict[str, Any]:
    """A consent for `resource` authorised by alice and submitted (future-dated)."""
    consent = client.signed_post(f"{PISP}{resource}-consents", {
        "Data": {"Permission": "Create", "Initiation": order}, "Risk": {}},
        client.client_token("payments"))
    assert consent.status_code == 201, consent.text
    consent_id = consent.json()["Data"]["ConsentId"]
    user = client.tokens_for(consent_id, scope="payments", accounts=[account_id])
    done = client.signed_post(f"{PISP}{resource}s", {
        "Data": {"ConsentId": consent_id, "Initiation": order}, "Risk": {}},
        user["access_token"])
    assert done.status_code == 201, done.text
    return dict(done.json()["Data"])


def implemented(bank: RunningBank, prefix: str, schema: BaseSchema) -> list[APIOperation]:
    """The document's operations that one of the bank's routes answers."""
    routes = create_bank_app(bank.settings).router.routes
    found = []
    for operation in operations(schema):
        path = prefix + operation.path.replace("{", "").replace("}", "")
        scope = {"type": "http", "path": path, "method": operation.method.upper(),
                 "root_path": "", "headers": [], "query_string": b""}
        if any(route.matches(scope)[0] is Match.FULL for route in routes):
            found.append(operation)
    return found


@pytest.mark.parametrize("prefix", sorted(SPEC_FILES))
def test_every_implemented_ob_operation_answers_within_the_spec(
        bank: RunningBank, credentials: Credentials, prefix: str) -> None:
    schema = schemathesis.openapi.from_path(shared_dir() / "openbanking" / SPEC_FILES[prefix])
    chosen = implemented(bank, prefix, schema)
    assert len(chosen) >= (13 if prefix.endswith("aisp") else 6)
    raw_send = send_with(credentials.client.http, credentials.headers, bank.url + prefix)
    seen: dict[str, set[int]] = {}

    def send(case: Case) -> httpx.Response:
        response = raw_send(case)
        seen.setdefault(case.operation.label, set()).add(response.status_code // 100)
        return response

    for operation in chosen:
        real = credentials.path_ids(prefix, operation.path)
        exercise(operation, send, examples=4, path_parameters=real)
        if real:
            exercise(operation, send, examples=2)
        exercise(operation, send, examples=2, mode=GenerationMode.NEGATIVE)
    # Error responses were checked against the document for every operation taking an id or
    # a body, and data responses for every one that reads (creating needs an accepted body).
    assert {label for label, classes in seen.items() if 4 in classes} >= {
        o.label for o in chosen if "{" in o.path or o.method.upper() == "POST"}
    assert {label for label, classes in seen.items() if 2 in classes} >= {
        o.label for o in chosen if o.method.upper() in ("GET", "DELETE")}
