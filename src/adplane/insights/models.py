"""SQLAlchemy tables of the insights domain: PLD, SLS and AQS reports (one table, `kind`), the
organization's insight rates, and each user's PLD column choice.

A report row is also its own generation job: `status_id` processing rows are claimed by a worker
(`claimed_by`, `claim_expires_at`) and end ready or failed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime

KIND_PLD = "pld"
KIND_SLS = "sls"
KIND_AQS = "aqs"
KINDS = (KIND_PLD, KIND_SLS, KIND_AQS)

STATUS_PROCESSING = 1
STATUS_READY = 2
STATUS_FAILED = 3


class InsightReport(Base):
    __tablename__ = "insight_reports"
    # Names are unique per organization and kind among reports not deleted (checked under the
    # organization's lock in `service.submit`), so a deleted report frees its name.
    __table_args__ = (Index("ix_insight_reports_ow_id_kind_name", "ow_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    uow_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(3), index=True)
    name: Mapped[str] = mapped_column(String(100))
    status_id: Mapped[int] = mapped_column(Integer, default=STATUS_PROCESSING, index=True)
    failure_reason: Mapped[str | None] = mapped_column(String(1000))
    campaign_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    io_id: Mapped[int | None] = mapped_column(Integer)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # SLS: lookbackDuration, conceptGroupId, reportTypes, competitorConceptGroupIds;
    # AQS: reportTypeId, audienceConceptGroups.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rate: Mapped[Decimal] = mapped_column(Numeric(16, 6))
    charged_imps: Mapped[int] = mapped_column(BigInteger, default=0)  # all generations so far
    charged_cost: Mapped[Decimal] = mapped_column(Numeric(16, 4), default=Decimal("0"))
    last_charge_imps: Mapped[int] = mapped_column(BigInteger, default=0)  # refunded if it fails
    last_charge_cost: Mapped[Decimal] = mapped_column(Numeric(16, 4), default=Decimal("0"))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    xlsx_file_id: Mapped[int | None] = mapped_column(Integer)
    csv_file_id: Mapped[int | None] = mapped_column(Integer)
    pdf_file_id: Mapped[int | None] = mapped_column(Integer)
    xlsx_size: Mapped[int | None] = mapped_column(BigInteger)
    csv_size: Mapped[int | None] = mapped_column(BigInteger)
    pdf_size: Mapped[int | None] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    generated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class InsightRate(Base):
    """Price per impression of an insight kind: per organization (`ow_id`), else the workspace
    default (`ow_id` NULL), else `adplane.insights.pricing.DEFAULT_RATES`."""

    __tablename__ = "insight_rates"
    __table_args__ = (UniqueConstraint("workspace_id", "ow_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    ow_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(16, 6))


class PldColumnChoice(Base):
    """The PLD list columns a user (membership `uow_id`) shows."""

    __tablename__ = "insight_pld_columns"

    uow_id: Mapped[int] = mapped_column(ForeignKey("memberships.uow_id", ondelete="CASCADE"), primary_key=True)
    columns: Mapped[dict[str, bool]] = mapped_column(JSON, default=dict)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
