"""Background generation of insight reports: claim a processing report, compute it, write its
files, mark it ready — or failed with a reason and refunded.

Claims: a processing report with no live claim is taken by one worker (`FOR UPDATE SKIP LOCKED`
on PostgreSQL; SQLite serialises writers, and the conditional UPDATE makes the claim exclusive).
A worker that dies leaves its claim to expire; another worker then retries the report. After
`MAX_ATTEMPTS` unexpected errors the report fails.

`generate_pending(db, settings, store)` runs synchronously (tests, CLI); `tick` is the periodic
task registered in `adplane.app.BACKGROUND_TASKS`.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.events.store import AnalyticsStore, open_store
from adplane.files import service as files
from adplane.insights import export
from adplane.insights.content import ComputationError, build
from adplane.insights.models import KIND_SLS, STATUS_PROCESSING, STATUS_READY, InsightReport
from adplane.insights.service import fail_and_refund, lock_organization

log = structlog.get_logger("adplane.insights")

CLAIM_SECONDS = 600
MAX_ATTEMPTS = 3
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim_next(session: Session, worker: str) -> InsightReport | None:
    now = utcnow()
    due = (InsightReport.status_id == STATUS_PROCESSING, InsightReport.deleted_at.is_(None),
           or_(InsightReport.claim_expires_at.is_(None), InsightReport.claim_expires_at < now))
    stmt = select(InsightReport.id).where(*due).order_by(InsightReport.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    report_id = session.scalar(stmt)
    if report_id is None:
        session.rollback()
        return None
    taken = session.execute(
        update(InsightReport).where(InsightReport.id == report_id, *due).values(
            claimed_by=worker, claim_expires_at=now + timedelta(seconds=CLAIM_SECONDS),
            attempts=InsightReport.attempts + 1,
        ).execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if not taken:
        return None
    return session.scalar(select(InsightReport).where(InsightReport.id == report_id)
                          .execution_options(populate_existing=True))


def _still_mine(session: Session, report_id: int, worker: str) -> InsightReport | None:
    stmt = select(InsightReport).where(InsightReport.id == report_id, InsightReport.claimed_by == worker,
                                       InsightReport.status_id == STATUS_PROCESSING)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt.execution_options(populate_existing=True))


def _write_files(session: Session, settings: Settings, report: InsightReport, content: object) -> dict:
    stem = report.name.replace("/", "_")
    written: dict = {}
    for suffix, writer in ((".xlsx", export.write_xlsx), (".csv", export.write_csv)):
        path = files.new_file_path(settings, f"insights-{report.kind}", report.ow_id, suffix)
        writer(content, path)  # type: ignore[arg-type]
        written[suffix] = files.register(session, settings, ow_id=report.ow_id, path=path,
                                         download_name=f"{stem}{suffix}", kind=f"insights-{report.kind}")
    if report.kind == KIND_SLS:
        path = files.new_file_path(settings, "insights-sls", report.ow_id, ".pdf")
        export.write_sls_pdf(content, report.name, path)  # type: ignore[arg-type]
        written[".pdf"] = files.register(session, settings, ow_id=report.ow_id, path=path,
                                         download_name=f"{stem}.pdf", kind="insights-sls")
    return written


def process(db: Database, settings: Settings, store: AnalyticsStore, report_id: int, worker: str) -> None:
    with db.session() as session:
        report = session.get(InsightReport, report_id)
        if report is None:
            return
        try:
            content = build(session, store, report)
        except ComputationError as exc:
            _finish_failed(session, report_id, worker, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - record, retry, then fail: never leave it processing
            log.exception("insight_generation_error", report_id=report_id)
            if report.attempts >= MAX_ATTEMPTS:
                _finish_failed(session, report_id, worker, f"Generation failed: {type(exc).__name__}")
            else:
                session.rollback()
                session.execute(update(InsightReport).where(InsightReport.id == report_id,
                                                            InsightReport.claimed_by == worker)
                                .values(claimed_by=None, claim_expires_at=None))
                session.commit()
            return
        session.rollback()
        mine = _still_mine(session, report_id, worker)
        if mine is None:
            return
        written = _write_files(session, settings, mine, content)
        mine.xlsx_file_id, mine.xlsx_size = written[".xlsx"].id, written[".xlsx"].size_bytes
        mine.csv_file_id, mine.csv_size = written[".csv"].id, written[".csv"].size_bytes
        if ".pdf" in written:
            mine.pdf_file_id, mine.pdf_size = written[".pdf"].id, written[".pdf"].size_bytes
        mine.summary = content.summary
        mine.status_id = STATUS_READY
        mine.generated_at = utcnow()
        mine.claimed_by = None
        mine.claim_expires_at = None
        session.commit()


def _finish_failed(session: Session, report_id: int, worker: str, reason: str) -> None:
    session.rollback()
    owner = session.scalar(select(InsightReport.ow_id).where(InsightReport.id == report_id))
    if owner is None:
        return
    lock_organization(session, owner)  # organization before report, as generation requests do
    mine = _still_mine(session, report_id, worker)
    if mine is None:
        return
    fail_and_refund(session, mine, reason)
    session.commit()


def generate_pending(db: Database, settings: Settings, store: AnalyticsStore, *, limit: int = 20,
                     worker: str = WORKER_NAME) -> int:
    """Generate up to `limit` processing reports now; returns how many were taken."""
    done = 0
    while done < limit:
        with db.session() as session:
            report = claim_next(session, worker)
        if report is None:
            break
        process(db, settings, store, report.id, worker)
        done += 1
    return done


_STORES: dict[str, AnalyticsStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(settings: Settings) -> AnalyticsStore:
    """One analytics store per database and data dir, shared by this process's background work."""
    key = f"{settings.resolved_database_url}|{Path(settings.data_dir).resolve()}"
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = open_store(settings)
        return _STORES[key]


def tick(db: Database, settings: Settings) -> None:
    """Periodic task: generate what is waiting."""
    generate_pending(db, settings, store_for(settings))
