"""Conversion definitions (pixel, postback) and the hits recorded for them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime


class Conversion(Base):
    """One conversion definition of an organization; `uuid` names it in pixel and postback URLs."""

    __tablename__ = "conversions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    type_id: Mapped[int] = mapped_column(Integer, index=True)  # 1 pixel, 2 postback
    name: Mapped[str] = mapped_column(String(255))
    status_id: Mapped[int] = mapped_column(Integer, index=True)  # 1 active, 2 pending
    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Pixel settings: attribution type (1 hybrid, 2 click based, 3 view based) and windows in days.
    attribution_id: Mapped[int] = mapped_column(Integer, default=1)
    post_view_days: Mapped[int] = mapped_column(Integer, default=28)
    post_click_days: Mapped[int] = mapped_column(Integer, default=15)
    repeat_count: Mapped[int] = mapped_column(Integer, default=0)  # 0: every conversion, 1: one per window
    repeat_frequency: Mapped[int] = mapped_column(Integer, default=1)
    repeat_unit: Mapped[str] = mapped_column(String(10), default="Day")
    cross_modelling: Mapped[bool] = mapped_column(Boolean, default=False)
    custom_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    financial_metric: Mapped[str | None] = mapped_column(String(100))
    piggyback_url: Mapped[str | None] = mapped_column(String(2000))
    piggyback_type_id: Mapped[int | None] = mapped_column(Integer)
    # Postback settings: the measurement partner and its tracking URLs.
    partner_type_id: Mapped[int | None] = mapped_column(Integer)
    impression_url: Mapped[str | None] = mapped_column(String(2000))
    click_url: Mapped[str | None] = mapped_column(String(2000))
    created_by_uow_id: Mapped[int | None] = mapped_column(Integer)
    modified_by_uow_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


HIT_PENDING = "pending"  # recorded, not yet attributed
HIT_ATTRIBUTED = "attributed"  # a click or impression of an attached campaign earned it
HIT_UNATTRIBUTED = "unattributed"  # no touch inside the windows
HIT_REPEAT = "repeat"  # the repeat-conversion rule does not count it


class ConversionHit(Base):
    """A pixel or postback call: who converted, when, for how much. Unique per (conversion, transaction id)."""

    __tablename__ = "conversion_hits"
    __table_args__ = (
        UniqueConstraint("conversion_id", "transaction_id"),
        Index("ix_conversion_hits_user", "conversion_id", "user_key", "occurred_at"),
        Index("ix_conversion_hits_state", "state", "id"),
        Index("ix_conversion_hits_claim", "claim"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversion_id: Mapped[int] = mapped_column(ForeignKey("conversions.id", ondelete="CASCADE"))
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # pixel | postback
    transaction_id: Mapped[str] = mapped_column(String(128))
    user_key: Mapped[str | None] = mapped_column(String(128))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default=HIT_PENDING)
    touch: Mapped[str | None] = mapped_column(String(10))  # click | view, once attributed
    touch_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    campaign_id: Mapped[int | None] = mapped_column(Integer, index=True)
    attributed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The attribution set a pending hit is claimed by ("<first id>-<last id>"), so a retried pass settles the
    # same hits under the same store batch ids; cleared when the hit is settled.
    claim: Mapped[str | None] = mapped_column(String(48))
