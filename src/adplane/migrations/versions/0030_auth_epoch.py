"""auth: the auth epoch (auth_epochs), which cached callers are checked against (adplane.auth.epoch)

Revision ID: 0030_auth_epoch
Revises: 0024_auth_advertisers
"""

from __future__ import annotations

import sqlalchemy as sa

import adplane.core.db
from alembic import op

revision = "0030_auth_epoch"
down_revision = "0024_auth_advertisers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_epochs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("auth_epochs")
