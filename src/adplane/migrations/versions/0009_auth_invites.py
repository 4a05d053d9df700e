"""auth: invitations with single-use invite tokens; open sign-up per workspace

Revision ID: 0009_auth_invites
Revises: 0009_auth_sessions
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0009_auth_invites"
down_revision = "0009_auth_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", adplane.core.db.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["invited_by_user_id"], ["users.id"],
                                name=op.f("fk_invitations_invited_by_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["ow_id"], ["organizations.ow_id"],
                                name=op.f("fk_invitations_ow_id_organizations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invitations_user_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_invitations_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_invitations_token_digest")),
    )
    op.create_index(op.f("ix_invitations_workspace_id"), "invitations", ["workspace_id"], unique=False)
    op.create_index(op.f("ix_invitations_ow_id"), "invitations", ["ow_id"], unique=False)
    op.create_index(op.f("ix_invitations_user_id"), "invitations", ["user_id"], unique=False)
    # existing workspaces keep sign-up closed too: a new organization needs an operator's consent
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_sign_up", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("open_sign_up")
    op.drop_index(op.f("ix_invitations_user_id"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_ow_id"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_workspace_id"), table_name="invitations")
    op.drop_table("invitations")
