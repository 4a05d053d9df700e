"""Campaign audiences (type 7): the users an organization's campaigns reached.

Members are the distinct user keys of the analytics store's events of the organization, inside
[startDate, endDate]: an `impression` in a campaign listed under `impressions`, a `click` in one under
`clicks`, a `conversion` (attributed) in one under `conversions` (the union of the three). Event user
keys that are not integers (ingested opaque ids) cannot be audience members and are left out. The
audience is built by the "audience-derive" job (`derived_jobs`): processing, then ready (or failed).

The campaigns are the caller's own (a campaign of another organization, or a deleted one, is 404
like an unknown id). Audiences sit below campaigns in the layers, so they ask through the
`campaign_refs` hook, which `adplane.campaigns.audience_targeting` connects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.derived_common import creator, money, organization_name, usage_counts
from adplane.audiences.models import Audience
from adplane.core.clock import to_epoch_ms
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.hooks import Hook
from adplane.core.listing import parse_ids
from adplane.core.schemas import WireModel

DERIVE_KIND = "audience-derive"


@dataclass(frozen=True)
class CampaignRef:
    id: int
    name: str
    status: str  # the campaign's status name (running, paused, ...)
    campaign_type_id: int
    included: tuple[int, ...]
    excluded: tuple[int, ...]


# (session, ow_id, campaign ids or None for all) → the organization's non-deleted campaigns among them.
campaign_refs: Hook[[Session, int, Sequence[int] | None], dict[int, CampaignRef]] = Hook("audiences.campaign_refs")


def campaigns_of(session: Session, ow_id: int, ids: Sequence[int] | None) -> dict[int, CampaignRef]:
    out: dict[int, CampaignRef] = {}
    for found in campaign_refs(session, ow_id, ids):
        out.update(found)
    return out


def require_campaigns(session: Session, ow_id: int, ids: Sequence[int], field: str) -> dict[int, CampaignRef]:
    """The caller's campaigns `ids`; 404 naming `field` when one is unknown, deleted or another's."""
    found = campaigns_of(session, ow_id, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Campaign not found: {', '.join(map(str, missing[:10]))}.", field=field)
    return found


# ----------------------------------------------------------------------------------- the request

EPOCH_MS_FROM = 10**11  # an epoch below this is seconds (IQM's spec example), else milliseconds (its guide)
MAX_EPOCH = 10**14


def epoch_to_datetime(value: int, field: str) -> datetime:
    """IQM's spec sends seconds, its guide milliseconds: a value under 10^11 (year 5138 in seconds,
    1973 in milliseconds) is read as seconds."""
    if value < 0 or value >= MAX_EPOCH:
        raise ValidationFailed(f"{field} must be a Unix epoch (seconds or milliseconds).", field=field)
    seconds = value if value < EPOCH_MS_FROM else value / 1000
    return datetime.fromtimestamp(seconds, UTC)


IdItems = Annotated[list[Any], Field(max_length=1000)]


class CampaignLists(WireModel):
    impressions: IdItems = []
    clicks: IdItems = []
    conversions: IdItems = []


class CampaignAudienceRequest(WireModel):
    """The guide names the campaigns `campaignDetails`, the published spec `campaignDetail`; both are read."""

    audience_name: Annotated[str, Field(min_length=1, max_length=255)]
    start_date: Annotated[int, Field(ge=0, lt=MAX_EPOCH)]
    end_date: Annotated[int, Field(ge=0, lt=MAX_EPOCH)]
    campaign_details: CampaignLists | None = None
    campaign_detail: CampaignLists | None = None
    data_partner_id: Annotated[int, Field(ge=0, le=32_767)] | None = None
    audience_subtype_id: Annotated[int, Field(ge=0, le=32_767)] | None = None

    @model_validator(mode="after")
    def _name(self) -> CampaignAudienceRequest:
        self.audience_name = self.audience_name.strip()
        if not self.audience_name:
            raise ValueError("audienceName must not be blank")
        return self


@dataclass(frozen=True)
class Sources:
    impressions: list[int]
    clicks: list[int]
    conversions: list[int]

    def all(self) -> list[int]:
        return list(dict.fromkeys([*self.impressions, *self.clicks, *self.conversions]))

    def wire(self) -> dict[str, list[int]]:
        return {"impressions": self.impressions, "clicks": self.clicks, "conversions": self.conversions}


def _sources(req: CampaignAudienceRequest) -> Sources:
    lists = req.campaign_details or req.campaign_detail
    field = "campaignDetails" if req.campaign_details is not None else "campaignDetail"
    if lists is None:
        raise ValidationFailed("campaignDetails is required.", field="campaignDetails")
    sources = Sources(parse_ids(lists.impressions, f"{field}.impressions"), parse_ids(lists.clicks, f"{field}.clicks"),
                      parse_ids(lists.conversions, f"{field}.conversions"))
    if not sources.all():
        raise ValidationFailed(f"{field} must name at least one campaign.", field=field)
    return sources


def create(session: Session, principal: Principal, req: CampaignAudienceRequest, *, enqueue_job: Any) -> Audience:
    """Check the request, add the audience (processing) and queue its build."""
    start = epoch_to_datetime(req.start_date, "startDate")
    end = epoch_to_datetime(req.end_date, "endDate")
    if end <= start:
        raise ValidationFailed("endDate must be after startDate.", field="endDate")
    if req.audience_subtype_id is not None and req.audience_subtype_id not in catalog.SUBTYPE_IDS:
        raise ValidationFailed("Invalid audienceSubtypeId.", field="audienceSubtypeId")
    partner = None
    if req.data_partner_id is not None:
        partner = catalog.DATA_PARTNERS_BY_ID.get(req.data_partner_id)
        if partner is None:
            raise ValidationFailed("Invalid dataPartnerId.", field="dataPartnerId")
    sources = _sources(req)
    require_campaigns(session, principal.ow_id, sources.all(),
                      "campaignDetails" if req.campaign_details is not None else "campaignDetail")
    audience = Audience(
        ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id, name=req.audience_name,
        type_id=catalog.TYPE_CAMPAIGN, subtype_id=req.audience_subtype_id, status_id=catalog.STATUS_PROCESSING,
        data_partner_id=req.data_partner_id, data_cost=partner.cpm if partner else Decimal("0"),
        details={"campaignDetails": sources.wire(), "startDate": to_epoch_ms(start), "endDate": to_epoch_ms(end)},
    )
    session.add(audience)
    session.flush()
    enqueue_job(session, audience)
    session.commit()
    return audience


# ------------------------------------------------------------------------------------ membership

EVENT_OF_LIST = (("impressions", "impression"), ("clicks", "click"), ("conversions", "conversion"))


def member_ids(store: AnalyticsStore, audience: Audience) -> np.ndarray:
    """The distinct integer user keys the audience's campaigns reached in its period (no writes)."""
    details = audience.details or {}
    lists = details.get("campaignDetails") or {}
    start = datetime.fromtimestamp(int(details["startDate"]) / 1000, UTC)
    end = datetime.fromtimestamp(int(details["endDate"]) / 1000, UTC)
    found: set[int] = set()
    for key, event_type in EVENT_OF_LIST:
        campaign_ids = [int(i) for i in lists.get(key) or []]
        if not campaign_ids:
            continue
        marks = ", ".join("?" for _ in campaign_ids)
        sql = (f"SELECT DISTINCT user_id FROM events WHERE ow_id = ? AND event_type = ? AND campaign_id IN ({marks}) "
               "AND user_id IS NOT NULL AND event_time >= ? AND event_time <= ?")
        for chunk_row in store.stream(sql, [audience.ow_id, event_type, *campaign_ids, start, end]):
            user = user_key(chunk_row[0])
            if user is not None:
                found.add(user)
    return np.array(sorted(found), dtype=np.int64)


