"""Answer models of the creative routes (field names are the wire names); Pydantic only, the SDK imports it.

Written from `creatives.wire`: keys that only some creatives or callers get are optional.
"""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class CreativesUploaded(ResponseModel):
    """Per key of the upload: the new creative id (as a string) or why that file failed."""

    successData: dict[str, str]  # noqa: N815 - wire name
    failedData: dict[str, str]  # noqa: N815 - wire name


class CreativeCommon(ResponseModel):
    creativeId: int  # noqa: N815 - wire name
    creativeName: str | None  # noqa: N815 - wire name
    externalCreativeId: Any  # noqa: N815 - wire name
    rtbCreativeTypeId: int | None  # noqa: N815 - wire name
    platformCreativeTypeId: int  # noqa: N815 - wire name
    creativeStatusId: int  # noqa: N815 - wire name
    creativeSourceType: str | None  # noqa: N815 - wire name
    creativePreviewFlag: int  # noqa: N815 - wire name
    clickUrl: str | None  # noqa: N815 - wire name
    createdAt: int | None  # noqa: N815 - wire name
    creativeRejectionReason: str | None  # noqa: N815 - wire name
    creativeRemarks: str | None  # noqa: N815 - wire name
    creativeThumbnailSource: str | None  # noqa: N815 - wire name
    creativeCardSource: str | None  # noqa: N815 - wire name


class CampaignIds(ResponseModel):
    campaignIds: list[int]  # noqa: N815 - wire name


class CreativeUser(ResponseModel):
    """The list gives only `uowId` unless the caller asked for the user's details."""

    uowId: int | None  # noqa: N815 - wire name
    userName: str | None = None  # noqa: N815 - wire name
    userEmail: str | None = None  # noqa: N815 - wire name
    hasApprovalAccess: bool | None = None  # noqa: N815 - wire name
    hasEditAccess: bool | None = None  # noqa: N815 - wire name


class CreativeOrganization(ResponseModel):
    owId: int  # noqa: N815 - wire name
    organizationName: str | None = None  # noqa: N815 - wire name


class CreativeListItem(CreativeCommon):
    creativeSource: str | None = None  # noqa: N815 - wire name (only when the list asks for sources)
    modifiedAt: int | None  # noqa: N815 - wire name
    pixelUrl: str | None  # noqa: N815 - wire name
    creativeWidth: Number | None  # noqa: N815 - wire name
    creativeHeight: Number | None  # noqa: N815 - wire name
    duration: Number | None
    subMediaType: str | None  # noqa: N815 - wire name
    campaignDetails: CampaignIds  # noqa: N815 - wire name
    userDetails: CreativeUser  # noqa: N815 - wire name
    organizationDetails: CreativeOrganization  # noqa: N815 - wire name


class CreativesList(ResponseModel):
    totalRecords: int  # noqa: N815 - wire name
    filteredRecords: int  # noqa: N815 - wire name
    filteredList: list[CreativeListItem]  # noqa: N815 - wire name


class ImageDetails(ResponseModel):
    pixelUrl: str | None  # noqa: N815 - wire name
    creativeWidth: Number | None  # noqa: N815 - wire name
    creativeHeight: Number | None  # noqa: N815 - wire name


class HtmlDetails(ResponseModel):
    creativeWidth: Number | None  # noqa: N815 - wire name
    creativeHeight: Number | None  # noqa: N815 - wire name


class VideoDetails(ResponseModel):
    creativeWidth: Number | None  # noqa: N815 - wire name
    creativeHeight: Number | None  # noqa: N815 - wire name
    duration: Number | None
    customTracking: Any


class AudioDetails(ResponseModel):
    duration: Number | None
    customTracking: Any  # noqa: N815 - wire name
    logoSource: str | None  # noqa: N815 - wire name


class CreativeDetails(CreativeCommon):
    """One of imageDetails / htmlDetails / videoDetails / audioDetails (native: media + nativeDetails)."""

    creativeSource: str | None  # noqa: N815 - wire name
    subMediaType: str | None  # noqa: N815 - wire name
    imageDetails: ImageDetails | None = None  # noqa: N815 - wire name
    htmlDetails: HtmlDetails | None = None  # noqa: N815 - wire name
    videoDetails: VideoDetails | None = None  # noqa: N815 - wire name
    audioDetails: AudioDetails | None = None  # noqa: N815 - wire name
    nativeDetails: Any = None  # noqa: N815 - wire name
    modifiedAt: str  # noqa: N815 - wire name (ISO 8601 here, epoch ms in the list: as IQM answers)
    userDetails: CreativeUser  # noqa: N815 - wire name
    organizationDetails: CreativeOrganization  # noqa: N815 - wire name


class CreativeSaved(ResponseModel):
    id: int
    message: str
