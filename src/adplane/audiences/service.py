"""Rules of the audiences domain: creating and matching audiences, approval, names, deletion,
duplication, lists and counts. Campaign targeting and delivery read audiences through
`adplane.audiences.targeting`."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import catalog, matching
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.audiences.schemas import AudienceListRequest, MatchedAudienceRequest, MatchedUpdate
from adplane.core import listing
from adplane.core.clock import to_epoch_ms, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, ValidationFailed
from adplane.core.listing import apply_sort, page_offset, parse_sort
from adplane.core.settings import Settings
from adplane.files import service as files
from adplane.files.models import StoredFile
from adplane.jobs.queue import enqueue

MATCH_KIND = "audience-match"
UPLOAD_KIND = "audience-uploads"
RESULT_KIND = "audience-results"
UPLOAD_SUFFIXES = (".csv", ".xlsx")

# Campaign domains tell audiences which of an organization's audiences campaigns target
# (`register_usage`), so a targeted audience is not deleted; audiences never import campaigns.
UsageFn = Callable[[Session, int, Sequence[int]], dict[int, dict[str, list[int]]]]
_USAGE: list[UsageFn] = []


def register_usage(fn: UsageFn) -> None:
    if fn not in _USAGE:
        _USAGE.append(fn)


def usage(session: Session, ow_id: int, audience_ids: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    """audience id → {"included": [campaign ids], "excluded": [...]} for the targeted ones."""
    out: dict[int, dict[str, list[int]]] = {}
    for fn in _USAGE:
        for audience_id, refs in fn(session, ow_id, audience_ids).items():
            slot = out.setdefault(audience_id, {"included": [], "excluded": []})
            slot["included"] += refs.get("included", [])
            slot["excluded"] += refs.get("excluded", [])
    return out


def new_pixel_key() -> str:
    """The unguessable key in a retargeting pixel's URL."""
    return secrets.token_urlsafe(24)


def _money(value: Decimal | None) -> int | float:
    value = value or Decimal("0")
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------ matched audiences

def _check_matched_request(req: MatchedAudienceRequest) -> Decimal:
    """Rules beyond types; returns the audience's data CPM (its data partner's)."""
    if req.audience_subtype_id is not None and req.audience_subtype_id not in catalog.SUBTYPE_IDS:
        raise ValidationFailed("Invalid audienceSubtypeId.", field="audienceSubtypeId")
    if req.data_partner_id is not None and req.data_partner_id not in catalog.DATA_PARTNERS_BY_ID:
        raise ValidationFailed("Invalid dataPartnerId.", field="dataPartnerId")
    if req.column_combination_id is not None and req.column_combination_id not in catalog.COLUMN_COMBINATION_IDS:
        raise ValidationFailed("Invalid columnCombinationId.", field="columnCombinationId")
    if req.consent_given is False:
        raise ValidationFailed("Consent is required to upload personal data (consentGiven).", field="consentGiven")
    for mapping in req.column_mappings:
        if mapping.column_id not in catalog.MATCH_COLUMNS_BY_ID:
            raise ValidationFailed(f"Unknown columnId {mapping.column_id}.", field="columnMappings")
        if mapping.data_format_id is not None and mapping.data_format_id not in catalog.DATA_FORMAT_IDS:
            raise ValidationFailed(f"Unknown dataFormatId {mapping.data_format_id}.", field="columnMappings")
    partner = catalog.DATA_PARTNERS_BY_ID.get(req.data_partner_id or 0)
    return partner.cpm if partner else Decimal("0")


def _mappings(req_or_details: Any) -> list[tuple[int, str, int | None]]:
    if isinstance(req_or_details, MatchedAudienceRequest):
        return [(m.column_id, m.file_column_name, m.data_format_id) for m in req_or_details.column_mappings]
    return [(int(m["columnId"]), str(m["fileColumnName"]), m.get("dataFormatId"))
            for m in req_or_details.get("columnMappings", [])]


