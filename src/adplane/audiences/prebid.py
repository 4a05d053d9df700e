"""Pre-bid audiences: groups of a verification provider's pre-bid segments (brand safety, fraud & IVT,
viewability, contextual), decided per impression before the bid rather than per user.

The catalogue is static: per provider (Integral Ad Science, DoubleVerify, Peer39) root categories, a
Display and a Video branch under each, and the leaf segments a campaign can apply. The ids IQM's
published examples use keep their numbers (IAS 1-5, 10-12 (the campaign examples'
`prebidAudienceSegmentIdList`), 64, 100, 156-158; DoubleVerify 159, 163-164,
234-239, 247-248); the others are adplane's own, stable.

What is modelled: a pre-bid audience holds no members and is ready at once; its CPM (the highest
CPM among its segments, one provider per audience) is added to the data cost of campaigns that
include it, and it does not narrow the users a campaign reaches (`adplane.audiences.targeting`).
The delivery simulator has no brand-safety, fraud or viewability signal per impression, so the
segments do not change which impressions are served."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.clock import to_epoch_ms
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed

DISPLAY_TYPES = (11, 13, 15)  # image, HTML, native
VIDEO_TYPES = (14,)
LOGO_BASE = "/static/prebid-providers"
PREBID_FIELD = "prebidAudienceSegmentIdList"


@dataclass(frozen=True)
class PrebidProvider:
    id: int
    name: str
    short: str
    description: str

    @property
    def logo_url(self) -> str:
        return f"{LOGO_BASE}/{self.short.lower()}.svg"


@dataclass(frozen=True)
class PrebidSegment:
    id: int
    name: str
    provider_id: int
    parent_id: int  # 0: a root category of its provider
    root_id: int
    parent_path: str  # IQM's parentPathKey
    description: str | None
    cpm: Decimal
    creative_type_ids: tuple[int, ...]
    leaf: bool
    free_ivt: bool = False  # DoubleVerify IVT segments free for advertisers
    default_selected: bool = False


PROVIDERS = [
    PrebidProvider(1, "Integral Ad Science", "IAS", "Segments for Brand Safety, Viewability, Fraud & IVT"),
    PrebidProvider(2, "DoubleVerify", "DV", "Segments for Brand Safety, Viewability, Fraud & IVT"),
    PrebidProvider(3, "Peer39", "Peer39", "Contextual, brand safety and page-quality segments"),
]
PROVIDERS_BY_ID = {p.id: p for p in PROVIDERS}

# provider → root → {branch: [(id or None, leaf name, cpm, free IVT, selected by default)]}
_BRAND = ["Adult", "Alcohol", "Gambling", "Hate Speech", "Illegal Downloads", "Illegal Drugs", "Offensive Language",
          "Violence"]
_TREE: dict[int, list[tuple[int | None, str, dict[str, list[tuple[int | None, str, str, bool, bool]]]]]] = {
    1: [(1, "Brand Safety", {
            "Display": [(156 if t == "Adult" else 158 if t == "Alcohol" else 157 if t == "Gambling" else None,
                         f"Avoid High and Moderate risk {t} content pages", "0.05", False, False) for t in _BRAND],
            "Video": [(64 if t == "Hate Speech" else None,
                       f"Avoid High and Moderate risk {t} content apps on Mobile App", "0.1", False, False)
                      for t in _BRAND]}),
        (2, "Fraud & IVT", {
            "Display": [(10, "Avoid Very High and High risk Fraud/IVT", "0.05", False, False),
                        (11, "Avoid Very High, High and Moderate risk Fraud/IVT", "0.05", False, False)],
            "Video": [(12, "Avoid Very High and High risk Fraud/IVT (Video)", "0.1", False, False)]}),
        (3, "Viewability", {
            "Display": [(100, "Target 50% or Higher viewability rate for display on Mobile App", "0.1", False, False),
                        (None, "Target 70% or Higher viewability rate for display", "0.1", False, False)],
            "Video": [(None, "Target 60% or Higher video viewability rate", "0.15", False, False)]})],
    2: [(None, "Brand Safety", {
            "Display": [(163 if t == "Adult" else 164 if t == "Alcohol" else None, f"Avoid {t} content", "0.08",
                         False, False) for t in _BRAND],
            "Video": [(None, f"Avoid {t} video content", "0.12", False, False) for t in _BRAND[:5]]}),
        (None, "Fraud & IVT", {
            "Display": [(234, "Fraudulent or Highly Suspicious Apps & Sites", "0", True, True),
                        (235, "Hijacked Devices", "0", True, True),
                        (236, "Data Centers", "0", True, True),
                        (237, "Bot Fraud", "0", True, True),
                        (238, "Injected Ads", "0", True, False),
                        (239, "Ad Stacking & Hidden Ads", "0", True, False)],
            "Video": [(None, "Fraudulent Video Inventory", "0.1", False, False)]}),
        (159, "Viewability", {
            "Display": [(None, "70% or Higher Viewability Rate (Display)", "0.2", False, False)],
            "Video": [(247, "Impressions with Insufficient IAB Viewability Data", "0.2", False, False),
                      (248, "80% or Higher Viewability Rate", "0.2", False, False),
                      (None, "70% or Higher Video Completion Rate", "0.2", False, False)]})],
    3: [(None, "Contextual", {
            "Display": [(None, f"Contextual: {t}", "0.25", False, False)
                        for t in ("Automotive", "Business & Finance", "Food & Drink", "Health & Fitness", "News",
                                  "Sports", "Travel", "Technology")],
            "Video": [(None, f"Contextual video: {t}", "0.3", False, False)
                      for t in ("Sports", "News", "Entertainment")]}),
        (None, "Page Quality", {
            "Display": [(None, "Avoid Made for Advertising (MFA) sites", "0.15", False, False),
                        (None, "Avoid Ad-heavy Pages", "0.15", False, False)],
            "Video": [(None, "Avoid Auto-play without Sound", "0.2", False, False)]})],
}


@lru_cache(maxsize=1)
def load_catalogue() -> dict[int, PrebidSegment]:
    fixed = {i for tree in _TREE.values() for root_id, _, branches in tree
             for i in [root_id, *[leaf[0] for leaves in branches.values() for leaf in leaves]] if i}
    counter = iter(i for i in range(1000, 10_000) if i not in fixed)
    branch_ids = iter((4, 5))  # IAS Brand Safety's Display and Video keep IQM's ids
    out: dict[int, PrebidSegment] = {}
    for provider_id, roots in _TREE.items():
        provider = PROVIDERS_BY_ID[provider_id]
        for root_id, root_name, branches in roots:
            rid = root_id or next(counter)
            out[rid] = PrebidSegment(rid, root_name, provider_id, 0, rid, f"prebid > {provider.short}", None,
                                     Decimal("0"), DISPLAY_TYPES + VIDEO_TYPES, False)
            for branch, leaves in branches.items():
                bid = next(branch_ids, None) if rid == 1 else None
                bid = bid or next(counter)
                types = DISPLAY_TYPES if branch == "Display" else VIDEO_TYPES
                out[bid] = PrebidSegment(bid, branch, provider_id, rid, rid, f"{provider.short} > {root_name}", None,
                                         Decimal("0"), types, False)
                for leaf_id, name, cpm, free, default in leaves:
                    lid = leaf_id or next(counter)
                    out[lid] = PrebidSegment(lid, name, provider_id, bid, rid, f"{root_name} > {branch}",
                                             f"{name} ({provider.name}, {branch.lower()} inventory).", Decimal(cpm),
                                             types, True, free, default)
    return out


def _money(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def segment_wire(segment: PrebidSegment) -> dict[str, Any]:
    """A pre-bid segment with the guide's names and the specification's (`prebidAudienceSegment*`)."""
    provider = PROVIDERS_BY_ID[segment.provider_id]
    return {
        "prebidSegmentId": segment.id, "prebidAudienceSegmentId": segment.id, "prebidSegmentName": segment.name,
        "prebidAudienceSegmentName": segment.name, "description": segment.description,
        "parentPathKey": segment.parent_path, "prebidRootId": segment.root_id,
        "prebidAudienceSegmentRootId": segment.root_id, "cpm": _money(segment.cpm),
        "creativeTypeIds": list(segment.creative_type_ids), "creativeTypeIdList": list(segment.creative_type_ids),
        "leaf": segment.leaf, "isLeaf": segment.leaf, "providerId": segment.provider_id,
        "providerName": provider.name, "providerLogoUrl": provider.logo_url,
    }


def provider_wire(provider: PrebidProvider) -> dict[str, Any]:
    return {"providerId": provider.id, "providerName": provider.name, "description": provider.description,
            "providerLogoUrl": provider.logo_url}


def providers_with_children() -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    return [{**provider_wire(p), "childSegments": [segment_wire(s) for s in catalogue.values()
                                                   if s.provider_id == p.id and s.parent_id == 0]}
            for p in PROVIDERS]


def children(parent_id: int, field: str) -> list[dict[str, Any]]:
    catalogue = load_catalogue()
    if parent_id not in catalogue:
        raise ValidationFailed(f"Unknown pre-bid segment {parent_id}.", field=field)
    rows = [segment_wire(s) for s in catalogue.values() if s.parent_id == parent_id]
    if not rows:
        raise ValidationFailed("No further Segments in the hierarchy", field=field)
    return rows


def free_ivt_segments() -> list[dict[str, Any]]:
    return [{"prebidSegmentId": s.id, "prebidAudienceSegmentId": s.id, "providerId": s.provider_id,
             "defaultSelected": s.default_selected, "isSelectedByDefault": s.default_selected}
            for s in load_catalogue().values() if s.free_ivt]


def search(session: Session, principal: Principal, *, search_field: str | None, segment_ids: Sequence[int],
           audience_ids: Sequence[int], provider_ids: Sequence[int]) -> list[PrebidSegment]:
    """Leaf segments matching the text (name, description, path), the ids, the caller's pre-bid audiences'
    segments or the providers; every criterion given narrows the answer."""
    if not (search_field or "").strip() and not segment_ids and not audience_ids and not provider_ids:
        raise ValidationFailed("No input for which details have to be fetched", field="searchField")
    wanted: set[int] | None = set(segment_ids) if segment_ids else None
    if audience_ids:
        owned = {a.id: a for a in session.scalars(select(Audience).where(Audience.ow_id == principal.ow_id,
                                                                           Audience.id.in_(list(audience_ids))))}
        if [i for i in audience_ids if i not in owned]:
            raise NotFound("Audience not found.", field="prebidAudienceIdList")
        in_audiences = {int(i) for a in owned.values() for i in (a.details or {}).get("prebidSegmentIds", [])}
        wanted = in_audiences if wanted is None else wanted | in_audiences
    needle = (search_field or "").strip().lower()
    out = []
    for segment in load_catalogue().values():
        if not segment.leaf:
            continue
        if wanted is not None and segment.id not in wanted:
            continue
        if provider_ids and segment.provider_id not in provider_ids:
            continue
        if needle and needle not in f"{segment.name}\n{segment.description}\n{segment.parent_path}".lower():
            continue
        out.append(segment)
    return out


# ------------------------------------------------------------------------------------- audiences

def check_segments(ids: Sequence[int] | None, provider_id: int | None, field: str = "prebidSegmentIds"
                   ) -> tuple[list[int], int, Decimal]:
    """Leaf segments of one provider: (ids, provider id, the audience's CPM)."""
    catalogue = load_catalogue()
    chosen = list(dict.fromkeys(ids or []))
    if not chosen:
        raise ValidationFailed("At least one pre-bid segment is required.", field=field)
    bad = [i for i in chosen if i not in catalogue or not catalogue[i].leaf]
    if bad:
        raise ValidationFailed("The provided segment IDs do not match the leaf segments in the database.", field=field)
    providers = {catalogue[i].provider_id for i in chosen}
    if provider_id is not None and provider_id not in PROVIDERS_BY_ID:
        raise ValidationFailed(f"Unknown pre-bid provider {provider_id}.", field="prebidProviderId")
    if len(providers) > 1 or (provider_id is not None and providers != {provider_id}):
        raise ValidationFailed("All segments of a pre-bid audience must come from its provider.", field=field)
    return chosen, providers.pop(), max(catalogue[i].cpm for i in chosen)


def _name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed("audienceName is required.", field="audienceName")
    if len(name) > 255:
        raise ValidationFailed("audienceName must be at most 255 characters.", field="audienceName")
    return name


def create(session: Session, principal: Principal, *, name: str | None, segment_ids: Sequence[int] | None,
           provider_id: int | None) -> dict[str, Any]:
    ids, provider, cpm = check_segments(segment_ids, provider_id)
    audience = Audience(ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
                        name=_name(name), type_id=catalog.TYPE_PREBID, status_id=catalog.STATUS_READY,
                        data_cost=cpm, reach=0, details={"prebidSegmentIds": ids, "prebidProviderId": provider})
    session.add(audience)
    session.flush()
    session.commit()
    return {"audienceId": audience.id, "id": audience.id, "message": f"{audience.name} audience created successfully"}


def _own(session: Session, principal: Principal, audience_id: int, *, for_update: bool = False) -> Audience:
    audience = repo.get(session, principal.ow_id, audience_id, for_update=for_update)
    if audience.type_id != catalog.TYPE_PREBID:
        raise ValidationFailed("Invalid prebid Audience Id", field="audienceId")
    return audience


def update(session: Session, principal: Principal, audience_id: int, *, name: str | None,
           segment_ids: Sequence[int] | None, provider_id: int | None) -> dict[str, Any]:
    """Rename and/or replace the segments (what is not given stays)."""
    audience = _own(session, principal, audience_id, for_update=True)
    info = dict(audience.details or {})
    if name is not None:
        audience.name = _name(name)
    if segment_ids is not None or provider_id is not None:
        ids, provider, cpm = check_segments(segment_ids if segment_ids is not None else info.get("prebidSegmentIds"),
                                            provider_id)
        info.update(prebidSegmentIds=ids, prebidProviderId=provider)
        audience.details, audience.data_cost = info, cpm
    session.commit()
    return {"audienceId": audience.id, "prebidAudienceId": audience.id, "message": "Changes saved successfully"}


def details(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = _own(session, principal, audience_id)
    catalogue = load_catalogue()
    segments = [segment_wire(catalogue[int(i)]) for i in (audience.details or {}).get("prebidSegmentIds", [])
                if int(i) in catalogue]
    created_s = (to_epoch_ms(audience.created_at) or 0) // 1000
    return {"audienceId": audience.id, "id": audience.id, "audienceName": audience.name, "name": audience.name,
            "audienceStatusId": audience.status_id, "status": catalog.STATUS_NAMES.get(audience.status_id, ""),
            "cpm": _money(audience.data_cost), "owId": audience.ow_id, "createdByUowId": audience.uow_id or 0,
            "createdAt": created_s, "createdOn": created_s,
            "prebidProviderId": (audience.details or {}).get("prebidProviderId"),
            "prebidSegmentDetails": segments, "prebidSegmentData": segments}


def check_campaign_segments(extra: dict[str, Any]) -> None:
    """A campaign's `prebidAudienceSegmentIdList`: leaf segments of the catalogue (422 naming the field)."""
    raw = extra.get(PREBID_FIELD)
    if raw is None or raw == "" or raw == []:
        return
    items: list[Any] = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else [None]
    catalogue = load_catalogue()
    for item in items:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdigit() or int(text) not in catalogue or not catalogue[int(text)].leaf:
            raise ValidationFailed(f"{PREBID_FIELD} must list pre-bid segment ids (leaf segments).", field=PREBID_FIELD)

