"""Chaos fixtures: the session's throwaway PostgreSQL and Redis for the clustered run."""

from __future__ import annotations

from tests.support.postgres import postgres_server
from tests.support.redis_server import redis_server

__all__ = ["postgres_server", "redis_server"]  # session fixtures, registered by this import
