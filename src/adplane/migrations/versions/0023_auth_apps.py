"""auth: application access per user (IQM's user app access): a membership restricted to listed applications

Revision ID: 0023_auth_apps
Revises: 0021_auth_customers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_auth_apps"
down_revision = "0021_auth_customers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("apps_restricted", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "membership_apps",
        sa.Column("uow_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("access_level", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["uow_id"], ["memberships.uow_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("uow_id", "app_id"),
    )


def downgrade() -> None:
    op.drop_table("membership_apps")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("apps_restricted")
