"""OB domestic scheduled payments

Revision ID: b0201
Revises: b0101
Create Date: 2026-11-25 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b0201'
down_revision: str | None = 'b0101'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ob_scheduled_payments',
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('consent_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('initiation', sa.JSON(), nullable=False),
    sa.Column('debtor_account_id', sa.String(length=64), nullable=False),
    sa.Column('execute_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('executed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transfer_ref', sa.String(length=128), nullable=True),
    sa.Column('reject_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('payment_id', name=op.f('pk_ob_scheduled_payments')),
    sa.UniqueConstraint('consent_id', name=op.f('uq_ob_scheduled_payments_consent_id'))
    )
    with op.batch_alter_table('ob_scheduled_payments', schema=None) as batch_op:
        batch_op.create_index('ix_ob_scheduled_payments_due', ['executed_at', 'execute_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ob_scheduled_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_ob_scheduled_payments_due')
    op.drop_table('ob_scheduled_payments')
