"""Answer models of the creative routes (field names are the wire names); Pydantic only, the SDK imports it.

Written from `creatives.wire`: keys that only some creatives or callers get are optional.
"""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class CreativesUploaded(ResponseModel):
    """Per key of the upload: the new creative id (as a string) or why that file failed."""

    successData: dict[str, str]
    failedData: dict[str, str]


class CreativeCommon(ResponseModel):
    creativeId: int
    creativeName: str | None
    externalCreativeId: Any
    rtbCreativeTypeId: int | None
    platformCreativeTypeId: int
    creativeStatusId: int
    creativeSourceType: str | None
    creativePreviewFlag: int
    clickUrl: str | None
    createdAt: int | None
    creativeRejectionReason: str | None
    creativeRemarks: str | None
    creativeThumbnailSource: str | None
    creativeCardSource: str | None


class CampaignIds(ResponseModel):
    campaignIds: list[int]


class CreativeUser(ResponseModel):
    """The list gives only `uowId` unless the caller asked for the user's details."""

    uowId: int | None
    userName: str | None = None
    userEmail: str | None = None
    hasApprovalAccess: bool | None = None
    hasEditAccess: bool | None = None


class CreativeOrganization(ResponseModel):
    owId: int
    organizationName: str | None = None


class CreativeListItem(CreativeCommon):
    creativeSource: str | None = None  # wire name (only when the list asks for sources)
    modifiedAt: int | None
    pixelUrl: str | None
    creativeWidth: Number | None
    creativeHeight: Number | None
    duration: Number | None
    subMediaType: str | None
    campaignDetails: CampaignIds
    userDetails: CreativeUser
    organizationDetails: CreativeOrganization


class CreativesList(ResponseModel):
    totalRecords: int
    filteredRecords: int
    filteredList: list[CreativeListItem]


class ImageDetails(ResponseModel):
    pixelUrl: str | None
    creativeWidth: Number | None
    creativeHeight: Number | None


class HtmlDetails(ResponseModel):
    creativeWidth: Number | None
    creativeHeight: Number | None


class VideoDetails(ResponseModel):
    creativeWidth: Number | None
    creativeHeight: Number | None
    duration: Number | None
    customTracking: Any


class AudioDetails(ResponseModel):
    duration: Number | None
    customTracking: Any
    logoSource: str | None


class CreativeDetails(CreativeCommon):
    """One of imageDetails / htmlDetails / videoDetails / audioDetails (native: media + nativeDetails)."""

    creativeSource: str | None
    subMediaType: str | None
    imageDetails: ImageDetails | None = None
    htmlDetails: HtmlDetails | None = None
    videoDetails: VideoDetails | None = None
    audioDetails: AudioDetails | None = None
    nativeDetails: Any = None
    modifiedAt: str  # wire name (ISO 8601 here, epoch ms in the list: as IQM answers)
    userDetails: CreativeUser
    organizationDetails: CreativeOrganization


class CreativeSaved(ResponseModel):
    id: int
    message: str
