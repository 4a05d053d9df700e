"""Answer models of the static lists (field names are the wire names); Pydantic only, the SDK imports it."""

from __future__ import annotations

from adplane.core.envelopes import ResponseModel


class Counts(ResponseModel):
    totalRecords: int
    filteredRecords: int


class Timezone(ResponseModel):
    name: str
    id: int
    label: str
    offset: str


class Timezones(Counts):
    data: list[Timezone]


class NamedItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class BudgetTypes(Counts):
    budgetTypeData: list[NamedItem]


class IoStatuses(Counts):
    ioStatusList: list[NamedItem]


class BudgetDistributionMethods(Counts):
    budgetDistributionMethodData: list[NamedItem]


class CampaignTypes(Counts):
    campaignTypeData: list[NamedItem]


class CreativeType(ResponseModel):
    id: int
    name: str
    order: int
    displayName: str
    rtbCreativeTypeId: int | None


class CreativeTypes(Counts):
    creativeTypeList: list[CreativeType]


class CreativeStatus(ResponseModel):
    id: int
    name: str
    order: int
    displayName: str


class CreativeStatuses(Counts):
    creativeStatusList: list[CreativeStatus]


class Exchange(ResponseModel):
    id: int
    name: str
    urlName: str


class Exchanges(Counts):
    data: list[Exchange]


class Segment(ResponseModel):
    id: int
    name: str


class Segments(Counts):
    data: list[Segment]


class Country(Segment):
    code: str


class Countries(Counts):
    data: list[Country]


class State(Segment):
    """`name` is the postal code (as IQM shows it), `label` the full name."""

    label: str
    countryId: int


class States(Counts):
    data: list[State]


class GeoSegment(ResponseModel):
    """A row of a geography list: `abbreviation` where the list has codes (state, DMA code, district),
    `parentId` the country (states) or the state (everything below)."""

    id: int
    name: str
    abbreviation: str | None = None
    parentId: int | None = None


class GeoSegments(Counts):
    data: list[GeoSegment]


class StateSegment(Segment):
    """v2 lists below a state carry the state as `stateId`."""

    stateId: int | None = None


class StateSegments(Counts):
    data: list[StateSegment]


class LocationType(ResponseModel):
    id: int
    name: str
    order: int


class ParentSegment(Segment):
    """Rows of lists with groups (ethnicity → ethnicity group, interest → its tier-1 interest)."""

    parentId: int | None = None


class ParentSegments(Counts):
    data: list[ParentSegment]


class NamedSegment(Segment):
    label: str


class CreativeSizesV2(ResponseModel):
    videoPlayerSizes: list[Segment]
    standardDimensions: list[str]
    creativeDurations: list[Segment]


class CreativeSizes(ResponseModel):
    standardDimensions: list[Segment]
    creativeDurations: list[Segment]
    videoPlayerSizes: list[Segment]


class TrafficType(Segment):
    isTvAd: bool


class TrafficTypes(Counts):
    data: list[TrafficType]


class AdCategory(Segment):
    parentId: int | None
    iabCategoryId: str
    parentName: str | None


class AdCategories(Counts):
    data: list[AdCategory]


class Cta(ResponseModel):
    id: int
    ctaText: str
    defaultCta: bool


class CtaList(Counts):
    ctaDetailsList: list[Cta]


# IQM's first-generation lists (`GET /api/adcategories`, ...): bare arrays, snake_case fields.


class LegacyNamed(ResponseModel):
    name: str
    id: int


class LegacyAdCategory(ResponseModel):
    id: int
    name: str
    group: str
    iab_id: str
    parent_id: int


class LegacyDma(ResponseModel):
    id: int
    dma_code: str
    dma_region: str
    dma_source: str


class LegacyState(ResponseModel):
    name: str
    id: int
    country_id: int
    abbreviation: str
    is_active: int
    is_territory: int
    state_code: str
    tblm_iqm_segment_id: int


class LegacyCarrier(ResponseModel):
    id: int
    name: str
    country_id: int
