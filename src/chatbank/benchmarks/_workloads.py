"""The chat workloads, run from the load-generator process against one server."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

import psutil
from websockets.asyncio.connection import broadcast

from chatbank.benchmarks._sockets import (
    CONNECT_CONCURRENCY,
    Endpoint,
    MemberSockets,
    open_socket,
    send_frame,
)
from chatbank.benchmarks._targets import Identity, Room

NS_PER_S = 1_000_000_000
RSS_SETTLE_S = 1.0
GIVE_UP_S = 3.0


class CpuMeter:
    """CPU share of the server process and of this one over a stretch of wall-clock time."""

    def __init__(self, server_pid: int) -> None:
        self.server = psutil.Process(server_pid)
        self.me = psutil.Process()

    def _cpu(self) -> tuple[float, float, float]:
        server, me = self.server.cpu_times(), self.me.cpu_times()
        return time.perf_counter(), server.user + server.system, me.user + me.system

    def __enter__(self) -> CpuMeter:
        self._start = self._cpu()
        return self

    def __exit__(self, *_exc: object) -> None:
        end = self._cpu()
        wall = max(end[0] - self._start[0], 1e-9)
        self.server_cpu_s = end[1] - self._start[1]
        self.client_cpu_s = end[2] - self._start[2]
        self.server_share = self.server_cpu_s / wall
        self.client_share = self.client_cpu_s / wall


async def closed_loop_throughput(endpoint: Endpoint, rooms: list[Room], cursors: dict[str, int],
                                 server_pid: int, warmup_s: float, duration_s: float,
                                 drain_timeout_s: float) -> dict[str, Any]:
    """Every member of every room sends, one message in flight each, for `duration_s`.

    A sender waits for its message without a timer of its own (a timer per message was a large
    share of the load generator's CPU): one watchdog releases every sender still waiting
    `drain_timeout_s` after the end. Frames go out through `broadcast` to the one socket, which
    writes synchronously (`send`'s async context manager was a tenth of the generator's CPU).
    """
    loop = asyncio.get_running_loop()
    async with MemberSockets(endpoint, rooms, cursors) as sockets:
        tracker = sockets.tracker
        start_ns = time.perf_counter_ns() + int(warmup_s * NS_PER_S)
        end_ns = start_ns + int(duration_s * NS_PER_S)
        run = uuid.uuid4().hex[:8]  # client ids must be new: a reused one is a retry

        async def sender(room: Room, member: Identity, index: int) -> None:
            ws, members = sockets.socket(room, member), len(room.members)
            for n in range(1_000_000_000):
                if time.perf_counter_ns() >= end_ns:
                    return
                key = f"{run}.{index}.{n}"
                done: asyncio.Future[bool] = loop.create_future()
                tracker.expect(key, members, time.perf_counter_ns(), done.set_result)
                broadcast((ws,), send_frame(room, key))
                await done

        senders = [(room, member) for room in rooms for member in room.members]
        watchdog = loop.call_later(warmup_s + duration_s + drain_timeout_s, tracker.abandon)
        with CpuMeter(server_pid) as cpu:
            await asyncio.gather(*(sender(room, member, i)
                                   for i, (room, member) in enumerate(senders)))
        watchdog.cancel()
        measured_all = len(tracker.completed_at_ns)  # everything the CPU meter saw, warm-up too
        await tracker.drain(drain_timeout_s)
        messages = tracker.completed_between(start_ns, end_ns)
    members = sum(len(room.members) for room in rooms) / len(rooms)
    return {"conversations": len(rooms), "members": len(rooms[0].members),
            "senders": len(senders), "messages": messages,
            "msgs_per_s": messages / duration_s,
            "deliveries_per_s": messages * members / duration_s,
            # CPU per message hardly depends on what else runs on the machine; msgs/s does.
            "server_cpu_us_per_msg": cpu.server_cpu_s * 1e6 / max(measured_all, 1),
            "client_cpu_us_per_msg": cpu.client_cpu_s * 1e6 / max(measured_all, 1),
            "errors": tracker.errors, "incomplete": len(tracker.pending),
            "server_cpu": cpu.server_share, "client_cpu": cpu.client_share}


def _percentile_ms(sorted_ns: list[int], fraction: float) -> float:
    if not sorted_ns:
        return float("nan")
    index = min(len(sorted_ns) - 1, max(0, round(fraction * len(sorted_ns)) - 1))
    return sorted_ns[index] / 1e6


async def open_loop_latency(endpoint: Endpoint, rooms: list[Room], cursors: dict[str, int],
                            server_pid: int, rate_per_s: float, duration_s: float,
                            drain_timeout_s: float) -> dict[str, Any]:
    """Messages due at a fixed rate, round-robin over the rooms' first members, never waiting
    for earlier ones; latency is measured from each message's due time at the other members.

    A server that cannot keep up would build an unbounded backlog, so offering stops once a
    message has waited `GIVE_UP_S`; receipts that never came count with the time waited for
    them, which makes the percentiles lower bounds (`saturated` says so).
    """
    total = max(1, int(rate_per_s * duration_s))
    period_ns = NS_PER_S / rate_per_s
    saturated, sent = False, 0
    async with MemberSockets(endpoint, rooms, cursors) as sockets:
        tracker = sockets.tracker
        first_due_ns = time.perf_counter_ns() + NS_PER_S // 5
        run = uuid.uuid4().hex[:8]
        with CpuMeter(server_pid) as cpu:
            for n in range(total):
                due_ns = first_due_ns + int(n * period_ns)
                delay_ns = due_ns - time.perf_counter_ns()
                if delay_ns > 0:
                    await asyncio.sleep(delay_ns / NS_PER_S)
                if tracker.oldest_wait_ns(time.perf_counter_ns()) > GIVE_UP_S * NS_PER_S:
                    saturated = True
                    break
                room = rooms[n % len(rooms)]
                key = f"{run}.{n}"
                tracker.expect(key, len(room.members), due_ns)
                await sockets.socket(room, room.members[0]).send(send_frame(room, key))
                sent += 1
            await tracker.drain(drain_timeout_s)
        missing = tracker.missing_waits_ns(time.perf_counter_ns())
        latencies = sorted(tracker.latencies_ns + missing)
    return {"offered_per_s": rate_per_s, "messages_due": total, "messages_sent": sent,
            "receipts": len(latencies) - len(missing), "receipts_missing": len(missing),
            "errors": tracker.errors, "saturated": saturated or bool(missing),
            "p50_ms": _percentile_ms(latencies, 0.50), "p99_ms": _percentile_ms(latencies, 0.99),
            "max_ms": latencies[-1] / 1e6 if latencies else float("nan"),
            "server_cpu": cpu.server_share, "client_cpu": cpu.client_share}


async def idle_socket_memory(endpoint: Endpoint, users: list[Identity], sockets_per_user: int,
                             server_pid: int) -> dict[str, Any]:
    """Server RSS growth per authenticated socket that is open and does nothing."""
    server = psutil.Process(server_pid)
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(identity: Identity) -> Any:
        async with limit:
            return await open_socket(endpoint, identity)

    # Warm the code paths (imports, pools, first allocations) before taking the baseline.
    for ws in await asyncio.gather(*(one(u) for u in users)):
        await ws.close()
    await asyncio.sleep(RSS_SETTLE_S)
    before = server.memory_info().rss
    opened = await asyncio.gather(*(one(u) for u in users for _ in range(sockets_per_user)))
    await asyncio.sleep(RSS_SETTLE_S)
    after = server.memory_info().rss
    with contextlib.suppress(Exception):
        await asyncio.gather(*(ws.close() for ws in opened), return_exceptions=True)
    return {"sockets": len(opened), "rss_before_bytes": before, "rss_after_bytes": after,
            "bytes_per_socket": (after - before) / len(opened)}
