"""reports: saved report definitions

Revision ID: 0005_reports
Revises: 0001_foundation
Create Date: 2026-11-24 12:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0005_reports"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), sa.Identity(always=False, start=1001), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("uow_id", sa.Integer(), nullable=True),
        sa.Column("modified_by_uow_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("request_type", sa.Integer(), nullable=False),
        sa.Column("start_date", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("end_date", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("timezone_id", sa.Integer(), nullable=False),
        sa.Column("timezone_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ow_id"], ["organizations.ow_id"], name=op.f("fk_reports_ow_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index("ix_reports_ow_id_deleted_at", "reports", ["ow_id", "deleted_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reports_ow_id_deleted_at", table_name="reports")
    op.drop_table("reports")
