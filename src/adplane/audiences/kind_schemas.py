"""Request bodies of retargeted, geo-farmed and contextual audiences.

IQM publishes these bodies twice with different spellings: its OpenAPI document (`tag_name`,
`tag_duration`, `tag_time`, `frequencyType`, `timezone`) and its guides (`audienceName`,
`dataCollectionBy`, `dataCollectionPeriod`, `frequencyTypeId`, `timezoneId`); each field accepts every
spelling. Rules beyond types (which fields a choice requires, date windows, known ids) are checked in
the kind's module, so their errors name the field as IQM's guides do."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, ConfigDict, Field, StringConstraints

from adplane.core.schemas import MAX_EPOCH_MS, WireModel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Epoch = Annotated[int, Field(ge=0, le=MAX_EPOCH_MS)]  # milliseconds (values below 10^11: seconds)
SmallInt = Annotated[int, Field(ge=-2_147_483_648, le=2_147_483_647)]
PlaceId = Annotated[int, Field(ge=0, le=2_147_483_647)]
IdList = Annotated[list[PlaceId], Field(max_length=10_000)]
Coordinate = Annotated[float, Field(allow_inf_nan=False)]
ShortText = Annotated[str, Field(max_length=500)]


def _alias(*names: str) -> Any:
    return Field(None, validation_alias=AliasChoices(*names))


# ------------------------------------------------------------------------------------- retargeted

class RetargetRequest(WireModel):
    """Create or edit a retargeted audience (spec: `/retarget/tag`, `/retarget/{id}`; guide: `/retargeted`)."""

    audience_name: Name | None = _alias("audienceName", "tag_name")
    data_collection_by: Annotated[str, Field(max_length=20)] | None = _alias(
        "dataCollectionBy", "dateCollectionBy", "tag_duration")
    data_collection_period: SmallInt | None = _alias("dataCollectionPeriod", "dateCollectionPeriod", "tag_time")
    start_date: Epoch | None = _alias("startDate", "start_date")
    end_date: Epoch | None = _alias("endDate", "end_date")


class PixelEmailRequest(WireModel):
    """POST /api/v2/audience/email/notify (spec): the tag to send and comma-separated recipients."""

    pixel_code: Annotated[str, Field(max_length=2000)] | None = None
    recipients: Annotated[str, Field(max_length=10_000)] | None = None


class PixelNotificationRequest(WireModel):
    """POST /api/v3/audience/retargeted/{id}/email-notification (guide): `recipientEmails`; the guide's
    TypeScript sample sends `recipients` (comma-separated) instead, accepted too."""

    recipient_emails: Annotated[list[Annotated[str, Field(max_length=320)]], Field(max_length=50)] | None = None
    recipients: Annotated[str, Field(max_length=10_000)] | None = None
    pixel_code: Annotated[str, Field(max_length=2000)] | None = None


# ------------------------------------------------------------------------------------ geo-farmed

class LatLng(WireModel):
    lat: Annotated[Coordinate, Field(ge=-90, le=90)]
    lng: Annotated[Coordinate, Field(ge=-180, le=180)]


class CustomArea(WireModel):
    """A circle (`latitude`, `longitude`, `radius` in `unit`), a polygon (`polypath`) or a rectangle
    (`type` "square", two opposite corners); descriptive keys (address, cid, sid, ...) are kept as sent."""

    model_config = ConfigDict(extra="allow")

    latitude: Annotated[Coordinate, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[Coordinate, Field(ge=-180, le=180)] | None = None
    radius: Annotated[Coordinate, Field(ge=0, le=1000)] | None = None
    unit: Annotated[str, Field(max_length=20)] | None = None
    type: Annotated[str, Field(max_length=20)] | None = None
    polypath: Annotated[list[LatLng], Field(max_length=2000)] | None = None
    address: ShortText | None = None
    is_included: bool | None = None


class LocationSet(WireModel):
    """Included or excluded places: ids of IQM's geography lists, ZIP codes and custom areas."""

    location_ids: IdList | None = None
    states: IdList | None = None
    counties: IdList | None = None
    cities: IdList | None = None
    state_senates: IdList | None = None
    state_houses: IdList | None = None
    congressional_districts: IdList | None = None
    zip_codes: Annotated[list[Annotated[str, Field(max_length=10)] | PlaceId], Field(max_length=50_000)] | None = None
    custom_areas: Annotated[list[CustomArea], Field(max_length=500)] | None = None


class Locations(WireModel):
    country: PlaceId | None = None
    included: LocationSet | None = None
    excluded: LocationSet | None = None
    location_file_ids: IdList | None = None


TimeRange = Annotated[dict[Annotated[str, Field(max_length=2)],
                           Annotated[list[Annotated[list[Annotated[str, Field(max_length=8)]],
                                                    Field(min_length=2, max_length=2)]], Field(max_length=24)]],
                      Field(max_length=7)]


class GeoFarmedRequest(WireModel):
    """POST /api/v3/audience/geo-farmed (guide) and /geo-farmed/add (spec)."""

    audience_name: Name | None = None
    frequency: SmallInt | None = None
    frequency_type_id: SmallInt | None = _alias("frequencyTypeId", "frequencyType")
    timezone_id: SmallInt | None = _alias("timezoneId", "timezone")
    start_date: Epoch | None = None
    end_date: Epoch | None = None
    time_range: TimeRange | None = None
    time_range_with_timezone: dict[str, Any] | None = None
    audience_subtype_ids: Annotated[list[PlaceId], Field(max_length=20)] | None = None
    removed_locations_ids: IdList | None = None
    locations: Locations | None = None


# ------------------------------------------------------------------------------------ contextual

Terms = Annotated[str, Field(max_length=20_000)] | Annotated[list[Annotated[str, Field(max_length=2000)]],
                                                            Field(max_length=500)]


class ContextualRequest(WireModel):
    """POST /api/v3/audience/contextual (guide) and /contextual/add (spec). `keywords` and `urls` are
    comma-separated text (spec, quickstart) or lists (guide)."""

    audience_name: Name | None = None
    keywords: Terms | None = None
    urls: Terms | None = None
    frequency: SmallInt | None = None
    start_date: Epoch | None = None
    end_date: Epoch | None = None
    timezone_id: SmallInt | None = _alias("timezoneId", "timezone")
    data_collection_method_id: SmallInt | None = None
    data_collection_days: SmallInt | None = None
    audience_subtypes: Annotated[list[PlaceId], Field(max_length=20)] | None = _alias(
        "audienceSubtypes", "audienceSubTypes", "audienceSubtypeIds")