def user_key(raw: Any) -> int | None:
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


# --------------------------------------------------------------------------------------- details

def details(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_CAMPAIGN:
        raise ValidationFailed("The audience is not a campaign audience.", field="audienceId")
    info = audience.details or {}
    lists = {k: [int(i) for i in (info.get("campaignDetails") or {}).get(k) or []]
             for k in ("impressions", "clicks", "conversions")}
    refs = campaigns_of(session, principal.ow_id, list({i for ids in lists.values() for i in ids}))
    included, excluded = usage_counts(session, principal.ow_id, audience.id)
    created_ms = to_epoch_ms(audience.created_at) or 0
    out: dict[str, Any] = {
        "audienceId": audience.id, "audienceName": audience.name, "audienceStatusId": audience.status_id,
        "cpm": money(audience.data_cost), "uniques": audience.reach, "createdAt": created_ms,
        "campaignDetails": lists, "startDate": int(info.get("startDate", 0)), "endDate": int(info.get("endDate", 0)),
        "id": audience.id, "name": audience.name, "status": catalog.STATUS_NAMES.get(audience.status_id, ""),
        "type": audience.type_id, "includedCount": len(included), "excludedCount": len(excluded),
        "createdOn": created_ms // 1000, "organizationName": organization_name(session, audience.ow_id),
        "owId": audience.ow_id, "createdByUowId": audience.uow_id, "createdByUser": creator(session, audience)[0],
        # a campaign deleted since keeps its id (no name)
        "campaignDetail": {wire: {str(i): refs[i].name if i in refs else "" for i in lists[key]}
                           for key, wire in (("impressions", "impression"), ("clicks", "clicks"),
                                             ("conversions", "conversion"))},
        "editAccess": True, "dataPartnerId": audience.data_partner_id, "audienceSubtypeId": audience.subtype_id,
    }
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    return out
