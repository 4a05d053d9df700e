"""Lookalike audiences (type 6): a ready seed audience expanded with the users most like its members.

What the engine knows about a user is what the organization's own ad serving recorded: its impression
and click events in the analytics store. A user's *profile* is its most frequent state, device type
and exchange over those events (ties go to the lowest id). The rule, deterministic:

1. The seed S is the union of the members of `sourceAudienceIds` (the caller's own, ready audiences).
2. For each dimension d in (state, device type, exchange), count(d, v) = how many profiled seed members
   have value v as their profile's d.
3. A candidate is a profiled user outside S whose profile shares at least one value with the seed
   (score = Σ_d count(d, profile_d(user)) > 0) and, when `countryIds` / `stateIds` are given, whose
   most frequent country / state is among them.
4. Candidates are ranked by score (highest first), then user key; the first
   ceil(audienceSize% × candidates) join S. `audienceSize` is IQM's size slider, 1..100: the share of the
   similar users to take, so a small size keeps only the closest ones.

Only the organization's events count (another organization's delivery never shapes, nor leaks into, a
lookalike), and only integer user keys can be members. City, county and district ids are kept and
answered as sent: events carry no such ids (their city is free text), so they do not filter.
The seed's data CPM carries over: the lookalike costs its costliest source's CPM.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Annotated, Any

import numpy as np
from pydantic import Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.campaign_audience import campaigns_of, user_key
from adplane.audiences.derived_common import creator, money, organization_name, usage_counts
from adplane.audiences.models import Audience
from adplane.core.clock import to_epoch_ms
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.core.schemas import WireModel

PROFILE_DIMENSIONS = ("state_id", "device_type_id", "exchange_id")
GEO_FIELDS = ("countryIds", "stateIds", "cityIds", "countyIds", "senateDistrictIds", "houseDistrictIds",
              "congressionalDistrictIds")
IdText = Annotated[str, Field(max_length=20_000)] | Annotated[list[Any], Field(max_length=1000)] | int | None


class LookalikeRequest(WireModel):
    audience_name: Annotated[str, Field(min_length=1, max_length=255)]
    source_audience_ids: IdText
    audience_size: Annotated[int, Field(ge=1, le=100)]
    country_ids: IdText = None
    state_ids: IdText = None
    city_ids: IdText = None
    county_ids: IdText = None
    senate_district_ids: IdText = None
    house_district_ids: IdText = None
    congressional_district_ids: IdText = None

    @model_validator(mode="after")
    def _name(self) -> LookalikeRequest:
        self.audience_name = self.audience_name.strip()
        if not self.audience_name:
            raise ValueError("audienceName must not be blank")
        return self


def _geo(req: LookalikeRequest) -> dict[str, list[int]]:
    values = (req.country_ids, req.state_ids, req.city_ids, req.county_ids, req.senate_district_ids,
              req.house_district_ids, req.congressional_district_ids)
    return {field: parse_ids(value, field) for field, value in zip(GEO_FIELDS, values, strict=True)}


def create(session: Session, principal: Principal, req: LookalikeRequest, *, enqueue_job: Any) -> Audience:
    source_ids = parse_ids(req.source_audience_ids, "sourceAudienceIds", required=True)
    geo = _geo(req)
    sources = list(session.scalars(select(Audience).where(Audience.ow_id == principal.ow_id,
                                                          Audience.id.in_(source_ids))))
    found = {a.id: a for a in sources}
    missing = [i for i in source_ids if i not in found]
    if missing:
        raise NotFound(f"Audience not found: {', '.join(map(str, missing[:10]))}.", field="sourceAudienceIds")
    not_ready = [i for i in source_ids if found[i].status_id != catalog.STATUS_READY]
    if not_ready:
        raise ValidationFailed(f"Source audiences must be ready: {', '.join(map(str, not_ready[:10]))}.",
                               field="sourceAudienceIds")
    cost = max((a.data_cost or Decimal("0") for a in sources), default=Decimal("0"))
    audience = Audience(
        ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id, name=req.audience_name,
        type_id=catalog.TYPE_LOOKALIKE, status_id=catalog.STATUS_PROCESSING, data_cost=cost,
        details={"sourceAudienceIds": source_ids, "audienceSize": req.audience_size, "geoLocationDetails": geo},
    )
    session.add(audience)
    session.flush()
    enqueue_job(session, audience)
    session.commit()
    return audience


# ------------------------------------------------------------------------------------ membership

def _modes(rows: Iterable[tuple[Any, Any, Any]]) -> dict[int, int]:
    """user → its most frequent value (ties: the lowest value) from (user, value, count) rows."""
    best: dict[int, tuple[int, int]] = {}
    for raw_user, value, n in rows:
        user = user_key(raw_user)
        if user is None or value is None:
            continue
        value, n = int(value), int(n)
        held = best.get(user)
        if held is None or n > held[1] or (n == held[1] and value < held[0]):
            best[user] = (value, n)
    return {user: value for user, (value, _) in best.items()}


def profiles(store: AnalyticsStore, ow_id: int, dimensions: Sequence[str]) -> dict[str, dict[int, int]]:
    """dimension → (user → most frequent value) over the organization's impressions and clicks."""
    out: dict[str, dict[int, int]] = {}
    for dim in dimensions:
        sql = (f"SELECT user_id, {dim}, count(*) FROM events WHERE ow_id = ? AND event_type IN ('impression', 'click') "
               f"AND user_id IS NOT NULL AND {dim} IS NOT NULL GROUP BY user_id, {dim}")
        out[dim] = _modes(store.stream(sql, [ow_id]))
    return out


