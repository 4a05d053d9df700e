"""auth: political advertiser profiles, user interaction events and workspace settings (chatbot app id)

Revision ID: 0024_auth_advertisers
Revises: 0023_auth_apps
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adplane.core.db import UtcDateTime

revision = "0024_auth_advertisers"
down_revision = "0023_auth_apps"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "political_advertisers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("name_key", sa.String(length=255), nullable=False),
        sa.Column("website", sa.String(length=2048), nullable=False),
        sa.Column("chief_name", sa.String(length=255), nullable=False),
        sa.Column("contact_number", sa.String(length=50), nullable=False),
        sa.Column("address", sa.String(length=1000), nullable=True),
        sa.Column("legal_info", sa.String(length=2000), nullable=True),
        sa.Column("political_identifier", sa.String(length=100), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("modified_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ow_id"], ["organizations.ow_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ow_id", "name_key", name="uq_political_advertisers_name"),
    )
    op.create_index("ix_political_advertisers_ow_id", "political_advertisers", ["ow_id"])
    op.create_table(
        "user_interaction_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("meta_data", sa.JSON(), nullable=True),
        sa.Column("ow_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("modified_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "event", name="uq_user_interaction_events_event"),
    )
    op.create_index("ix_user_interaction_events_user_id", "user_interaction_events", ["user_id"])
    op.create_table(
        "workspace_settings",
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("chatbot_app_id", sa.String(length=64), nullable=True),
        sa.Column("modified_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("workspace_id"),
    )


def downgrade() -> None:
    op.drop_table("workspace_settings")
    op.drop_index("ix_user_interaction_events_user_id", table_name="user_interaction_events")
    op.drop_table("user_interaction_events")
    op.drop_index("ix_political_advertisers_ow_id", table_name="political_advertisers")
    op.drop_table("political_advertisers")
