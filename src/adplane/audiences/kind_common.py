"""What retargeted, geo-farmed and contextual audiences share: epoch units, new audience rows, the
build job's queueing, members from the analytics store's user ids, and the details both IQM styles
(the specification's `id`/`name`/`status`... and the guides' `audienceId`/`audienceName`...) carry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.audiences.service import usage
from adplane.auth.models import Organization, User
from adplane.auth.repository import display_name
from adplane.core.clock import to_epoch_ms, to_epoch_s, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.jobs.queue import enqueue
from adplane.master import catalog as master

BUILD_KIND = "audience-build"  # geo-farmed and contextual membership (adplane.audiences.kind_worker)
SECONDS_CUTOFF = 10**11  # an epoch below this is in seconds (10^11 ms is March 1973; 10^11 s is year 5138)
MAX_USER_KEY = 2**63 - 1


def instant(value: int) -> datetime:
    """An epoch from a request as a UTC instant: milliseconds as IQM documents, or seconds where its own
    samples send seconds (a value below 10^11)."""
    seconds = value if value < SECONDS_CUTOFF else value / 1000
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise ValidationFailed("Invalid date.", field="startDate") from None


def ms(value: datetime | None) -> int:
    return to_epoch_ms(value) or 0


def secs(value: datetime | None) -> int:
    return to_epoch_s(value) or 0


def parse_instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def money(value: Decimal | None) -> int | float:
    value = value or Decimal("0")
    return int(value) if value == value.to_integral_value() else float(value)


def check_timezone(timezone_id: int | None, *, field: str = "timezoneId", required: bool = True) -> int | None:
    """A timezone id of the master list (IQM's 422 "Invalid value provided" otherwise)."""
    if timezone_id is None:
        if required:
            raise ValidationFailed("Invalid value provided", field=field)
        return None
    if master.timezone_by_id(timezone_id) is None:
        raise ValidationFailed("Invalid value provided", field=field)
    return timezone_id


def zone_name(timezone_id: int | None) -> str:
    """The IANA name of a master timezone id; UTC for an id the list does not hold."""
    zone = master.timezone_by_id(timezone_id)
    return zone.name if zone is not None else "UTC"


def first_subtype(ids: Iterable[int] | None) -> int | None:
    """The subtype the audience keeps: the first of the catalog's among the ids sent (IQM's details carry one
    `audienceSubtypeId`); ids the catalog does not list (IQM's contextual sample sends 2) are kept as sent in
    the audience's details only."""
    return next((value for value in ids or [] if value in catalog.SUBTYPE_IDS), None)


def new_audience(session: Session, principal: Principal, *, type_id: int, name: str, cost: Decimal,
                 details: dict[str, Any], subtype_id: int | None = None,
                 status_id: int = catalog.STATUS_PROCESSING, pixel_key: str | None = None) -> Audience:
    audience = Audience(ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
                        name=name, type_id=type_id, subtype_id=subtype_id, status_id=status_id, data_cost=cost,
                        data_partner_id=1, reach=0, details=details, pixel_key=pixel_key)
    session.add(audience)
    session.flush()
    return audience


def queue_build(session: Session, audience: Audience) -> None:
    """(Re)build the audience's members in the background (one waiting job per audience)."""
    enqueue(session, BUILD_KIND, str(audience.id), {"audienceId": audience.id})


def of_type(session: Session, principal: Principal, audience_id: int, type_id: int, *,
            for_update: bool = False) -> Audience:
    """The caller's audience of this type: another organization's is 404, another type IQM's 422."""
    audience = repo.get(session, principal.ow_id, audience_id, for_update=for_update)
    if audience.type_id != type_id:
        raise ValidationFailed("Requested audience is not present", field="audienceId")
    return audience


def user_keys(values: Iterable[Any]) -> np.ndarray:
    """Distinct user keys (sorted) from the store's `user_id` texts: decimal keys only, as the simulator and
    ingestion write them; any other id cannot be an audience member."""
    keys: set[int] = set()
    for value in values:
        text = str(value).strip() if value is not None else ""
        if text.isascii() and text.isdigit() and len(text) <= 19:
            key = int(text)
            if 1 <= key <= MAX_USER_KEY:
                keys.add(key)
    return np.array(sorted(keys), dtype=np.int64)


def set_members(session: Session, audience: Audience, users: np.ndarray) -> None:
    repo.replace_members(session, audience.id, users)
    audience.reach = len(users)


def _creator(session: Session, audience: Audience) -> tuple[str, str]:
    org = session.scalar(select(Organization.name).where(Organization.ow_id == audience.ow_id)) or ""
    user = session.get(User, audience.created_by_user_id) if audience.created_by_user_id else None
    return org, display_name(user) if user is not None else ""


def details(session: Session, principal: Principal, audience: Audience, *, created_on_ms: bool,
            created_at_ms: bool) -> dict[str, Any]:
    """The keys every kind's details carry, in both of IQM's styles (`createdOn` / `createdAt` in the unit
    the kind's documentation gives)."""
    org, user = _creator(session, audience)
    refs = usage(session, principal.ow_id, [audience.id]).get(audience.id, {})
    status = catalog.STATUS_NAMES.get(audience.status_id, "")
    return {
        "id": audience.id, "name": audience.name, "status": status, "type": audience.type_id,
        "includedCount": len(set(refs.get("included", []))), "excludedCount": len(set(refs.get("excluded", []))),
        "createdOn": ms(audience.created_at) if created_on_ms else secs(audience.created_at),
        "organizationName": org, "owId": audience.ow_id, "createdByUowId": audience.uow_id or 0,
        "createdByUser": user, "uniques": audience.reach, "dataCost": money(audience.data_cost),
        "editAccess": True,
        "audienceId": audience.id, "audienceName": audience.name, "audienceTypeId": audience.type_id,
        "audienceStatusId": audience.status_id, "audienceSubtypeId": audience.subtype_id,
        "createdAt": ms(audience.created_at) if created_at_ms else secs(audience.created_at),
        "reach": audience.reach, "cpm": money(audience.data_cost), "dataPartnerId": audience.data_partner_id,
        "dataPartnerMetrics": [{"id": audience.data_partner_id or 1, "reach": audience.reach}],
    }


def built(audience: Audience, users: np.ndarray, session: Session) -> None:
    """Store a build's outcome: the members, the reach, when it ran; a processing audience becomes ready."""
    set_members(session, audience, users)
    audience.details = {**(audience.details or {}), "builtAt": utcnow().isoformat()}
    audience.failure_reason = None
    if audience.status_id == catalog.STATUS_PROCESSING:
        audience.status_id = catalog.STATUS_READY


def due_for_rebuild(audience: Audience, now: datetime, *, window_end: datetime | None,
                    every: timedelta | None = None) -> bool:
    """A ready audience whose window was still open at its last build (events may still arrive for a day
    after it closes), or whose rolling window is older than `every`."""
    last = parse_instant((audience.details or {}).get("builtAt"))
    if last is None:
        return True
    if every is not None:
        return now - last >= every
    return window_end is not None and last < window_end + timedelta(days=1) and now - last >= timedelta(hours=1)
