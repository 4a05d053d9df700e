"""Background matching of uploaded audiences: the "audience-match" job kind (`adplane.jobs`).

Uploading (or rematching) a matched audience queues a job keyed by the audience id. A worker
matches the file against the identity store outside any write transaction, then, only while it
still holds the lease, writes the members, the result file, the counts and the job's outcome in
one transaction. A file that cannot be read as mapped fails the audience at once (status failed,
with the reason); any other error is retried with backoff and fails the audience after the last
attempt.
"""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from adplane.audiences import building, catalog, matching, service
from adplane.audiences.models import Audience
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain
from adplane.jobs.registry import JobContext, queued

log = structlog.get_logger("adplane.audiences")


def match(ctx: JobContext, session: Session, job: Job) -> str | None:
    """Handle one "audience-match" job."""
    audience_id = int(job.payload["audienceId"])
    audience = session.get(Audience, audience_id)
    if audience is None or audience.status_id != catalog.STATUS_PROCESSING:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the audience is no longer processing")
        return leases.CANCELLED if won else "lost"
    result_path = files.new_file_path(ctx.settings, service.RESULT_KIND, audience.ow_id, ".csv")
    try:
        with files.written_atomically(result_path) as partial:
            result = service.run_match(session, ctx.settings, audience, partial)
    except matching.FileProblem as exc:
        return _fail(ctx, session, job, audience_id, str(exc))
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        result_path.unlink(missing_ok=True)
        return "lost"
    mine = building.locked(session, audience_id)
    if mine is None:
        session.rollback()
        result_path.unlink(missing_ok=True)
        return "lost"
    service.store_match(session, ctx.settings, mine, result, result_path)
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), commit=False)
    session.commit()
    log.info("audience_matched", audience_id=audience_id, rows=result.rows, matched=result.matched_rows,
             reach=result.reach)
    return leases.DONE


def _fail(ctx: JobContext, session: Session, job: Job, audience_id: int, reason: str) -> str:
    return building.store_failed(ctx, session, job, audience_id, reason, service.fail_match)


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    log.error("audience_match_failed", audience_id=job.payload.get("audienceId"), error=type(exc).__name__)
    mine = building.locked(session, int(job.payload["audienceId"]))
    if mine is not None:
        service.fail_match(mine, f"Matching failed: {type(exc).__name__}")


def match_pending(db: Database, settings: Settings, *, limit: int = 50, worker: str | None = None) -> int:
    """Match up to `limit` waiting audiences now (tests, CLI); returns how many jobs were taken."""
    ctx = JobContext(db, settings, worker or leases.worker_name())
    return sum(drain(ctx, service.MATCH_KIND, match, on_last_failure, batch=1, limit=limit).values())


JOB_KINDS = [queued(service.MATCH_KIND, match, on_failure=on_last_failure, interval_seconds=3.0, batch=1,
                    description="match uploaded audiences against the identity store")]
