"""The report catalogue: every dimension the events carry and every metric the platform computes.

Dimensions group rows by one event column (the audience dimension by the included audiences the event's
user belongs to, `adplane.reports.audience`). Metrics are of four kinds:

- `base`: a sum over events (counts by event type, money) — kept in rollups, so cheap;
- `derived`: a ratio of base sums (CTR, eCPM, ...) — computed from sums, never averaged;
- `distinct`: reach and frequency need distinct users, so they always read raw events;
- `attribute`: a campaign's own field (name, max bid, budgets, ...) from the application DB,
  meaningful only when the report is grouped by campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Number = int | Decimal

# ---------------------------------------------------------------------------------------------
# Dimensions
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    id: int
    key: str  # canonical key in definitions (`{"filter": key}`)
    label: str
    group: str
    group_id: int
    order: int
    field_data_type: str
    description: str
    column: str  # event column grouped by
    label_key: str  # output key of the human-readable value
    id_key: str | None  # output key of the id (None when the value is its own label)
    value_type: type = int
    is_customer_dependent: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def output_keys(self) -> tuple[str, ...]:
        return (self.label_key,) if self.id_key is None else (self.id_key, self.label_key)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(1, "campaign", "Campaign", "Campaign Specifics", 1, 1, "text", "Campaign Name",
              "campaign_id", "campaignName", "campaignId", is_customer_dependent=True),
    Dimension(2, "campaignId", "Campaign ID", "Campaign Specifics", 1, 2, "text",
              "Unique system-generated number assigned to each Campaign",
              "campaign_id", "campaignId", None, is_customer_dependent=True, aliases=("campaign_id",)),
    Dimension(3, "ioName", "Insertion Order", "Campaign Specifics", 1, 3, "text", "Insertion order name",
              "io_id", "ioName", "ioId", is_customer_dependent=True, aliases=("io", "insertionOrder", "io_name")),
    Dimension(4, "creative", "Creative", "Creative Specifics", 2, 1, "text", "Creative name",
              "creative_id", "creativeName", "creativeId", is_customer_dependent=True),
    Dimension(5, "creativeType", "Creative Type", "Creative Specifics", 2, 2, "text",
              "Type of the creative (image, video, ...)", "creative_type_id", "creativeType", "creativeTypeId",
              aliases=("creative_type",)),
    Dimension(20, "exchange", "Exchange", "Inventory", 3, 1, "text", "Exchange the impression was bought on",
              "exchange_id", "exchange", "exchangeId"),
    Dimension(21, "publisher", "Publisher", "Inventory", 3, 2, "text", "Publisher domain or app bundle",
              "publisher", "publisher", None, value_type=str, aliases=("site", "app", "inventory")),
    Dimension(22, "trafficType", "Traffic Type", "Inventory", 3, 3, "text", "App or web",
              "traffic_type_id", "trafficType", "trafficTypeId", aliases=("traffic_type",)),
    Dimension(25, "deviceType", "Device Type", "Technology", 4, 1, "text", "Device the ad was shown on",
              "device_type_id", "deviceType", "deviceTypeId", aliases=("device_type",)),
    Dimension(26, "os", "Operating System", "Technology", 4, 2, "text", "Operating system of the device",
              "os", "os", None, value_type=str, aliases=("operatingSystem", "operating_system")),
    Dimension(34, "country", "Country", "Locations", 29, 1, "country", "Country the ad ran in",
              "country_id", "country", "countryId"),
    Dimension(35, "state", "State", "Locations", 30, 2, "regionCode", "State the ad ran in",
              "state_id", "state", "stateId", aliases=("region",)),
    Dimension(36, "city", "City", "Locations", 31, 3, "text", "City the ad ran in",
              "city", "city", None, value_type=str),
    Dimension(37, "zip5", "Zip Code", "Locations", 32, 4, "text", "Postal code the ad ran in",
              "zip", "zip5", None, value_type=str, aliases=("zip", "zipCode", "zip_code")),
    Dimension(38, "dma", "DMA", "Locations", 33, 5, "text", "Designated market area",
              "dma_id", "dma", "dmaId"),
    Dimension(43, "gender", "Gender", "Demographics", 40, 1, "text", "Gender of the viewer",
              "gender_id", "gender", "genderId"),
    Dimension(44, "age", "Age Range", "Demographics", 40, 2, "text", "Age range of the viewer",
              "age_range_id", "age", "ageRangeId", aliases=("ageGroup", "age_range", "ageRange", "age_group")),
    Dimension(50, "npi", "Prescriber NPI", "Healthcare", 50, 1, "text",
              "National Provider Identifier of the prescriber reached (healthcare campaigns)",
              "npi", "npi", None, value_type=str),
    # Not an event column: the campaign's included audiences the served user is a member of (an event counts
    # for each of them; `adplane.reports.audience`). IQM's published catalogue has no audience dimension.
    Dimension(60, "audience", "Audience", "Audience", 60, 1, "text",
              "Included audience of the campaign the user reached is a member of (an event counts for every "
              "such audience, so rows may add up to more than the campaign's totals)",
              "audience_id", "audienceName", "audienceId", is_customer_dependent=True,
              aliases=("audience_id", "audienceId")),
)

DIMENSIONS_BY_KEY: dict[str, Dimension] = {}
for _dim in DIMENSIONS:
    for _name in (_dim.key, *_dim.aliases):
        DIMENSIONS_BY_KEY[_name.lower()] = _dim
DIMENSIONS_BY_ID = {d.id: d for d in DIMENSIONS}
CAMPAIGN_DIMENSION_IDS = (1, 2)

DATE_KEY = "date"


def find_dimension(name: str) -> Dimension | None:
    """The dimension a definition names, by its key or any alias (`device_type`, `deviceType`)."""
    return DIMENSIONS_BY_KEY.get(name.strip().lower())


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------

# Base sums every report query computes (and rollups keep): name -> event type counted, or money column.
COUNT_BASES: dict[str, str] = {
    "impressions": "impression",
    "clicks": "click",
    "conversions": "conversion",
    "bids": "bid",
    "video_starts": "video_start",
    "video_first_quartiles": "video_first_quartile",
    "video_midpoints": "video_midpoint",
    "video_third_quartiles": "video_third_quartile",
    "video_completes": "video_complete",
    # the attribution model's credits, by the kind of touch (`adplane.conversions.attribution`)
    "attributed_views": "attributed_view",
    "attributed_clicks": "attributed_click",
}
MONEY_BASES: tuple[str, ...] = ("media_cost", "data_cost", "platform_margin")
BASE_NAMES: tuple[str, ...] = (*COUNT_BASES, *MONEY_BASES)


SPENT = ("media_cost", "data_cost", "platform_margin")
ATTRIBUTED = ("attributed_views", "attributed_clicks")


def ratio(numerator: Number, denominator: Number, scale: int = 1) -> float:
    """numerator * scale / denominator from exact sums; 0 when there is nothing to divide by."""
    if not denominator:
        return 0.0
    return float(Decimal(numerator) * scale / Decimal(denominator))


@dataclass(frozen=True)
class Metric:
    """A column of numbers. `sources` are summed base values (base/distinct kinds); a derived
    metric is sum(sources) * scale / sum(denominator) — the same spec drives Python and SQL sorting."""

    id: int
    key: str
    label: str
    group: str
    order: int
    field_data_type: str  # integer, decimal, currencyUSD, percentage, text, dateTime, boolean
    aggregation_type: str  # sum, derived, distinct, none
    description: str
    kind: str  # base, derived, distinct, attribute
    default_enabled: bool = False
    dependent_dimensions: tuple[int, ...] | None = None
    sources: tuple[str, ...] = ()
    denominator: tuple[str, ...] | None = None  # bases summed (attributed conversions: views + clicks)
    scale: int = 1
    aliases: tuple[str, ...] = ()

    @property
    def needs_distinct(self) -> bool:
        return "reach" in self.sources or "reach" in (self.denominator or ())

    @property
    def bases(self) -> tuple[str, ...]:
        return (*self.sources, *self.denominator) if self.denominator else self.sources

    def value(self, bases: dict[str, Any]) -> Any:
        """This metric for one row (or the totals) of base sums."""
        if self.denominator is not None:
            return ratio(sum(Decimal(bases[s]) for s in self.sources),
                         sum(Decimal(bases[s]) for s in self.denominator), self.scale)
        if self.field_data_type == "integer":
            return int(sum(int(bases[s]) for s in self.sources))
        return float(sum(Decimal(bases[s]) for s in self.sources))


def _base(id_: int, key: str, label: str, group: str, order: int, data_type: str, description: str,
          sources: tuple[str, ...], **kw: Any) -> Metric:
    return Metric(id_, key, label, group, order, data_type, "sum", description, "base", sources=sources, **kw)


def _derived(id_: int, key: str, label: str, group: str, order: int, data_type: str, description: str,
             numerator: tuple[str, ...], denominator: str | tuple[str, ...], scale: int = 1, **kw: Any) -> Metric:
    summed = (denominator,) if isinstance(denominator, str) else denominator
    kind = "distinct" if "reach" in summed else "derived"
    return Metric(id_, key, label, group, order, data_type, "derived", description, kind,
                  sources=numerator, denominator=summed, scale=scale, **kw)


def _attribute(id_: int, key: str, label: str, group: str, order: int, data_type: str, description: str,
               **kw: Any) -> Metric:
    return Metric(id_, key, label, group, order, data_type, "none", description, "attribute",
                  dependent_dimensions=CAMPAIGN_DIMENSION_IDS, **kw)


METRICS: tuple[Metric, ...] = (
    # Budget and campaign details: the campaign's own fields, for reports grouped by campaign.
    _attribute(1, "budgetDay", "Daily Budget", "Budget", 1, "currencyUSD",
               "Amount up to which you allow platform to spend on average each day", aliases=("dailyBudget",)),
    _attribute(2, "budgetTotal", "Total Budget", "Budget", 2, "currencyUSD",
               "Total amount the campaign may spend over its flight", aliases=("totalBudget",)),
    _attribute(3, "budgetPacing", "Total Budget Pacing", "Budget", 3, "boolean",
               "Whether the total budget is spread evenly over the flight"),
    _attribute(60, "maxBid", "Max Bid", "Campaign Details", 1, "currencyUSD", "Highest CPM the campaign bids"),
    _attribute(61, "startTime", "Start Time", "Campaign Details", 2, "dateTime", "Campaign start"),
    _attribute(62, "endTime", "End Time", "Campaign Details", 3, "dateTime", "Campaign end"),
    _attribute(63, "status", "Status", "Campaign Details", 4, "text", "Campaign status (running, paused, ...)"),
    _attribute(64, "campaignType", "Campaign Type", "Campaign Details", 5, "text",
               "Pricing model: cpv for video and audio campaigns, cpm otherwise"),
    _attribute(65, "campaignTimezone", "Campaign Timezone", "Campaign Details", 6, "text",
               "Timezone the campaign is scheduled in"),
    # Counts
    _base(5, "impressions", "Impressions", "Counts", 1, "integer", "Ads served", ("impressions",),
          default_enabled=True),
    _base(6, "clicks", "Clicks", "Counts", 2, "integer", "Clicks on served ads", ("clicks",), default_enabled=True),
    _base(7, "conversions", "Conversions", "Counts", 3, "integer", "Conversions attributed to served ads",
          ("conversions",), aliases=("conversionCount",)),
    _base(8, "bidImpressions", "Bids", "Counts", 4, "integer", "Bids placed (where bids are known)", ("bids",),
          aliases=("bids",)),
    # Video
    _base(20, "startCount", "Video Starts", "Video", 1, "integer", "Video plays started", ("video_starts",)),
    _base(21, "firstQuartileCount", "Video 25%", "Video", 2, "integer",
          "Video plays that reached the first quartile", ("video_first_quartiles",)),
    _base(22, "midPointCount", "Video 50%", "Video", 3, "integer",
          "Video plays that reached the midpoint", ("video_midpoints",)),
    _base(23, "thirdQuartileCount", "Video 75%", "Video", 4, "integer",
          "Video plays that reached the third quartile", ("video_third_quartiles",)),
    _base(24, "completeCount", "Video Completes", "Video", 5, "integer", "Video plays completed",
          ("video_completes",)),
    _derived(25, "VCR", "VCR", "Video", 6, "percentage", "Video completion rate: completes / starts x 100",
             ("video_completes",), "video_starts", 100),
    # Rates
    _derived(30, "CTR", "CTR", "Rates", 1, "percentage", "Click-through rate: clicks / impressions x 100",
             ("clicks",), "impressions", 100, default_enabled=True),
    _derived(31, "CVR", "CVR", "Rates", 2, "percentage", "Conversion rate: conversions / clicks x 100",
             ("conversions",), "clicks", 100),
    _derived(32, "winRate", "Win Rate", "Rates", 3, "percentage",
             "Impressions / bids x 100 (where bids are known)", ("impressions",), "bids", 100),
    # Spend
    _base(40, "spent", "Total Spent", "Spend", 1, "currencyUSD", "Media cost + data cost + platform margin",
          SPENT, default_enabled=True, aliases=("totalSpent",)),
    _base(41, "mediaSpent", "Media Spent", "Spend", 2, "currencyUSD", "Cost of the media (clearing prices)",
          ("media_cost",), aliases=("mediaCost",)),
    _base(42, "dataCost", "Data Cost", "Spend", 3, "currencyUSD", "Cost of the data used for targeting",
          ("data_cost",)),
    _base(43, "platformMargin", "Platform Margin", "Spend", 4, "currencyUSD", "Platform margin",
          ("platform_margin",)),
    # Costs
    _derived(50, "eCPM", "eCPM", "Costs", 1, "currencyUSD", "Total spent per thousand impressions",
             SPENT, "impressions", 1000, aliases=("totalECPM",)),
    _derived(51, "mediaECPM", "Media eCPM", "Costs", 2, "currencyUSD", "Media spent per thousand impressions",
             ("media_cost",), "impressions", 1000),
    _derived(52, "eCPC", "eCPC", "Costs", 3, "currencyUSD", "Total spent per click", SPENT, "clicks"),
    _derived(53, "eCPCV", "eCPCV", "Costs", 4, "currencyUSD", "Total spent per completed video view",
             SPENT, "video_completes"),
    _derived(54, "CPA", "CPA", "Costs", 5, "currencyUSD", "Total spent per conversion", SPENT, "conversions"),
    # Conversion: the attribution model's credits (IQM's keys of the campaign lists and dashboards; its report
    # catalogue names the same figures under "Conversion"). The rate is per impression, as IQM defines it.
    _base(80, "totalAttributedConversion", "Total Attributed Conversions", "Conversion", 1, "integer",
          "Conversions the attribution model credited to an impression or a click of the campaign",
          ATTRIBUTED, aliases=("attributedConversions", "totalAttributedConversions")),
    _base(81, "totalAttributedViewThroughConversion", "Total Attributed View-Through Conversions", "Conversion", 2,
          "integer", "Attributed conversions whose touch was an impression (no click in the post-click window)",
          ("attributed_views",), aliases=("attributedViewThroughConversions",)),
    _base(82, "totalAttributedClickThroughConversion", "Total Attributed Click-Through Conversions", "Conversion",
          3, "integer", "Attributed conversions whose touch was a click", ("attributed_clicks",),
          aliases=("attributedClickThroughConversions",)),
    _derived(83, "costPerAttributedConversion", "Cost Per Attributed Conversions", "Conversion", 4, "currencyUSD",
             "Total spent per attributed conversion", SPENT, ATTRIBUTED,
             aliases=("costPerAttributedConversions",)),
    _derived(84, "totalAttributedConversionRate", "Attributed Conversion Rate", "Conversion", 5, "percentage",
             "Attributed conversions / impressions x 100", ATTRIBUTED, "impressions", 100,
             aliases=("attributedConversionsRate", "attributedConversionRate")),
    # Reach: distinct users, read from raw events.
    Metric(70, "reach", "Reach", "Reach", 1, "integer", "distinct",
           "Distinct users who saw at least one impression", "distinct", sources=("reach",)),
    _derived(71, "frequency", "Frequency", "Reach", 2, "decimal", "Impressions per reached user",
             ("impressions",), "reach"),
)

METRICS_BY_KEY: dict[str, Metric] = {}
for _metric in METRICS:
    for _name in (_metric.key, *_metric.aliases):
        METRICS_BY_KEY[_name.lower()] = _metric


def find_metric(name: str) -> Metric | None:
    return METRICS_BY_KEY.get(name.strip().lower())


# ---------------------------------------------------------------------------------------------
# Wire shape of GET /api/v3/ra/report/dimension-metrics/detail
# ---------------------------------------------------------------------------------------------


def _grouped(items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for group, item in items:
        groups.setdefault(group, []).append(item)
    return [{name: sorted(entries, key=lambda e: e["order"])} for name, entries in groups.items()]


def catalogue() -> dict[str, Any]:
    dimensions = [
        (d.group, {
            "id": d.id, "label": d.label, "order": d.order, "isFilterSupported": True, "isRowToColumn": False,
            "isCustomerDependent": d.is_customer_dependent, "fieldDataType": d.field_data_type,
            "description": d.description, "groupId": d.group_id, "key": d.key,
        })
        for d in DIMENSIONS
    ]
    metrics = [
        (m.group, {
            "id": m.id, "label": m.label, "order": m.order, "fieldDataType": m.field_data_type,
            "aggregationType": m.aggregation_type, "description": m.description,
            "defaultEnabled": m.default_enabled, "key": m.key,
            "dependentDimensions": list(m.dependent_dimensions) if m.dependent_dimensions else None,
        })
        for m in METRICS
    ]
    return {"metrics": _grouped(metrics), "dimensions": _grouped(dimensions)}
