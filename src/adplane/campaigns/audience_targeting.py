"""Campaign-side audience targeting: updating several campaigns' included and excluded audiences in one
call (IQM's POST /api/v3/cmp/target/audience), the audiences each campaign targets by type, and the
campaign lookups the audiences domain asks for through `adplane.audiences.campaign_audience.campaign_refs`.

A campaign's audience targeting lives in its `whiteListedAudienceIds` / `blackListedAudienceIds`, the
fields the campaign API saves; an update goes through `campaigns.service.get_campaign` (the caller's,
not deleted, locked) and the same audience rule campaign saves apply (`audiences.targeting.check_ids`:
own audiences, not failed or rejected, never both included and excluded)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences.campaign_audience import CampaignRef, campaign_refs
from adplane.audiences.models import Audience
from adplane.audiences.targeting import EXCLUDED_FIELD, INCLUDED_FIELD, check_ids, parse
from adplane.campaigns import service
from adplane.campaigns.models import STATUS_DELETED, STATUS_EXPIRED, Campaign
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import page_offset, parse_ids
from adplane.master.catalog import CAMPAIGN_TYPE_PG


def _ids(extra: dict[str, Any] | None, field: str) -> list[int]:
    try:
        return parse((extra or {}).get(field), field)
    except ValidationFailed:
        return []


@campaign_refs.connect
def refs(session: Session, ow_id: int, ids: Sequence[int] | None) -> dict[int, CampaignRef]:
    stmt = select(Campaign).where(Campaign.ow_id == ow_id, Campaign.status != STATUS_DELETED)
    if ids is not None:
        if not ids:
            return {}
        stmt = stmt.where(Campaign.id.in_(list(ids)))
    return {c.id: CampaignRef(c.id, c.name, c.status, c.campaign_type_id, tuple(_ids(c.extra, INCLUDED_FIELD)),
                              tuple(_ids(c.extra, EXCLUDED_FIELD))) for c in session.scalars(stmt)}


def _owned(session: Session, principal: Principal, ids: list[int], field: str) -> dict[int, CampaignRef]:
    found = refs(session, principal.ow_id, ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Campaign not found: {', '.join(map(str, missing[:10]))}.", field=field)
    return found


def _changes(raw: Any, field: str) -> tuple[list[int], list[int], list[int]]:
    if not isinstance(raw, dict):
        raise ValidationFailed(f"{field} must be an object of audience lists.", field=field)
    return tuple(parse_ids(raw.get(key), f"{field}.{key}")  # type: ignore[return-value]
                 for key in ("includedAudienceList", "excludedAudienceList", "removedAudienceList"))


def update_targeting(session: Session, principal: Principal, body: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    """Apply each campaign's changes: included += includedAudienceList, excluded += excludedAudienceList, and
    removedAudienceList (or the other list) takes an audience out. Unknown or another organization's
    campaigns are 404 and PG campaigns 422, for the whole request; a campaign whose result breaks the
    audience rule is left unchanged and reported in `failedCampaigns` (the others are saved)."""
    if not body:
        raise ValidationFailed("Send at least one campaign id with its audience lists.", field="campaignId")
    plan: dict[int, tuple[list[int], list[int], list[int]]] = {}
    for key, value in body.items():
        [campaign_id] = parse_ids(key, "campaignId", required=True) or [0]
        plan[campaign_id] = _changes(value, key)
    found = _owned(session, principal, list(plan), "campaignId")
    pg = [i for i in plan if found[i].campaign_type_id == CAMPAIGN_TYPE_PG]
    if pg:
        raise ValidationFailed("One or more campaigns are PG campaigns and cannot be used for audience targeting: "
                               f"[{', '.join(map(str, pg))}]", field="campaignId")
    failed: dict[str, str] = {}
    for campaign_id, (add_in, add_out, removed) in plan.items():
        campaign = service.get_campaign(session, principal.ow_id, campaign_id, for_update=True)
        if campaign.status == STATUS_EXPIRED:
            failed[str(campaign_id)] = "An expired campaign cannot be edited."
            session.rollback()
            continue
        extra = dict(campaign.extra or {})
        included = [i for i in _ids(extra, INCLUDED_FIELD) if i not in removed and i not in add_out]
        excluded = [i for i in _ids(extra, EXCLUDED_FIELD) if i not in removed and i not in add_in]
        included = list(dict.fromkeys([*included, *add_in]))
        excluded = list(dict.fromkeys([*excluded, *add_out]))
        extra[INCLUDED_FIELD] = ",".join(map(str, included))
        extra[EXCLUDED_FIELD] = ",".join(map(str, excluded))
        try:
            check_ids(session, principal.ow_id, extra)
        except (ValidationFailed, NotFound) as exc:
            failed[str(campaign_id)] = str(exc)
            session.rollback()
            continue
        campaign.extra = extra
        session.commit()
    out: dict[str, Any] = {"message": "Your changes have been successfully saved."}
    if failed:
        out["failedCampaigns"] = failed
    return not failed, out


def targeting_by_type(session: Session, principal: Principal, campaign_ids: list[int], *, statuses: list[str],
                      page_no: int | None, no_of_entries: int | None) -> dict[str, list[dict[str, Any]]]:
    """campaign id → [{audienceTypeId, audienceIds}] of the audiences it includes or excludes (that still exist)."""
    if campaign_ids:
        found = _owned(session, principal, campaign_ids, "campaignIds")
        chosen = [found[i] for i in campaign_ids]
    else:
        chosen = sorted(refs(session, principal.ow_id, None).values(), key=lambda r: -r.id)
    if statuses:
        wanted = {s.strip().lower() for s in statuses}
        chosen = [r for r in chosen if r.status in wanted]
    offset, limit = page_offset(page_no, no_of_entries)
    chosen = chosen[offset: offset + limit] if limit is not None else chosen[offset:]
    audience_ids = sorted({a for r in chosen for a in (*r.included, *r.excluded)})
    types: dict[int, int] = {}
    if audience_ids:
        types = {int(i): int(t) for i, t in session.execute(select(Audience.id, Audience.type_id).where(
            Audience.ow_id == principal.ow_id, Audience.id.in_(audience_ids)))}
    out: dict[str, list[dict[str, Any]]] = {}
    for ref in chosen:
        grouped: dict[int, list[int]] = {}
        for audience_id in dict.fromkeys((*ref.included, *ref.excluded)):
            if audience_id in types:
                grouped.setdefault(types[audience_id], []).append(audience_id)
        out[str(ref.id)] = [{"audienceTypeId": t, "audienceIds": sorted(ids)} for t, ids in sorted(grouped.items())]
    return out
