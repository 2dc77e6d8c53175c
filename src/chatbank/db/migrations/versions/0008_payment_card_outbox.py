"""payment card outbox: payments.card_due marks a state its card does not show yet

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_due', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_payments_card_due', ['card_due'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_card_due')
        batch_op.drop_column('card_due')
