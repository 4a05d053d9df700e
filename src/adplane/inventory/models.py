"""Inventory: the catalogue of apps/sites ads run on, block lists, inventory groups, PMP and PG deals,
and what each campaign includes or excludes.

The catalogue (`inventories`) is shared by every organization (a publisher is the same app or site for
all buyers); everything else belongs to one organization (`ow_id`) or to one of its campaigns.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

GROUP_TYPE_OPEN_EXCHANGE = 1
GROUP_TYPE_PMP = 2
GROUP_TYPE_CONTEXTUAL = 3
GROUP_TYPE_CTV = 4

DEAL_KIND_PMP = "pmp"
DEAL_KIND_PG = "pg"


class Inventory(Base):
    """One app or site (by bundle id or domain); ids are assigned once and never renumbered."""

    __tablename__ = "inventories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_id: Mapped[str] = mapped_column(String(500), unique=True)  # bundle id (apps) or domain (sites)
    name: Mapped[str] = mapped_column(String(500))
    publisher: Mapped[str] = mapped_column(String(255), default="UNKNOWN")
    traffic_type_id: Mapped[int | None] = mapped_column(Integer)
    inventory_type: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class BlockedInventory(Base):
    """The organization's account-level block list: no campaign of it buys these inventories."""

    __tablename__ = "inventory_blocks"

    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), primary_key=True)
    inventory_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CampaignInventory(Base):
    """A campaign's allow list (is_excluded False) or block list (True) of single inventories."""

    __tablename__ = "campaign_inventories"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    inventory_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_excluded: Mapped[bool] = mapped_column(Boolean, default=False)


class InventoryGroup(Base):
    __tablename__ = "inventory_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    group_type_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class InventoryGroupMember(Base):
    """One member of a group: an inventory (open exchange, CTV), a PMP deal, or a contextual
    keyword/URL, by `kind`."""

    __tablename__ = "inventory_group_members"
    __table_args__ = (UniqueConstraint("group_id", "kind", "ref", name="uq_inventory_group_members"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("inventory_groups.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # inventory, deal, keyword, url
    ref: Mapped[str] = mapped_column(String(1000))  # the inventory/deal id as text, or the keyword/URL


class CampaignInventoryGroup(Base):
    """A group a campaign targets (is_excluded False) or blocks (True)."""

    __tablename__ = "campaign_inventory_groups"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("inventory_groups.id", ondelete="CASCADE"), primary_key=True)
    is_excluded: Mapped[bool] = mapped_column(Boolean, default=False)


class Deal(Base):
    """A PMP deal (floor price `cpm`) or a PG deal (fixed price `cpm`), by `kind`."""

    __tablename__ = "inventory_deals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    deal_id: Mapped[str] = mapped_column(String(500))  # the seller's deal id
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(2000))
    cpm: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    exchange_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    curation_type_id: Mapped[int | None] = mapped_column(Integer)
    payment_type_id: Mapped[int | None] = mapped_column(Integer)
    creative_type_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class CampaignDeal(Base):
    """A deal assigned to a campaign: the campaign then buys through it."""

    __tablename__ = "campaign_deals"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("inventory_deals.id", ondelete="CASCADE"), primary_key=True)
