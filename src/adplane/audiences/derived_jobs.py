"""The "audience-derive" job kind: builds the members of lookalike and campaign audiences.

Creating (or regenerating) such an audience queues a job keyed by its id. A worker reads the seed
members and the analytics store outside any write transaction, then, only while it still holds the
lease, replaces the members, sets reach (distinct members) and status ready, and records the job's
outcome in one transaction (as `adplane.audiences.worker` does for matched uploads). A rule that can
no longer hold (a lookalike's seed is not ready any more) fails the audience at once with the
reason; any other error is retried with backoff and fails the audience after the last attempt.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import structlog
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.analytics.store import AnalyticsStore
from adplane.audiences import building, campaign_audience, catalog, lookalike
from adplane.audiences.campaign_audience import DERIVE_KIND
from adplane.audiences.models import Audience
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain, enqueue
from adplane.jobs.registry import JobContext, queued

log = structlog.get_logger("adplane.audiences")

Builder = Callable[[Session, AnalyticsStore, Audience], np.ndarray]
BUILDERS: dict[int, Builder] = {
    catalog.TYPE_LOOKALIKE: lookalike.member_ids,
    catalog.TYPE_CAMPAIGN: lambda session, store, audience: campaign_audience.member_ids(store, audience),
}


def queue_build(session: Session, audience: Audience) -> None:
    enqueue(session, DERIVE_KIND, str(audience.id), {"audienceId": audience.id})


def build(ctx: JobContext, session: Session, job: Job) -> str | None:
    """Handle one "audience-derive" job."""
    audience_id = int(job.payload["audienceId"])
    audience = session.get(Audience, audience_id)
    builder = BUILDERS.get(audience.type_id) if audience is not None else None
    if audience is None or builder is None or audience.status_id != catalog.STATUS_PROCESSING:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the audience is no longer processing")
        return leases.CANCELLED if won else "lost"
    try:
        members = builder(session, store_for(ctx.settings), audience)
    except ValueError as exc:
        return _fail(ctx, session, job, audience_id, str(exc))
    return building.store_ready(ctx, session, job, audience_id, members, "audience_built")


def fail(audience: Audience, reason: str) -> None:
    audience.status_id = catalog.STATUS_FAILED
    audience.failure_reason = reason[:1000]


def _fail(ctx: JobContext, session: Session, job: Job, audience_id: int, reason: str) -> str:
    return building.store_failed(ctx, session, job, audience_id, reason, fail)


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    log.error("audience_build_failed", audience_id=job.payload.get("audienceId"), error=type(exc).__name__)
    mine = building.locked(session, int(job.payload["audienceId"]))
    if mine is not None:
        fail(mine, f"Building the audience failed: {type(exc).__name__}")


def build_pending(db: Database, settings: Settings, *, limit: int = 50, worker: str | None = None) -> int:
    """Build up to `limit` waiting audiences now (tests, CLI); returns how many jobs were taken."""
    ctx = JobContext(db, settings, worker or leases.worker_name())
    return sum(drain(ctx, DERIVE_KIND, build, on_last_failure, batch=1, limit=limit).values())


JOB_KINDS = [queued(DERIVE_KIND, build, on_failure=on_last_failure, interval_seconds=3.0, batch=1,
                    description="build lookalike and campaign audiences from the analytics store")]
