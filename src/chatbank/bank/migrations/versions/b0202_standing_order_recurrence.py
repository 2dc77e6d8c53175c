"""Standing orders recur: schedule shape, progress, cancellation and the payment history

Revision ID: b0202
Revises: b0201
Create Date: 2026-11-26 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b0202'
down_revision: str | None = 'b0201'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurring_payment_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('first_amount_minor', AMOUNT, nullable=True))
        batch_op.add_column(sa.Column('final_amount_minor', AMOUNT, nullable=True))
        batch_op.add_column(sa.Column('number_of_payments', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payments_made', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('last_payment_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_amount_minor', AMOUNT, nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_standing_orders_due', ['status', 'next_payment_date'],
                              unique=False)
    op.create_table('standing_order_payments',
    sa.Column('order_id', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', AMOUNT, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('transfer_ref', sa.String(length=128), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['standing_orders.id'],
                            name=op.f('fk_standing_order_payments_order_id_standing_orders'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', 'sequence', name=op.f('pk_standing_order_payments'))
    )
    with op.batch_alter_table('standing_order_payments', schema=None) as batch_op:
        batch_op.create_index('ix_standing_order_payments_claims', ['status', 'claimed_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('standing_order_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_standing_order_payments_claims')
    op.drop_table('standing_order_payments')
    with op.batch_alter_table('standing_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_standing_orders_due')
        for name in ('cancelled_at', 'last_amount_minor', 'last_payment_date', 'payments_made',
                     'number_of_payments', 'final_amount_minor', 'first_amount_minor',
                     'recurring_payment_date'):
            batch_op.drop_column(name)
