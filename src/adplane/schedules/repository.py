"""SQL of the schedules domain; tenant rows are reached only through `scoped`."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.core.tenancy import scoped
from adplane.schedules.models import EVERY_REPORT, ReportSchedule, ScheduleOccurrence, ScheduleOptOut


def schedule_of_report(session: Session, ow_id: int, report_id: int) -> ReportSchedule | None:
    return session.scalar(scoped(ReportSchedule, ow_id).where(ReportSchedule.report_id == report_id))


def schedule_by_report_id(session: Session, report_id: int) -> ReportSchedule | None:
    """Unscoped: for the report's own domain, which has already checked the caller's access."""
    return session.scalar(select(ReportSchedule).where(ReportSchedule.report_id == report_id))


def recent_occurrences(session: Session, schedule_id: int, limit: int = 10) -> list[ScheduleOccurrence]:
    stmt = (
        select(ScheduleOccurrence)
        .where(ScheduleOccurrence.schedule_id == schedule_id)
        .order_by(ScheduleOccurrence.occurs_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def opted_out(session: Session, ow_id: int, report_id: int) -> set[str]:
    """Lower-cased addresses that unsubscribed from this report or from every report."""
    stmt = scoped(ScheduleOptOut, ow_id).where(ScheduleOptOut.report_id.in_((report_id, EVERY_REPORT)))
    return {row.email for row in session.scalars(stmt)}


def add_opt_out(session: Session, ow_id: int, email: str, report_id: int) -> None:
    exists = session.scalar(
        scoped(ScheduleOptOut, ow_id).where(ScheduleOptOut.email == email, ScheduleOptOut.report_id == report_id)
    )
    if exists is None:
        session.add(ScheduleOptOut(ow_id=ow_id, email=email, report_id=report_id))


def delete_schedule(session: Session, schedule: ReportSchedule) -> None:
    session.execute(delete(ScheduleOccurrence).where(ScheduleOccurrence.schedule_id == schedule.id))
    session.delete(schedule)
