"""Platform users paying each other in their chats while processes are SIGKILLed.

One payment, the way the web client makes it: create it in the direct chat with a client id
(re-sent with the same id when unanswered, and sometimes on purpose), ask the platform to
authorise it at the payer's bank, pass the bank's sign-in, SCA and consent pages (headless form
posts), land on the platform's callback (sometimes twice: a reload; sometimes Pay was clicked
twice and two approved authorisations land at once). A bank that dies during its pages, or a
platform that dies mid-callback, leaves the payment waiting: the client looks at it and
authorises it again (a new consent, the same payment) until it is pending or final; after
AUTHORISE_FOR_S it gives up and cancels it, as a user would.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass

import httpx

from chatbank.benchmarks._headless import JourneyError, at_the_bank
from chatbank.chaos.pay_model import PlatformAttempt, PlatformHistory
from chatbank.chaos.pay_world import Payer
from chatbank.chaos.retrying import Retrying

REPEAT_PROBABILITY = 0.3  # the create re-sent with the same client id (a double click)
RELOAD_PROBABILITY = 0.2  # the browser reloads the callback URL the bank sent it to
TWO_TABS_PROBABILITY = 0.15  # Pay clicked twice: two bank pages approved, landed at once
AUTHORISE_FOR_S = 300.0  # a bank restart on a loaded machine can take a minute or two
WAITING = ("draft", "awaiting_authorisation")


async def send(payer: Payer, method: str, path: str, retrying: Retrying,
               body: object = None, params: dict[str, str] | None = None) -> httpx.Response:
    """One platform call, re-sent unchanged until the platform answers (< 500)."""
    http, csrf = payer.user.http, payer.user.csrf
    response: httpx.Response = await retrying.run(lambda: http.request(
        method, path, json=body, params=params, headers={"X-CSRF-Token": csrf}),
        f"{method} {path}")
    return response


def error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"http {response.status_code}"


async def status_of(payer: Payer, payment_id: str, retrying: Retrying) -> str:
    response = await send(payer, "GET", f"/api/v1/payments/{payment_id}", retrying)
    response.raise_for_status()
    return str(response.json()["payment"]["status"])


def amount_text(minor: int) -> str:
    pounds, pence = divmod(minor, 100)
    return f"{pounds}.{pence:02d}"


@dataclass
class PayingClient:
    """One client of the platform: picks a payer and a payee at random, pays, records."""

    users: list[Payer]
    history: PlatformHistory
    retrying: Retrying
    rng: random.Random
    max_amount_minor: int
    journeys_failed: int = 0

    def _pair(self) -> tuple[Payer, Payer]:
        payer = self.rng.choice(self.users)
        others = [u for u in self.users if u is not payer]
        cross = [u for u in others if u.bank_id != payer.bank_id]
        same = [u for u in others if u.bank_id == payer.bank_id]
        use_cross = bool(cross) and (not same or self.rng.random() < 0.5)
        return payer, self.rng.choice(cross if use_cross else same)

    async def pay(self) -> None:
        payer, payee = self._pair()
        attempt = PlatformAttempt(uuid.uuid4().hex, payer.id, payee.id,
                                  self.rng.randint(1, self.max_amount_minor),
                                  payee.bank_id != payer.bank_id)
        self.history.attempts.append(attempt)
        body = {"conversation_id": payer.chats[payee.id], "payee_id": payee.id,
                "amount": amount_text(attempt.amount_minor), "note": "chaos",
                "client_id": attempt.client_id}
        for _ in range(2 if self.rng.random() < REPEAT_PROBABILITY else 1):
            made = await send(payer, "POST", "/api/v1/payments", self.retrying, body)
            if made.status_code != 201:
                attempt.refusals.append(error_code(made))
                return
            attempt.created.append(str(made.json()["payment"]["id"]))
        await self._authorise_until_settled(payer, attempt)

    async def _authorise_until_settled(self, payer: Payer, attempt: PlatformAttempt) -> None:
        """Until pending or final (then the platform carries it on); or give up and cancel."""
        deadline = time.monotonic() + AUTHORISE_FOR_S
        pause_s = 0.2
        while await self._authorise_once(payer, attempt) in WAITING:
            if attempt.refusals[-1:] == ["insufficient_funds"] or time.monotonic() > deadline:
                await self._cancel(payer, attempt)
                return
            await asyncio.sleep(pause_s)
            pause_s = min(pause_s * 2, 5.0)

    async def _cancel(self, payer: Payer, attempt: PlatformAttempt) -> None:
        cancelled = await send(payer, "POST", f"/api/v1/payments/{attempt.payment_id}/cancel",
                               self.retrying)
        if cancelled.status_code != 200:
            attempt.refusals.append(error_code(cancelled))

    async def _authorise_once(self, payer: Payer, attempt: PlatformAttempt) -> str:
        """Authorise at the bank and land on the callback; the payment's status afterwards.

        Sometimes Pay is clicked twice: two authorisations (two consents), both approved at the
        bank and landed at the same moment from two tabs; one pays, the other is refused."""
        payment_id = attempt.payment_id
        assert payment_id is not None
        tabs = 2 if self.rng.random() < TWO_TABS_PROBABILITY else 1
        urls = [await self._authorise(payer, payment_id, attempt) for _ in range(tabs)]
        answers = await asyncio.gather(*(self._at_the_bank(payer, url) for url in urls if url))
        await asyncio.gather(*(self._land(payer, answer, attempt) for answer in answers
                               if answer is not None))
        return await status_of(payer, payment_id, self.retrying)

    async def _authorise(self, payer: Payer, payment_id: str,
                         attempt: PlatformAttempt) -> str | None:
        """The platform's authorise: the bank page's URL, or None if it was refused."""
        started = await send(payer, "POST", f"/api/v1/payments/{payment_id}/authorise",
                             self.retrying, {"bank_id": payer.bank_id})
        if started.status_code != 200:
            attempt.refusals.append(error_code(started))
            return None
        return str(started.json()["authorize_url"])

    async def _at_the_bank(self, payer: Payer, url: str) -> dict[str, str] | None:
        """The bank's pages; None if the bank died during them."""
        try:
            return await at_the_bank(url, payer.login)
        except (httpx.HTTPError, JourneyError):
            self.journeys_failed += 1
            return None

    async def _land(self, payer: Payer, answer: dict[str, str],
                    attempt: PlatformAttempt) -> None:
        for _ in range(2 if self.rng.random() < RELOAD_PROBABILITY else 1):
            landed = await send(payer, "GET", "/payments/callback", self.retrying,
                                params=answer)
            attempt.landings.append(landed.headers.get("location", str(landed.status_code)))
