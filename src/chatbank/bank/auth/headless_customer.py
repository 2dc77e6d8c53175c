"""Sandbox only: the customer's browser at the bank as plain form posts, for tests and benches.

The journey (sign in, pass SCA with the one-time code the sandbox shows on screen, answer the
consent) is written once, free of I/O: a generator yields each request as a `Step` with the
status the bank must answer, and is sent back the bank's response. `run_journey` drives it
with an `httpx.Client`, `run_journey_async` with an `httpx.AsyncClient`. The bank sees exactly
what a browser would send; nothing at the bank is bypassed.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

import httpx

from chatbank.bank.seed import SANDBOX_PASSWORD

T = TypeVar("T")


class JourneyError(RuntimeError):
    """A step of a bank journey did not answer as a browser expects."""


@dataclass(frozen=True, slots=True)
class Step:
    """One request of the journey and the status the bank must answer it with."""

    method: str
    path: str
    expect: int
    what: str
    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


Journey = Generator[Step, httpx.Response, T]


def field_value(html: str, name: str) -> str:
    """The value of the page's hidden form field `name`."""
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    if match is None:
        raise JourneyError(f"the bank's page has no {name!r} field")
    return match.group(1)


def sign_in_steps(login: str, password: str = SANDBOX_PASSWORD) -> Journey[None]:
    """Password, then the sandbox one-time code read off the SCA page."""
    yield Step("POST", "/login", 303, "bank sign-in", data={"login": login, "password": password})
    page = (yield Step("GET", "/sca", 200, "bank SCA page")).text
    code = re.search(r'id="sandbox-code">(\d{6})<', page)
    if code is None:
        raise JourneyError("the bank's SCA page shows no sandbox code")
    yield Step("POST", "/sca", 303, "bank SCA",
               data={"code": code.group(1), "csrf": field_value(page, "csrf")})


def consent_steps(client_id: str, request_uri: str, login: str, decision: str = "approve",
                  accounts: list[str] | None = None) -> Journey[str]:
    """From the pushed authorisation request to the answer; returns the redirect location.
    `accounts` defaults to the first account the consent page offers."""
    yield Step("GET", "/as/authorize", 303, "bank authorize",
               params={"client_id": client_id, "request_uri": request_uri})
    yield from sign_in_steps(login)
    page = (yield Step("GET", "/consent", 200, "bank consent page")).text
    offered = re.findall(r'name="accounts" value="([^"]+)"', page)
    answer = yield Step("POST", "/consent", 303, "bank consent", data={
        "decision": decision, "csrf": field_value(page, "csrf"),
        "request_uri": field_value(page, "request_uri"), "binding": field_value(page, "binding"),
        "accounts": accounts if accounts is not None else offered[:1]})
    return answer.headers["location"]


def redirect_query(location: str) -> dict[str, str]:
    """The query of the bank's redirect back (code and state, or error)."""
    return {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}


def _checked(response: httpx.Response, step: Step) -> httpx.Response:
    if response.status_code != step.expect:
        raise JourneyError(f"{step.what}: HTTP {response.status_code} {response.text[:300]}")
    return response


def run_journey(browser: httpx.Client, journey: Journey[T]) -> T:
    """Make the journey's requests with `browser` (its base URL is the bank's)."""
    try:
        step = next(journey)
        while True:
            response = browser.request(step.method, step.path, params=step.params,
                                       data=step.data)
            step = journey.send(_checked(response, step))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def run_journey_async(browser: httpx.AsyncClient, journey: Journey[T]) -> T:
    """`run_journey` for an `httpx.AsyncClient`."""
    try:
        step = next(journey)
        while True:
            response = await browser.request(step.method, step.path, params=step.params,
                                             data=step.data)
            step = journey.send(_checked(response, step))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
