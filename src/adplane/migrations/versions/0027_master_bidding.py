"""bidding: insertion-order bid models (campaign priorities and IO-wide multipliers) and the IO base bid

Revision ID: 0027_master_bidding
Revises: 0017_bidding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0027_master_bidding"
down_revision = "0017_bidding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "io_bid_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("io_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("dimension_id", sa.Integer(), nullable=True),
        sa.Column("entity_type_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("bid_multiplier", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("spend_ratio", sa.Numeric(precision=10, scale=4), nullable=True),
        sa.Column("spend_ratio_type_id", sa.Integer(), nullable=True),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_io_bid_models_campaign_id_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["io_id"], ["insertion_orders.id"],
                                name=op.f("fk_io_bid_models_io_id_insertion_orders"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_io_bid_models")),
    )
    with op.batch_alter_table("io_bid_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_io_bid_models_io_id"), ["io_id"], unique=False)
    op.create_table(
        "io_bid_settings",
        sa.Column("io_id", sa.Integer(), nullable=False),
        sa.Column("base_bid", sa.Numeric(precision=16, scale=4), nullable=True),
        sa.ForeignKeyConstraint(["io_id"], ["insertion_orders.id"],
                                name=op.f("fk_io_bid_settings_io_id_insertion_orders"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("io_id", name=op.f("pk_io_bid_settings")),
    )


def downgrade() -> None:
    op.drop_table("io_bid_settings")
    with op.batch_alter_table("io_bid_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_io_bid_models_io_id"))
    op.drop_table("io_bid_models")
