"""One database transaction exposing the messenger's repositories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.messenger.adapters.sql_conversations import SqlConversations
from chatbank.messenger.adapters.sql_people import SqlPeople


@dataclass(frozen=True, slots=True)
class Transaction:
    people: SqlPeople
    conversations: SqlConversations


class MessengerStore:
    """Opens transactions on the platform database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self.engine.begin() as conn:
            yield Transaction(SqlPeople(conn), SqlConversations(conn))
