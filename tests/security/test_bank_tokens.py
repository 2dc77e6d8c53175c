"""The bank's tokens and second factor under attack, over real HTTP against a running bank."""

from __future__ import annotations

import re

import httpx

from tests.contract.banks import RunningBank
from tests.contract.test_pisp_contract import bearer, initiation
from tests.contract.tpp import AISP, PISP, SANDBOX_PASSWORD, Tpp, field_value

GUESSED = "bob"  # only this test signs in as bob: the lock-out must not hit the others


def test_a_replayed_refresh_token_kills_every_token_of_that_consent(tpp: Tpp) -> None:
    stolen = tpp.tokens_for(tpp.create_account_consent())
    rotated = tpp.token_request(grant_type="refresh_token", refresh_token=stolen["refresh_token"])
    assert rotated.status_code == 200
    replayed = tpp.token_request(grant_type="refresh_token", refresh_token=stolen["refresh_token"])
    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")
    assert tpp.http.get(f"{AISP}/accounts",
                        headers=bearer(rotated.json()["access_token"])).status_code == 401
    again = tpp.token_request(grant_type="refresh_token",
                              refresh_token=rotated.json()["refresh_token"])
    assert again.status_code == 400


def test_an_expired_or_unknown_refresh_token_revokes_nothing(tpp: Tpp) -> None:
    tokens = tpp.tokens_for(tpp.create_account_consent())
    unknown = tpp.token_request(grant_type="refresh_token", refresh_token="made-up-token")
    assert unknown.status_code == 400
    assert tpp.http.get(f"{AISP}/accounts",
                        headers=bearer(tokens["access_token"])).status_code == 200


def test_a_token_reads_only_what_its_own_consent_covers(bank: RunningBank, tpp: Tpp) -> None:
    first, second = bank.account_ids("alice")[:2]
    token_a = tpp.tokens_for(tpp.create_account_consent(), accounts=[first])["access_token"]
    tpp.tokens_for(tpp.create_account_consent(), accounts=[second])
    for account in (second, bank.account_ids("bob")[0]):
        for resource in ("", "/balances", "/transactions"):
            answer = tpp.http.get(f"{AISP}/accounts/{account}{resource}",
                                  headers=bearer(token_a))
            assert answer.status_code == 403, (account, resource, answer.text)
    listed = tpp.http.get(f"{AISP}/accounts", headers=bearer(token_a)).json()
    assert [a["AccountId"] for a in listed["Data"]["Account"]] == [first]
    assert tpp.http.get(f"{PISP}/domestic-payments/anything",
                        headers=bearer(token_a)).status_code in (401, 403)


def test_a_payment_token_cannot_pay_or_check_funds_under_another_consent(
        bank: RunningBank, tpp: Tpp) -> None:
    payer = bank.account_ids("alice")[0]
    order_a, order_b = initiation(bank, amount="1.00"), initiation(bank, amount="900.00")
    consent_a = tpp.create_payment_consent(order_a)
    consent_b = tpp.create_payment_consent(order_b)
    token_a = tpp.tokens_for(consent_a, scope="payments", accounts=[payer])["access_token"]
    tpp.tokens_for(consent_b, scope="payments", accounts=[payer])
    before = bank.available_minor("alice", payer)
    paid = tpp.signed_post(f"{PISP}/domestic-payments", {
        "Data": {"ConsentId": consent_b, "Initiation": order_b}, "Risk": {}}, token_a)
    assert paid.status_code in (400, 403), paid.text
    assert paid.json()["Errors"][0]["ErrorCode"].startswith("UK.OBIE.")
    funds = tpp.http.get(f"{PISP}/domestic-payment-consents/{consent_b}/funds-confirmation",
                         headers=bearer(token_a))
    assert funds.status_code in (400, 403), funds.text
    assert bank.available_minor("alice", payer) == before


def sca_page(browser: httpx.Client, login: str) -> tuple[str, str]:
    """Sign in with the password; returns (sandbox code shown, csrf) of the SCA page."""
    assert browser.post("/login", data={"login": login, "password": SANDBOX_PASSWORD}
                        ).status_code == 303
    page = browser.get("/sca").text
    shown = re.search(r'id="sandbox-code">(\d{6})<', page)
    assert shown, page
    return shown.group(1), field_value(page, "csrf")


def test_guessing_the_sca_code_is_stopped_and_the_right_code_is_then_refused(
        bank: RunningBank) -> None:
    with httpx.Client(base_url=bank.url, timeout=30.0) as browser:
        code, csrf = sca_page(browser, GUESSED)
        wrong = "000000" if code != "000000" else "111111"
        statuses = [browser.post("/sca", data={"code": wrong, "csrf": csrf}).status_code
                    for _ in range(8)]
        assert statuses[0] == 400 and statuses[-1] == 429
        assert browser.post("/sca", data={"code": code, "csrf": csrf}).status_code == 429
        assert browser.get("/dashboard").status_code != 200
    with httpx.Client(base_url=bank.url, timeout=30.0) as fresh_session:
        code, csrf = sca_page(fresh_session, GUESSED)
        again = fresh_session.post("/sca", data={"code": wrong, "csrf": csrf})
        assert again.status_code == 429, "a new sign-in must not reset the guess counter"
