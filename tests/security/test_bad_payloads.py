"""Hostile bodies at the platform and the bank: a coded refusal, never a 5xx, nothing stored.

Bodies: nesting deep enough to exhaust a recursive parser (inside the size limit), a body over
the limit, huge strings, a number too long to parse, invalid UTF-8, JSON under the wrong
content type, and empty / `null` bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.contract.tpp import AISP, PISP, Tpp
from tests.support.linking import PlatformUser
from tests.support.stack import Stack

HOSTILE = {
    "deep_arrays": b"[" * 30_000 + b"]" * 30_000,
    "deep_in_a_field": b'{"text": ' + b"[" * 25_000 + b"]" * 25_000 + b"}",
    "over_the_limit": json.dumps({"text": "x" * 200_000}).encode(),
    "huge_string": json.dumps({"text": "x" * 60_000, "client_id": "y" * 2_000}).encode(),
    "endless_number": b'{"text": ' + b"9" * 50_000 + b"}",
    "not_utf8": b'{"text": "\xff\xfe"}',
    "empty": b"",
    "null": b"null",
}
PLATFORM_CODES = {"malformed_json", "invalid_request", "payload_too_large"}
BANK_CODES = {"malformed_json", "payload_too_large", "field_missing", "field_invalid",
              "field_unexpected"}


@pytest.fixture(scope="module")
def tester(stack: Stack) -> Iterator[PlatformUser]:
    user = PlatformUser.sign_up(stack.platform_url, "Payload Tester")
    yield user
    user.http.close()


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_platform_refuses_hostile_bodies_with_a_code_and_stores_nothing(
        tester: PlatformUser, content_type: str) -> None:
    http = tester.http
    chat = http.get("/api/v1/conversations").json()["conversations"][0]["id"]
    before = http.get(f"/api/v1/conversations/{chat}/messages").json()
    wrong = {}
    for name, body in HOSTILE.items():
        for method, path in (("POST", f"/api/v1/conversations/{chat}/messages"),
                             ("PATCH", "/api/v1/me"), ("POST", "/api/v1/payments")):
            answer = http.request(method, path, content=body, headers={
                "Content-Type": content_type, "X-CSRF-Token": tester.csrf})
            if not (400 <= answer.status_code < 500
                    and answer.json()["error"]["code"] in PLATFORM_CODES):
                wrong[(name, path)] = (answer.status_code, answer.text[:100])
    assert wrong == {}
    assert http.get(f"/api/v1/conversations/{chat}/messages").json() == before
    assert http.get("/api/v1/me").json()["user"]["display_name"] == "Payload Tester"


def test_an_unparseable_body_is_malformed_json_however_it_fails(tester: PlatformUser) -> None:
    for body in (HOSTILE["deep_arrays"], HOSTILE["not_utf8"], b'{"display_name": '):
        answer = tester.http.patch("/api/v1/me", content=body, headers={
            "Content-Type": "application/json", "X-CSRF-Token": tester.csrf})
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, "malformed_json")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bank_refuses_hostile_bodies_in_the_ob_error_shape_and_stores_nothing(
        stack: Stack, name: str) -> None:
    bank = stack.banks["northbank"]
    tpp = Tpp.register(bank.url, name="Hostile TPP")
    try:
        consents = bank.row_count("ob_consents")
        answers = [
            tpp.http.post(f"{AISP}/account-access-consents", content=HOSTILE[name], headers={
                "Authorization": f"Bearer {tpp.client_token('accounts')}",
                "Content-Type": "application/json"}),
            tpp.signed_post(f"{PISP}/domestic-payment-consents", HOSTILE[name],
                            tpp.client_token("payments"))]
        for answer in answers:
            assert answer.status_code == 400, answer.text
            body = answer.json()
            assert body["Code"] in BANK_CODES, body
            assert body["Errors"][0]["ErrorCode"].startswith("UK.OBIE."), body
        assert bank.row_count("ob_consents") == consents
    finally:
        tpp.close()


def test_bank_token_endpoint_refuses_garbage_with_an_oauth_error(stack: Stack) -> None:
    bank = stack.banks["northbank"]
    with httpx.Client(base_url=bank.url, timeout=30.0) as http:
        for body, content_type in ((HOSTILE["deep_arrays"], "application/json"),
                                   (b"grant_type=" + b"x" * 60_000,
                                    "application/x-www-form-urlencoded"),
                                   (HOSTILE["not_utf8"], "application/x-www-form-urlencoded")):
            answer = http.post("/as/token", content=body, headers={"Content-Type": content_type})
            assert 400 <= answer.status_code < 500, answer.text
