"""ABM (account-based marketing) audiences, type 11: healthcare professionals chosen from IQM's healthcare
data (`adplane.healthcare.abm_data` selects them; healthcare sits above audiences, so it calls `create` here).

The audience keeps the NPIs it selected (`AudienceNpi`). Its members are the user keys the identity store
knows for those NPIs (identity kind NPI, looked up by the SHA-256 of the NPI), so campaign targeting and the
delivery simulator treat it like any other audience. Building the members is the "audience-abm" job:
processing → ready (reach = distinct members), or failed after the last attempt. Data CPM: the provider's.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import structlog
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from adplane.audiences import building, catalog, identities
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience, AudienceNpi
from adplane.core.clock import to_epoch_s, utcnow
from adplane.core.db import Database
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.settings import Settings
from adplane.jobs import leases
from adplane.jobs.models import Job
from adplane.jobs.queue import drain, enqueue
from adplane.jobs.registry import JobContext, queued

log = structlog.get_logger("adplane.audiences")

ABM_KIND = "audience-abm"
CHUNK = 5000
ABM_SUBTYPES = {int(str(s["id"])) for s in catalog.AUDIENCE_SUBTYPES
                if isinstance(s["typeIds"], list) and catalog.TYPE_ABM in s["typeIds"]}  # HCP, Nurse


def check_subtype(subtype_id: int | None) -> int | None:
    if subtype_id is not None and subtype_id not in ABM_SUBTYPES:
        raise ValidationFailed(f"Invalid audience subtype id {subtype_id} for an ABM audience.",
                               field="audienceSubtypeId")
    return subtype_id


def create(session: Session, principal: Principal, *, name: str, npis: Sequence[str], cost: Decimal,
           data_partner_id: int, subtype_id: int | None, details: dict[str, Any]) -> Audience:
    """A processing ABM audience of these NPIs, its build queued (commits)."""
    audience = Audience(ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
                        name=name, type_id=catalog.TYPE_ABM, subtype_id=check_subtype(subtype_id),
                        status_id=catalog.STATUS_PROCESSING, data_cost=cost, data_partner_id=data_partner_id,
                        reach=0, details={**details, "npiCount": len(set(npis))})
    session.add(audience)
    session.flush()
    unique = sorted(set(npis))
    for offset in range(0, len(unique), CHUNK):
        session.execute(insert(AudienceNpi), [{"audience_id": audience.id, "npi": npi}
                                              for npi in unique[offset: offset + CHUNK]])
    enqueue(session, ABM_KIND, str(audience.id), {"audienceId": audience.id})
    session.commit()
    return audience


def of_abm(session: Session, principal: Principal, audience_id: int) -> Audience:
    """The caller's ABM audience: another organization's is a 404, another type a 422 (as the other kinds)."""
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_ABM:
        raise ValidationFailed("Requested audience is not present", field="audienceId")
    return audience


def npis_of(session: Session, audience_id: int) -> list[str]:
    return list(session.scalars(select(AudienceNpi.npi).where(AudienceNpi.audience_id == audience_id)
                                .order_by(AudienceNpi.npi)))


def member_ids(session: Session, npis: Sequence[str]) -> np.ndarray:
    """Distinct user keys (sorted) the identity store knows for these NPIs."""
    digests = [d for d in (identities.digest_of(catalog.KIND_NPI, catalog.FORMAT_RAW, n) for n in npis) if d]
    users = identities.lookup(session, catalog.KIND_NPI, "sha256", digests)
    return np.unique(np.fromiter(users.values(), dtype=np.int64, count=len(users)))


def details(audience: Audience, partner_name: str) -> dict[str, Any]:
    """GET /api/v3/audience/abm/{id}: IQM's keys (createdAt in epoch seconds, as its sample) and the ids."""
    info = audience.details or {}
    out: dict[str, Any] = {
        "id": audience.id, "name": audience.name, "status": catalog.STATUS_NAMES.get(audience.status_id, ""),
        "audienceTypeId": audience.type_id, "audienceStatusId": audience.status_id,
        "audienceSubtypeId": audience.subtype_id, "createdAt": to_epoch_s(audience.created_at) or 0,
        "partnerName": partner_name, "partnerLogoUrl": "", "uniques": audience.reach,
        "dataCost": _money(audience.data_cost), "dataProviderId": info.get("dataProviderId"),
        "healthCareDataMappingIds": list(info.get("healthCareDataMappingIds") or []),
        "filters": dict(info.get("filters") or {}), "npiCount": int(info.get("npiCount") or 0),
    }
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    return out


def _money(value: Decimal | None) -> int | float:
    value = value or Decimal("0")
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------------------ job

def build(ctx: JobContext, session: Session, job: Job) -> str | None:
    """Handle one "audience-abm" job: look the NPIs up, then (holding the lease) write members and outcome."""
    audience_id = int(job.payload["audienceId"])
    audience = session.get(Audience, audience_id)
    if audience is None or audience.status_id != catalog.STATUS_PROCESSING or audience.type_id != catalog.TYPE_ABM:
        won = leases.finish(session, job, worker=ctx.worker, now=utcnow(), status=leases.CANCELLED,
                            note="the audience is no longer processing")
        return leases.CANCELLED if won else "lost"
    members = member_ids(session, npis_of(session, audience_id))
    return building.store_ready(ctx, session, job, audience_id, members, "audience_abm_built")


def on_last_failure(ctx: JobContext, session: Session, job: Job, exc: BaseException) -> None:
    log.error("audience_abm_failed", audience_id=job.payload.get("audienceId"), error=type(exc).__name__)
    mine = building.locked(session, int(job.payload["audienceId"]))
    if mine is not None:
        mine.status_id = catalog.STATUS_FAILED
        mine.failure_reason = f"Building the audience failed: {type(exc).__name__}"


def build_pending(db: Database, settings: Settings, *, limit: int = 50, worker: str | None = None) -> int:
    """Build up to `limit` waiting ABM audiences now (tests, CLI); returns how many jobs were taken."""
    ctx = JobContext(db, settings, worker or leases.worker_name())
    return sum(drain(ctx, ABM_KIND, build, on_last_failure, batch=1, limit=limit).values())


JOB_KINDS = [queued(ABM_KIND, build, on_failure=on_last_failure, interval_seconds=3.0, batch=1,
                    description="build ABM audiences: the user keys of their NPIs")]
