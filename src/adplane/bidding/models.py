"""Bid models of campaigns: one row per modelled entity (or bundle of entities) of a dimension, the
entities a dimension includes or excludes, and the campaign's base bid and priority."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

ENTITY_SINGLE = 1
ENTITY_BUNDLE = 2
ENTITY_OTHERS = 3  # every entity of the dimension without a model of its own (IQM's entityId -1)


class CampaignBidSettings(Base):
    """The campaign's base bid (what multipliers multiply; the max bid stays the ceiling) and its priority
    within its insertion order (IO bid models)."""

    __tablename__ = "campaign_bid_settings"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    base_bid: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    priority: Mapped[int | None] = mapped_column(Integer)
    priority_model_id: Mapped[int | None] = mapped_column(Integer)  # the IO bid model's id for this campaign


class BidModelBundle(Base):
    __tablename__ = "bid_model_bundles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    dimension_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    entity_ids: Mapped[list[int]] = mapped_column(JSON, default=list)


class BidModel(Base):
    """A modelled entity: its multiplier, priority and spend ratio (the IQM `bidModelData`)."""

    __tablename__ = "bid_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    dimension_id: Mapped[int] = mapped_column(Integer)
    entity_type_id: Mapped[int] = mapped_column(Integer, default=ENTITY_SINGLE)
    entity_id: Mapped[int | None] = mapped_column(Integer)  # single entity; None for bundles and "others"
    bundle_id: Mapped[int | None] = mapped_column(ForeignKey("bid_model_bundles.id", ondelete="CASCADE"))
    priority: Mapped[int | None] = mapped_column(Integer)
    bid_multiplier: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    spend_ratio: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    spend_ratio_type_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DimensionTargeting(Base):
    """An entity a campaign's dimension includes (is_excluded False) or excludes."""

    __tablename__ = "bid_model_targeting"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_excluded: Mapped[bool] = mapped_column(Boolean, default=False)


class IoBidModel(Base):
    """An insertion order's bid model (IQM's `bm/io/{ioId}/bid-models`): a campaign's priority within the IO
    (`campaign_id` set, no dimension), or a multiplier on a dimension's entity that every campaign of the IO
    bids with unless the campaign models that entity itself."""

    __tablename__ = "io_bid_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    io_id: Mapped[int] = mapped_column(ForeignKey("insertion_orders.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    dimension_id: Mapped[int | None] = mapped_column(Integer)
    entity_type_id: Mapped[int] = mapped_column(Integer, default=ENTITY_SINGLE)
    entity_id: Mapped[int | None] = mapped_column(Integer)  # None for a priority and for "others"
    priority: Mapped[int | None] = mapped_column(Integer)
    bid_multiplier: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    spend_ratio: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    spend_ratio_type_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class IoBidSettings(Base):
    """The insertion order's base bid: its campaigns' base bid where they have none of their own."""

    __tablename__ = "io_bid_settings"

    io_id: Mapped[int] = mapped_column(ForeignKey("insertion_orders.id", ondelete="CASCADE"), primary_key=True)
    base_bid: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))


class IoDimensionTargeting(Base):
    """An entity an insertion order's dimension includes (is_excluded False) or excludes for every campaign of
    the IO, those created later included; a campaign's own include/exclude of the entity wins."""

    __tablename__ = "io_bid_model_targeting"

    io_id: Mapped[int] = mapped_column(ForeignKey("insertion_orders.id", ondelete="CASCADE"), primary_key=True)
    dimension_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_excluded: Mapped[bool] = mapped_column(Boolean, default=False)
