"""auth: user status per membership (activate, put on hold, delete), display name and avatar, password resets

Revision ID: 0019_auth_users
Revises: 0009_auth_invites
Create Date: 2026-12-05 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0019_auth_users"
down_revision = "0009_auth_invites"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_password_resets_token_digest")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"], unique=False)
    # every existing membership stays active
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("status_reason", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("avatar_url", sa.String(length=2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("avatar_url")
        batch_op.drop_column("display_name")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status")
    op.drop_index(op.f("ix_password_resets_user_id"), table_name="password_resets")
    op.drop_table("password_resets")
