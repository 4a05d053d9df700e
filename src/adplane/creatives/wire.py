"""Creatives in IQM's response shapes (details endpoint and list endpoint differ slightly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adplane.core.clock import as_utc, to_epoch_ms
from adplane.creatives.models import Creative
from adplane.master.catalog import (
    CREATIVE_TYPE_AUDIO,
    CREATIVE_TYPE_HTML,
    CREATIVE_TYPE_IMAGE,
    CREATIVE_TYPE_NATIVE,
    CREATIVE_TYPE_VIDEO,
    CREATIVE_TYPES_BY_ID,
)


@dataclass
class Owner:
    """Who made the creative and for which organization (joined from auth tables)."""

    uow_id: int | None
    user_name: str | None
    user_email: str | None
    ow_id: int
    organization_name: str | None


def _common(creative: Creative) -> dict[str, Any]:
    creative_type = CREATIVE_TYPES_BY_ID.get(creative.creative_type_id)
    return {
        "creativeId": creative.id,
        "creativeName": creative.name,
        "externalCreativeId": creative.external_creative_id,
        "rtbCreativeTypeId": creative_type.rtb_creative_type_id if creative_type else None,
        "platformCreativeTypeId": creative.creative_type_id,
        "creativeStatusId": creative.status_id,
        "creativeSourceType": creative.source_type,
        "creativePreviewFlag": 1,
        "clickUrl": creative.click_url,
        "createdAt": to_epoch_ms(creative.created_at),
        "creativeRejectionReason": creative.rejection_reason,
        "creativeRemarks": creative.remarks,
        "creativeThumbnailSource": (creative.details or {}).get("creativeThumbnailSource"),
        "creativeCardSource": (creative.details or {}).get("creativeCardSource"),
    }


def type_details(creative: Creative) -> dict[str, Any]:
    """The `imageDetails` / `videoDetails` / ... object of the details endpoint."""
    details = creative.details or {}
    if creative.creative_type_id == CREATIVE_TYPE_IMAGE:
        return {"imageDetails": {"pixelUrl": creative.pixel_url, "creativeWidth": creative.width,
                                 "creativeHeight": creative.height}}
    if creative.creative_type_id == CREATIVE_TYPE_HTML:
        return {"htmlDetails": {"creativeWidth": creative.width, "creativeHeight": creative.height}}
    video = {"creativeWidth": creative.width, "creativeHeight": creative.height,
             "duration": creative.duration_seconds, "customTracking": details.get("customTracking")}
    if creative.creative_type_id == CREATIVE_TYPE_VIDEO:
        return {"videoDetails": video}
    if creative.creative_type_id == CREATIVE_TYPE_AUDIO:
        return {"audioDetails": {"duration": creative.duration_seconds, "customTracking": details.get("customTracking"),
                                 "logoSource": details.get("logoSource")}}
    if creative.creative_type_id == CREATIVE_TYPE_NATIVE:
        media = (
            {"videoDetails": video}
            if creative.sub_media_type == "video"
            else {"imageDetails": {"pixelUrl": creative.pixel_url, "creativeWidth": creative.width,
                                   "creativeHeight": creative.height}}
        )
        return {**media, "nativeDetails": details.get("nativeDetails")}
    return {}


def details_view(creative: Creative, owner: Owner, *, has_approval_access: bool) -> dict[str, Any]:
    data = _common(creative)
    data["creativeSource"] = creative.source
    data["subMediaType"] = creative.sub_media_type
    data.update(type_details(creative))
    data["modifiedAt"] = as_utc(creative.modified_at).isoformat(timespec="milliseconds")
    data["userDetails"] = {
        "uowId": owner.uow_id,
        "userName": owner.user_name,
        "userEmail": owner.user_email,
        "hasApprovalAccess": has_approval_access,
        "hasEditAccess": True,
    }
    data["organizationDetails"] = {"owId": owner.ow_id, "organizationName": owner.organization_name}
    return data


def list_view(
    creative: Creative,
    owner: Owner,
    campaign_ids: list[int],
    *,
    include_source: bool,
    include_user: bool,
    include_organization: bool,
    has_approval_access: bool,
) -> dict[str, Any]:
    data = _common(creative)
    if include_source:
        data["creativeSource"] = creative.source
    data["modifiedAt"] = to_epoch_ms(creative.modified_at)
    data["pixelUrl"] = creative.pixel_url
    data["creativeWidth"] = creative.width
    data["creativeHeight"] = creative.height
    data["duration"] = creative.duration_seconds
    data["subMediaType"] = creative.sub_media_type
    data["campaignDetails"] = {"campaignIds": campaign_ids}
    user: dict[str, Any] = {"uowId": owner.uow_id}
    organization: dict[str, Any] = {"owId": owner.ow_id}
    if include_user:
        user.update(userName=owner.user_name, userEmail=owner.user_email, hasEditAccess=True,
                    hasApprovalAccess=has_approval_access)
    if include_organization:
        organization["organizationName"] = owner.organization_name
    data["userDetails"] = user
    data["organizationDetails"] = organization
    return data
