"""bidding: an insertion order's own include/exclude of dimension entities (every campaign of the IO, later ones too)

Revision ID: 0031_inventory_pg
Revises: 0027_master_bidding
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_inventory_pg"
down_revision = "0027_master_bidding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "io_bid_model_targeting",
        sa.Column("io_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("is_excluded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["io_id"], ["insertion_orders.id"],
                                name=op.f("fk_io_bid_model_targeting_io_id_insertion_orders"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("io_id", "dimension_id", "entity_id", name=op.f("pk_io_bid_model_targeting")),
    )


def downgrade() -> None:
    op.drop_table("io_bid_model_targeting")
