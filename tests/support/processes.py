"""The platform and a sandbox bank as separate OS processes that a test can SIGKILL and restart,
and a gateway in front of the bank that can kill a process at an exact point of a request.

The gateway is a real HTTP reverse proxy (the bank's public URL points at it, as a bank's API
gateway would be): it forwards every request unchanged, except that a one-shot `Trip` can run an
action (kill the platform, kill the bank) before forwarding or after the bank answered, and then
answer 504 in the bank's place, which is what a client sees when a bank times out.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httpx
from fastapi import FastAPI, Request, Response

from chatbank.bank.app import prepare_bank
from chatbank.bank.settings import BankSettings
from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.connect.signing import RequestSigner
from tests.conftest import platform_settings
from tests.contract.banks import RunningBank
from tests.support.servers import ServerProcess, ServerThread, free_port
from tests.support.stack import Stack, register_platform_at

START_TIMEOUT_S = 180  # imports alone take many seconds on a loaded 2-core machine
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection", "keep-alive",
               "content-encoding"}


@dataclass
class Trip:
    """Once, for the first `method` request whose path ends with `path_suffix`: run `action`
    before forwarding it (`after=False`) or after the bank answered it (then answer 504)."""

    method: str
    path_suffix: str
    action: Callable[[], None]
    after: bool
    tripped: bool = False

    def matches(self, request: Request) -> bool:
        return (not self.tripped and request.method == self.method
                and request.url.path.endswith(self.path_suffix))


class BankGateway:
    """A reverse proxy on its own port in front of one bank."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.trip: Trip | None = None
        self.server = ServerThread(self._app(), port=free_port())
        self.url = self.server.url

    def _app(self) -> FastAPI:
        app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @app.get("/__gateway")
        async def alive() -> dict[str, str]:
            return {"status": "ok"}

        @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
        async def forward(request: Request) -> Response:
            return await self.forward(request)

        return app

    async def forward(self, request: Request) -> Response:
        body = await request.body()  # before a trip may kill the client
        trip = self.trip if self.trip is not None and self.trip.matches(request) else None
        if trip is not None:
            trip.tripped = True
            if not trip.after:
                await asyncio.to_thread(trip.action)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_HEADERS]
        try:
            async with httpx.AsyncClient(timeout=30.0) as client:
                answer = await client.request(
                    request.method, self.upstream + request.url.path,
                    params=request.query_params, headers=headers, content=body)
        except httpx.TransportError:  # the bank is down
            return Response(b'{"error": "bad_gateway"}', 502, media_type="application/json")
        if trip is not None and trip.after:
            await asyncio.to_thread(trip.action)  # the bank executed; its answer is lost
            return Response(b'{"error": "gateway_timeout"}', 504,
                            media_type="application/json")
        response = Response(answer.content, answer.status_code)
        response.raw_headers.extend(
            (k.encode(), v.encode()) for k, v in answer.headers.multi_items()
            if k.lower() not in HOP_HEADERS)
        return response


@dataclass
class KillableStack:
    """The platform and Northbank as processes, Northbank behind its gateway."""

    stack: Stack
    platform: ServerProcess
    bank: ServerProcess
    gateway: BankGateway


def bank_process(data_dir: Path, name: str, prefix: str,
                 gateway: BankGateway) -> tuple[ServerProcess, RunningBank]:
    """A migrated, seeded bank served by `chatbank bank serve`, public at the gateway's URL."""
    port = int(gateway.upstream.rsplit(":", 1)[1])
    settings = BankSettings(name=name, port=port, data_dir=data_dir, public_url=gateway.url)
    report = asyncio.run(prepare_bank(settings, prefix))
    process = ServerProcess(
        ["bank", "serve", "--name", name, "--port", str(port), "--data-dir", str(data_dir),
         "--sort-code-prefix", prefix], {"CHATBANK_BANK_PUBLIC_URL": gateway.url}, port,
        data_dir / "bank.log")
    return process, RunningBank(gateway.url, settings, report)


@contextmanager
def killable_stack(root: Path) -> Iterator[KillableStack]:
    """`chatbank serve` and `chatbank bank serve` (Northbank) in their own processes."""
    with ExitStack() as cleanup:
        gateway = BankGateway(f"http://127.0.0.1:{free_port()}")
        gateway.server.start("/__gateway")
        cleanup.callback(gateway.server.stop)
        (root / "northbank").mkdir(parents=True, exist_ok=True)
        bank, running_bank = bank_process(root / "northbank", "Northbank", "20", gateway)
        bank.start(START_TIMEOUT_S)
        cleanup.callback(bank.stop)
        (root / "platform").mkdir(parents=True, exist_ok=True)
        probe = platform_settings(root / "platform")
        signer = RequestSigner.load_or_create(probe.data_dir / PLATFORM_SIGNING_KEY_FILE)
        entry = register_platform_at(running_bank, f"{probe.public_url}/connect/callback",
                                     f"{probe.public_url}/payments/callback", [signer.jwk])
        settings = probe.model_copy(update={"banks": json.dumps([entry])})
        port = int(probe.public_url.rsplit(":", 1)[1])
        platform = ServerProcess(["serve", "--port", str(port)], {
            "CHATBANK_DATA_DIR": str(settings.data_dir), "CHATBANK_MODE": "test",
            "CHATBANK_PUBLIC_URL": settings.public_url, "CHATBANK_BANKS": settings.banks or ""},
            port, root / "platform.log")
        platform.start(START_TIMEOUT_S)
        cleanup.callback(platform.stop)
        # Stack's server field is for in-process platforms; here the process is `platform`.
        stack = Stack(platform.url, settings, {"northbank": running_bank},
                      cast(ServerThread, None))
        yield KillableStack(stack, platform, bank, gateway)
