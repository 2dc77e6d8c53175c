"""The messaging workload: senders post with client ids over HTTP (retrying with the same id),
readers follow over WebSocket and reconnect at random (resuming from the last seq they saw),
while the fault injector SIGKILLs platform instances; then the checker."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from websockets.exceptions import WebSocketException

from chatbank.chaos.message_checks import Delivered, MessageHistory, Sent, check_messages
from chatbank.chaos.platform_world import PlatformUser, build_platform, start_platform
from chatbank.chaos.report import WorkloadReport
from chatbank.chaos.retrying import Retrying
from chatbank.chaos.supervisor import (
    Budget,
    FaultInjector,
    FaultPlan,
    Service,
    ensure_all_up,
    seeded_rng,
    stop_all,
)

CATCH_UP_TIMEOUT_S = 180.0
SOCKET_ERRORS = (OSError, TimeoutError, WebSocketException)


@dataclass(frozen=True)
class MessageChaosConfig:
    """Stop after `operations` messages (and the planned faults), or after `duration_s`."""

    label: str = "messages (SQLite)"
    operations: int = 60
    duration_s: float = 3600.0
    users: int = 4
    conversations: int = 2
    instances: int = 1
    database_url: str | None = None
    redis_url: str | None = None
    send_pause_max_s: float = 0.3
    faults: FaultPlan = field(default_factory=FaultPlan)


@dataclass
class Reader:
    """One member's socket: where it stands in each conversation, and what it received."""

    user: PlatformUser
    cursors: dict[str, int]
    frames: list[Delivered] = field(default_factory=list)
    reconnects: int = 0

    def caught_up(self, target: dict[str, int] | None) -> bool:
        return target is not None and all(self.cursors[c] >= s for c, s in target.items()
                                          if c in self.cursors)

    def take(self, frame: dict[str, Any]) -> None:
        conversation = frame.get("conversation_id")
        if frame.get("type") != "event" or conversation not in self.cursors:
            return
        payload = frame.get("payload") or {}
        message = payload if frame.get("kind") == "message.new" else {}
        self.frames.append(Delivered(conversation, int(frame["seq"]), str(frame["kind"]),
                                     message.get("id"), message.get("client_id"),
                                     message.get("sender_id")))
        self.cursors[conversation] = max(self.cursors[conversation], int(frame["seq"]))


async def follow(reader: Reader, services: list[Service], rng: random.Random,
                 target: dict[str, dict[str, int]]) -> None:
    """Read until caught up with `target['last']`; hang up after a random while, resume."""
    pause_s = 0.05
    while not reader.caught_up(target.get("last")):
        service = rng.choice(services)
        received = len(reader.frames)
        url = service.url.replace("http://", "ws://") + "/ws"
        with contextlib.suppress(*SOCKET_ERRORS):
            async with websockets.connect(url, open_timeout=10, additional_headers={
                    "Authorization": f"Bearer {reader.user.token}"}, max_size=2**22) as ws:
                await ws.send(json.dumps({"type": "resume", "cursors": reader.cursors}))
                hang_up_at = time.monotonic() + rng.uniform(0.3, 3.0)
                while not reader.caught_up(target.get("last")):
                    left = hang_up_at - time.monotonic()
                    if left <= 0:
                        break
                    reader.take(json.loads(await asyncio.wait_for(ws.recv(), left)))
        reader.reconnects += 1
        # Back off while the instance is down; come straight back after a planned hang-up.
        pause_s = 0.05 if len(reader.frames) > received else min(pause_s * 2, 1.0)
        await asyncio.sleep(rng.uniform(0.0, pause_s))


async def send_loop(users: list[PlatformUser], services: list[Service], budget: Budget,
                    history: MessageHistory, rng: random.Random, retrying: Retrying,
                    pause_max_s: float) -> None:
    """Post messages with fresh client ids; a lost answer is retried with the same id."""
    conversations = list(history.members)
    while budget.take():
        conversation = rng.choice(conversations)
        sender_id = rng.choice(history.members[conversation])
        sender = next(u for u in users if u.id == sender_id)
        client_id = uuid.uuid4().hex
        for _ in range(2 if rng.random() < 0.2 else 1):  # sometimes a deliberate duplicate
            answer = await sender.send(rng.choice(services), conversation, client_id, retrying)
            history.sent.append(Sent(conversation, sender.id, client_id, answer["id"],
                                     int(answer["seq"])))
        await asyncio.sleep(rng.uniform(0.0, pause_max_s))


async def _drive(users: list[PlatformUser], services: list[Service], history: MessageHistory,
                 config: MessageChaosConfig, rng: random.Random, report: WorkloadReport,
                 retrying: Retrying) -> None:
    injector = FaultInjector(services, config.faults, seeded_rng(rng.random()))
    faults = asyncio.create_task(injector.run(), name="fault-injector")
    budget = Budget(config.operations, time.monotonic() + config.duration_s, injector,
                    config.faults.max_faults or 0)
    target: dict[str, dict[str, int]] = {}
    readers = [Reader(u, {c: history.start_seq[c] for c, members in history.members.items()
                          if u.id in members}) for u in users]
    following = [asyncio.create_task(follow(r, services, seeded_rng(rng.random()), target))
                 for r in readers]
    try:
        await asyncio.gather(*(send_loop(users, services, budget, history,
                                         seeded_rng(rng.random()), retrying,
                                         config.send_pause_max_s) for _ in users))
    finally:
        injector.stop_soon()
        await faults
        report.faults, report.faults_by_service = injector.faults, dict(injector.by_service)
    await ensure_all_up(services)
    history.last_seq = {c: await users[0].last_seq(services[0], c, retrying)
                        for c in history.members}
    target["last"] = history.last_seq
    _, pending = await asyncio.wait(following, timeout=CATCH_UP_TIMEOUT_S)
    for task in pending:  # the checker reports what they never received
        task.cancel()
    history.received = {r.user.id: r.frames for r in readers}
    report.retries += sum(r.reconnects for r in readers)


async def run_message_chaos(root: Path, config: MessageChaosConfig,
                            seed: int) -> WorkloadReport:
    """Run the messaging workload under faults and check it."""
    started = time.monotonic()
    rng = seeded_rng(seed)
    report = WorkloadReport(config.label)
    services = build_platform(root, config.instances, config.database_url, config.redis_url)
    retrying = Retrying()
    history = MessageHistory()
    try:
        users = await start_platform(services, history, config.users, config.conversations,
                                     retrying)
        await _drive(users, services, history, config, rng, report, retrying)
        for user in users:
            await user.close()
    finally:
        await asyncio.to_thread(stop_all, services)
    report.checks, report.anomalies = check_messages(history)
    report.operations = len({(s.sender_id, s.client_id) for s in history.sent})
    report.acknowledged = len({s.message_id for s in history.sent})
    report.retries += retrying.retries
    report.seconds = time.monotonic() - started
    return report
