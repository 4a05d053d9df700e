"""audiences: ABM healthcare audiences (derived healthcare data rows, the NPIs an ABM audience selected)

Revision ID: 0028_audience_abm
Revises: 0026_audience_kinds
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_audience_abm"
down_revision = "0026_audience_kinds"
branch_labels = None
depends_on = ["0007_healthcare"]


def upgrade() -> None:
    op.create_table(
        "hc_abm_mappings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data_provider_id", sa.Integer(), nullable=False),
        sa.Column("health_system_id", sa.Integer(), nullable=False),
        sa.Column("health_system_name", sa.String(length=255), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.String(length=255), nullable=False),
        sa.Column("account_type_id", sa.Integer(), nullable=False),
        sa.Column("account_type_name", sa.String(length=100), nullable=False),
        sa.Column("account_subtype_id", sa.Integer(), nullable=False),
        sa.Column("account_subtype_name", sa.String(length=100), nullable=False),
        sa.Column("title_id", sa.Integer(), nullable=False),
        sa.Column("title_name", sa.String(length=50), nullable=False),
        sa.Column("speciality_id", sa.Integer(), nullable=False),
        sa.Column("speciality_name", sa.String(length=100), nullable=False),
        sa.Column("taxonomy_code", sa.String(length=10), nullable=True),
        sa.Column("audience_subtype_id", sa.Integer(), nullable=True),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=True),
        sa.Column("state_name", sa.String(length=100), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("city_name", sa.String(length=150), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hc_abm_mappings")),
    )
    op.create_index(op.f("ix_hc_abm_mappings_data_provider_id"), "hc_abm_mappings", ["data_provider_id"])
    op.create_index(op.f("ix_hc_abm_mappings_health_system_id"), "hc_abm_mappings", ["health_system_id"])
    op.create_index(op.f("ix_hc_abm_mappings_account_id"), "hc_abm_mappings", ["account_id"])
    op.create_index(op.f("ix_hc_abm_mappings_speciality_id"), "hc_abm_mappings", ["speciality_id"])
    op.create_table(
        "hc_abm_professionals",
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("mapping_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["mapping_id"], ["hc_abm_mappings.id"],
                                name=op.f("fk_hc_abm_professionals_mapping_id_hc_abm_mappings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("npi", name=op.f("pk_hc_abm_professionals")),
    )
    op.create_index(op.f("ix_hc_abm_professionals_mapping_id"), "hc_abm_professionals", ["mapping_id"])
    op.create_table(
        "audience_npis",
        sa.Column("audience_id", sa.Integer(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["audience_id"], ["audiences.id"],
                                name=op.f("fk_audience_npis_audience_id_audiences"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("audience_id", "npi", name=op.f("pk_audience_npis")),
    )


def downgrade() -> None:
    op.drop_table("audience_npis")
    op.drop_index(op.f("ix_hc_abm_professionals_mapping_id"), table_name="hc_abm_professionals")
    op.drop_table("hc_abm_professionals")
    for column in ("speciality_id", "account_id", "health_system_id", "data_provider_id"):
        op.drop_index(op.f(f"ix_hc_abm_mappings_{column}"), table_name="hc_abm_mappings")
    op.drop_table("hc_abm_mappings")
