"""Wire models of the insertion-order API (seed 004 and the specification); IO times are epoch ms."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator

from adplane.core.schemas import DbId, WireModel

EpochMs = Annotated[int, Field(ge=0, le=32_503_680_000_000)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("10000000000"), allow_inf_nan=False)]
Impressions = Annotated[int, Field(ge=0, le=9_000_000_000_000)]
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PageSize = Annotated[int, Field(ge=1, le=10_000)]
Offset = Annotated[int, Field(ge=0, le=100_000_000)]
IdList = Annotated[list[DbId], Field(max_length=10_000)]


class IoCreate(WireModel):
    io_name: str | None = Field(default=None, max_length=255)
    io_start_time: EpochMs | None = None
    io_end_time: EpochMs | None = None
    io_total_budget: Money | None = None
    io_total_impressions: Impressions | None = None
    io_time_zone_id: DbId | None = None
    is_auto_sum_io_total_budget: bool = False
    io_budget_type_id: DbId | None = None
    io_budget_distribution_method_id: DbId | None = None
    io_status_id: DbId | None = Field(default=None, alias="ioStatusId")
    is_io_prioritise: bool = False


class IoUpdate(WireModel):
    io_name: str | None = Field(default=None, max_length=255)
    io_start_time: EpochMs | None = None
    io_end_time: EpochMs | None = None
    io_total_budget: Money | None = None
    io_total_impressions: Impressions | None = None
    io_time_zone_id: DbId | None = None
    is_auto_sum_io_total_budget: bool | None = None
    io_budget_type_id: DbId | None = None
    io_budget_distribution_method_id: DbId | None = None


class IoBasicListRequest(WireModel):
    owid_list: IdList | None = Field(default=None, alias="owIdList")
    io_id_list: IdList | None = None
    io_budget_type_ids_list: IdList | None = None
    io_status_ids_list: IdList | None = None
    ids: IdList | None = None
    is_all_ow_ids: bool | None = None
    page_no: Page | None = None
    no_of_entries: PageSize | None = None
    offset: Offset | None = None
    search_field: str | None = Field(default=None, max_length=255)
    sort_by: str | None = Field(default=None, max_length=500)


class IoCampaignBasicListRequest(WireModel):
    io_ids_list: IdList | None = None
    io_ids: IdList | None = None
    ids: IdList | None = None
    campaign_ids: IdList | None = None
    status: Annotated[list[str], Field(max_length=20)] | None = None
    creative_type_ids: IdList | None = None
    campaign_type_ids: IdList | None = None
    io_budget_type_ids: IdList | None = None
    ow_ids: IdList | None = None
    campaign_expired_after_epoch: EpochMs | None = None
    page_no: Page | None = None
    no_of_entries: PageSize | None = None
    offset: Offset | None = None
    search_field: str | None = Field(default=None, max_length=255)
    sort_by: str | None = Field(default=None, max_length=500)


class IoCampaignsListRequest(WireModel):
    io_ids_list: IdList | None = None
    campaign_status_list: Annotated[list[str], Field(max_length=20)] | None = None
    timezone_id: DbId | None = Field(default=None, alias="timezoneId")
    creative_type_ids: str | None = Field(default=None, max_length=2000)
    ow_ids: str | None = Field(default=None, max_length=2000)
    ids: IdList | None = None
    campaign_ids: str | list[DbId] | None = None
    budget_type_id_list: IdList | None = None
    campaign_type_ids: IdList | None = None
    start_date: EpochMs | None = None
    end_date: EpochMs | None = None
    page_no: Page | None = None
    no_of_entries: PageSize | None = None
    offset: Offset | None = None
    search_field: str | None = Field(default=None, max_length=255)
    sort_by: str | None = Field(default=None, max_length=500)


class IoDuplicate(WireModel):
    io_id: DbId
    io_start_time: EpochMs | None = None
    io_end_time: EpochMs | None = None
    io_time_zone_id: DbId | None = None
    io_existing_campaign_ids: IdList | None = None


class IoDelete(WireModel):
    io_ids_list: IdList


class IoUpdateEndDate(WireModel):
    io_ids_list: IdList
    io_end_time: EpochMs
    io_timezone_id: DbId | None = Field(default=None, alias="ioTimezoneId")


class IoUpdateBudget(WireModel):
    io_ids_list: IdList
    budget: Money | None = None
    io_total_impressions: Impressions | None = None
    budget_update_type: Literal["add", "set", "change"] = "set"

    @field_validator("budget_update_type", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value
