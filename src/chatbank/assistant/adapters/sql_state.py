"""Load and save dialogue state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.assistant.adapters.tables import assistant_states


class SqlDialogueStates:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def load(self, conversation_id: str) -> dict[str, Any] | None:
        async with self.engine.connect() as conn:
            state = await conn.scalar(select(assistant_states.c.state).where(
                assistant_states.c.conversation_id == conversation_id))
        return dict(state) if state is not None else None

    async def save(self, conversation_id: str, user_id: str, state: dict[str, Any],
                   now: datetime) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(delete(assistant_states).where(
                assistant_states.c.conversation_id == conversation_id))
            await conn.execute(insert(assistant_states).values(
                conversation_id=conversation_id, user_id=user_id, state=state, updated_at=now))
