"""What every audience-building job does once its members are computed (outside any write): take the job's
lease back, lock the audience, store the members, the reach and the ready status with the job's outcome in
one commit. Shared by the matched, segment, kind, derived and ABM build jobs."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.clock import utcnow
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.registry import JobContext

log = structlog.get_logger("adplane.audiences")


def locked(session: Session, audience_id: int,
           statuses: Sequence[int] = (catalog.STATUS_PROCESSING,)) -> Audience | None:
    """The audience, re-read and row-locked (PostgreSQL), while its status is one of `statuses`."""
    stmt = select(Audience).where(Audience.id == audience_id, Audience.status_id.in_(list(statuses)))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def store_ready(ctx: JobContext, session: Session, job: Job, audience_id: int, members: np.ndarray,
                event: str) -> str:
    """Members, reach and ready status, committed with the job's outcome; "lost" when the lease or the
    processing audience is gone."""
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        return "lost"
    mine = locked(session, audience_id)
    if mine is None:
        session.rollback()
        return "lost"
    repo.replace_members(session, mine.id, members)
    mine.reach = len(members)
    mine.status_id = catalog.STATUS_READY
    mine.failure_reason = None
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), commit=False)
    session.commit()
    log.info(event, audience_id=audience_id, type_id=mine.type_id, reach=len(members))
    return leases.DONE


def store_failed(ctx: JobContext, session: Session, job: Job, audience_id: int, reason: str,
                 mark: Callable[[Audience, str], None]) -> str:
    """The audience marked failed (`mark`, the kind's own wording) with the job's failed outcome, in one commit."""
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        return "lost"
    mine = locked(session, audience_id)
    if mine is not None:
        mark(mine, reason)
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.FAILED, note=reason, commit=False)
    session.commit()
    return leases.FAILED
