"""Background generation of insight reports: the "insights" job kind (`adplane.jobs`).

Submitting or regenerating a report queues a job keyed by the report id in the same transaction
(`service.queue_generation`). A worker claims it under a lease, computes the report, and writes
its files, the report's ready state and the job's outcome in one transaction, only while it still
holds the lease (a worker whose lease expired meanwhile writes nothing). A `ComputationError`
fails the report at once (refunded); any other error is retried with backoff
(`ADPLANE_JOB_RETRY_BASE_SECONDS`) and after `ADPLANE_JOB_MAX_ATTEMPTS` attempts the report fails
(refunded). A worker that dies leaves its lease to expire; another worker then retries the job.

`generate_pending(db, settings, store)` runs synchronously (tests, CLI).
"""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.analytics.store import AnalyticsStore
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.insights import export
from adplane.insights.content import ComputationError, build
from adplane.insights.models import KIND_SLS, STATUS_PROCESSING, STATUS_READY, InsightReport
from adplane.insights.service import GENERATION_KIND, fail_and_refund, lock_organization
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain
from adplane.jobs.registry import JobContext, queued

log = structlog.get_logger("adplane.insights")

WORKER_NAME = leases.worker_name()


def _write_files(session: Session, settings: Settings, report: InsightReport, content: object) -> dict:
    stem = report.name.replace("/", "_")
    written: dict = {}
    for suffix, writer in ((".xlsx", export.write_xlsx), (".csv", export.write_csv)):
        path = files.new_file_path(settings, f"insights-{report.kind}", report.ow_id, suffix)
        with files.written_atomically(path) as partial:
            writer(content, partial)  # type: ignore[arg-type]
        written[suffix] = files.register(session, settings, ow_id=report.ow_id, path=path,
                                         download_name=f"{stem}{suffix}", kind=f"insights-{report.kind}")
    if report.kind == KIND_SLS:
        path = files.new_file_path(settings, "insights-sls", report.ow_id, ".pdf")
        with files.written_atomically(path) as partial:
            export.write_sls_pdf(content, report.name, partial)  # type: ignore[arg-type]
        written[".pdf"] = files.register(session, settings, ow_id=report.ow_id, path=path,
                                         download_name=f"{stem}.pdf", kind="insights-sls")
    return written


def _locked_report(session: Session, report_id: int) -> InsightReport | None:
    stmt = select(InsightReport).where(InsightReport.id == report_id, InsightReport.status_id == STATUS_PROCESSING,
                                       InsightReport.deleted_at.is_(None))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def generate(ctx: JobContext, session: Session, job: Job) -> str | None:
    """Handle one "insights" job: generate the report, or fail it (refunded) for a computation error."""
    report_id = int(job.payload["reportId"])
    report = session.get(InsightReport, report_id)
    if report is None or report.status_id != STATUS_PROCESSING or report.deleted_at is not None:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the report is no longer processing")
        return leases.CANCELLED if won else "lost"
    try:
        content = build(session, ctx.store or store_for(ctx.settings), report)
    except ComputationError as exc:
        return _fail(ctx, session, job, report_id, str(exc))
    session.rollback()
    if not leases.hold(session, job, worker=ctx.worker):
        session.rollback()
        return "lost"
    mine = _locked_report(session, report_id)
    if mine is None:
        session.rollback()
        return "lost"
    written = _write_files(session, ctx.settings, mine, content)
    mine.xlsx_file_id, mine.xlsx_size = written[".xlsx"].id, written[".xlsx"].size_bytes
    mine.csv_file_id, mine.csv_size = written[".csv"].id, written[".csv"].size_bytes
    if ".pdf" in written:
        mine.pdf_file_id, mine.pdf_size = written[".pdf"].id, written[".pdf"].size_bytes
    mine.summary = content.summary
    mine.status_id = STATUS_READY
    mine.generated_at = utcnow()
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), commit=False)
    session.commit()
    return leases.DONE


def _fail(ctx: JobContext, session: Session, job: Job, report_id: int, reason: str) -> str:
    """Fail the report (refunded) and end the job `failed`, together, while the lease is held."""
    session.rollback()
    if not _fail_report(session, job, report_id, reason, ctx.worker):
        session.rollback()
        return "lost"
    leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.FAILED, note=reason, commit=False)
    session.commit()
    return leases.FAILED


def _fail_report(session: Session, job: Job, report_id: int, reason: str, worker: str) -> bool:
    owner = session.scalar(select(InsightReport.ow_id).where(InsightReport.id == report_id))
    if owner is None:
        return True
    lock_organization(session, owner)  # organization before job and report, as generation requests do
    if not leases.hold(session, job, worker=worker):
        return False
    report = _locked_report(session, report_id)
    if report is not None:
        fail_and_refund(session, report, reason)
    return True


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    """The last attempt raised: fail the report (refunded); the queue then ends the job `failed`."""
    log.error("insight_generation_failed", report_id=job.payload.get("reportId"), error=type(exc).__name__)
    _fail_report(session, job, int(job.payload["reportId"]), f"Generation failed: {type(exc).__name__}", ctx.worker)


def generate_pending(db: Database, settings: Settings, store: AnalyticsStore | None = None, *, limit: int = 20,
                     worker: str = WORKER_NAME) -> int:
    """Generate up to `limit` waiting reports now; returns how many jobs were taken."""
    ctx = JobContext(db, settings, worker, store=store)
    return sum(drain(ctx, GENERATION_KIND, generate, on_last_failure, batch=1, limit=limit).values())


JOB_KINDS = [queued(GENERATION_KIND, generate, on_failure=on_last_failure, interval_seconds=5.0, batch=1,
                   description="generate waiting PLD, SLS and AQS insight reports")]
