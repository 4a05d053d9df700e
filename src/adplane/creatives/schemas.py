"""Wire models of the creatives API (camelCase on the wire, as IQM names the fields)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from adplane.core.schemas import DbId, EpochMs, IdList, WireModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Text255 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
UrlText = Annotated[str, StringConstraints(max_length=2048)]
Pixels = Annotated[int, Field(ge=1, le=20_000)]
Seconds = Annotated[int, Field(ge=1, le=36_000)]

SOURCE_TYPES = ("HTML", "FILE", "URL", "VAST_URL", "VAST_XML", "DAAST_URL", "DAAST_XML")


class CustomTracking(WireModel):
    start_url: UrlText | None = None
    first_quartile_url: UrlText | None = Field(None, alias="firstQuartileURL")
    mid_point_url: UrlText | None = Field(None, alias="midPointURL")
    third_quartile_url: UrlText | None = Field(None, alias="thirdQuartileURL")
    complete_url: UrlText | None = Field(None, alias="completeURL")
    impression_url: UrlText | None = Field(None, alias="impressionURL")


class ImageDetails(WireModel):
    pixel_url: UrlText | None = None
    creative_width: Pixels | None = None
    creative_height: Pixels | None = None


class HtmlDetails(WireModel):
    creative_width: Pixels | None = None
    creative_height: Pixels | None = None


class VideoDetails(WireModel):
    creative_width: Pixels | None = None
    creative_height: Pixels | None = None
    duration: Seconds | None = None
    custom_tracking: CustomTracking | None = None


class AudioDetails(WireModel):
    duration: Seconds | None = None
    custom_tracking: CustomTracking | None = None
    logo_source: UrlText | None = None


class Cta(WireModel):
    id: int | None = None
    cta_text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
    default_cta: bool | None = None


class NativeDetails(WireModel):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    cta: Cta | None = None
    brand_name: Text255 | None = None
    brand_icon_source_url: UrlText | None = None
    brand_icon_height: Pixels | None = None
    brand_icon_width: Pixels | None = None
    thumbnail_source_url: UrlText | None = None
    thumbnail_height: Pixels | None = None
    thumbnail_width: Pixels | None = None


class CreativeRequestItem(WireModel):
    """One entry of `creativeRequest` (the map of client keys to creative metadata)."""

    creative_name: Name
    external_creative_id: Text255 | None = None
    platform_creative_type_id: int
    creative_source_type: Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=20)]
    creative_source: Annotated[str, StringConstraints(min_length=1, max_length=1_000_000)]
    click_url: UrlText | None = None
    sub_media_type: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=20)] | None = None
    image_details: ImageDetails | None = None
    video_details: VideoDetails | None = None
    audio_details: AudioDetails | None = None
    html_details: HtmlDetails | None = None
    native_details: NativeDetails | None = None


class CreativeUpdate(WireModel):
    """PATCH /api/v3/crt/creatives/{creativeId}: only the fields sent change."""

    creative_name: Name | None = None
    external_creative_id: Text255 | None = None
    click_url: UrlText | None = None
    pixel_url: UrlText | None = None
    creative_remarks: Annotated[str, StringConstraints(max_length=5000)] | None = None
    creative_source: Annotated[str, StringConstraints(min_length=1, max_length=1_000_000)] | None = None
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)] | None = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    cta: Cta | None = None
    brand_name: Text255 | None = None
    brand_icon_source_url: UrlText | None = None
    brand_icon_height: Pixels | None = None
    brand_icon_width: Pixels | None = None
    thumbnail_source_url: UrlText | None = None
    thumbnail_width: Pixels | None = None
    thumbnail_height: Pixels | None = None


class CreativeListRequest(WireModel):
    model_config = ConfigDict(extra="ignore")

    creative_status_ids: list[Annotated[int, Field(ge=0, le=100)]] | None = None
    platform_creative_type_ids: list[Annotated[int, Field(ge=0, le=1000)]] | None = None
    creative_ids: IdList | None = None
    creative_group_id: DbId | None = None
    campaign_ids: IdList | None = None
    ow_ids: IdList | None = None
    all_ow_ids: bool = False
    include_creative_source_details: bool = True
    include_organization_details: bool = False
    include_user_details: bool = False
    start_time: EpochMs | None = None
    end_time: EpochMs | None = None
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] | None = None
    sort_by: Annotated[str, StringConstraints(max_length=200)] | None = None
    order: Annotated[str, StringConstraints(max_length=10)] | None = None
    search_field: Annotated[str, StringConstraints(max_length=255)] | None = None


class CreativeStatusUpdate(WireModel):
    creative_ids: Annotated[list[DbId], Field(min_length=1, max_length=1000)]
    creative_status_id: Annotated[int, Field(ge=0, le=100)]
    creative_rejection_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
