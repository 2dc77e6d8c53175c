"""Sizes of the chat benchmark, and its targets."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

TARGET_PAIR_MSGS_PER_S = 3000.0
TARGET_P99_MS = 50.0
TARGET_BYTES_PER_IDLE_SOCKET = 50 * 1024


@dataclass(frozen=True, slots=True)
class ChatBenchConfig:
    """How much load each workload offers; `quick()` shrinks it to a few seconds in all."""

    # Enough direct chats (one message in flight per member) to saturate the platform: at 25
    # the bare server was saturated but the platform was not (its writer thread was busy ~65 %
    # of the time), so its figure measured latency, not capacity (docs/performance.md).
    pairs: int = 50
    group_sizes: tuple[int, ...] = (10, 50)
    members_per_size: int = 50  # group workloads use members_per_size // size groups (at least 1)
    warmup_s: float = 0.5
    duration_s: float = 3.0
    latency_rate_per_s: float = 500.0
    latency_duration_s: float = 6.0
    idle_users: int = 50
    idle_sockets_per_user: int = 100
    drain_timeout_s: float = 10.0
    deflate: bool = True  # browsers offer permessage-deflate; API clients may not

    @classmethod
    def quick(cls) -> ChatBenchConfig:
        return cls(pairs=4, group_sizes=(3, 6), members_per_size=6, warmup_s=0.1, duration_s=0.6,
                   latency_rate_per_s=100.0, latency_duration_s=0.6, idle_users=3,
                   idle_sockets_per_user=20, drain_timeout_s=5.0)

    @property
    def users_needed(self) -> int:
        groups = max((self.groups_of(size) * size for size in self.group_sizes), default=0)
        return max(2 * self.pairs, groups, self.idle_users)

    def groups_of(self, size: int) -> int:
        """How many conversations of `size` members the group workload runs in parallel."""
        return max(1, self.members_per_size // size)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChatBenchConfig:
        return cls(**{**data, "group_sizes": tuple(data["group_sizes"])})
