"""jobs: the job queue of adplane.jobs; insight generation moves from report columns to jobs

Revision ID: 0013_jobs
Revises: 0001_foundation
Create Date: 2026-12-05 05:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adplane.core.db

revision = "0013_jobs"
down_revision = "0001_foundation"
branch_labels = None
depends_on = ("0008_insights",)

STATUS_PROCESSING = 1


def upgrade() -> None:
    utc = adplane.core.db.UtcDateTime(timezone=True)
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("available_at", utc, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=120), nullable=True),
        sa.Column("lease_expires_at", utc, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("finished_at", utc, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("kind", "key", name="uq_jobs_kind_key"),
    )
    op.create_index(op.f("ix_jobs_status"), "jobs", ["status"])
    op.create_index(op.f("ix_jobs_available_at"), "jobs", ["available_at"])
    op.create_index("ix_jobs_kind_status_available_at", "jobs", ["kind", "status", "available_at"])
    # reports still processing get their generation job (the claim columns are dropped below)
    reports = sa.table("insight_reports", sa.column("id", sa.Integer()), sa.column("status_id", sa.Integer()),
                       sa.column("deleted_at", utc), sa.column("requested_at", utc))
    jobs = sa.table("jobs", sa.column("kind", sa.String()), sa.column("key", sa.String()),
                    sa.column("payload", sa.JSON()), sa.column("created_at", utc), sa.column("status", sa.String()),
                    sa.column("available_at", utc), sa.column("attempts", sa.Integer()))
    bind = op.get_bind()
    waiting = bind.execute(sa.select(reports.c.id, reports.c.requested_at).where(
        reports.c.status_id == STATUS_PROCESSING, reports.c.deleted_at.is_(None))).all()
    if waiting:
        op.bulk_insert(jobs, [{"kind": "insights", "key": str(report_id), "payload": {"reportId": report_id},
                               "created_at": requested, "status": "pending", "available_at": requested, "attempts": 0}
                              for report_id, requested in waiting])
    with op.batch_alter_table("insight_reports") as batch:
        batch.drop_column("claim_expires_at")
        batch.drop_column("claimed_by")
        batch.drop_column("attempts")


def downgrade() -> None:
    utc = adplane.core.db.UtcDateTime(timezone=True)
    with op.batch_alter_table("insight_reports") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("claim_expires_at", utc, nullable=True))
    op.drop_index("ix_jobs_kind_status_available_at", table_name="jobs")
    op.drop_index(op.f("ix_jobs_available_at"), table_name="jobs")
    op.drop_index(op.f("ix_jobs_status"), table_name="jobs")
    op.drop_table("jobs")
