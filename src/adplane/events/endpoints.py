"""HTTP endpoints of the events domain: bulk ingestion of event batches (workspace admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from adplane.analytics.deps import AnalyticsDep
from adplane.analytics.store import AnalyticsStore
from adplane.auth.deps import PrincipalDep, WorkspaceAdminDep
from adplane.campaigns.budget import after_delivery
from adplane.core.control import ControlKeyDep
from adplane.core.db import Database
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import Conflict, NotFound, ValidationFailed
from adplane.core.routing import add_router
from adplane.events.ingest import (
    DEFAULT_MAX_ERRORS,
    FORMATS,
    BatchRejected,
    DuplicateContent,
    detect_format,
    ingest_bytes,
    scoped_batch_id,
)
from adplane.events.responses import BatchInfo, BatchRejectedReport, BatchStored

router = APIRouter(tags=["Events"])
BATCHES_PATH = "/api/v3/adplane/events/batches"

MAX_BATCH_ID_LENGTH = 200


def _after_response(background: BackgroundTasks, db: Database, store: AnalyticsStore,
                    campaign_ids: list[int]) -> None:
    """Once the answer is sent: expire the campaigns the batch spent out. It reads their totals, which builds the
    batch's pending rollups (`adplane.analytics.pending`), so the caller does not wait for either."""
    def expire() -> None:
        with db.session() as session:
            after_delivery(session, store, campaign_ids)

    if campaign_ids:
        background.add_task(expire)


def _rejection(exc: BatchRejected) -> ValidationFailed:
    objects = []
    for err in exc.errors:
        field = err.field or "file"
        if err.row is not None:
            field = f"rows[{err.row}].{field}"
        where = f"row {err.row}: " if err.row is not None else ""
        obj: dict[str, Any] = {"error": f"{where}{err.field or 'file'} {err.error}" if err.field else err.error,
                               "field": field}
        if err.value is not None:
            obj["reason"] = f"value: {err.value[:200]}"
        objects.append(obj)
    return ValidationFailed("The batch was rejected; nothing was stored.", errors=objects, data=exc.report())


@router.post(BATCHES_PATH, status_code=201, response_model=V3[BatchStored])
async def post_batch(
    request: Request,
    background: BackgroundTasks,
    principal: WorkspaceAdminDep,
    session: SessionDep,
    store: AnalyticsDep,
    format: Annotated[str | None, Query(description="ndjson, csv or parquet (default: from Content-Type)")] = None,
    batch_id: Annotated[str | None, Query(alias="batchId", description="default: SHA-256 of the body")] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    allow_duplicate_content: Annotated[bool, Query(
        alias="allowDuplicateContent",
        description="store the same file content again under another batch id (refused with 409 otherwise)")] = False,
) -> JSONResponse:
    """Store a batch of events for the caller's organization: all rows or none, once per batch id."""
    fmt = format.lower() if format else detect_format(content_type=request.headers.get("content-type"))
    if fmt not in FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(FORMATS)} (or send a matching Content-Type)",
                               field="format")
    batch_id = batch_id or idempotency_key
    if batch_id is not None and not 0 < len(batch_id) <= MAX_BATCH_ID_LENGTH:
        raise ValidationFailed(f"batchId must have 1 to {MAX_BATCH_ID_LENGTH} characters", field="batchId")
    content = await request.body()

    def work() -> dict[str, Any]:
        try:
            result = ingest_bytes(session, store, content, fmt, batch_id=batch_id, source="http",
                                  ow_id=principal.ow_id, allow_duplicate_content=allow_duplicate_content)
        except BatchRejected as exc:
            raise _rejection(exc) from None
        except DuplicateContent as exc:
            raise Conflict(str(exc), field="batchId", reason=f"contentDigest: {exc.digest}",
                           data=exc.report()) from None
        _after_response(background, request.app.state.db, store, result.campaign_ids)
        return result.report()

    report = await run_in_threadpool(work)
    return JSONResponse(v3(report), status_code=201 if report["status"] == "stored" else 200)


@router.get(BATCHES_PATH + "/{batch_id}", response_model=V3[BatchInfo])
def get_batch(batch_id: str, principal: PrincipalDep, store: AnalyticsDep) -> dict[str, Any]:
    """A stored batch of the caller's organization."""
    info = store.batch_info(scoped_batch_id(batch_id, principal.ow_id))
    if info is None:
        raise NotFound("Batch not found.", field="batchId")
    return v3({
        "batchId": batch_id, "events": info.event_count, "source": info.source,
        "minEventTime": _ms(info.min_event_time), "maxEventTime": _ms(info.max_event_time),
        "receivedAt": _ms(info.received_at),
    })


def _ms(value: Any) -> int | None:
    from adplane.core.clock import to_epoch_ms

    return to_epoch_ms(value)


# ------------------------------------------------------------------ internal (CLI hand-off)

internal = APIRouter(prefix="/internal/events", include_in_schema=False)


@internal.post("/batches", response_model=BatchStored | BatchRejectedReport)
async def internal_batch(
    request: Request,
    background: BackgroundTasks,
    _key: ControlKeyDep,
    session: SessionDep,
    store: AnalyticsDep,
    format: str | None = None,
    batch_id: Annotated[str | None, Query(alias="batchId")] = None,
    ow_id: Annotated[int | None, Query(alias="owId")] = None,
    max_errors: Annotated[int, Query(alias="maxErrors", ge=1, le=10_000)] = DEFAULT_MAX_ERRORS,
    source: str | None = None,
    allow_duplicate_content: Annotated[bool, Query(alias="allowDuplicateContent")] = False,
) -> dict[str, Any]:
    """`adplane events ingest` while the server runs: the report, stored or rejected."""
    if format is not None and format not in FORMATS:
        raise ValidationFailed(f"format must be one of {', '.join(FORMATS)}", field="format")
    content = await request.body()

    def work() -> dict[str, Any]:
        fmt = format or "ndjson"
        try:
            result = ingest_bytes(session, store, content, fmt, batch_id=batch_id, source=source or "cli",
                                  ow_id=ow_id, max_errors=max_errors, allow_duplicate_content=allow_duplicate_content)
        except (BatchRejected, DuplicateContent) as exc:
            return exc.report()
        _after_response(background, request.app.state.db, store, result.campaign_ids)
        return result.report()

    return await run_in_threadpool(work)


@internal.post("/maintain")
def internal_maintain(_key: ControlKeyDep, request: Request) -> dict[str, Any]:
    from adplane.analytics.maintenance import run_maintenance

    return run_maintenance(request.app.state.analytics, request.app.state.settings)


add_router(router, internal)
