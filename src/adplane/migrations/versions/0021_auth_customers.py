"""auth: organization profile (contact, address, logo, ...) and a customer's terms (type, payment type, inviter)

Revision ID: 0021_auth_customers
Revises: 0019_auth_users
Create Date: 2026-12-05 22:00:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0021_auth_customers"
down_revision = "0019_auth_users"
branch_labels = None
depends_on = None

COLUMNS: list[tuple[str, Any]] = [
    ("email", sa.String(length=320)),
    ("website", sa.String(length=2048)),
    ("contact_number", sa.String(length=50)),
    ("address", sa.String(length=1000)),
    ("city", sa.String(length=255)),
    ("state_id", sa.Integer()),
    ("country_id", sa.Integer()),
    ("zipcode", sa.String(length=20)),
    ("industry", sa.String(length=255)),
    ("company_size_id", sa.Integer()),
    ("company_id", sa.String(length=100)),
    ("tax_id", sa.String(length=100)),
    ("currency", sa.String(length=50)),
    ("date_format", sa.String(length=20)),
    ("description", sa.String(length=2000)),
    ("vertical_id", sa.Integer()),
    ("expertize", sa.String(length=500)),
    ("logo_url", sa.String(length=2048)),
    ("customer_type_id", sa.Integer()),
    ("payment_type_id", sa.Integer()),
    ("created_by_user_id", sa.Integer()),
    ("modified_at", adplane.core.db.UtcDateTime(timezone=True)),
]


def upgrade() -> None:
    # every column is nullable: existing organizations keep an empty profile and no chosen terms
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