def create_matched(session: Session, settings: Settings, principal: Principal, req: MatchedAudienceRequest,
                   upload: Path, file_name: str) -> dict[str, Any]:
    """Keep the upload, check its header against the mapping, queue the match (status processing)."""
    cost = _check_matched_request(req)
    if not file_name.lower().endswith(UPLOAD_SUFFIXES):
        raise ValidationFailed("The file must be a CSV or XLSX file.", field="file")
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    try:
        header = matching.read_header(upload, file_name)
        # a mapping without identifier columns is accepted (IQM's own samples send one) and fails in matching
        matching.mapped_columns(header, _mappings(req), require_identifier=False)
    except ValueError as exc:  # FileProblem too
        field = "file" if isinstance(exc, matching.FileProblem) else "columnMappings"
        raise ValidationFailed(str(exc), field=field) from None
    path = files.new_file_path(settings, UPLOAD_KIND, principal.ow_id, suffix)
    with files.written_atomically(path) as partial:
        shutil.copyfile(upload, partial)
    stored = files.register(session, settings, ow_id=principal.ow_id, path=path, download_name=file_name,
                            kind=UPLOAD_KIND)
    audience = Audience(
        ow_id=principal.ow_id, uow_id=principal.uow_id, created_by_user_id=principal.user_id,
        name=req.audience_name, type_id=catalog.TYPE_MATCHED, subtype_id=req.audience_subtype_id,
        status_id=catalog.STATUS_PROCESSING, data_partner_id=req.data_partner_id, data_cost=cost,
        file_row_count=req.file_row_count or 0, file_name=file_name, upload_file_id=stored.id,
        details=req.model_dump(by_alias=True, exclude_none=True, exclude={"audience_name"}),
    )
    session.add(audience)
    session.flush()
    enqueue(session, MATCH_KIND, str(audience.id), {"audienceId": audience.id})
    session.commit()
    return {"matchedAudienceId": audience.id, "message": "Matched audience created successfully"}


def run_match(session: Session, settings: Settings, audience: Audience,
              result_path: Path) -> matching.MatchResult:
    """Match the audience's uploaded file against the identity store (no writes)."""
    from adplane.audiences import identities

    stored = session.get(StoredFile, audience.upload_file_id) if audience.upload_file_id else None
    if stored is None or not files.absolute_path(settings, stored).is_file():
        raise matching.FileProblem("The uploaded file is no longer available.")
    source = files.absolute_path(settings, stored)
    header = matching.read_header(source, stored.download_name)
    try:
        columns = matching.mapped_columns(header, _mappings(audience.details or {}))
    except ValueError as exc:
        raise matching.FileProblem(str(exc)) from None

    def lookup(kind: int, column: str, keys: Sequence[bytes]) -> dict[bytes, int]:
        return identities.lookup(session, kind, column, keys)

    return matching.match_file(source, stored.download_name, columns, lookup, result_path)


def store_match(session: Session, settings: Settings, audience: Audience, result: matching.MatchResult,
                result_path: Path) -> None:
    """Write the members, the result file and the counts; the audience then waits for approval."""
    repo.replace_members(session, audience.id, result.user_ids)
    stored = files.register(session, settings, ow_id=audience.ow_id, path=result_path,
                            download_name=f"{Path(audience.file_name or 'audience').stem}-match-result.csv",
                            kind=RESULT_KIND)
    audience.result_file_id = stored.id
    audience.file_row_count = result.rows
    audience.matched_rows = result.matched_rows
    audience.details = {**(audience.details or {}), "invalidRows": result.invalid_rows}
    audience.reach = result.reach
    audience.failure_reason = None
    # IQM: a matched audience is processed, then approved before campaigns can use it.
    audience.status_id = catalog.STATUS_PENDING


def fail_match(audience: Audience, reason: str) -> None:
    audience.status_id = catalog.STATUS_FAILED
    audience.failure_reason = reason[:1000]


