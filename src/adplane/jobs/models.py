"""The `jobs` table: queued work items of registered kinds, and one row per periodic kind.

Kinds whose work is already a table of its own keep it (scheduled deliveries: one
`schedule_occurrences` row per due delivery); every other kind queues rows here. (kind, key) is
unique, so enqueueing the same work twice yields one row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Identity, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime
from adplane.jobs.leases import LeasedWork

PERIODIC_KEY = "periodic"  # the key of a periodic kind's single row


class Job(LeasedWork, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_jobs_kind_key"),
        Index("ix_jobs_kind_status_available_at", "kind", "status", "available_at"),
    )

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
