"""conversions: a pending hit's attribution claim (set-based attribution, adplane.conversions.attribution)

Revision ID: 0033_conversions_attribution
Revises: 0016_conversions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_conversions_attribution"
down_revision = "0016_conversions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversion_hits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim", sa.String(length=48), nullable=True))
        batch_op.create_index("ix_conversion_hits_claim", ["claim"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversion_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_conversion_hits_claim")
        batch_op.drop_column("claim")
