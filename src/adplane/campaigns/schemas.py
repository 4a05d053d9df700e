"""Wire models of the campaign API (seeds 003/004, the specification); campaign times are epoch seconds."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator

from adplane.core.schemas import DbId, WireModel

EpochS = Annotated[int, Field(ge=0, le=32_503_680_000)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("10000000000"), allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=9_000_000_000_000)]
CsvOrList = str | list[int] | None

# IQM campaign fields kept as sent (they have no rule here yet); echoed back by GET.
EXTRA_FIELDS = (
    "carriers", "networkType", "manufacturer", "device", "os", "osVersion", "technologyFlag",
    "whiteListedDeviceId", "whiteListedIp", "whiteListedAppId", "whiteListedPackageName", "whiteListedSiteDomain",
    "blackListedDeviceId", "blackListedIp", "blackListedAppId", "blackListedPackageName", "blackListedSiteDomain",
    "advancedFlag", "userDealId", "groupDealId", "campaignIabCategoryIds", "whiteListedStateIds",
    "blackListedStateIds", "dmaIds", "whiteListedDmaIds", "blackListedDmaIds", "zipcodes", "whiteListedZipcodes",
    "blackListedZipcodes", "geoRadiusDetails", "whiteListedGeoRadiusDetails", "blackListedGeoRadiusDetails",
    "congressionalDistrictIds", "senateDistrictIds", "houseDistrictIds", "locationFileIds",
    "whiteListedLocationIds", "blackListedLocationIds", "whiteListedCityIds", "blackListedCityIds",
    "whiteListedCountyIds", "blackListedCountyIds", "blackListedInventoryGroupIds", "whiteListedInventoryGroupIds",
    "inventoryKeywords", "inventoryUrls", "pmpDealIds", "blackListedAudienceIds", "whiteListedAudienceIds",
    "blackListedCustomAudienceIds", "whiteListedCustomAudienceIds", "advertiserType", "politicalAdvertiserClientId",
    "scheduling", "ageRangeIds", "genderIds", "languageIds", "incomeRangeIds", "ethnicityIds", "interestIds",
    "demographicTargetingFlag", "whiteListedAudienceSegmentGroupIds", "blackListedAudienceSegmentGroupIds",
    "blackListedConversionTagIds", "whiteListedConversionTagIds", "conversionIds", "creativesPlacementMapping",
    "creativeAdvanceTargeting", "prebidAudienceSegmentIdList", "appURL", "targetCPI", "bidStrategyFlag",
    "isLocationWithOrFilter", "locationDetails", "isAdvanceAudioVideoTargeted",
)


class CampaignBody(WireModel):
    """Create, draft and PATCH body; every field optional here, the rules decide what is required."""

    model_config = ConfigDict(extra="allow")

    campaign_name: str | None = Field(default=None, max_length=255)
    is_agreement_checked: bool | None = None
    io_id: DbId | None = None
    country_id: DbId | None = None
    advertiser_domain: str | None = Field(default=None, max_length=1000)
    creative_type: DbId | None = None
    campaign_type: DbId | None = None
    campaign_type_id: DbId | None = None
    start_time: EpochS | None = None
    end_time: EpochS | None = None
    total_budget_pacing: bool | None = None
    budget_day: Money | None = None
    budget_total: Money | None = None
    budget_type_id: DbId | None = None
    max_bid: Money | None = None
    timezone: DbId | None = None
    target_impression: Count | None = None
    creative_ids: CsvOrList = None
    exchanges: CsvOrList = None
    publisher_ad_category: CsvOrList = None
    device_type: CsvOrList = None
    traffic_type: CsvOrList = None
    state_ids: CsvOrList = None
    conversion_type: str | None = Field(default=None, max_length=50)
    conversion_type_id: Annotated[int, Field(ge=0, le=1000)] | None = None
    bid_optimization: bool | None = None
    bid_pacing: bool | None = None
    is_bid_shading: bool | None = None
    impression_capping: Count | None = None
    max_day_impressions: Count | None = None
    max_day_clicks: Count | None = None
    max_day_conversions: Count | None = None
    total_impressions: Count | None = None
    total_clicks: Count | None = None
    total_conversions: Count | None = None
    is_tv_ad: bool | None = None

    def extras(self) -> dict[str, Any]:
        return {k: v for k, v in (self.model_extra or {}).items() if k in EXTRA_FIELDS}


class UpdateName(WireModel):
    campaign_name: str = Field(max_length=255)


class UpdateEndDate(WireModel):
    end_date: EpochS
    campaign_ids: str | int | list[int] = Field(union_mode="left_to_right")


class UpdateBudget(WireModel):
    campaign_ids: str | int | list[int] = Field(union_mode="left_to_right")
    max_bid: Money | None = None
    total_budget: Money | None = None
    daily_budget: Money | None = None
    total_budget_update_type: Literal["change", "addition", "distribution"] = "change"

    @field_validator("total_budget_update_type", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class UpdateStatus(WireModel):
    campaign_ids: str | int | list[int] = Field(union_mode="left_to_right")
    status: str = Field(max_length=20)
    rejection_reason: str | None = Field(default=None, max_length=1000)


class DuplicateCampaigns(WireModel):
    existing_campaign_ids: str | int | list[int] | None = Field(default=None, union_mode="left_to_right")
    io_id: DbId | None = None
    time_zone_id: DbId | None = None
    start_date: EpochS | None = None
    end_date: EpochS | None = None


class CountRequest(WireModel):
    ow_ids: str | None = Field(default=None, max_length=2000)
    io_ids: str | None = Field(default=None, max_length=20_000)
    campaign_type_ids: str | None = Field(default=None, max_length=2000)
    creative_type_ids: str | None = Field(default=None, max_length=2000)
    campaign_expired_after_epoch: EpochS | None = None
    search_field: str | None = Field(default=None, max_length=255)


class IncludeExclude(WireModel):
    """IQM's v2 `cmp/{deviceType,exchange,trafficsource}/includeExclude` body: `ids` "15" or "11,12"."""

    ids: Annotated[str, Field(max_length=10_000)] | Annotated[list[int], Field(max_length=1000)] | int
    is_excluded: Annotated[int, Field(ge=0, le=1)]
    campaign_id: DbId
