"""IQM's v2 audience lists and the management calls around them: type-wise counts, the plain and the
detailed list, the v2 matched-audience edit and field list, campaigns' audience history, attaching a
data partner, and regenerating an audience (its processing job again)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.audiences import catalog, service
from adplane.audiences import repository as repo
from adplane.audiences.campaign_audience import campaigns_of, require_campaigns
from adplane.audiences.derived_common import money, organization_name
from adplane.audiences.derived_jobs import queue_build
from adplane.audiences.models import Audience, AudienceInsight
from adplane.core.clock import to_epoch_ms
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, ValidationFailed
from adplane.core.listing import apply_sort, page_offset, page_rows, parse_ids, parse_sort
from adplane.core.settings import Settings
from adplane.files import signing
from adplane.files.models import StoredFile
from adplane.jobs.queue import enqueue

TYPE_NAMES = {t["id"]: t["name"] for t in catalog.AUDIENCE_TYPES}
STATUS_KEYS = {s["id"]: s["name"] for s in catalog.AUDIENCE_STATUSES}
VOTER_PARTNER = 2  # L2 voter data


def _seconds(audience: Audience) -> int:
    return (to_epoch_ms(audience.created_at) or 0) // 1000


def _ids(raw: str | None, field: str) -> list[int]:
    return parse_ids(raw, field) if raw and raw.strip() else []


def _org_filter(principal: Principal, ow_ids: str | None) -> bool:
    """False when only other organizations were asked for (none of theirs is visible)."""
    wanted = _ids(ow_ids, "owIds")
    return not wanted or principal.ow_id in wanted


# ------------------------------------------------------------------------------------- counts

def type_wise_count(session: Session, principal: Principal, *, type_ids: str | None, status: str | None,
                    search: str | None) -> list[dict[str, Any]]:
    """Every audience type (or those asked for) with the caller's audience count, zero included."""
    counted = {row["audienceTypeId"]: row["audienceCount"]
               for row in service.counts(session, principal, "audienceTypeId", type_ids=type_ids,
                                         status_ids=status, search=search)}
    wanted = set(_ids(type_ids, "audienceTypeIds"))
    types = sorted((int(str(t["id"])), str(t["name"])) for t in catalog.AUDIENCE_TYPES)
    return [{"audienceTypeId": type_id, "audienceTypeName": name, "audienceCount": counted.get(type_id, 0)}
            for type_id, name in types if not wanted or type_id in wanted]


# -------------------------------------------------------------------------------------- lists

def plain_list(session: Session, principal: Principal, *, ow_ids: str | None, type_ids: str | None,
               search: str | None) -> list[dict[str, Any]]:
    if not _org_filter(principal, ow_ids):
        return []
    stmt = repo.filtered(principal.ow_id, type_ids=_ids(type_ids, "audienceTypeIds"),
                         search=[search.strip()] if search and search.strip() else [])
    stmt = stmt.order_by(Audience.created_at.desc(), Audience.id.desc())
    return [{
        "id": a.id, "audienceName": a.name, "audienceType": TYPE_NAMES.get(a.type_id, ""), "audienceTypeId": a.type_id,
        "isVoterAudience": a.type_id == catalog.TYPE_CUSTOM_VOTER or a.data_partner_id == VOTER_PARTNER,
        "status": STATUS_KEYS.get(a.status_id, ""), "statusDisplayName": catalog.STATUS_NAMES.get(a.status_id, ""),
        "createdOn": _seconds(a), "dataCost": money(a.data_cost), "uniques": a.reach,
    } for a in session.scalars(stmt)]


DETAILED_SORT = {"modified_date": Audience.modified_at, "modifiedAt": Audience.modified_at,
                 "created_date": Audience.created_at, "createdOn": Audience.created_at, "id": Audience.id,
                 "audienceName": Audience.name, "name": Audience.name, "uniques": Audience.reach,
                 "reach": Audience.reach, "status": Audience.status_id, "dataCost": Audience.data_cost,
                 "audienceTypeId": Audience.type_id}


