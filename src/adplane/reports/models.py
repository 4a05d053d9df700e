"""SQLAlchemy tables of the reports domain: saved report definitions.

A definition is what `/api/v3/ra/report/add` stores and `execute`/`download`/schedules run:
which dimensions (with optional filter values), which columns, which period and timezone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Identity, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

REQUEST_TYPE_DAILY = 1
REQUEST_TYPE_AGGREGATED = 2


class Report(Base):
    """A saved report definition of one organization (soft-deleted via `deleted_at`)."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_ow_id_deleted_at", "ow_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(Integer, Identity(start=1001), primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"))
    uow_id: Mapped[int | None] = mapped_column(Integer)  # creator (createdByUOWId)
    modified_by_uow_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    # [{"filter": "campaign", "value": [1, 2]}, {"filter": "deviceType"}] with canonical keys.
    dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Column keys of the catalogue, in display order.
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {"campaignIds": [...], "creativeTypeIds": [...], "campaignStatuses": [...]}; may be empty.
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_type: Mapped[int] = mapped_column(Integer, default=REQUEST_TYPE_DAILY)
    start_date: Mapped[datetime] = mapped_column(UtcDateTime)
    end_date: Mapped[datetime] = mapped_column(UtcDateTime)
    timezone_id: Mapped[int] = mapped_column(Integer)
    timezone_name: Mapped[str] = mapped_column(String(64))  # IANA name of timezone_id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def is_daily(self) -> bool:
        return self.request_type == REQUEST_TYPE_DAILY
