"""master and creatives: the creatives table (the static catalog lives in code)

Revision ID: 0002_master_creatives
Revises: 0001_foundation
Create Date: 2026-11-24 12:10:22.244018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0002_master_creatives"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "creatives",
        sa.Column("id", sa.Integer(), sa.Identity(always=False, start=700001), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("uow_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("external_creative_id", sa.String(length=255), nullable=True),
        sa.Column("creative_type_id", sa.Integer(), nullable=False),
        sa.Column("sub_media_type", sa.String(length=20), nullable=True),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("source_type", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("click_url", sa.String(length=2048), nullable=True),
        sa.Column("pixel_url", sa.String(length=2048), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("file_size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("mime_type", sa.String(length=100), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("rejection_reason", sa.String(length=1000), nullable=True),
        sa.Column("remarks", sa.Text(), nullable=True),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_files.id"], name=op.f("fk_creatives_file_id_stored_files"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ow_id"], ["organizations.ow_id"], name=op.f("fk_creatives_ow_id_organizations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_creatives")),
    )
    with op.batch_alter_table("creatives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_creatives_creative_type_id"), ["creative_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_creatives_ow_id"), ["ow_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_creatives_status_id"), ["status_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("creatives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_creatives_status_id"))
        batch_op.drop_index(batch_op.f("ix_creatives_ow_id"))
        batch_op.drop_index(batch_op.f("ix_creatives_creative_type_id"))

    op.drop_table("creatives")
