"""The ad-serving event: the contract for anyone feeding delivery data (ingestion, simulator).

One row per event. Dimension ids refer to the static lists of `adplane.master` (exchanges,
device types, countries, states, genders, age ranges, creative types); free-text dimensions
(OS, publisher, city, zip) are strings. Money is in the account currency (USD), per event.
The analytics store (`adplane.analytics.store`) keeps these rows raw and in rollups.
"""

from __future__ import annotations

from dataclasses import dataclass

EVENT_TYPES = (
    "bid",  # a bid the platform placed (win rate = impressions / bids, where bids are known)
    "impression",
    "click",
    "conversion",
    "video_start",
    "video_first_quartile",
    "video_midpoint",
    "video_third_quartile",
    "video_complete",
    # Markers of the attribution model's credits, one per attributed `conversion` event, with its dimensions,
    # time and user and no money: the touch that earned it was an impression (view-through) or a click. They
    # are never conversions themselves (reports count them as attributed conversions). Last, in this order:
    # the stores encode event types by their index here.
    "attributed_view",
    "attributed_click",
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # logical type: timestamp, string, int, decimal
    required: bool
    description: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_time", "timestamp", True, "UTC instant of the event"),
    Column("event_type", "string", True, "one of EVENT_TYPES"),
    Column("ow_id", "int", True, "organization (owId) that owns the campaign"),
    Column("io_id", "int", True, "insertion order id"),
    Column("campaign_id", "int", True, "campaign id"),
    Column("creative_id", "int", True, "creative id"),
    Column("creative_type_id", "int", True, "creative type (11 image, 14 video, ...)"),
    Column("exchange_id", "int", False, "exchange id (static list)"),
    Column("device_type_id", "int", False, "device type id (static list)"),
    Column("os", "string", False, "operating system name, e.g. iOS, Android, Windows"),
    Column("traffic_type_id", "int", False, "11 app, 12 web"),
    Column("publisher", "string", False, "publisher domain or app bundle"),
    Column("country_id", "int", False, "country id, e.g. 30100001 (USA)"),
    Column("state_id", "int", False, "state id (static list)"),
    Column("city", "string", False, "city name"),
    Column("zip", "string", False, "postal code"),
    Column("dma_id", "int", False, "designated market area code"),
    Column("gender_id", "int", False, "gender id (static list)"),
    Column("age_range_id", "int", False, "age range id (static list)"),
    Column("npi", "string", False, "prescriber NPI for healthcare campaigns (10 digits)"),
    Column("user_id", "string", False, "pseudonymous device/user id, for reach and frequency"),
    Column("bid_price", "decimal", False, "the bid in CPM terms (bids and impressions)"),
    Column("media_cost", "decimal", False, "media spend of this event (impressions: clearing price / 1000)"),
    Column("data_cost", "decimal", False, "data cost of this event"),
    Column("platform_margin", "decimal", False, "platform margin of this event"),
)

EVENT_COLUMN_NAMES = tuple(c.name for c in EVENT_COLUMNS)

EVENT_COLUMNS_BY_NAME = {c.name: c for c in EVENT_COLUMNS}
REQUIRED_COLUMN_NAMES = tuple(c.name for c in EVENT_COLUMNS if c.required)
MONEY_COLUMN_NAMES = ("media_cost", "data_cost", "platform_margin")

# Money is stored exactly with 6 decimals (a millionth of a dollar: CPM resolution $0.001).
MONEY_PRECISION = 18
MONEY_SCALE = 6


def arrow_type(column: Column):  # noqa: ANN201 - pyarrow DataType
    """The Arrow type the store takes for a column (timestamps are UTC microseconds)."""
    import pyarrow as pa

    return {
        "timestamp": pa.timestamp("us", tz="UTC"),
        "string": pa.string(),
        "int": pa.int64(),
        "decimal": pa.decimal128(MONEY_PRECISION, MONEY_SCALE),
    }[column.type]


def arrow_schema():  # noqa: ANN201 - pyarrow Schema
    """The canonical Arrow schema of an event batch (`AnalyticsStore.append_events`)."""
    import pyarrow as pa

    return pa.schema([pa.field(c.name, arrow_type(c), nullable=not c.required) for c in EVENT_COLUMNS])
