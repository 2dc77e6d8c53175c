"""messages are their own message.new events: drop the copies in conversation_events

Catching up now renders `message.new` from the message row as it is (so a message deleted for
everyone comes back without its text); the stored copies kept the text of deleted messages.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 05:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM conversation_events WHERE kind = 'message.new'")


def downgrade() -> None:
    raise NotImplementedError(
        "0009 cannot be undone: the dropped copies held message text that deleting a message "
        "for everyone must not leave behind, and code before 0009 needs them to catch up.")
