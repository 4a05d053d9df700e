"""Audiences, their members (the identity store's user keys) and the identity store itself."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime


class Audience(Base):
    """One audience of an organization; `details` keeps the type-specific request (column mappings,
    keywords, locations, source audiences, ...) as the client sent it, by wire name."""

    __tablename__ = "audiences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    uow_id: Mapped[int | None] = mapped_column(Integer)
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    type_id: Mapped[int] = mapped_column(SmallInteger, index=True)
    subtype_id: Mapped[int | None] = mapped_column(SmallInteger)
    status_id: Mapped[int] = mapped_column(SmallInteger, index=True)
    data_partner_id: Mapped[int | None] = mapped_column(SmallInteger)
    data_cost: Mapped[Decimal] = mapped_column(Numeric(12, 4), default=Decimal("0"))  # CPM, USD
    reach: Mapped[int] = mapped_column(BigInteger, default=0)  # distinct users (members)
    matched_rows: Mapped[int] = mapped_column(BigInteger, default=0)
    file_row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    file_name: Mapped[str | None] = mapped_column(String(255))
    upload_file_id: Mapped[int | None] = mapped_column(Integer)  # stored_files: the uploaded file
    result_file_id: Mapped[int | None] = mapped_column(Integer)  # stored_files: the match result
    failure_reason: Mapped[str | None] = mapped_column(String(1000))
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    approved_by_user_id: Mapped[int | None] = mapped_column(Integer)
    pixel_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # retargeting tag
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AudienceMember(Base):
    """A user key (the simulator's and ingestion's user id) inside an audience."""

    __tablename__ = "audience_members"

    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class Identity(Base):
    """A known identifier of a user: the digests of its normalised value (never the value itself).

    Filled by the simulator for the users it generates and by ingestion; matched audiences look
    uploaded identifiers up here by whichever digest the upload carries."""

    __tablename__ = "audience_identities"
    __table_args__ = (
        Index("ix_audience_identities_sha256", "kind", "sha256", unique=True),
        Index("ix_audience_identities_md5", "kind", "md5"),
        Index("ix_audience_identities_sha1", "kind", "sha1"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[int] = mapped_column(SmallInteger)
    sha256: Mapped[bytes] = mapped_column(LargeBinary(32))
    md5: Mapped[bytes] = mapped_column(LargeBinary(16))
    sha1: Mapped[bytes] = mapped_column(LargeBinary(20))
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    source: Mapped[str] = mapped_column(String(20), default="ingest")


class PixelVisit(Base):
    """A visit recorded by a retargeting audience's pixel (the user joins the audience)."""

    __tablename__ = "audience_pixel_visits"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    url: Mapped[str | None] = mapped_column(String(2000))
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AudienceInsight(Base):
    """An insights report of one audience (`adplane.audiences.audience_insights`): its computed widgets
    (distributions of the members by state, device type, age and gender, and identifier counts)."""

    __tablename__ = "audience_insights"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    status_id: Mapped[int] = mapped_column(SmallInteger)  # 1 processing, 2 ready, 3 failed (IQM's list)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    failure_reason: Mapped[str | None] = mapped_column(String(1000))
    created_by_user_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


# A retargeting pixel keeps one row per (audience, visitor): the visitor's latest visit
# (`adplane.audiences.retargeting`), so a repeated visit updates it instead of adding a row.
Index("ux_audience_pixel_visits_visitor", PixelVisit.audience_id, PixelVisit.user_id, unique=True)


class AudienceNpi(Base):
    """An NPI an ABM audience selected (`adplane.audiences.abm`): its members are these NPIs' user keys."""

    __tablename__ = "audience_npis"

    audience_id: Mapped[int] = mapped_column(ForeignKey("audiences.id", ondelete="CASCADE"), primary_key=True)
    npi: Mapped[str] = mapped_column(String(10), primary_key=True)
