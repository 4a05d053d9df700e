"""The scheduler: record every due occurrence, then claim and deliver occurrences under a lease.

`run_due` is one pass (what `adplane scheduler run-due` calls, and the "schedules" job kind that
`adplane worker` and `adplane serve` run). Several processes may run it at once on PostgreSQL:
recording is idempotent (unique (schedule, instant), insert-or-ignore) and delivery goes through
`adplane.jobs.leases`, so an occurrence is handed to the mail server once. The one window left is
a worker killed after the server accepted a mail and before its outcome was committed: the
occurrence is retried after the lease, and the copy carries the same Message-ID.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs import leases
from adplane.jobs.registry import JobContext, JobKind
from adplane.mail import send
from adplane.reports.models import Report
from adplane.schedules import repository
from adplane.schedules.delivery import build_content, build_message
from adplane.schedules.models import ReportSchedule, ScheduleOccurrence
from adplane.schedules.recurrence import period_for
from adplane.schedules.service import following_delivery

log = structlog.get_logger("adplane.schedules")

CLAIM_BATCH = 10
RECORD_BATCH = 500
MAX_CATCH_UP_PER_PASS = 400  # a schedule with more missed instants continues on the next pass


@dataclass
class RunStats:
    recorded: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        return {"recorded": self.recorded, **self.outcomes}


# ---------------------------------------------------------------- recording


def _insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    from sqlalchemy.dialects import postgresql, sqlite

    keys = ["schedule_id", "occurs_at"]
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(ScheduleOccurrence).values(rows).on_conflict_do_nothing(index_elements=keys)
        return len(session.scalars(pg.returning(ScheduleOccurrence.id)).all())
    lite = sqlite.insert(ScheduleOccurrence).values(rows).on_conflict_do_nothing(index_elements=keys)
    return len(session.scalars(lite.returning(ScheduleOccurrence.id)).all())


def _occurrence_row(schedule: ReportSchedule, report: Report, instant: datetime, now: datetime) -> dict[str, Any]:
    start, end = period_for(
        schedule.delivery_frequency, instant, ZoneInfo(report.timezone_name),
        report_start=as_utc(report.start_date), report_end=as_utc(report.end_date),
        running_total_from=as_utc(schedule.earliest_campaign_start_at) if schedule.running_total
        and schedule.earliest_campaign_start_at else None,
    )
    return {
        "schedule_id": schedule.id, "ow_id": schedule.ow_id, "report_id": schedule.report_id,
        "occurs_at": instant, "period_start": start, "period_end": end, "delivered_to": [],
        "created_at": now, "status": leases.PENDING, "available_at": instant, "attempts": 0,
    }


def record_due(session: Session, settings: Settings, now: datetime) -> int:
    """Record an occurrence for every delivery instant <= now (each missed one once) and move each
    schedule's `next_occurrence_at` past now. Returns how many new occurrences were recorded."""
    recorded = 0
    while True:
        stmt = (
            select(ReportSchedule, Report)
            .join(Report, Report.id == ReportSchedule.report_id)
            .where(ReportSchedule.next_occurrence_at <= now)
            .order_by(ReportSchedule.next_occurrence_at, ReportSchedule.id)
            .limit(RECORD_BATCH)
        )
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=ReportSchedule)
        pairs = session.execute(stmt).all()
        if not pairs:
            session.commit()
            return recorded
        rows: list[dict[str, Any]] = []
        for schedule, report in pairs:
            if report.deleted_at is not None:
                schedule.next_occurrence_at = None
                continue
            instant: datetime | None = as_utc(schedule.next_occurrence_at)  # type: ignore[arg-type]
            for _ in range(MAX_CATCH_UP_PER_PASS):
                if instant is None or instant > now:
                    break
                rows.append(_occurrence_row(schedule, report, instant, now))
                instant = following_delivery(schedule, report, settings, instant)
            schedule.next_occurrence_at = instant
        recorded += _insert_ignoring_duplicates(session, rows)
        session.commit()


# ---------------------------------------------------------------- delivering


