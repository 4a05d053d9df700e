"""Campaigns (one IO, one creative type, budgets, bids, dates, targeting) and their creatives."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

STATUS_DRAFT = "draft"
STATUS_PENDING = "pending"
STATUS_RUNNING = "running"
STATUS_PAUSED = "paused"
STATUS_EXPIRED = "expired"
STATUS_REJECTED = "rejected"
STATUS_DELETED = "deleted"
CAMPAIGN_STATUSES = (
    STATUS_DRAFT, STATUS_PENDING, STATUS_RUNNING, STATUS_PAUSED, STATUS_EXPIRED, STATUS_REJECTED, STATUS_DELETED,
)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    io_id: Mapped[int] = mapped_column(ForeignKey("insertion_orders.id", ondelete="CASCADE"), index=True)
    uow_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=STATUS_PENDING, index=True)
    # True once a workspace admin approved it: a pending+approved campaign starts at start_time.
    is_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    # Drafts may lack the creative type and start time; every other status has them.
    creative_type_id: Mapped[int | None] = mapped_column(Integer)
    campaign_type_id: Mapped[int] = mapped_column(Integer, default=1)
    budget_type_id: Mapped[int] = mapped_column(Integer, default=1)
    budget_day: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    budget_total: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    max_bid: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    total_budget_pacing: Mapped[bool] = mapped_column(Boolean, default=False)
    # Impression goal for campaigns of impression-based IOs (budget type 2).
    target_impressions: Mapped[int | None] = mapped_column(BigInteger)
    timezone_id: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    country_id: Mapped[int | None] = mapped_column(Integer)
    # Targeting as id lists; an empty list means "all".
    device_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    traffic_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    exchange_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    state_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    publisher_ad_category_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    advertiser_domain: Mapped[str | None] = mapped_column(String(1000))
    conversion_type: Mapped[str] = mapped_column(String(50), default="None")
    conversion_type_id: Mapped[int] = mapped_column(Integer, default=0)
    bid_optimization: Mapped[bool] = mapped_column(Boolean, default=True)
    bid_pacing: Mapped[bool] = mapped_column(Boolean, default=True)
    is_bid_shading: Mapped[bool] = mapped_column(Boolean, default=False)
    impression_capping: Mapped[int] = mapped_column(Integer, default=0)
    max_day_impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    max_day_clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    max_day_conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    total_impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    total_clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    total_conversions: Mapped[int] = mapped_column(BigInteger, default=0)
    is_tv_ad: Mapped[bool] = mapped_column(Boolean, default=False)
    # Other IQM campaign fields (white/black lists, zip codes, ...) kept as sent, by wire name.
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class CampaignCreative(Base):
    __tablename__ = "campaign_creatives"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    creative_id: Mapped[int] = mapped_column(ForeignKey("creatives.id", ondelete="CASCADE"), primary_key=True)
