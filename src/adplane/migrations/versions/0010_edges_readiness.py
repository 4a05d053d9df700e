"""edges: readiness probe row (/readyz proves the database accepts a commit)

Revision ID: 0010_edges_readiness
Revises: 0001_foundation
Create Date: 2026-12-05 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0010_edges_readiness"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "readiness_probe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_at", adplane.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_probe")),
    )


def downgrade() -> None:
    op.drop_table("readiness_probe")
