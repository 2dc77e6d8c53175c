"""Short-lived credentials and dynamic linking: codes ≤ 60 s, request URIs, payment binding."""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.contract.banks import RunningBank, running_bank
from tests.contract.tpp import PISP, REDIRECT_URI, Tpp, field_value, sign_in


@pytest.fixture(scope="module")
def hasty_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBank]:
    """A bank whose codes live 1 s and pushed requests 2 s."""
    with running_bank(tmp_path_factory.mktemp("hasty"), name="Hastybank", code_ttl_s=1,
                      par_ttl_s=2) as started:
        yield started


def test_codes_expire_and_request_uris_expire_and_are_single_use(hasty_bank: RunningBank) -> None:
    tpp = Tpp.register(hasty_bank.url)
    try:
        answer = tpp.authorise(tpp.create_account_consent())
        time.sleep(1.5)
        late = tpp.token_request(grant_type="authorization_code", code=answer["code"],
                                 redirect_uri=REDIRECT_URI, code_verifier=answer["verifier"])
        assert late.status_code == 400 and "expired" in late.json()["error_description"]
        pushed = tpp.push(tpp.create_account_consent(), "accounts", secrets.token_urlsafe(48),
                          "s").json()["request_uri"]
        time.sleep(2.5)
        stale = httpx.get(f"{hasty_bank.url}/as/authorize",
                          params={"client_id": tpp.client_id, "request_uri": pushed})
        assert stale.status_code == 400
    finally:
        tpp.close()


def payment_consent(bank: RunningBank, tpp: Tpp, amount: str) -> str:
    payee = bank.accounts("bob")[0]
    return tpp.create_payment_consent({
        "InstructionIdentification": uuid.uuid4().hex[:16], "EndToEndIdentification": "rent",
        "InstructedAmount": {"Amount": amount, "Currency": "GBP"},
        "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                            "Identification": payee.scheme_identification, "Name": "Bob Brown"}})


def test_payment_page_shows_amount_and_payee_and_approval_is_bound_to_them(
        bank: RunningBank, tpp: Tpp) -> None:
    consent_id = payment_consent(bank, tpp, "42.10")
    pushed = tpp.push(consent_id, "payments", secrets.token_urlsafe(48), "s").json()
    with httpx.Client(base_url=bank.url) as browser:
        browser.get("/as/authorize", params={"client_id": tpp.client_id,
                                             "request_uri": pushed["request_uri"]})
        sign_in(browser, "alice")
        page = browser.get("/consent").text
        assert "£42.10" in page and "Bob Brown" in page
        forged = browser.post("/consent", data={
            "decision": "approve", "csrf": field_value(page, "csrf"),
            "request_uri": pushed["request_uri"], "binding": "0" * 64,
            "accounts": bank.account_ids("alice")[0]})
        assert forged.status_code == 400 and "changed" in forged.text
        replay_other_request = browser.post("/consent", data={
            "decision": "approve", "csrf": field_value(page, "csrf"),
            "request_uri": "urn:someone-else", "binding": field_value(page, "binding")})
        assert replay_other_request.status_code == 403
    token = tpp.client_token("payments")
    status = tpp.http.get(f"{PISP}/domestic-payment-consents/{consent_id}",
                          headers={"Authorization": f"Bearer {token}"}).json()["Data"]["Status"]
    assert status == "AwaitingAuthorisation"
