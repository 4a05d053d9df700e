"""Background work of geo-farmed, contextual and retargeted audiences (`adplane.jobs`).

- "audience-build": one job per audience. The worker reads the analytics store outside any write
  transaction, then, only while it still holds the lease, writes the members, the reach and the job's
  outcome together. A processing audience becomes ready; a ready one (a refresh) stays ready, its members
  replaced. After the last failed attempt a processing audience fails (a ready one keeps its members).
- "audience-refresh" (hourly): rolling retargeted audiences lose visitors whose last visit left their
  window; geo-farmed and static contextual audiences whose window was still open at their last build, and
  dynamic contextual audiences built more than 24 hours ago, are queued again; audiences left processing
  without a job (a duplicate of one) get one.
"""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.audiences import building, catalog, contextual, geofarm, kind_common, retargeting
from adplane.audiences.models import Audience
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain
from adplane.jobs.registry import JobContext, periodic, queued

log = structlog.get_logger("adplane.audiences")
BUILT_TYPES = (catalog.TYPE_GEOFARMED, catalog.TYPE_CONTEXTUAL)
LIVE = (catalog.STATUS_PROCESSING, catalog.STATUS_READY)


def build(ctx: JobContext, session: Session, job: Job) -> str:
    """Handle one "audience-build" job."""
    audience_id = int(job.payload["audienceId"])
    audience = session.get(Audience, audience_id)
    if audience is None or audience.type_id not in BUILT_TYPES or audience.status_id not in LIVE:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the audience is gone or not buildable")
        return leases.CANCELLED if won else "lost"
    store = ctx.store or store_for(ctx.settings)
    now = utcnow()
    users = geofarm.members(store, audience) if audience.type_id == catalog.TYPE_GEOFARMED \
        else contextual.members(store, audience, now)
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        return "lost"
    mine = building.locked(session, audience_id, LIVE)
    if mine is None:
        session.rollback()
        return "lost"
    kind_common.built(mine, users, session)
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), commit=False)
    session.commit()
    log.info("audience_built", audience_id=audience_id, type_id=mine.type_id, reach=len(users))
    return leases.DONE


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    log.error("audience_build_failed", audience_id=job.payload.get("audienceId"), error=type(exc).__name__)
    mine = building.locked(session, int(job.payload["audienceId"]), LIVE)
    if mine is not None and mine.status_id == catalog.STATUS_PROCESSING:
        mine.status_id = catalog.STATUS_FAILED
        mine.failure_reason = f"Building the audience failed: {type(exc).__name__}"[:1000]


def build_pending(db: Database, settings: Settings, *, store: object = None, limit: int = 50) -> int:
    """Build up to `limit` queued audiences now (tests, CLI); returns how many jobs were taken."""
    ctx = JobContext(db, settings, leases.worker_name(), store=store)
    return sum(drain(ctx, kind_common.BUILD_KIND, build, on_last_failure, batch=1, limit=limit).values())


def refresh(db: Database, settings: Settings) -> int:  # noqa: ARG001 - the periodic signature
    """One "audience-refresh" pass; returns how many builds it queued."""
    now = utcnow()
    with db.session() as session:
        retargeting.expire(session, now)
        queued_builds = 0
        for audience in list(session.scalars(select(Audience).where(Audience.type_id.in_(BUILT_TYPES),
                                                                    Audience.status_id.in_(LIVE)))):
            if audience.status_id == catalog.STATUS_PROCESSING:
                due = True
            elif audience.type_id == catalog.TYPE_GEOFARMED:
                due = kind_common.due_for_rebuild(audience, now, window_end=geofarm.window_end(audience))
            else:
                end = contextual.window_end(audience, now)
                due = kind_common.due_for_rebuild(audience, now, window_end=end,
                                                  every=contextual.REFRESH_DYNAMIC if end is None else None)
            if due:
                kind_common.queue_build(session, audience)
                queued_builds += 1
        session.commit()
    return queued_builds


JOB_KINDS = [
    queued(kind_common.BUILD_KIND, build, on_failure=on_last_failure, interval_seconds=5.0, batch=1,
           description="build geo-farmed and contextual audiences from delivered impressions"),
    periodic("audience-refresh", refresh, interval_seconds=3600.0,
             description="expire rolling retargeted members, rebuild open geo-farmed/contextual audiences"),
]