def rank(seed: np.ndarray, profile: dict[str, dict[int, int]], *, size_pct: int,
         country_ids: Sequence[int] = (), state_ids: Sequence[int] = ()) -> np.ndarray:
    """The similar users the rule above admits, best first (without the seed)."""
    seed_set = {int(u) for u in seed}
    counts = {dim: Counter(values[u] for u in seed_set if u in values)
              for dim, values in profile.items() if dim in PROFILE_DIMENSIONS}
    users = set().union(*(profile[d].keys() for d in PROFILE_DIMENSIONS if d in profile)) - seed_set
    countries, states = set(country_ids), set(state_ids)
    scored: list[tuple[int, int]] = []
    for user in users:
        if countries and profile.get("country_id", {}).get(user) not in countries:
            continue
        if states and profile["state_id"].get(user) not in states:
            continue
        score = sum(counts[d][profile[d][user]] for d in counts if user in profile[d])
        if score > 0:
            scored.append((-score, user))
    scored.sort()
    take = math.ceil(len(scored) * size_pct / 100)
    return np.array([user for _, user in scored[:take]], dtype=np.int64)


def member_ids(session: Session, store: AnalyticsStore, audience: Audience) -> np.ndarray:
    """Seed ∪ its lookalikes (no writes). A source no longer ready (or deleted) is a failure."""
    info = audience.details or {}
    source_ids = [int(i) for i in info.get("sourceAudienceIds") or []]
    ready = set(session.scalars(select(Audience.id).where(Audience.ow_id == audience.ow_id,
                                                          Audience.id.in_(source_ids),
                                                          Audience.status_id == catalog.STATUS_READY)))
    gone = [i for i in source_ids if i not in ready]
    if gone:
        raise ValueError(f"Source audiences are no longer ready: {', '.join(map(str, gone[:10]))}.")
    seed = repo.member_ids(session, source_ids)
    geo = info.get("geoLocationDetails") or {}
    dims = [*PROFILE_DIMENSIONS, *(["country_id"] if geo.get("countryIds") else [])]
    similar = rank(seed, profiles(store, audience.ow_id, dims), size_pct=int(info.get("audienceSize", 1)),
                   country_ids=geo.get("countryIds") or [], state_ids=geo.get("stateIds") or [])
    return np.union1d(seed, similar)


# --------------------------------------------------------------------------------------- details

def details(session: Session, principal: Principal, audience_id: int, *, targeting: bool = False) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_LOOKALIKE:
        raise ValidationFailed("The audience is not a lookalike audience.", field="audienceId")
    info = audience.details or {}
    user, email = creator(session, audience)
    out: dict[str, Any] = {
        "audienceId": audience.id, "audienceName": audience.name, "audienceStatusId": audience.status_id,
        "createdAt": to_epoch_ms(audience.created_at) or 0,
        "organizationName": organization_name(session, audience.ow_id),
        "owId": audience.ow_id, "createdByUowId": audience.uow_id, "createdByUser": user, "createdByUserEmail": email,
        "reach": audience.reach, "cpm": money(audience.data_cost),
        "sourceAudienceIds": [int(i) for i in info.get("sourceAudienceIds") or []],
        "geoLocationDetails": {f: list((info.get("geoLocationDetails") or {}).get(f) or []) for f in GEO_FIELDS},
        "audienceSize": int(info.get("audienceSize", 0)), "approvedRejectedByUserName": None,
        "rejectionReason": audience.rejection_reason, "isApprovalAccess": principal.is_workspace_admin,
    }
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    if targeting:
        out["targetedCampaignList"] = targeted_campaigns(session, principal.ow_id, audience.id)
    return out


def targeted_campaigns(session: Session, ow_id: int, audience_id: int) -> list[dict[str, Any]]:
    """Campaigns including (targetingTypeId 1) or excluding (2) the audience, with their status."""
    included, excluded = usage_counts(session, ow_id, audience_id)
    refs = campaigns_of(session, ow_id, [*included, *excluded])
    out = []
    for kind, ids in ((1, included), (2, excluded)):
        for campaign_id in ids:
            ref = refs.get(campaign_id)
            if ref is not None:
                out.append({"campaignName": ref.name, "campaignId": campaign_id, "targetingTypeId": kind,
                            "campaignStatus": ref.status.capitalize()})
    return out
