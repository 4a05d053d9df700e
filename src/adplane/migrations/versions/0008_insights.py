"""insights: PLD/SLS/AQS reports (also their generation jobs), insight rates, PLD column choices

Revision ID: 0008_insights
Revises: 0001_foundation
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0008_insights"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insight_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('rate', sa.Numeric(precision=16, scale=6), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], name=op.f('fk_insight_rates_ow_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_insight_rates_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_rates')),
    sa.UniqueConstraint('workspace_id', 'ow_id', 'kind', name=op.f('uq_insight_rates_workspace_id'))
    )
    op.create_index(op.f('ix_insight_rates_workspace_id'), 'insight_rates', ['workspace_id'], unique=False)
    op.create_table('insight_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ow_id', sa.Integer(), nullable=False),
    sa.Column('uow_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('failure_reason', sa.String(length=1000), nullable=True),
    sa.Column('campaign_ids', sa.JSON(), nullable=False),
    sa.Column('io_id', sa.Integer(), nullable=True),
    sa.Column('start_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('end_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('rate', sa.Numeric(precision=16, scale=6), nullable=False),
    sa.Column('charged_imps', sa.BigInteger(), nullable=False),
    sa.Column('charged_cost', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('last_charge_imps', sa.BigInteger(), nullable=False),
    sa.Column('last_charge_cost', sa.Numeric(precision=16, scale=4), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('xlsx_file_id', sa.Integer(), nullable=True),
    sa.Column('csv_file_id', sa.Integer(), nullable=True),
    sa.Column('pdf_file_id', sa.Integer(), nullable=True),
    sa.Column('xlsx_size', sa.BigInteger(), nullable=True),
    sa.Column('csv_size', sa.BigInteger(), nullable=True),
    sa.Column('pdf_size', sa.BigInteger(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('claim_expires_at', adplane.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('requested_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('generated_at', adplane.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', adplane.core.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ow_id'], ['organizations.ow_id'], name=op.f('fk_insight_reports_ow_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_reports'))
    )
    op.create_index('ix_insight_reports_ow_id_kind_name', 'insight_reports', ['ow_id', 'kind', 'name'], unique=False)
    op.create_index(op.f('ix_insight_reports_kind'), 'insight_reports', ['kind'], unique=False)
    op.create_index(op.f('ix_insight_reports_ow_id'), 'insight_reports', ['ow_id'], unique=False)
    op.create_index(op.f('ix_insight_reports_status_id'), 'insight_reports', ['status_id'], unique=False)
    op.create_table('insight_pld_columns',
    sa.Column('uow_id', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('modified_at', adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uow_id'], ['memberships.uow_id'], name=op.f('fk_insight_pld_columns_uow_id_memberships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('uow_id', name=op.f('pk_insight_pld_columns'))
    )


def downgrade() -> None:
    op.drop_table('insight_pld_columns')
    op.drop_index(op.f('ix_insight_reports_status_id'), table_name='insight_reports')
    op.drop_index(op.f('ix_insight_reports_ow_id'), table_name='insight_reports')
    op.drop_index(op.f('ix_insight_reports_kind'), table_name='insight_reports')
    op.drop_index('ix_insight_reports_ow_id_kind_name', table_name='insight_reports')
    op.drop_table('insight_reports')
    op.drop_index(op.f('ix_insight_rates_workspace_id'), table_name='insight_rates')
    op.drop_table('insight_rates')