def matched_details(session: Session, principal: Principal, audience_id: int, *,
                    campaign_targeting: bool = False) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_MATCHED:
        raise ValidationFailed("The audience is not a matched audience.", field="audienceId")
    out: dict[str, Any] = {
        "audienceId": audience.id, "audienceName": audience.name, "audienceTypeId": audience.type_id,
        "audienceSubtypeId": audience.subtype_id, "audienceStatusId": audience.status_id,
        "status": catalog.STATUS_NAMES.get(audience.status_id, ""), "cpm": _money(audience.data_cost),
        "dataCost": _money(audience.data_cost), "owId": audience.ow_id, "createdByUowId": audience.uow_id or 0,
        "createdAt": to_epoch_ms(audience.created_at), "modifiedAt": audience.modified_at.isoformat(),
        "reach": audience.reach, "uniques": audience.reach, "matchedCount": audience.matched_rows,
        "invalidCount": int((audience.details or {}).get("invalidRows", 0)), "s3FileName": audience.file_name,
        "fileRowCount": audience.file_row_count, "matchRate": _match_rate(audience),
        "dataPartnerId": audience.data_partner_id, "approvalAccess": principal.is_workspace_admin,
        "editAccess": True,
    }
    if audience.rejection_reason:
        out["rejectionReason"] = audience.rejection_reason
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    if campaign_targeting:
        refs = usage(session, principal.ow_id, [audience.id]).get(audience.id, {})
        out["whitelistedCampaignIds"] = sorted(set(refs.get("included", [])))
        out["blacklistedCampaignIds"] = sorted(set(refs.get("excluded", [])))
    return out


def _match_rate(audience: Audience) -> float:
    if not audience.file_row_count:
        return 0.0
    return round(audience.matched_rows * 100 / audience.file_row_count, 2)


def file_urls(session: Session, settings: Settings, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id)
    if audience.type_id != catalog.TYPE_MATCHED:
        raise ValidationFailed("The audience is not a matched audience.", field="audienceId")
    upload = session.get(StoredFile, audience.upload_file_id) if audience.upload_file_id else None
    if upload is None:
        raise ValidationFailed("The audience's file is not available.", field="audienceId")
    out = {"matchedAudienceFileUrl": files.signed_url(settings, upload, settings.public_base_url)}
    result = session.get(StoredFile, audience.result_file_id) if audience.result_file_id else None
    if result is not None:
        out["resultFileUrl"] = files.signed_url(settings, result, settings.public_base_url)
    return out


def update_matched(session: Session, principal: Principal, audience_id: int, body: MatchedUpdate) -> dict[str, Any]:
    """Approve (ready) or reject a processed matched audience, or set its data cost: workspace admins."""
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    if audience.type_id != catalog.TYPE_MATCHED:
        raise ValidationFailed("The audience is not a matched audience.", field="audienceId")
    if not principal.is_workspace_admin:
        raise Forbidden("Only workspace admins approve, reject or price audiences.")
    if body.audience_status_id is not None:
        wanted = body.audience_status_id
        if wanted not in (catalog.STATUS_READY, catalog.STATUS_REJECTED):
            raise ValidationFailed("audienceStatusId must be 3 (ready) or 4 (rejected).", field="audienceStatusId")
        if audience.status_id not in (catalog.STATUS_PENDING, catalog.STATUS_READY, catalog.STATUS_REJECTED):
            raise ValidationFailed("Only a processed audience can be approved or rejected.",
                                   field="audienceStatusId")
        if wanted == catalog.STATUS_REJECTED and not (body.rejection_reason or "").strip():
            raise ValidationFailed("rejectionReason is required to reject an audience.", field="rejectionReason")
        audience.status_id = wanted
        audience.rejection_reason = (body.rejection_reason or "").strip() or None \
            if wanted == catalog.STATUS_REJECTED else None
        audience.approved_by_user_id = principal.user_id
    if body.data_cost is not None:
        audience.data_cost = body.data_cost
    session.commit()
    return {"id": audience.id, "message": "Your changes have been saved successfully"}