def detailed_list(session: Session, principal: Principal, *, type_ids: str | None, search: str | None,
                  page_no: int | None, page_size: int | None, sort_by: str | None, sort_type: str | None,
                  audience_ids: str | None, ow_ids: str | None, status: str | None) -> dict[str, Any]:
    order = parse_sort(sort_by, DETAILED_SORT, "modified_date", order=sort_type, default_order="desc")
    base = repo.filtered(principal.ow_id, audience_ids=_ids(audience_ids, "audienceIds"),
                         type_ids=_ids(type_ids, "audienceTypeIds"), status_ids=_ids(status, "status"))
    total = repo.count(session, base)
    stmt = repo.filtered(principal.ow_id, audience_ids=_ids(audience_ids, "audienceIds"),
                         type_ids=_ids(type_ids, "audienceTypeIds"), status_ids=_ids(status, "status"),
                         search=[search.strip()] if search and search.strip() else [])
    if not _org_filter(principal, ow_ids):
        stmt = stmt.where(Audience.id.is_(None))
    filtered = repo.count(session, stmt)
    offset, limit = page_offset(page_no, page_size)
    page = apply_sort(stmt, order, tiebreak=Audience.id).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    audiences = list(session.scalars(page))
    ids = [a.id for a in audiences]
    used = service.usage(session, principal.ow_id, ids)
    refs = campaigns_of(session, principal.ow_id, sorted({c for u in used.values() for k in u.values() for c in k}))
    org = organization_name(session, principal.ow_id)
    data = []
    for a in audiences:
        inc = sorted(set(used.get(a.id, {}).get("included", [])))
        exc = sorted(set(used.get(a.id, {}).get("excluded", [])))
        statuses = [refs[c].status for c in set(inc) | set(exc) if c in refs]
        partner = catalog.DATA_PARTNERS_BY_ID.get(a.data_partner_id or 0)
        data.append({
            "id": a.id, "audienceName": a.name, "audienceType": TYPE_NAMES.get(a.type_id, ""),
            "audienceTypeId": a.type_id,
            "matchRate": round(a.matched_rows * 100 / a.file_row_count, 2) if a.file_row_count else 0,
            "fileTotalCount": a.file_row_count, "included": len(inc), "excluded": len(exc),
            "includedCampaignList": inc, "excludedCampaignList": exc,
            "status": catalog.STATUS_NAMES.get(a.status_id, ""), "createdOn": _seconds(a),
            "dataCost": money(a.data_cost), "s3FileName": a.file_name, "organizationName": org, "uniques": a.reach,
            "runningCampaignCount": statuses.count("running"), "pendingCampaignCount": statuses.count("pending"),
            "pausedCampaignCount": statuses.count("paused"), "expiredCampaignCount": statuses.count("expired"),
            "partnerName": partner.display_name if partner else None,
            "isApprovalAccess": principal.is_workspace_admin, "isEditAccess": True,
        })
    return {"totalRecords": total, "filteredRecords": filtered, "data": data,
            "insightDetails": latest_insights(session, principal.ow_id, ids)}


def latest_insights(session: Session, ow_id: int, audience_ids: list[int]) -> dict[str, dict[str, int]]:
    """audience id (text) → its newest insights report's id and status."""
    if not audience_ids:
        return {}
    newest = (select(AudienceInsight.audience_id, func.max(AudienceInsight.id).label("id"))
              .where(AudienceInsight.ow_id == ow_id, AudienceInsight.audience_id.in_(audience_ids))
              .group_by(AudienceInsight.audience_id).subquery())
    rows = session.execute(select(AudienceInsight.audience_id, AudienceInsight.id, AudienceInsight.status_id)
                           .join(newest, newest.c.id == AudienceInsight.id))
    return {str(a): {"statusId": s, "id": i} for a, i, s in rows}


# ---------------------------------------------------------------------------- matched audiences (v2)

def matched_fields() -> dict[str, list[dict[str, Any]]]:
    """IQM's three column groups from the matched-audience column list: identifier columns (what a
    row is matched on), the voter id, and descriptive columns kept with the row."""
    def item(c: catalog.MatchColumn) -> dict[str, Any]:
        return {"id": c.id, "name": c.display_name, "l2Name": c.key}

    voter = [item(c) for c in catalog.MATCH_COLUMNS if c.key == "Voters_ID"]
    mandatory = [item(c) for c in catalog.MATCH_COLUMNS if c.kind is not None]
    optional = [item(c) for c in catalog.MATCH_COLUMNS if c.kind is None and c.key != "Voters_ID"]
    return {"mandatoryColumns": mandatory, "voterIDColumns": voter, "optionalColumns": optional}


def update_matched_v2(session: Session, settings: Settings, principal: Principal, audience_id: int, name: str,
                      raw_url: str | None) -> dict[str, Any]:
    """Rename a matched audience; `rawS3URL` may name another uploaded file of the organization (a link
    adplane signed, e.g. from file-url): the audience then matches that file again."""
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    if audience.type_id != catalog.TYPE_MATCHED:
        raise ValidationFailed("The audience is not a matched audience.", field="audienceId")
    stored = _stored_from_url(session, settings, principal.ow_id, raw_url) if raw_url and raw_url.strip() else None
    audience.name = name
    if stored is not None and stored.id not in (audience.upload_file_id, audience.result_file_id):
        if audience.status_id == catalog.STATUS_PROCESSING:
            raise ValidationFailed("The audience is being matched.", field="rawS3URL")
        if not stored.download_name.lower().endswith(service.UPLOAD_SUFFIXES):
            raise ValidationFailed("rawS3URL must be a CSV or XLSX file.", field="rawS3URL")
        audience.upload_file_id = stored.id
        audience.file_name = stored.download_name
        audience.status_id = catalog.STATUS_PROCESSING
        enqueue(session, service.MATCH_KIND, str(audience.id), {"audienceId": audience.id})
    session.commit()
    return {"id": audience.id, "message": "Your changes have been saved successfully"}


