"""schedules: report schedules, their occurrences (leased work items) and opt-outs

Revision ID: 0006_schedules
Revises: 0001_foundation
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0006_schedules"
down_revision = "0001_foundation"
branch_labels = None
depends_on = ("0005_reports",)


def upgrade() -> None:
    utc = adplane.core.db.UtcDateTime(timezone=True)
    op.create_table(
        "report_schedules",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("uow_id", sa.Integer(), nullable=True),
        sa.Column("subscriber_emails", sa.JSON(), nullable=False),
        sa.Column("file_type", sa.Integer(), nullable=False),
        sa.Column("delivery_frequency", sa.Integer(), nullable=False),
        sa.Column("delivery_day", sa.String(length=16), nullable=True),
        sa.Column("event_end_at", utc, nullable=True),
        sa.Column("running_total", sa.Boolean(), nullable=False),
        sa.Column("earliest_campaign_start_at", utc, nullable=True),
        sa.Column("next_occurrence_at", utc, nullable=True),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("updated_at", utc, nullable=False),
        sa.ForeignKeyConstraint(["ow_id"], ["organizations.ow_id"], name=op.f("fk_report_schedules_ow_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_schedules_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_schedules")),
        sa.UniqueConstraint("report_id", name=op.f("uq_report_schedules_report_id")),
    )
    op.create_index(op.f("ix_report_schedules_ow_id"), "report_schedules", ["ow_id"])
    op.create_index(op.f("ix_report_schedules_next_occurrence_at"), "report_schedules", ["next_occurrence_at"])
    op.create_table(
        "schedule_occurrences",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("occurs_at", utc, nullable=False),
        sa.Column("period_start", utc, nullable=False),
        sa.Column("period_end", utc, nullable=False),
        sa.Column("delivered_to", sa.JSON(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("available_at", utc, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_expires_at", utc, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", utc, nullable=True),
        sa.ForeignKeyConstraint(["schedule_id"], ["report_schedules.id"],
                                name=op.f("fk_schedule_occurrences_schedule_id_report_schedules"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_occurrences")),
        sa.UniqueConstraint("schedule_id", "occurs_at", name="uq_schedule_occurrences_schedule_instant"),
    )
    op.create_index(op.f("ix_schedule_occurrences_schedule_id"), "schedule_occurrences", ["schedule_id"])
    op.create_index(op.f("ix_schedule_occurrences_status"), "schedule_occurrences", ["status"])
    op.create_index(op.f("ix_schedule_occurrences_available_at"), "schedule_occurrences", ["available_at"])
    op.create_table(
        "schedule_opt_outs",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("ow_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_opt_outs")),
        sa.UniqueConstraint("ow_id", "email", "report_id", name="uq_schedule_opt_outs_scope"),
    )


def downgrade() -> None:
    op.drop_table("schedule_opt_outs")
    op.drop_index(op.f("ix_schedule_occurrences_available_at"), table_name="schedule_occurrences")
    op.drop_index(op.f("ix_schedule_occurrences_status"), table_name="schedule_occurrences")
    op.drop_index(op.f("ix_schedule_occurrences_schedule_id"), table_name="schedule_occurrences")
    op.drop_table("schedule_occurrences")
    op.drop_index(op.f("ix_report_schedules_next_occurrence_at"), table_name="report_schedules")
    op.drop_index(op.f("ix_report_schedules_ow_id"), table_name="report_schedules")
    op.drop_table("report_schedules")