def rematch(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    if audience.type_id != catalog.TYPE_MATCHED or audience.status_id == catalog.STATUS_PROCESSING:
        raise ValidationFailed("No active audience found with the given Id.", field="audienceId")
    audience.status_id = catalog.STATUS_PROCESSING
    enqueue(session, MATCH_KIND, str(audience.id), {"audienceId": audience.id})
    session.commit()
    return {"audienceId": audience.id, "message": f"{audience.name} audience rematched successfully via Re-Match"}


# ----------------------------------------------------------------------------------- management

def rename(session: Session, principal: Principal, audience_id: int, name: str) -> dict[str, Any]:
    audience = repo.get(session, principal.ow_id, audience_id, for_update=True)
    audience.name = name.strip()
    session.commit()
    return {"message": "Changes saved successfully"}


def parse_ids(raw: Sequence[int] | str, field: str) -> list[int]:
    """Audience ids as the list toolkit parses them; at least one is required."""
    return listing.parse_ids(raw, field, required=True)


def delete_audiences(session: Session, settings: Settings, principal: Principal, ids: list[int]) -> dict[str, Any]:
    """Delete the caller's audiences that no campaign targets; the others are reported as failed.
    Ids of other organizations are 404 like unknown ones."""
    owned = repo.owned_ids(session, principal.ow_id, ids)
    missing = [i for i in ids if i not in owned]
    if missing:
        from adplane.core.errors import NotFound

        raise NotFound("Audience not found.", field="audienceIds")
    used = usage(session, principal.ow_id, ids)
    ok = [i for i in ids if not used.get(i)]
    failed = [i for i in ids if used.get(i)]
    for audience in session.scalars(select(Audience).where(Audience.id.in_(ok))):
        for file_id in (audience.upload_file_id, audience.result_file_id):
            stored = session.get(StoredFile, file_id) if file_id else None
            if stored is not None:
                files.absolute_path(settings, stored).unlink(missing_ok=True)
                session.delete(stored)
        session.delete(audience)
    session.commit()
    message = "Audiences deleted successfully." if not failed else \
        "Audiences targeted by campaigns were not deleted."
    return {"successfulAudienceIds": ok, "failedAudienceIds": failed, "message": message}


def duplicate(session: Session, settings: Settings, principal: Principal, audience_id: int, *,
              name: str | None = None) -> dict[str, Any]:
    """A copy (named `name`, else "Copy of ..."), with the same members, counts and status; the
    copy of a matched audience shares its uploaded file and waits for its own approval."""
    source = repo.get(session, principal.ow_id, audience_id)
    copy = Audience(**{c.key: getattr(source, c.key) for c in Audience.__table__.columns
                       if c.key not in ("id", "created_at", "modified_at", "pixel_key", "approved_by_user_id")})
    copy.name = (name.strip() if name else f"Copy of {source.name}")[:255]
    copy.uow_id, copy.created_by_user_id = principal.uow_id, principal.user_id
    if source.type_id == catalog.TYPE_MATCHED and source.status_id == catalog.STATUS_READY:
        copy.status_id = catalog.STATUS_PENDING  # a copy is approved on its own
    if source.type_id == catalog.TYPE_RETARGETED:
        copy.pixel_key = new_pixel_key()
    session.add(copy)
    session.flush()
    repo.add_members(session, copy.id, repo.member_ids(session, [source.id]))
    if source.status_id == catalog.STATUS_PROCESSING and source.type_id == catalog.TYPE_MATCHED:
        enqueue(session, MATCH_KIND, str(copy.id), {"audienceId": copy.id})
    session.commit()
    return {"audienceId": copy.id, "message": f"{copy.name} created successfully"}


# ---------------------------------------------------------------------------------------- lists

SORTABLE = {"audienceName": Audience.name, "audienceId": Audience.id, "createdAt": Audience.created_at,
            "createdOn": Audience.created_at, "reach": Audience.reach, "audienceTypeId": Audience.type_id,
            "audienceStatusId": Audience.status_id, "status": Audience.status_id, "dataCost": Audience.data_cost,
            "id": Audience.id}


def _campaign_counts(session: Session, ow_id: int, ids: list[int]) -> dict[int, int]:
    used = usage(session, ow_id, ids)
    return {i: len(set(refs["included"]) | set(refs["excluded"])) for i, refs in used.items()}


def list_audiences(session: Session, principal: Principal, body: AudienceListRequest, *,
                   basic: bool = False) -> dict[str, Any]:
    type_ids = list(dict.fromkeys([*body.audience_type_ids, *body.audience_type_ids_with_all_subtypes]))
    base = repo.filtered(principal.ow_id, audience_ids=body.audience_ids, type_ids=type_ids,
                         subtype_ids=body.audience_subtype_ids, status_ids=body.audience_status_ids)
    total = repo.count(session, base)
    stmt = repo.filtered(principal.ow_id, audience_ids=body.audience_ids, type_ids=type_ids,
                         subtype_ids=body.audience_subtype_ids, status_ids=body.audience_status_ids,
                         search=body.search_terms())
    if body.ow_ids and principal.ow_id not in body.ow_ids:
        stmt = stmt.where(Audience.id.is_(None))  # only other organizations asked for: none visible
    filtered = repo.count(session, stmt)
    order = parse_sort(body.sort_by, SORTABLE, "-createdAt")
    stmt = apply_sort(stmt, order, tiebreak=Audience.id)
    offset, limit = page_offset(body.page_no, body.no_of_entries)
    stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    audiences = list(session.scalars(stmt))
    items = [_list_item(a, principal, basic) for a in audiences]
    if not basic:
        counts = _campaign_counts(session, principal.ow_id, [a.id for a in audiences])
        for item in items:
            item["runningCampaignCount"] = counts.get(item["audienceId"], 0)
    key = "audienceBasicList" if basic else "audienceList"
    return {"totalRecords": total, "filteredRecords": filtered, key: items}


def _list_item(audience: Audience, principal: Principal, basic: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "audienceId": audience.id, "audienceName": audience.name, "audienceTypeId": audience.type_id,
        "audienceSubtypeId": audience.subtype_id, "audienceStatusId": audience.status_id,
        "createdAt": to_epoch_ms(audience.created_at), "reach": audience.reach, "cpm": _money(audience.data_cost),
    }
    if basic:
        item["isIqmIdTargeted"] = False
        return item
    item.update({"matchRate": _match_rate(audience), "approvalAccess": principal.is_workspace_admin,
                 "editAccess": True})
    if audience.type_id == catalog.TYPE_MATCHED:
        item["fileTotalCount"] = audience.file_row_count
        item["s3FileName"] = audience.file_name
    return item


def _ids_param(raw: str | list[int] | None, field: str) -> list[int]:
    if raw is None or raw == "":
        return []
    return parse_ids(raw, field)


def counts(session: Session, principal: Principal, by: str, *, type_ids: str | list[int] | None = None,
           status_ids: str | list[int] | None = None, search: str | None = None) -> list[dict[str, int]]:
    stmt = repo.filtered(principal.ow_id, type_ids=_ids_param(type_ids, "audienceTypeIds"),
                         status_ids=_ids_param(status_ids, "status"), search=[search.strip()] if search else [])
    column = {"audienceStatusId": Audience.status_id, "audienceTypeId": Audience.type_id,
              "dataPartnerId": Audience.data_partner_id}[by]
    return [{by: key, "audienceCount": n} for key, n in repo.counts_by(session, stmt, column)]


def now_ms() -> int:
    return to_epoch_ms(utcnow()) or 0
