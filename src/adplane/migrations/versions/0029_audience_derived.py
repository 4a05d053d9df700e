"""audiences: lookalike and campaign audiences, audience insights

Revision ID: 0029_audience_derived
Revises: 0028_audience_abm
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0029_audience_derived"
down_revision = "0028_audience_abm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audience_insights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("status_id", sa.SmallInteger(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("failure_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("modified_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audiences.id"], name=op.f("fk_audience_insights_audience_id_audiences"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ow_id"], ["organizations.ow_id"],
                                name=op.f("fk_audience_insights_ow_id_organizations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audience_insights")),
    )
    with op.batch_alter_table("audience_insights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audience_insights_audience_id"), ["audience_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audience_insights_ow_id"), ["ow_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audience_insights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audience_insights_ow_id"))
        batch_op.drop_index(batch_op.f("ix_audience_insights_audience_id"))
    op.drop_table("audience_insights")
