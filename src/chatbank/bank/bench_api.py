"""The bank's public paths under load: payments through the books, AISP reads over real HTTP.

`bench_bank_api(data_dir, seconds, requests_per_endpoint)` prepares a sandbox bank (migrated,
alice and bob seeded with 18 months of history) and measures:
- domestic payments per second through `BankBooks.domestic_transfer`, the use case the OB
  domestic-payments handler runs for every payment (one payment per call, each its own
  transaction with the books' statement rows), from 1 and from 8 concurrent clients;
- AISP latency p50/p99 over real HTTP: the bank runs as `chatbank bank serve` in its own
  process, and one client reads `/accounts`, `/accounts/{id}/balances` and
  `/accounts/{id}/transactions` with the access token of a consent authorised headlessly.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from chatbank.bank.app import build_runtime, load_signing_key, prepare_bank
from chatbank.bank.auth.sandbox_grant import grant_headlessly
from chatbank.bank.books import BankBooks, DomesticTransferRequest
from chatbank.bank.settings import BankSettings

AISP = "/open-banking/v3.1/aisp"
PERMISSIONS = ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail",
               "ReadTransactionsCredits", "ReadTransactionsDebits"]
CLIENTS = 8
START_TIMEOUT_S = 180.0  # imports alone take a long time on a loaded 2-core machine


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _payments_per_s(books: BankBooks, payer: tuple[str, str], payee: tuple[str, str],
                          clients: int, budget_s: float) -> tuple[float, float, int]:
    """(payments per second, CPU µs per payment, replayed) with `clients` concurrent payers
    of 1p each; the CPU is this process's, the books' writer thread included."""
    customer_id, account_id = payer
    sort_code, number = payee
    run = uuid.uuid4().hex[:8]
    started, cpu_started = time.perf_counter(), time.process_time()
    rejected = 0

    async def client(index: int) -> int:
        nonlocal rejected
        done = 0
        while time.perf_counter() - started < budget_s:
            outcome = await books.domestic_transfer(customer_id, DomesticTransferRequest(
                f"bench-{run}-{index}-{done}", account_id, sort_code, number, "Bob", 1, "GBP",
                "bench"))
            done += 1
            rejected += outcome.replayed
        return done

    total = sum(await asyncio.gather(*(client(i) for i in range(clients))))
    cpu_us = (time.process_time() - cpu_started) * 1e6 / max(total, 1)
    return total / (time.perf_counter() - started), cpu_us, rejected


@asynccontextmanager
async def _serving(settings: BankSettings, log: Path) -> AsyncIterator[str]:
    """`chatbank bank serve` for the prepared bank, in its own process; yields its URL."""
    with log.open("ab") as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "chatbank.cli.main", "bank", "serve", "--name", settings.name,
            "--port", str(settings.port), "--data-dir", str(settings.data_dir),
            "--customers", "alice,bob", stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        async with httpx.AsyncClient(base_url=settings.base_url, timeout=2.0) as http:
            while not await _answers(http):
                if proc.returncode is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the bank did not start; see {log}")
                await asyncio.sleep(0.1)
        yield settings.base_url
    finally:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def _answers(http: httpx.AsyncClient) -> bool:
    try:
        return (await http.get("/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


def _percentiles_ms(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2),
            "requests": len(samples)}


async def _aisp_latency(base_url: str, token: str, account_id: str,
                        per_endpoint: int) -> dict[str, dict[str, float]]:
    paths = {"accounts": f"{AISP}/accounts",
             "balances": f"{AISP}/accounts/{account_id}/balances",
             "transactions": f"{AISP}/accounts/{account_id}/transactions"}
    samples: dict[str, list[float]] = {name: [] for name in paths}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30.0) as http:
        for round_ in range(per_endpoint + 1):
            for name, path in paths.items():
                started = time.perf_counter()
                response = await http.get(path, headers={
                    "x-fapi-interaction-id": str(uuid.uuid4())})
                elapsed = time.perf_counter() - started
                response.raise_for_status()
                if round_:  # the first round warms connections and caches up
                    samples[name].append(elapsed)
    return {name: _percentiles_ms(values) for name, values in samples.items()}


async def bench_bank_api(data_dir: Path, seconds: float = 4.0,
                         per_endpoint: int = 100) -> dict[str, Any]:
    """Payments/s through the books and AISP latency over HTTP; see the module doc."""
    settings = BankSettings(name="Benchbank", port=_free_port(), data_dir=data_dir,
                            sandbox=True)
    report = await prepare_bank(settings, "20", ("alice", "bob"))
    alice, bob = report.customers
    runtime = build_runtime(settings, load_signing_key(settings))
    try:
        payee = next(a for a in await runtime.books.list_accounts(bob.customer_id))
        payer = (alice.customer_id, alice.account_ids[0])
        single, single_cpu, rejected_1 = await _payments_per_s(
            runtime.books, payer, (payee.sort_code, payee.account_number), 1, seconds / 2)
        many, many_cpu, rejected_8 = await _payments_per_s(
            runtime.books, payer, (payee.sort_code, payee.account_number), CLIENTS, seconds / 2)
        grant = await grant_headlessly(runtime, "alice", PERMISSIONS, [payer[1]])
    finally:
        await runtime.engine.dispose()
    async with _serving(settings, data_dir / "bench-bank.log") as base_url:
        latency = await _aisp_latency(base_url, grant.access_token, payer[1], per_endpoint)
    return {
        "payments_through_books_per_s": {"1_client": round(single, 1),
                                         f"{CLIENTS}_clients": round(many, 1)},
        "cpu_us_per_payment": {"1_client": round(single_cpu, 1),
                               f"{CLIENTS}_clients": round(many_cpu, 1)},
        "payments_replayed": rejected_1 + rejected_8,
        "aisp_latency_over_http": latency,
    }
