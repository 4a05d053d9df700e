"""SQLAlchemy tables of the creatives domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Identity, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

CREATIVE_ID_START = 700001


class Creative(Base):
    """One ad creative of an organization; `source` is markup, a URL, or the stored file's link."""

    __tablename__ = "creatives"

    id: Mapped[int] = mapped_column(Integer, Identity(start=CREATIVE_ID_START), primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    uow_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    external_creative_id: Mapped[str | None] = mapped_column(String(255))
    creative_type_id: Mapped[int] = mapped_column(Integer, index=True)
    sub_media_type: Mapped[str | None] = mapped_column(String(20))
    status_id: Mapped[int] = mapped_column(Integer, index=True)
    # lower-case IQM source type: html, file, url, vast_url, vast_xml, daast_url, daast_xml
    source_type: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    click_url: Mapped[str | None] = mapped_column(String(2048))
    pixel_url: Mapped[str | None] = mapped_column(String(2048))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    mime_type: Mapped[str | None] = mapped_column(String(100))
    # type-specific extras as the client sent them (customTracking, nativeDetails, logoSource, ...)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rejection_reason: Mapped[str | None] = mapped_column(String(1000))
    remarks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
