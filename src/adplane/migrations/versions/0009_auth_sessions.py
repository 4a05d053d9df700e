"""auth: refresh-token families (reuse detection) and progressive login lockouts

Revision ID: 0009_auth_sessions
Revises: 0001_foundation
Create Date: 2026-12-05 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0009_auth_sessions"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("rotated_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_auth_tokens_family_id"), ["family_id"], unique=False)
    # tokens issued before families existed: each is a family of its own
    op.execute("UPDATE auth_tokens SET family_id = 'legacy-' || CAST(id AS VARCHAR(20)) WHERE family_id IS NULL")
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lockouts", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_column("lockouts")
    with op.batch_alter_table("auth_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_tokens_family_id"))
        batch_op.drop_column("rotated_at")
        batch_op.drop_column("family_id")
