"""The bank's authorisation server through real HTTP: PAR, pages, code + PKCE, tokens."""

from __future__ import annotations

import re
import secrets
import time

import httpx
import pyotp

from chatbank.bank.auth.server import s256
from chatbank.bank.books import demo_totp_secret
from chatbank.bank.openbanking.jws import sign_jwt
from tests.contract.banks import RunningBank
from tests.contract.tpp import AISP, REDIRECT_URI, Tpp, customer_journey, field_value, sign_in


def test_customer_approval_gives_tokens_that_read_only_the_picked_account(
        bank: RunningBank, tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    picked = bank.account_ids("alice")[0]
    tokens = tpp.tokens_for(consent_id, accounts=[picked])
    accounts = tpp.http.get(f"{AISP}/accounts", headers={
        "Authorization": f"Bearer {tokens['access_token']}"})
    assert accounts.status_code == 200, accounts.text
    assert [a["AccountId"] for a in accounts.json()["Data"]["Account"]] == [picked]
    assert "x-jws-signature" in accounts.headers


def test_code_is_single_use_and_replay_revokes_its_tokens(tpp: Tpp) -> None:
    answer = tpp.authorise(tpp.create_account_consent())
    form = {"grant_type": "authorization_code", "code": answer["code"],
            "redirect_uri": REDIRECT_URI, "code_verifier": answer["verifier"]}
    first = tpp.token_request(**form)
    assert first.status_code == 200
    replay = tpp.token_request(**form)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    token = first.json()["access_token"]
    after = tpp.http.get(f"{AISP}/accounts", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401


def test_wrong_pkce_verifier_is_refused_and_burns_the_code(tpp: Tpp) -> None:
    answer = tpp.authorise(tpp.create_account_consent())
    wrong = tpp.token_request(grant_type="authorization_code", code=answer["code"],
                              redirect_uri=REDIRECT_URI, code_verifier=secrets.token_urlsafe(48))
    assert wrong.json()["error"] == "invalid_grant"
    right = tpp.token_request(grant_type="authorization_code", code=answer["code"],
                              redirect_uri=REDIRECT_URI, code_verifier=answer["verifier"])
    assert right.status_code == 400


def test_pushed_requests_need_a_registered_redirect_s256_and_a_real_client(tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    base = {"response_type": "code", "scope": "openid accounts", "state": "s",
            "openbanking_intent_id": consent_id, "code_challenge": "a" * 43,
            "code_challenge_method": "S256", "redirect_uri": REDIRECT_URI}
    auth = httpx.BasicAuth(tpp.client_id, tpp.client_secret or "")
    assert tpp.http.post("/as/par", data=base, auth=auth).status_code == 201
    for change in ({"redirect_uri": "https://evil.example/cb"},
                   {"code_challenge_method": "plain"}, {"openbanking_intent_id": "aac_x"}):
        refused = tpp.http.post("/as/par", data={**base, **change}, auth=auth)
        assert refused.status_code == 400, (change, refused.text)
    wrong_secret = tpp.http.post("/as/par", data=base,
                                 auth=httpx.BasicAuth(tpp.client_id, "nope"))
    assert wrong_secret.status_code == 401
    page = tpp.http.get("/as/authorize", params={"client_id": tpp.client_id,
                                                 "request_uri": "urn:nope"})
    assert page.status_code == 400 and "cannot be used" in page.text


def test_refusal_redirects_with_access_denied_and_rejects_the_consent(tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent()
    answer = tpp.authorise(consent_id, decision="refuse")
    assert answer["error"] == "access_denied" and "code" not in answer
    token = tpp.client_token("accounts")
    status = tpp.http.get(f"{AISP}/account-access-consents/{consent_id}",
                          headers={"Authorization": f"Bearer {token}"}).json()["Data"]["Status"]
    assert status == "Rejected"


def test_refresh_rotates_and_revocation_stops_the_access_token(tpp: Tpp) -> None:
    tokens = tpp.tokens_for(tpp.create_account_consent())
    refreshed = tpp.token_request(grant_type="refresh_token",
                                  refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    fresh = refreshed.json()["access_token"]
    headers = {"Authorization": f"Bearer {fresh}"}
    assert tpp.http.get(f"{AISP}/accounts", headers=headers).status_code == 200
    revoked = tpp.http.post("/as/revoke", data={"token": fresh},
                            auth=httpx.BasicAuth(tpp.client_id, tpp.client_secret or ""))
    assert revoked.status_code == 200
    assert tpp.http.get(f"{AISP}/accounts", headers=headers).status_code == 401
    # (replaying the old refresh token also revokes the new pair: tests/security)
    reused = tpp.token_request(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert reused.status_code == 400


def test_private_key_jwt_clients_authenticate_with_a_signed_assertion(bank: RunningBank) -> None:
    client = Tpp.register(bank.url, method="private_key_jwt")
    try:
        assert client.client_secret is None
        tokens = client.tokens_for(client.create_account_consent())
        assert tokens["token_type"] == "Bearer"
    finally:
        client.close()


def test_discovery_and_jwks_describe_the_server(bank: RunningBank) -> None:
    meta = httpx.get(f"{bank.url}/.well-known/openid-configuration").json()
    assert meta["require_pushed_authorization_requests"] is True
    assert meta["code_challenge_methods_supported"] == ["S256"]
    keys = httpx.get(meta["jwks_uri"]).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "PS256"


def test_authenticator_app_code_passes_sca_and_wrong_codes_are_limited(
        bank: RunningBank, tpp: Tpp) -> None:
    with httpx.Client(base_url=bank.url) as browser:
        browser.post("/login", data={"login": "bob", "password": "bank-demo-pass"})
        page = browser.get("/sca").text
        csrf = field_value(page, "csrf")
        wrong = browser.post("/sca", data={"code": "000000", "csrf": csrf})
        assert wrong.status_code == 400 and "not right" in wrong.text
        code = pyotp.TOTP(demo_totp_secret("bob")).now()
        passed = browser.post("/sca", data={"code": code, "csrf": csrf})
        assert passed.status_code == 303 and passed.headers["location"] == "/dashboard"


def test_repeated_bad_passwords_are_rate_limited(bank: RunningBank) -> None:
    with httpx.Client(base_url=bank.url) as browser:
        statuses = [browser.post("/login", data={"login": "mallory", "password": "guess"})
                    .status_code for _ in range(5)]
    assert statuses[0] == 401 and statuses[-1] == 429


def test_consent_page_shows_plain_words_and_the_picked_accounts(bank: RunningBank,
                                                                tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent(["ReadBalances"])
    pushed = tpp.push(consent_id, "accounts", secrets.token_urlsafe(48), "st")
    with httpx.Client(base_url=bank.url) as browser:
        browser.get("/as/authorize", params={"client_id": tpp.client_id,
                                             "request_uri": pushed.json()["request_uri"]})
        sign_in(browser, "alice")
        page = browser.get("/consent").text
    assert "See your balances" in page and "Chatbank platform" in page
    assert len(re.findall(r'name="accounts"', page)) == len(bank.account_ids("alice"))


def test_pushed_request_may_be_a_signed_request_object(bank: RunningBank, tpp: Tpp) -> None:
    consent_id = tpp.create_account_consent(["ReadBalances"])
    verifier = secrets.token_urlsafe(48)
    request_object = sign_jwt(tpp.key, {
        "iss": tpp.client_id, "aud": bank.url, "exp": int(time.time()) + 300,
        "client_id": tpp.client_id, "response_type": "code", "redirect_uri": REDIRECT_URI,
        "scope": "openid accounts", "state": "ro-state", "nonce": "n-1",
        "code_challenge": s256(verifier), "code_challenge_method": "S256",
        "claims": {"id_token": {"openbanking_intent_id": {"value": consent_id,
                                                          "essential": True}}}})
    auth = httpx.BasicAuth(tpp.client_id, tpp.client_secret or "")
    pushed = tpp.http.post("/as/par", data={"request": request_object}, auth=auth)
    assert pushed.status_code == 201, pushed.text
    answer = customer_journey(bank.url, tpp.client_id, pushed.json()["request_uri"], "alice",
                              "approve", None)
    assert answer["state"] == "ro-state" and answer["code"]
    missing = tpp.http.post("/as/par", data={"scope": "openid accounts"}, auth=auth)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    forged = tpp.http.post("/as/par", data={"request": request_object[:-4] + "AAAA"}, auth=auth)
    assert forged.json()["error"] == "invalid_request_object"
