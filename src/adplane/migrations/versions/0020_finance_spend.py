"""finance: spend postings (media, data and platform fees charged to the ledger per campaign-day), campaigns paused for funds; ledger and balances exact to the micro-dollar; who
decided a payment and why; credits offered to organizations; monthly invoices

Revision ID: 0020_finance_spend
Revises: 0018_finance
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = '0020_finance_spend'
down_revision = '0018_finance'
branch_labels = None
depends_on = '0003_campaigns'

MONEY_COLUMNS = (("funds_ledger", "amount"), ("funds_ledger", "balance_after"), ("organizations", "funds_balance"))


def upgrade() -> None:
    for table, column in MONEY_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.Numeric(precision=18, scale=6),
                               existing_type=sa.Numeric(precision=16, scale=4))
    with op.batch_alter_table('finance_payments') as batch:
        batch.add_column(sa.Column('action_note', sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column('modified_by_email', sa.String(length=320), nullable=True))
    op.create_table('finance_spend_postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('posted', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('modified_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id', 'day', 'kind', name='uq_finance_spend_postings_key')
    )
    op.create_index(op.f('ix_finance_spend_postings_ow_id'), 'finance_spend_postings', ['ow_id'], unique=False)
    op.create_table('finance_funds_pauses',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('paused_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id')
    )
    op.create_index(op.f('ix_finance_funds_pauses_ow_id'), 'finance_funds_pauses', ['ow_id'], unique=False)
    op.create_table('finance_credits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('offered_by_ow_id', sa.Integer(), nullable=False),
    sa.Column('offered_by_uow_id', sa.Integer(), nullable=False),
    sa.Column('offered_by_name', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', adplane.core.db.UtcDateTime(), nullable=True),
    sa.Column('claim_details', sa.JSON(), nullable=True),
    sa.Column('claimed_at', adplane.core.db.UtcDateTime(), nullable=True),
    sa.Column('created_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.Column('modified_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_finance_credits_ow_id'), 'finance_credits', ['ow_id'], unique=False)
    op.create_table('finance_invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('issued_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('paid_amount', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('payment_term_days', sa.Integer(), nullable=False),
    sa.Column('action_note', sa.String(length=1000), nullable=True),
    sa.Column('status_updated_by', sa.String(length=320), nullable=True),
    sa.Column('modified_at', adplane.core.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('ow_id', 'period_start', name='uq_finance_invoices_month')
    )
    op.create_index(op.f('ix_finance_invoices_ow_id'), 'finance_invoices', ['ow_id'], unique=False)
    op.create_table('finance_invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=6), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['finance_invoices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_finance_invoice_lines_invoice_id'), 'finance_invoice_lines', ['invoice_id'], unique=False)
    op.create_table('finance_invoiced_entries',
    sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['finance_invoices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['funds_ledger.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ledger_entry_id')
    )
    op.create_index(op.f('ix_finance_invoiced_entries_invoice_id'), 'finance_invoiced_entries', ['invoice_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_finance_invoiced_entries_invoice_id'), table_name='finance_invoiced_entries')
    op.drop_table('finance_invoiced_entries')
    op.drop_index(op.f('ix_finance_invoice_lines_invoice_id'), table_name='finance_invoice_lines')
    op.drop_table('finance_invoice_lines')
    op.drop_index(op.f('ix_finance_invoices_ow_id'), table_name='finance_invoices')
    op.drop_table('finance_invoices')
    op.drop_index(op.f('ix_finance_credits_ow_id'), table_name='finance_credits')
    op.drop_table('finance_credits')
    op.drop_index(op.f('ix_finance_funds_pauses_ow_id'), table_name='finance_funds_pauses')
    op.drop_table('finance_funds_pauses')
    op.drop_index(op.f('ix_finance_spend_postings_ow_id'), table_name='finance_spend_postings')
    op.drop_table('finance_spend_postings')
    with op.batch_alter_table('finance_payments') as batch:
        batch.drop_column('modified_by_email')
        batch.drop_column('action_note')
    for table, column in MONEY_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, type_=sa.Numeric(precision=16, scale=4),
                               existing_type=sa.Numeric(precision=18, scale=6))
