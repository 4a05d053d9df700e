"""Request bodies of the Conversion API (wire names camelCase; IQM's examples send ids as strings, accepted)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from adplane.conversions import catalog
from adplane.core.schemas import DbId, IdList, WireModel

FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Query parameters of the pixel and postback URLs; a custom field may not take one of these names.
RESERVED_PARAMS = frozenset({"cv", "tid", "uid", "ts", "token", "fmt"})
MAX_CUSTOM_FIELDS = 20


def _name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("name must not be blank")
    return value


def _http_url(value: str) -> str:
    value = value.strip()
    if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE):
        raise ValueError("must be an http(s) URL")
    return value


Name = Annotated[str, Field(max_length=255), AfterValidator(_name)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(_http_url)]


def _field_name(value: str) -> str:
    value = value.strip()
    if not FIELD_NAME.match(value):
        raise ValueError("custom field names are a letter then letters, digits or '_' (at most 64)")
    if value.lower() in RESERVED_PARAMS:
        raise ValueError(f"'{value}' is reserved by the pixel URL")
    return value


FieldName = Annotated[str, AfterValidator(_field_name)]


class Duration(WireModel):
    view: Annotated[int, Field(ge=catalog.VIEW_DAYS_MIN, le=catalog.VIEW_DAYS_MAX)] = catalog.VIEW_DAYS_DEFAULT
    click: Annotated[int, Field(ge=catalog.CLICK_DAYS_MIN, le=catalog.CLICK_DAYS_MAX)] = catalog.CLICK_DAYS_DEFAULT


class Repeat(WireModel):
    count: Annotated[int, Field(ge=0, le=1)]
    frequency: Annotated[int, Field(ge=1, le=1000)] = 1
    unit: str = Field(max_length=10)

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        for unit in catalog.REPEAT_UNITS:
            if unit.lower() == value.strip().lower():
                return unit
        raise ValueError(f"unit must be one of {', '.join(catalog.REPEAT_UNITS)}")


class ConversionSetting(WireModel):
    conversion_duration: Duration
    repeat_conversion: Repeat
    cross_modelling: bool = False


class Piggyback(WireModel):
    url: str | None = Field(default=None, max_length=2000)
    type: Annotated[int, Field(ge=1, le=len(catalog.PIGGYBACK_TYPES))] | None = None


class PixelAdd(WireModel):
    name: Name
    attribution_id: Annotated[int, Field(ge=1, le=3)] = catalog.ATTRIBUTION_HYBRID
    custom_fields: Annotated[list[FieldName], Field(max_length=MAX_CUSTOM_FIELDS)] = []
    financial_metrics: Annotated[FieldName, Field(max_length=64)] | None = None
    piggyback_data: Piggyback | None = None
    conversion_setting: ConversionSetting

    @field_validator("custom_fields")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({v.lower() for v in value}) != len(value):
            raise ValueError("custom field names must be distinct")
        return value


class PixelUpdate(WireModel):
    id: DbId
    name: Name
    piggyback_data: Piggyback | None = None


class PostbackAdd(WireModel):
    name: Name
    partner_type_id: Annotated[int, Field(ge=1, le=len(catalog.PARTNER_TYPES))] | None = None
    impression_url: Url
    click_url: Url


class PostbackUpdate(WireModel):
    id: DbId
    name: Name


class AssignToCampaigns(WireModel):
    """`conversionIdList` (the guide) or `conversionIds` (the internal variant)."""

    conversion_id_list: IdList | None = None
    conversion_ids: IdList | None = None
    add_campaigns_list: IdList = []
    remove_campaigns_list: IdList = []


class InternalAssignToCampaigns(AssignToCampaigns):
    """POST /api/v3/internal/cmp/conversion/assign-to/campaign: the caller's organization in the body
    (`owId`, its own only) and, optionally, the conversions' type (`conversionTypeId`, 1 pixel, 2 postback)."""

    ow_id: DbId | None = None
    conversion_type_id: Annotated[int, Field(ge=1, le=len(catalog.CONVERSION_TYPES))] | None = None


class CustomFieldList(WireModel):
    ow_ids: IdList | None = None
    customer_ids: IdList | None = None
    search_field: str | None = Field(default=None, max_length=255)
    sort_by: str | None = Field(default=None, max_length=100)
    page_no: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    no_of_entries: Annotated[int, Field(ge=1, le=1000)] = 20


class SendPixelEmail(WireModel):
    conversion_id: DbId
    recipients: str = Field(max_length=5000)
    email_subject: str = Field(min_length=1, max_length=255)
    email_text: str | None = Field(default=None, max_length=5000)
