"""Work queued in the `jobs` table: enqueue, drain a kind's due rows, run a periodic kind once.

All three go through `adplane.jobs.leases` (claim under a lease, finish or retry while the lease is
held), so a row is worked on by one worker at a time and its outcome is written once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.core.clock import utcnow
from adplane.jobs import leases
from adplane.jobs.models import PERIODIC_KEY, Job

if TYPE_CHECKING:
    from adplane.jobs.registry import JobContext

log = structlog.get_logger("adplane.jobs")

# `handle(ctx, session, job)` does one job. Returning None lets the queue mark it done; a handler
# that writes its results together with the outcome (`leases.hold` + `leases.finish(commit=False)`)
# returns the outcome it wrote ("done", "failed", "cancelled", or "lost" when its lease was gone).
# An exception is an attempt that failed: retried with backoff, `failed` after the last attempt.
Handler = Callable[["JobContext", Session, Job], str | None]
# `on_failure(ctx, session, job, exc)`: the last attempt failed; record it in the domain's own rows
# inside `session` (the queue commits it together with the job's `failed`).
FailureHook = Callable[["JobContext", Session, Job, BaseException], None]
PeriodicFn = Callable[..., Any]


def _insert_ignoring_duplicates(session: Session, row: dict[str, Any]) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        pg = postgresql.insert(Job).values(row).on_conflict_do_nothing(index_elements=["kind", "key"])
        return session.scalar(pg.returning(Job.id)) is not None
    lite = sqlite.insert(Job).values(row).on_conflict_do_nothing(index_elements=["kind", "key"])
    return session.scalar(lite.returning(Job.id)) is not None


def enqueue(session: Session, kind: str, key: str, payload: dict[str, Any] | None = None, *,
            available_at: datetime | None = None) -> None:
    """Queue the job (kind, key) in the caller's transaction (the caller commits).

    A job already waiting or running stays as it is; a finished one (done, failed, cancelled) is
    queued again with its attempts reset (a regenerated report reuses its key)."""
    now = utcnow()
    values: dict[str, Any] = {"payload": payload or {}, "status": leases.PENDING, "available_at": available_at or now,
                              "attempts": 0}
    if _insert_ignoring_duplicates(session, {"kind": kind, "key": key, "created_at": now, **values}):
        return
    session.execute(
        update(Job).where(Job.kind == kind, Job.key == key, Job.status.in_(leases.FINAL_STATUSES))
        .values(lease_owner=None, lease_expires_at=None, last_error=None, finished_at=None, **values)
        .execution_options(synchronize_session=False)
    )


def run_job(ctx: JobContext, job: Job, handle: Handler, on_failure: FailureHook | None = None) -> str:
    """Run one claimed job; returns its outcome (done, failed, cancelled, retry, lost)."""
    with ctx.db.session() as session:
        try:
            outcome = handle(ctx, session, job)
        except Exception as exc:  # noqa: BLE001 - an attempt that failed: retry it, then record it
            session.rollback()
            log.warning("job_attempt_failed", kind=job.kind, job=job.id, attempt=job.attempts,
                        error=f"{type(exc).__name__}: {exc}"[:300], exc_info=True)
            if on_failure is not None and leases.is_last_attempt(job, ctx.max_attempts):
                on_failure(ctx, session, job, exc)
            status = leases.retry_or_fail(
                session, job, worker=ctx.worker, now=utcnow(), error=f"{type(exc).__name__}: {exc}",
                max_attempts=ctx.max_attempts, base_seconds=ctx.retry_base_seconds, commit=False)
            if status:
                session.commit()
            else:
                session.rollback()
            return "retry" if status == leases.PENDING else (status or "lost")
        if outcome is not None:
            return outcome
        return leases.DONE if leases.finish(session, job, worker=ctx.worker, now=utcnow()) else "lost"


def drain(ctx: JobContext, kind: str, handle: Handler, on_failure: FailureHook | None = None, *,
          batch: int = 10, limit: int | None = None) -> dict[str, int]:
    """Claim and run `kind`'s due jobs until none is left (or `limit` were taken); counts outcomes."""
    outcomes: Counter[str] = Counter()
    taken = 0
    while limit is None or taken < limit:
        now = utcnow()
        size = batch if limit is None else min(batch, limit - taken)
        with ctx.db.session() as session:
            jobs = leases.claim(session, Job, worker=ctx.worker, now=now, lease_seconds=ctx.lease_seconds,
                                limit=size, where=[Job.kind == kind])
        if not jobs:
            break
        taken += len(jobs)
        for job in jobs:
            outcomes[run_job(ctx, job, handle, on_failure)] += 1
    return dict(outcomes)


def run_periodic(ctx: JobContext, kind: str, fn: PeriodicFn, *, interval_seconds: float,
                 lease_seconds: float | None = None) -> dict[str, int]:
    """Run the periodic kind's `fn(db, settings)` if its turn has come, at most once per interval
    across every process sharing the database: the kind's one `jobs` row is claimed under a lease,
    and put back `pending` until `interval_seconds` later (also after an error, which is logged
    and kept in `last_error`: a periodic task is never `failed` for good)."""
    now = utcnow()
    with ctx.db.session() as session:
        _insert_ignoring_duplicates(session, {"kind": kind, "key": PERIODIC_KEY, "payload": {}, "created_at": now,
                                              "status": leases.PENDING, "available_at": now, "attempts": 0})
        session.commit()
        claimed = leases.claim(session, Job, worker=ctx.worker, now=now, limit=1,
                               lease_seconds=lease_seconds or ctx.lease_seconds,
                               where=[Job.kind == kind, Job.key == PERIODIC_KEY])
        if not claimed:
            return {}
        [job] = claimed
    error = None
    try:
        fn(ctx.db, ctx.settings)
    except Exception as exc:  # noqa: BLE001 - log, keep the error, run again next interval
        log.exception("periodic_job_failed", kind=kind)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    finished = utcnow()
    with ctx.db.session() as session:
        session.execute(
            update(Job).where(Job.id == job.id, Job.status == leases.RUNNING, Job.lease_owner == ctx.worker)
            .values(status=leases.PENDING, available_at=finished + timedelta(seconds=interval_seconds), attempts=0,
                    lease_owner=None, lease_expires_at=None, last_error=error, finished_at=finished)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return {"failed" if error else "ran": 1}
