"""finance: payments (add-fund through a payment provider; a paid payment credits the ledger once)

Revision ID: 0018_finance
Revises: 0001_foundation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = '0018_finance'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finance_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('initiator_ow_id', sa.Integer(), nullable=False),
    sa.Column('created_by_email', sa.String(length=320), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('mode_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('bank_name', sa.String(length=255), nullable=True),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('provider_reference', sa.String(length=100), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('refund_reason', sa.String(length=1000), nullable=True),
    sa.Column('created_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.Column('modified_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider', 'provider_reference', name='uq_finance_payments_provider_ref')
    )
    op.create_index(op.f('ix_finance_payments_ow_id'), 'finance_payments', ['ow_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_finance_payments_ow_id'), table_name='finance_payments')
    op.drop_table('finance_payments')
