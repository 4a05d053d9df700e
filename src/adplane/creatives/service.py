"""Rules of the creatives domain: upload, read, edit, list and the approval workflow.

Other domains call `get_creatives` (and use `CREATIVE_STATUS_RUNNING`): a campaign runs only
creatives of its own organization whose status is running (approved).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import false
from sqlalchemy.orm import Session

from adplane.core.clock import from_epoch_ms, utcnow
from adplane.core.db import first_id_on_sqlite
from adplane.core.deps import Principal
from adplane.core.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from adplane.core.listing import count, fetch_page, page_offset, parse_sort, where_search
from adplane.core.schemas import MAX_DB_INT, json_field
from adplane.core.settings import Settings
from adplane.core.tenancy import scoped
from adplane.creatives import repository
from adplane.creatives.intake import CreativeDraft, UploadedFile, build_draft
from adplane.creatives.media import PREVIEW_BOXES, write_preview
from adplane.creatives.models import CREATIVE_ID_START, Creative
from adplane.creatives.schemas import CreativeListRequest, CreativeStatusUpdate, CreativeUpdate
from adplane.creatives.validation import ContentError, check_html, check_url, parse_vast
from adplane.creatives.wire import details_view, list_view
from adplane.files import service as files
from adplane.files.models import StoredFile
from adplane.master.catalog import (
    CREATIVE_STATUS_DELETED,
    CREATIVE_STATUS_PAUSED,
    CREATIVE_STATUS_PENDING,
    CREATIVE_STATUS_REJECTED,
    CREATIVE_STATUS_RUNNING,
    CREATIVE_STATUSES_BY_ID,
    CREATIVE_TYPE_NATIVE,
)

__all__ = ["CREATIVE_STATUS_RUNNING", "get_creatives"]

MAX_CREATIVES_PER_REQUEST = 100
FILE_LINK_TTL_SECONDS = 10 * 365 * 24 * 3600
FILE_KIND = "creative"
PREVIEW_KIND = "creative-preview"


def get_creatives(session: Session, ow_id: int, ids: list[int]) -> list[Creative]:
    """The organization's creatives among `ids` (others' and missing ids are simply absent), by id."""
    wanted = {i for i in ids if 1 <= i <= MAX_DB_INT}
    if not wanted:
        return []
    stmt = scoped(Creative, ow_id).where(Creative.id.in_(wanted)).order_by(Creative.id)
    return list(session.scalars(stmt))


# --------------------------------------------------------------------------- upload


def parse_creative_request(raw: str | None) -> dict[str, Any]:
    """The `creativeRequest` map; any problem with the map itself is a 422 on that field."""
    if raw is None or not raw.strip():
        raise ValidationFailed("creativeRequest is required.", field="creativeRequest")
    return check_creative_map(json_field(raw, "creativeRequest"))


def check_creative_map(parsed: Any) -> dict[str, Any]:
    if not isinstance(parsed, dict) or not parsed:
        raise ValidationFailed(
            "creativeRequest must be a non-empty JSON object of keys to creative details.", field="creativeRequest"
        )
    if len(parsed) > MAX_CREATIVES_PER_REQUEST:
        raise ValidationFailed(
            f"creativeRequest holds {len(parsed)} creatives; at most {MAX_CREATIVES_PER_REQUEST} per request.",
            field="creativeRequest",
        )
    for key in parsed:
        if not key.strip() or len(key) > 100:
            raise ValidationFailed("creativeRequest keys must be 1 to 100 characters.", field="creativeRequest")
    return parsed


def create_creatives(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_map: dict[str, Any],
    uploads: dict[str, UploadedFile],
) -> dict[str, Any]:
    """Create every valid entry; each failure is reported under its key and stops nothing else."""
    success: dict[str, str] = {}
    failed: dict[str, str] = {}
    for key, raw in request_map.items():
        try:
            draft = build_draft(raw, uploads)
        except ContentError as exc:
            failed[key] = str(exc)
            continue
        success[key] = str(_store(session, settings, principal, draft))
    session.commit()
    return {"successData": success, "failedData": failed}


def _store(session: Session, settings: Settings, principal: Principal, draft: CreativeDraft) -> int:
    now = utcnow()
    creative = Creative(
        ow_id=principal.ow_id,
        uow_id=principal.uow_id,
        name=draft.name,
        external_creative_id=draft.external_creative_id,
        creative_type_id=draft.creative_type_id,
        sub_media_type=draft.sub_media_type,
        status_id=CREATIVE_STATUS_PENDING,
        source_type=draft.source_type,
        source=draft.source,
        click_url=draft.click_url,
        pixel_url=draft.pixel_url,
        width=draft.width,
        height=draft.height,
        duration_seconds=draft.duration_seconds,
        details=draft.details,
        created_at=now,
        modified_at=now,
    )
    first_id = first_id_on_sqlite(session, Creative.id, CREATIVE_ID_START)
    if first_id is not None:
        creative.id = first_id
    if draft.upload is not None and draft.media is not None:
        target = files.new_file_path(settings, "creatives", principal.ow_id, f".{draft.media.extension}")
        shutil.copyfile(draft.upload.path, target)
        stored = files.register(
            session, settings, ow_id=principal.ow_id, path=target, download_name=draft.upload.name, kind=FILE_KIND
        )
        stored.content_type = draft.media.mime_type
        creative.file_id = stored.id
        creative.file_name = draft.upload.name
        creative.file_size_bytes = draft.media.size_bytes
        creative.mime_type = draft.media.mime_type
        if draft.media.kind != "html":
            creative.source = _link(settings, stored)
        if draft.media.kind == "image":
            creative.details = {**creative.details, **_previews(session, settings, principal.ow_id, target)}
    session.add(creative)
    session.flush()
    return creative.id


def _link(settings: Settings, stored: StoredFile) -> str:
    return files.signed_url(settings, stored, settings.public_base_url, FILE_LINK_TTL_SECONDS)


def _previews(session: Session, settings: Settings, ow_id: int, image: Path) -> dict[str, str]:
    """Thumbnail and card PNGs of an uploaded image, by the wire field that links them."""
    links: dict[str, str] = {}
    for wire_name, box in PREVIEW_BOXES.items():
        target = files.new_file_path(settings, "creatives", ow_id, ".png")
        write_preview(image, target, box)
        stored = files.register(
            session, settings, ow_id=ow_id, path=target, download_name=f"{box[0]}x{box[1]}.png", kind=PREVIEW_KIND
        )
        stored.content_type = "image/png"
        links[wire_name] = _link(settings, stored)
    return links


# --------------------------------------------------------------------------- read


def _get(session: Session, ow_id: int, creative_id: int, *, for_update: bool = False) -> Creative:
    stmt = scoped(Creative, ow_id).where(Creative.id == creative_id)
    if for_update:
        stmt = stmt.with_for_update()
    creative = session.scalar(stmt)
    if creative is None:
        raise NotFound(f"No creative details found for creativeId: {creative_id}", field="creativeId")
    return creative


def creative_details(session: Session, principal: Principal, creative_id: int) -> dict[str, Any]:
    creative = _get(session, principal.ow_id, creative_id)
    owner = repository.owners(session, [creative])[creative.id]
    return details_view(creative, owner, has_approval_access=principal.is_workspace_admin)


LIST_SORT_COLUMNS = {
    "creativeId": Creative.id,
    "creativeName": Creative.name,
    "createdAt": Creative.created_at,
    "modifiedAt": Creative.modified_at,
    "creativeStatusId": Creative.status_id,
    "platformCreativeTypeId": Creative.creative_type_id,
    "externalCreativeId": Creative.external_creative_id,
}


def list_creatives(session: Session, principal: Principal, body: CreativeListRequest) -> dict[str, Any]:
    base = scoped(Creative, principal.ow_id)
    total = count(session, base)
    stmt = base
    if body.ow_ids and principal.ow_id not in body.ow_ids and not body.all_ow_ids:
        stmt = stmt.where(false())  # the caller's organization is not among those asked for
    if body.creative_status_ids:
        stmt = stmt.where(Creative.status_id.in_(body.creative_status_ids))
    else:
        stmt = stmt.where(Creative.status_id != CREATIVE_STATUS_DELETED)
    if body.platform_creative_type_ids:
        stmt = stmt.where(Creative.creative_type_id.in_(body.platform_creative_type_ids))
    if body.creative_ids:
        stmt = stmt.where(Creative.id.in_(body.creative_ids))
    if body.creative_group_id is not None:
        stmt = stmt.where(false())  # creative groups do not exist here, so no creative is in one
    if body.campaign_ids:
        stmt = stmt.where(Creative.id.in_(repository.creative_ids_of_campaigns(body.campaign_ids)))
    if body.start_time is not None:
        stmt = stmt.where(Creative.created_at >= from_epoch_ms(body.start_time, "startTime"))
    if body.end_time is not None:
        stmt = stmt.where(Creative.created_at <= from_epoch_ms(body.end_time, "endTime"))
    stmt = where_search(stmt, body.search_field, [Creative.name], Creative.id)
    order = parse_sort(body.sort_by, LIST_SORT_COLUMNS, "-creativeId", order=body.order)
    offset, limit = page_offset(body.page_no, body.no_of_entries)
    creatives, filtered = fetch_page(session, stmt, order, tiebreak=Creative.id, offset=offset, limit=limit)
    owners = repository.owners(session, creatives)
    campaigns = repository.campaign_ids_by_creative(session, [c.id for c in creatives])
    rows = [
        list_view(
            creative,
            owners[creative.id],
            campaigns.get(creative.id, []),
            include_source=body.include_creative_source_details,
            include_user=body.include_user_details,
            include_organization=body.include_organization_details,
            has_approval_access=principal.is_workspace_admin,
        )
        for creative in creatives
    ]
    return {"totalRecords": total, "filteredRecords": filtered, "filteredList": rows}


# --------------------------------------------------------------------------- edit

# Changing what is shown or where a click goes needs a (new) approval, also after a rejection.
REAPPROVAL_FIELDS = {"click_url", "creative_source", "pixel_url"}
NATIVE_FIELDS = (
    "title", "description", "cta", "brand_name", "brand_icon_source_url", "brand_icon_height", "brand_icon_width",
    "thumbnail_source_url", "thumbnail_width", "thumbnail_height",
)


def update_creative(session: Session, principal: Principal, creative_id: int, body: CreativeUpdate) -> dict[str, Any]:
    creative = _get(session, principal.ow_id, creative_id, for_update=True)
    if creative.status_id == CREATIVE_STATUS_DELETED:
        raise ValidationFailed("A deleted creative cannot be edited.", field="creativeId")
    sent = body.model_fields_set
    if not sent:
        raise ValidationFailed("Nothing to update: send at least one field.", field="creativeName")
    try:
        _apply_update(creative, body, sent)
    except ContentError as exc:
        session.rollback()
        raise ValidationFailed(str(exc), field=_field_of(str(exc))) from None
    resubmitted = (CREATIVE_STATUS_RUNNING, CREATIVE_STATUS_PAUSED, CREATIVE_STATUS_REJECTED)
    if sent & REAPPROVAL_FIELDS and creative.status_id in resubmitted:
        creative.status_id = CREATIVE_STATUS_PENDING
    creative.modified_at = utcnow()
    session.commit()
    return {"id": creative.id, "message": f"{creative.name} updated successfully"}


def _field_of(message: str) -> str:
    return message.split(" ", 1)[0].rstrip(":") if message else "creativeSource"


def _apply_update(creative: Creative, body: CreativeUpdate, sent: set[str]) -> None:
    if "creative_name" in sent:
        if body.creative_name is None:
            raise ContentError("creativeName cannot be empty.")
        creative.name = body.creative_name
    if "external_creative_id" in sent:
        creative.external_creative_id = body.external_creative_id or None
    if "click_url" in sent:
        creative.click_url = check_url(body.click_url, "clickUrl") if body.click_url else None
    if "pixel_url" in sent:
        creative.pixel_url = check_url(body.pixel_url, "pixelUrl") if body.pixel_url else None
    if "creative_remarks" in sent:
        creative.remarks = body.creative_remarks
    if "creative_source" in sent:
        creative.source = _new_source(creative, body.creative_source)
    native_sent = [name for name in NATIVE_FIELDS if name in sent]
    if native_sent:
        if creative.creative_type_id != CREATIVE_TYPE_NATIVE:
            raise ContentError(f"{_camel(native_sent[0])} can only be changed on Native creatives.")
        details = dict(creative.details or {})
        native = dict(details.get("nativeDetails") or {})
        dumped = body.model_dump(by_alias=True, include=set(native_sent))
        for wire_name, value in dumped.items():
            if value is not None and wire_name.endswith("Url"):
                value = check_url(value, wire_name)
            if value is None:
                native.pop(wire_name, None)
            else:
                native[wire_name] = value
        if not native.get("title"):
            raise ContentError("title cannot be removed from a Native creative.")
        details["nativeDetails"] = native
        creative.details = details


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _new_source(creative: Creative, source: str | None) -> str:
    if source is None:
        raise ContentError("creativeSource cannot be empty.")
    kind = creative.source_type
    if kind == "file":
        raise ContentError("creativeSource of an uploaded file cannot be changed; upload a new creative instead.")
    if kind == "html":
        return check_html(source)
    if kind in ("vast_xml", "daast_xml"):
        vast = parse_vast(source, "VAST" if kind == "vast_xml" else "DAAST")
        creative.duration_seconds = vast.duration_seconds or creative.duration_seconds
        return source.strip()
    return check_url(source, "creativeSource")


# --------------------------------------------------------------------------- approval workflow

# target status → statuses it may come from
TRANSITIONS: dict[int, set[int]] = {
    CREATIVE_STATUS_RUNNING: {CREATIVE_STATUS_PENDING, CREATIVE_STATUS_REJECTED, CREATIVE_STATUS_PAUSED},
    CREATIVE_STATUS_PAUSED: {CREATIVE_STATUS_RUNNING},
    CREATIVE_STATUS_REJECTED: {CREATIVE_STATUS_PENDING, CREATIVE_STATUS_RUNNING, CREATIVE_STATUS_PAUSED},
    CREATIVE_STATUS_DELETED: {
        CREATIVE_STATUS_PENDING, CREATIVE_STATUS_RUNNING, CREATIVE_STATUS_PAUSED, CREATIVE_STATUS_REJECTED,
    },
}


def _needs_admin(current: int, target: int) -> bool:
    """Approving (to running from pending/rejected) and rejecting are for workspace admins."""
    if target == CREATIVE_STATUS_REJECTED:
        return True
    return target == CREATIVE_STATUS_RUNNING and current != CREATIVE_STATUS_PAUSED


def update_status(session: Session, principal: Principal, body: CreativeStatusUpdate) -> dict[str, Any]:
    target = body.creative_status_id
    if target not in TRANSITIONS:
        names = ", ".join(f"{s} ({CREATIVE_STATUSES_BY_ID[s].name})" for s in sorted(TRANSITIONS))
        raise ValidationFailed(f"creativeStatusId must be one of {names}.", field="creativeStatusId")
    reason = body.creative_rejection_reason
    if target == CREATIVE_STATUS_REJECTED and not reason:
        raise BadRequest(
            "Rejection reason not provided. Please provide the reason for rejecting the creative/s.",
            field="creativeRejectionReason",
        )
    ids = sorted(set(body.creative_ids))
    stmt = scoped(Creative, principal.ow_id).where(Creative.id.in_(ids)).order_by(Creative.id).with_for_update()
    creatives = list(session.scalars(stmt))
    if len(creatives) != len(ids):
        raise ValidationFailed("Invalid creative ids found. Please provide valid creative ids", field="creativeIds")
    if any(_needs_admin(c.status_id, target) for c in creatives) and not principal.is_workspace_admin:
        raise Forbidden("Logged in user does not have access to reject/approve/pause/delete/restore the creative")
    allowed_from = TRANSITIONS[target]
    wrong = [c for c in creatives if c.status_id not in allowed_from]
    if wrong:
        states = "/".join(CREATIVE_STATUSES_BY_ID[s].name for s in sorted(allowed_from))
        listed = ", ".join(str(c.id) for c in wrong)
        raise ValidationFailed(
            f"Creative/s not in {states} state. Please pass valid creative/s. ({listed})", field="creativeIds"
        )
    now = utcnow()
    for creative in creatives:
        creative.status_id = target
        creative.modified_at = now
        if target == CREATIVE_STATUS_REJECTED:
            creative.rejection_reason = reason
        elif target == CREATIVE_STATUS_RUNNING:
            creative.rejection_reason = None
    session.commit()
    if len(creatives) == 1:
        return {"message": f"{creatives[0].name} creative updated successfully"}
    return {"message": f"{len(creatives)} Creatives updated successfully"}

