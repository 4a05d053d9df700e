"""audiences: retargeted, geo-farmed and contextual audiences (one pixel-visit row per visitor)

Revision ID: 0026_audience_kinds
Revises: 0015_audiences
"""

from __future__ import annotations

from alembic import op

revision = "0026_audience_kinds"
down_revision = "0015_audiences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ux_audience_pixel_visits_visitor", "audience_pixel_visits", ["audience_id", "user_id"],
                    unique=True)


def downgrade() -> None:
    op.drop_index("ux_audience_pixel_visits_visitor", table_name="audience_pixel_visits")
