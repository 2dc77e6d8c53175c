"""Schemathesis against the platform's own OpenAPI document, as a real signed-up user.

Every documented operation gets generated valid and invalid requests over real HTTP: none may
answer 5xx, and every answer must be documented (status, content type, body). Logging out and
deleting the account are left out: they would end the session the fuzzing runs in (both are
covered through the real API in tests/e2e and tests/security).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from schemathesis import GenerationMode

from tests.contract.fuzzing import exercise, operations, send_with
from tests.support.api import PASSWORD, unique_handle

SESSION_ENDING = {"POST /api/v1/auth/logout", "POST /api/v1/privacy/delete-account",
                  "POST /api/v1/privacy/revoke-all"}


@pytest.fixture(scope="module")
def signed_in(platform_url: str) -> Iterator[tuple[httpx.Client, str]]:
    with httpx.Client(base_url=platform_url, timeout=30.0) as http:
        yield http, sign_up(http)


def sign_up(http: httpx.Client) -> str:
    body = http.post("/api/v1/auth/signup", json={
        "handle": unique_handle(), "display_name": "Fuzz Tester", "password": PASSWORD})
    assert body.status_code == 201, body.text
    http.cookies.clear()  # bearer only: no CSRF header needed, as an API client works
    return str(body.json()["token"])


def real_ids(http: httpx.Client, token: str) -> dict[str, str]:
    """A group with a friend and a message in it, so generated requests also hit real rows."""
    friend = http.get("/api/v1/me", headers={"Authorization": f"Bearer {sign_up(http)}"})
    me = {"Authorization": f"Bearer {token}"}
    group = http.post("/api/v1/conversations/group", headers=me, json={
        "title": "fuzz", "member_ids": [friend.json()["user"]["id"]]})
    assert group.status_code == 201, group.text
    chat = group.json()["conversation"]["id"]
    message = http.post(f"/api/v1/conversations/{chat}/messages", headers=me,
                        json={"client_id": "fuzz-1", "text": "hello"})
    assert message.status_code == 201, message.text
    return {"conversation_id": chat, "message_id": message.json()["message"]["id"],
            "user_id": friend.json()["user"]["id"]}


def platform_schema(http: httpx.Client) -> schemathesis.BaseSchema:
    document = http.get("/api/openapi.json")
    assert document.status_code == 200
    return schemathesis.openapi.from_dict(document.json())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx_or_off_the_document(signed_in: tuple[httpx.Client, str],
                                                      mode: GenerationMode) -> None:
    http, token = signed_in
    send = send_with(http, lambda _case, _body: {"Authorization": f"Bearer {token}"})
    ids = real_ids(http, token)
    exercised = []
    for operation in operations(platform_schema(http)):
        if operation.label in SESSION_ENDING:
            continue
        exercise(operation, send, examples=5 if mode is GenerationMode.POSITIVE else 3,
                 mode=mode)
        fixed = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
        if fixed and mode is GenerationMode.POSITIVE:
            exercise(operation, send, examples=3, path_parameters=fixed)
        exercised.append(operation.label)
    assert len(exercised) >= 40
    assert http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_every_operation_documents_the_coded_error_body(signed_in: tuple[httpx.Client, str]
                                                        ) -> None:
    http, token = signed_in
    document = http.get("/api/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            default = operation["responses"]["default"]["content"]["application/json"]
            assert default["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path)
    unknown = http.get("/api/v1/payments/no-such-payment",
                       headers={"Authorization": f"Bearer {token}"})
    assert unknown.status_code == 404
    assert set(unknown.json()["error"]) >= {"code", "message"}


