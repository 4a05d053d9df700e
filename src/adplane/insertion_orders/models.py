"""Insertion orders: the contract (dates, budget or impressions, timezone) that campaigns run under."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime
from adplane.master.catalog import (  # noqa: F401 - re-exported for callers of this module
    BUDGET_TYPE_CURRENCY,
    BUDGET_TYPE_IMPRESSIONS,
    IO_STATUS_ACTIVE,
    IO_STATUS_DELETED,
    IO_STATUS_EXPIRED,
)


class InsertionOrder(Base):
    __tablename__ = "insertion_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    start_time: Mapped[datetime] = mapped_column(UtcDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Currency budget (budget type 1); with auto-sum it is kept equal to the campaigns' sum.
    total_budget: Mapped[Decimal] = mapped_column(Numeric(16, 4), default=Decimal("0"))
    # Impression goal (budget type 2).
    total_impressions: Mapped[int | None] = mapped_column(BigInteger)
    timezone_id: Mapped[int] = mapped_column(Integer)
    budget_type_id: Mapped[int] = mapped_column(Integer, default=BUDGET_TYPE_CURRENCY)
    distribution_method_id: Mapped[int] = mapped_column(Integer, default=1)
    is_auto_sum_total_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    status_id: Mapped[int] = mapped_column(Integer, default=IO_STATUS_ACTIVE, index=True)
    is_io_prioritise: Mapped[bool] = mapped_column(Boolean, default=False)
    current_priority: Mapped[int | None] = mapped_column(Integer)
    created_by_uow_id: Mapped[int | None] = mapped_column(Integer)
    modified_by_uow_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
