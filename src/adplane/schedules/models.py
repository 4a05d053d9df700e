"""SQLAlchemy tables of the schedules domain: report schedules, their occurrences, opt-outs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Identity, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime
from adplane.jobs.leases import LeasedWork
from adplane.jobs.metrics import register_leased_table

FREQUENCY_ONCE = 1
FREQUENCY_DAILY = 2
FREQUENCY_WEEKLY = 3
FREQUENCY_MONTHLY = 4

EVERY_REPORT = 0  # opt-out scope: every report of the organization (unsubscribe-all)


class ReportSchedule(Base):
    """The e-mail delivery of one report (at most one schedule per report)."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    ow_id: Mapped[int] = mapped_column(ForeignKey("organizations.ow_id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), unique=True)
    uow_id: Mapped[int | None] = mapped_column(Integer)  # who saved it last
    subscriber_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    file_type: Mapped[int] = mapped_column(Integer)
    delivery_frequency: Mapped[int] = mapped_column(Integer)
    delivery_day: Mapped[str | None] = mapped_column(String(16))  # canonical: "MONDAY", "FIRST", "LAST", "1".."29"
    event_end_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    running_total: Mapped[bool] = mapped_column(Boolean, default=False)
    earliest_campaign_start_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The next delivery instant not yet recorded as an occurrence; None once the schedule is over.
    next_occurrence_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class ScheduleOccurrence(LeasedWork, Base):
    """One due delivery of a schedule, recorded before anything is sent; (schedule, instant) is unique,
    so neither a retry nor a second worker can send it twice."""

    __tablename__ = "schedule_occurrences"
    __table_args__ = (UniqueConstraint("schedule_id", "occurs_at", name="uq_schedule_occurrences_schedule_instant"),)

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("report_schedules.id", ondelete="CASCADE"), index=True)
    ow_id: Mapped[int] = mapped_column(Integer)
    report_id: Mapped[int] = mapped_column(Integer)
    occurs_at: Mapped[datetime] = mapped_column(UtcDateTime)
    period_start: Mapped[datetime] = mapped_column(UtcDateTime)  # the report covers [start, end)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)
    # Recipients already handed to the mail server, so a retry sends only to the others.
    delivered_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ScheduleOptOut(Base):
    """A recipient who unsubscribed from one report's mails, or from all (`report_id` 0)."""

    __tablename__ = "schedule_opt_outs"
    __table_args__ = (UniqueConstraint("ow_id", "email", "report_id", name="uq_schedule_opt_outs_scope"),)

    id: Mapped[int] = mapped_column(Integer, Identity(), primary_key=True)
    ow_id: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(320))  # lower-cased
    report_id: Mapped[int] = mapped_column(Integer, default=EVERY_REPORT)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


register_leased_table("schedule_occurrences", ScheduleOccurrence)  # its depth/lag on /metrics

# Whoever loads these tables also gets the handlers that keep a report's schedule in step with its
# definition (`adplane.reports.hooks`, connected in the service module). Last, so the service finds every
# name of this module defined.
from adplane.schedules import service as _service  # noqa: E402,F401
