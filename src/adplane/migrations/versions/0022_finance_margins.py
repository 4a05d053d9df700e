"""finance: the workspace's gross margin on each customer organization (IQM's customer margin)

Revision ID: 0022_finance_margins
Revises: 0020_finance_spend
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022_finance_margins'
down_revision = '0020_finance_spend'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organizations') as batch:
        batch.add_column(sa.Column('gross_margin', sa.Numeric(precision=7, scale=4), server_default='0',
                                   nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('organizations') as batch:
        batch.drop_column('gross_margin')