def _stored_from_url(session: Session, settings: Settings, ow_id: int, url: str) -> StoredFile:
    token = urlsplit(url.strip()).path.rstrip("/").rsplit("/", 1)[-1]
    try:
        payload = signing.verify(settings.resolved_secret_key, token)
    except (ApiError, BadSignature, ValueError, TypeError):
        raise ValidationFailed("rawS3URL must be a file link issued by this server.", field="rawS3URL") from None
    stored = session.get(StoredFile, payload.get("f")) if isinstance(payload.get("f"), int) else None
    if stored is None or stored.ow_id != ow_id:
        raise ValidationFailed("rawS3URL must be a file link issued by this server.", field="rawS3URL")
    return stored


# -------------------------------------------------------------------------------------- history

def audience_history(session: Session, principal: Principal, *, campaign_ids: list[int], type_ids: list[int],
                     subtype_ids: list[int], page_no: int | None, no_of_entries: int | None) -> dict[str, Any]:
    """The caller's audiences the campaigns include or exclude (adplane keeps each campaign's current
    targeting, so `historicalData` answers it too)."""
    refs = require_campaigns(session, principal.ow_id, campaign_ids, "campaignId")
    by_audience: dict[int, set[int]] = {}
    for campaign_id, ref in refs.items():
        for audience_id in (*ref.included, *ref.excluded):
            by_audience.setdefault(audience_id, set()).add(campaign_id)
    audiences = list(session.scalars(select(Audience).where(Audience.ow_id == principal.ow_id,
                                                            Audience.id.in_(list(by_audience)))
                                     .order_by(Audience.id))) if by_audience else []
    total = len(audiences)
    kept = [a for a in audiences if (not type_ids or a.type_id in type_ids)
            and (not subtype_ids or a.subtype_id in subtype_ids)]
    offset, limit = page_offset(page_no, no_of_entries)
    return {"totalRecords": total, "filteredRecords": len(kept), "audienceDetails": [
        {"id": a.id, "campaignIds": sorted(by_audience[a.id]), "name": a.name, "audienceSubTypeId": a.subtype_id,
         "typeId": a.type_id} for a in page_rows(kept, offset, limit)]}


# ------------------------------------------------------------------------------ partner, regenerate

PARTNER_TYPES = (catalog.TYPE_GEOFARMED, catalog.TYPE_CONTEXTUAL)


def attach_data_partner(session: Session, principal: Principal, audience_id: int, partner_id: int) -> dict[str, Any]:
    """A geofarmed or contextual audience takes the partner's data (its CPM becomes the audience's)."""
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    partner = catalog.DATA_PARTNERS_BY_ID.get(partner_id)
    if partner is None:
        raise ValidationFailed("Invalid dataPartnerId.", field="dataPartnerId")
    if audience.type_id not in PARTNER_TYPES:
        raise ValidationFailed("A data partner attaches to geofarmed or contextual audiences only.",
                               field="audienceId")
    audience.data_partner_id = partner.id
    audience.data_cost = partner.cpm
    session.commit()
    return {"message": "Data partner attached successfully."}


def regenerate(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    """Run the audience's processing job again: matching for matched audiences, the build for
    lookalike and campaign ones. Other kinds have no job to re-run (422)."""
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    if audience.status_id == catalog.STATUS_PROCESSING:
        raise ValidationFailed("The audience is already being processed.", field="audienceId")
    if audience.type_id == catalog.TYPE_MATCHED:
        if audience.upload_file_id is None:
            raise ValidationFailed("The audience has no uploaded file to match again.", field="audienceId")
        enqueue(session, service.MATCH_KIND, str(audience.id), {"audienceId": audience.id})
    elif audience.type_id in (catalog.TYPE_LOOKALIKE, catalog.TYPE_CAMPAIGN):
        queue_build(session, audience)
    else:
        raise ValidationFailed("This kind of audience has no processing to regenerate.", field="audienceId")
    audience.status_id = catalog.STATUS_PROCESSING
    audience.failure_reason = None
    session.commit()
    return {"message": "Audience regeneration initiated successfully"}