def _note_delivery(session: Session, occurrence: ScheduleOccurrence, worker: str, delivered: list[str],
                   now: datetime, lease_seconds: float) -> bool:
    stmt = (
        update(ScheduleOccurrence)
        .where(ScheduleOccurrence.id == occurrence.id, ScheduleOccurrence.status == leases.RUNNING,
               ScheduleOccurrence.lease_owner == worker)
        .values(delivered_to=delivered, lease_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    held = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    session.commit()
    return held


def deliver(session: Session, settings: Settings, store: Any, occurrence: ScheduleOccurrence, *, worker: str,
            now: datetime, lease_seconds: float | None = None) -> str:
    """Deliver one claimed occurrence; returns its outcome (done, cancelled, retry, failed, lost)."""
    lease_seconds = lease_seconds or settings.job_lease_seconds
    schedule = session.get(ReportSchedule, occurrence.schedule_id)
    report = session.get(Report, occurrence.report_id)
    if schedule is None or report is None or report.deleted_at is not None:
        reason = "the schedule was removed" if schedule is None else "the report was deleted"
        leases.finish(session, occurrence, worker=worker, now=now, status=leases.CANCELLED, note=reason)
        return leases.CANCELLED
    opted_out = repository.opted_out(session, schedule.ow_id, schedule.report_id)
    delivered = list(occurrence.delivered_to or [])
    done = {email.lower() for email in delivered}
    pending = [e for e in schedule.subscriber_emails if e.lower() not in opted_out and e.lower() not in done]
    if not pending:
        status, note = (leases.DONE, None) if delivered else (leases.CANCELLED, "every subscriber unsubscribed")
        leases.finish(session, occurrence, worker=worker, now=now, status=status, note=note)
        return status
    content = None
    try:
        started = time.monotonic()
        content = build_content(session, store, settings, report, schedule, as_utc(occurrence.period_start),
                                as_utc(occurrence.period_end))
        # a long report may have used much of the lease: renew it before the first mail goes out
        if time.monotonic() - started > lease_seconds / 3 and not leases.extend_lease(
            session, occurrence, worker=worker, now=max(now, utcnow()), lease_seconds=lease_seconds
        ):
            return "lost"
        for position, recipient in enumerate(pending, start=1):
            send(settings, build_message(settings, report, schedule, occurrence, content, recipient))
            delivered.append(recipient)
            # progress is written between recipients; the last one goes with the final outcome
            if position < len(pending) and not _note_delivery(session, occurrence, worker, delivered,
                                                              max(now, utcnow()), lease_seconds):
                return "lost"
    except Exception as exc:  # noqa: BLE001 - any failure (mail server, report) is retried, then recorded
        session.rollback()
        outcome = leases.retry_or_fail(
            session, occurrence, worker=worker, now=now, error=f"{type(exc).__name__}: {exc}",
            max_attempts=settings.job_max_attempts, base_seconds=settings.job_retry_base_seconds,
        )
        log.warning("schedule_delivery_failed", occurrence=occurrence.id, outcome=outcome, error=str(exc)[:300])
        return "retry" if outcome == leases.PENDING else (outcome or "lost")
    finally:
        if content is not None:
            content.attachment.unlink(missing_ok=True)
    won = leases.finish(session, occurrence, worker=worker, now=now, status=leases.DONE, delivered_to=delivered)
    return leases.DONE if won else "lost"


def deliver_due(db: Database, settings: Settings, store: Any, *, worker: str, now: datetime | None = None,
                lease_seconds: float | None = None, stats: RunStats | None = None) -> RunStats:
    """Claim and deliver until nothing due is left."""
    stats = stats or RunStats()
    lease_seconds = lease_seconds or settings.job_lease_seconds
    while True:
        current = now or utcnow()
        with db.session() as session:
            batch = leases.claim(session, ScheduleOccurrence, worker=worker, now=current,
                                 lease_seconds=lease_seconds, limit=CLAIM_BATCH, lease_from=max(current, utcnow()))
            if not batch:
                return stats
            if store is None:  # opened only when there is something to deliver
                store = store_for(settings)
            for occurrence in batch:
                outcome = deliver(session, settings, store, occurrence, worker=worker, now=now or utcnow(),
                                  lease_seconds=lease_seconds)
                stats.count(outcome)


# ---------------------------------------------------------------- entry points


def run_due(db: Database, settings: Settings, *, now: datetime | None = None, worker: str | None = None,
            store: Any = None, lease_seconds: float | None = None) -> RunStats:
    """One pass: record what is due at `now` (default: the clock), then deliver it."""
    stats = RunStats()
    with db.session() as session:
        stats.recorded = record_due(session, settings, now or utcnow())
    return deliver_due(db, settings, store, worker=worker or leases.worker_name(), now=now,
                       lease_seconds=lease_seconds, stats=stats)


def run_pass(ctx: JobContext) -> dict[str, int]:
    """The "schedules" job kind: one `run_due` pass at the clock's instant."""
    return run_due(ctx.db, ctx.settings, worker=ctx.worker, store=ctx.store,
                   lease_seconds=ctx.lease_seconds).as_dict()


JOB_KINDS = [JobKind("schedules", run_pass, interval_seconds=30.0,
                     description="record due scheduled report deliveries and mail them")]
