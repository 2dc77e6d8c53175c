"""The chat benchmark's load generator, run in its own process so that it does not share the
server's core: `python -m chatbank.benchmarks.load_generator` reads `{"target", "base_url",
"server_pid", "config"}` as JSON on stdin and writes its figures as JSON on stdout.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uvloop

from chatbank.benchmarks._config import ChatBenchConfig
from chatbank.benchmarks._processes import raise_file_limit
from chatbank.benchmarks._sockets import Endpoint
from chatbank.benchmarks._targets import ChatbankTarget, Identity, RawTarget, Room, Target
from chatbank.benchmarks._workloads import (
    closed_loop_throughput,
    idle_socket_memory,
    open_loop_latency,
)


def _progress(step: str) -> None:
    print(f"progress: {step}", file=sys.stderr, flush=True)  # the parent shows it


async def _rooms(target: Target, users: list[Identity], size: int, count: int) -> list[Room]:
    return [await target.create_room(users[i * size:(i + 1) * size]) for i in range(count)]


async def run_all(target: Target, server_pid: int, config: ChatBenchConfig) -> dict[str, Any]:
    """Every workload against one server, in an order that keeps them independent: idle-socket
    memory first (before traffic grows the heap), the history pass last."""
    results: dict[str, Any] = {}
    _progress(f"signing up {config.users_needed} users")
    endpoint = Endpoint(target.ws_url, config.deflate)
    started = time.perf_counter()
    users = await target.create_users(config.users_needed)
    results["setup_s"] = time.perf_counter() - started
    _progress(f"opening {config.idle_users * config.idle_sockets_per_user} idle sockets")
    results["memory"] = await idle_socket_memory(
        endpoint, users[:config.idle_users], config.idle_sockets_per_user, server_pid)
    cursors: dict[str, int] = {}
    pairs = await _rooms(target, users, 2, config.pairs)

    async def throughput(rooms: list[Room]) -> dict[str, Any]:
        return await closed_loop_throughput(endpoint, rooms, cursors, server_pid,
                                            config.warmup_s, config.duration_s,
                                            config.drain_timeout_s)

    _progress(f"throughput, {config.pairs} direct conversations")
    results["pairs"] = await throughput(pairs)
    for size in config.group_sizes:
        groups = await _rooms(target, users, size, config.groups_of(size))
        _progress(f"throughput, {len(groups)} groups of {size}")
        results[f"group_{size}"] = await throughput(groups)
    _progress(f"latency at {config.latency_rate_per_s:g} messages/s")
    results["latency"] = await open_loop_latency(
        endpoint, pairs, cursors, server_pid, config.latency_rate_per_s,
        config.latency_duration_s, config.drain_timeout_s)
    stored = sum(cursors.values())
    _progress("throughput again, after the run's history")
    results["pairs_after_history"] = {**await throughput(pairs), "stored_events": stored}
    return results


async def _main(request: dict[str, Any]) -> dict[str, Any]:
    config = ChatBenchConfig.from_json(request["config"])
    target: Target
    if request["target"] == "chatbank":
        target = ChatbankTarget(request["base_url"])
    else:
        target = RawTarget(request["base_url"])
    try:
        return await run_all(target, int(request["server_pid"]), config)
    finally:
        await target.close()


def main() -> None:
    request = json.loads(sys.stdin.read())
    config = ChatBenchConfig.from_json(request["config"])
    raise_file_limit(config.idle_users * config.idle_sockets_per_user + 1024)
    json.dump(uvloop.run(_main(request)), sys.stdout)


if __name__ == "__main__":
    main()
