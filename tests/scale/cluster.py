"""Platform instances that share one PostgreSQL database and one Redis, as in production."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head
from chatbank.web.app import create_app
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer
from tests.support.servers import ServerThread, free_port

LOGIN_LIMIT = 3  # failed log-ins per window that clusters allow (small: tests reach it fast)
_redis_keyspaces = itertools.cycle(range(1, 16))


def migrated_database(server: PostgresServer, prefix: str = "platform") -> str:
    """A fresh, fully migrated platform database on `server`; returns its URL."""
    url = server.fresh_database(prefix)
    upgrade_to_head(url)
    return url


def own_keyspace(server: RedisServer) -> str:
    """A Redis URL whose keyspace (rate-limit counters) no other cluster of the session uses."""
    return server.url_for_db(next(_redis_keyspaces))


@dataclass
class Instance:
    """One running platform instance."""

    name: str
    server: ServerThread

    @property
    def url(self) -> str:
        return self.server.url


def start_instance(name: str, data_dir: Path, database_url: str, redis_url: str | None,
                   **overrides: object) -> Instance:
    port = free_port()
    settings = Settings(mode="test", data_dir=data_dir / name, database_url=database_url,
                        redis_url=redis_url, public_url=f"http://127.0.0.1:{port}",
                        instance_name=name, **overrides)  # type: ignore[arg-type]
    return Instance(name, ServerThread(create_app(settings), port=port).start())


@contextlib.contextmanager
def running_instances(data_dir: Path, database_url: str, redis_url: str | None,
                      count: int = 2, **overrides: object) -> Iterator[list[Instance]]:
    """`count` platform instances on one database and one Redis, stopped on exit."""
    started: list[Instance] = []
    try:
        for number in range(1, count + 1):
            started.append(start_instance(f"platform-{number}", data_dir, database_url,
                                          redis_url, **overrides))
        yield started
    finally:
        for instance in reversed(started):
            instance.server.stop()
