"""bank books and ledger

Revision ID: b0001
Revises: 
Create Date: 2026-11-25 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bank_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('sort_code_prefix', sa.String(length=6), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_profile'))
    )
    op.create_table('customers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('login', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('address_line', sa.String(length=200), nullable=True),
    sa.Column('town', sa.String(length=64), nullable=True),
    sa.Column('post_code', sa.String(length=16), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=False),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('login', name=op.f('uq_customers_login'))
    )
    op.create_table('ledger_accounts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('overdraft_limit_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('debits_posted', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('credits_posted', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('debits_pending', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('credits_pending', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_accounts'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('account_type', sa.String(length=16), nullable=False),
    sa.Column('account_subtype', sa.String(length=24), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('nickname', sa.String(length=70), nullable=False),
    sa.Column('sort_code', sa.String(length=6), nullable=False),
    sa.Column('account_number', sa.String(length=8), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ledger_account_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_accounts_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_account_id'], ['ledger_accounts.id'], name=op.f('fk_accounts_ledger_account_id_ledger_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('ledger_account_id', name=op.f('uq_accounts_ledger_account_id')),
    sa.UniqueConstraint('sort_code', 'account_number', name=op.f('uq_accounts_sort_code_account_number'))
    )
    op.create_index('ix_accounts_customer', 'accounts', ['customer_id'], unique=False)
    op.create_table('ledger_transfers',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('debit_account_id', sa.String(length=64), nullable=False),
    sa.Column('credit_account_id', sa.String(length=64), nullable=False),
    sa.Column('amount_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('pending_id', sa.String(length=64), nullable=False),
    sa.Column('timeout_s', sa.Integer(), nullable=False),
    sa.Column('code', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=True),
    sa.Column('debit_balance_after_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('credit_balance_after_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['credit_account_id'], ['ledger_accounts.id'], name=op.f('fk_ledger_transfers_credit_account_id_ledger_accounts')),
    sa.ForeignKeyConstraint(['debit_account_id'], ['ledger_accounts.id'], name=op.f('fk_ledger_transfers_debit_account_id_ledger_accounts')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_transfers')),
    sa.UniqueConstraint('id', name=op.f('uq_ledger_transfers_id'))
    )
    op.create_index('ix_ledger_transfers_credit', 'ledger_transfers', ['credit_account_id', 'seq'], unique=False)
    op.create_index('ix_ledger_transfers_debit', 'ledger_transfers', ['debit_account_id', 'seq'], unique=False)
    op.create_index('ix_ledger_transfers_open_pending', 'ledger_transfers', ['state', 'expires_at'], unique=False)
    op.create_table('beneficiaries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=70), nullable=False),
    sa.Column('sort_code', sa.String(length=6), nullable=False),
    sa.Column('account_number', sa.String(length=8), nullable=False),
    sa.Column('reference', sa.String(length=35), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_beneficiaries_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiaries'))
    )
    op.create_index('ix_beneficiaries_account', 'beneficiaries', ['account_id'], unique=False)
    op.create_table('cards',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('scheme', sa.String(length=16), nullable=False),
    sa.Column('masked_pan', sa.String(length=19), nullable=False),
    sa.Column('name_on_card', sa.String(length=64), nullable=False),
    sa.Column('expiry_month', sa.Integer(), nullable=False),
    sa.Column('expiry_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_cards_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards'))
    )
    op.create_index('ix_cards_account', 'cards', ['account_id'], unique=False)
    op.create_table('direct_debits',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('mandate_reference', sa.String(length=35), nullable=False),
    sa.Column('originator_name', sa.String(length=70), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('previous_payment_date', sa.Date(), nullable=True),
    sa.Column('previous_amount_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_direct_debits_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_direct_debits'))
    )
    op.create_index('ix_direct_debits_account', 'direct_debits', ['account_id'], unique=False)
    op.create_table('scheduled_payments',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reference', sa.String(length=35), nullable=False),
    sa.Column('creditor_name', sa.String(length=70), nullable=False),
    sa.Column('creditor_sort_code', sa.String(length=6), nullable=False),
    sa.Column('creditor_account_number', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_scheduled_payments_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_payments'))
    )
    op.create_index('ix_scheduled_payments_account', 'scheduled_payments', ['account_id'], unique=False)
    op.create_table('standing_orders',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.String(length=40), nullable=False),
    sa.Column('frequency', sa.String(length=35), nullable=False),
    sa.Column('reference', sa.String(length=35), nullable=False),
    sa.Column('first_payment_date', sa.Date(), nullable=False),
    sa.Column('next_payment_date', sa.Date(), nullable=True),
    sa.Column('final_payment_date', sa.Date(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('creditor_name', sa.String(length=70), nullable=False),
    sa.Column('creditor_sort_code', sa.String(length=6), nullable=False),
    sa.Column('creditor_account_number', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_standing_orders_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_orders'))
    )
    op.create_index('ix_standing_orders_account', 'standing_orders', ['account_id'], unique=False)
    op.create_table('transaction_details',
    sa.Column('transfer_id', sa.String(length=64), nullable=False),
    sa.Column('booking_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('value_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.String(length=140), nullable=False),
    sa.Column('reference', sa.String(length=35), nullable=True),
    sa.Column('merchant_name', sa.String(length=70), nullable=True),
    sa.Column('merchant_category_code', sa.String(length=4), nullable=True),
    sa.Column('bank_transaction_code', sa.String(length=40), nullable=False),
    sa.Column('debtor_name', sa.String(length=70), nullable=True),
    sa.Column('creditor_name', sa.String(length=70), nullable=True),
    sa.Column('creditor_sort_code', sa.String(length=6), nullable=True),
    sa.Column('creditor_account_number', sa.String(length=8), nullable=True),
    sa.Column('card_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['transfer_id'], ['ledger_transfers.id'], name=op.f('fk_transaction_details_transfer_id_ledger_transfers')),
    sa.PrimaryKeyConstraint('transfer_id', name=op.f('pk_transaction_details'))
    )
    op.create_index('ix_transaction_details_booking', 'transaction_details', ['booking_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_transaction_details_booking', table_name='transaction_details')
    op.drop_table('transaction_details')
    op.drop_index('ix_standing_orders_account', table_name='standing_orders')
    op.drop_table('standing_orders')
    op.drop_index('ix_scheduled_payments_account', table_name='scheduled_payments')
    op.drop_table('scheduled_payments')
    op.drop_index('ix_direct_debits_account', table_name='direct_debits')
    op.drop_table('direct_debits')
    op.drop_index('ix_cards_account', table_name='cards')
    op.drop_table('cards')
    op.drop_index('ix_beneficiaries_account', table_name='beneficiaries')
    op.drop_table('beneficiaries')
    op.drop_index('ix_ledger_transfers_open_pending', table_name='ledger_transfers')
    op.drop_index('ix_ledger_transfers_debit', table_name='ledger_transfers')
    op.drop_index('ix_ledger_transfers_credit', table_name='ledger_transfers')
    op.drop_table('ledger_transfers')
    op.drop_index('ix_accounts_customer', table_name='accounts')
    op.drop_table('accounts')
    op.drop_table('ledger_accounts')
    op.drop_table('customers')
    op.drop_table('bank_profile')
