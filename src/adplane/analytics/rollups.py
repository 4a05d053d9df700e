"""The rollup tables: pre-aggregated delivery that reports and spend counters read instead of raw events.

Every rollup has the same measures (`MEASURES`) and a time bucket `period_start` (UTC, truncated
to the rollup's grain), keyed by `KEY_DIMENSIONS` plus the rollup's own dimensions.

Rollups are *partial aggregates*: each appended batch adds its own rows, so one key may have
several rows until `AnalyticsStore.compact_rollups` merges them. Readers therefore always
`SUM(...) GROUP BY` (which a report does anyway). Dimension values may be NULL (unknown).

A report engine picks the smallest rollup whose `dimensions` cover the query's dimensions and
filters and whose `grain` divides the requested time buckets (daily rollups are UTC days: a
report in another timezone, or by hour, needs an hourly rollup or the raw `events` table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Bucket sizes, finest first; each divides the next. Weeks are ISO weeks (from Monday 00:00 UTC).
GRAINS = ("hour", "day", "week")

# Always present, in this order, after period_start.
KEY_DIMENSIONS = ("ow_id", "io_id", "campaign_id", "creative_type_id")


@dataclass(frozen=True)
class Measure:
    name: str
    event_type: str | None  # counts of this event type; None: a sum of `source` over all events
    source: str | None = None
    description: str = ""


MEASURES: tuple[Measure, ...] = (
    Measure("events", None, None, "all events of the bucket"),
    Measure("bids", "bid"),
    Measure("impressions", "impression"),
    Measure("clicks", "click"),
    Measure("conversions", "conversion"),
    Measure("video_starts", "video_start"),
    Measure("video_first_quartiles", "video_first_quartile"),
    Measure("video_midpoints", "video_midpoint"),
    Measure("video_third_quartiles", "video_third_quartile"),
    Measure("video_completes", "video_complete"),
    Measure("media_cost", None, "media_cost", "sum of media spend"),
    Measure("data_cost", None, "data_cost", "sum of data cost"),
    Measure("platform_margin", None, "platform_margin", "sum of platform margin"),
    # Added later: a store made before has its tables extended (`Dialect.added_measures_ddl`, exact with 0s,
    # as no marker event existed then). Table columns are therefore addressed by name, never by position.
    Measure("attributed_views", "attributed_view", None, "conversions the attribution credited to an impression"),
    Measure("attributed_clicks", "attributed_click", None, "conversions the attribution credited to a click"),
)
MEASURE_NAMES = tuple(m.name for m in MEASURES)
MONEY_MEASURES = ("media_cost", "data_cost", "platform_margin")


@dataclass(frozen=True)
class Rollup:
    table: str
    grain: str  # one of GRAINS (UTC)
    dimensions: tuple[str, ...]  # beyond KEY_DIMENSIONS
    with_event_times: bool = False  # min/max event_time columns (first/last delivery)
    where: str | None = None  # only events matching this (raw-events SQL condition)
    # hours east of UTC where its days start (grain "day" only): -5 buckets days from 05:00 UTC, the local
    # days of UTC-5. Such rollups answer only the report engine's shifted days (`adplane.reports.query`).
    day_offset: int = 0

    @property
    def key_columns(self) -> tuple[str, ...]:
        return ("period_start", *KEY_DIMENSIONS, *self.dimensions)

    @property
    def all_dimensions(self) -> frozenset[str]:
        return frozenset((*KEY_DIMENSIONS, *self.dimensions))

    def covers(self, dimensions: set[str] | frozenset[str], grain: str = "day") -> bool:
        """True when this rollup can answer a query grouped/filtered by `dimensions` at `grain`."""
        grain_ok = GRAINS.index(self.grain) <= GRAINS.index(grain)
        return grain_ok and self.day_offset == 0 and self.is_plain_for(dimensions)

    def is_plain_for(self, dimensions: set[str] | frozenset[str]) -> bool:
        """Holds every event and every one of `dimensions` (whatever its grain and day offset)."""
        return set(dimensions) <= self.all_dimensions and self.where is None

    def floor(self, instant: datetime) -> datetime:
        """The start of this rollup's bucket holding `instant`."""
        return floor_to_grain(instant, self.grain, self.day_offset)

    def ceil(self, instant: datetime) -> datetime:
        """The first start of one of this rollup's buckets at or after `instant`."""
        return ceil_to_grain(instant, self.grain, self.day_offset)


ROLLUPS: tuple[Rollup, ...] = (
    Rollup("rollup_campaign_hourly", "hour", (), with_event_times=True),
    # campaign by day: daily reports read their days here (24 times fewer rows than hours), and only what a
    # zone's days do not share with these from the hourly rollup (`adplane.reports.query._shifted_days`)
    Rollup("rollup_campaign_daily", "day", ()),
    # ... and by the days of UTC-4 to UTC-8: the local days of the US zones (Eastern, Central, Mountain,
    # Pacific), in standard and in daylight saving time. 90 rows per campaign and quarter each.
    *(Rollup(f"rollup_campaign_daily_utc_m{-offset}", "day", (), day_offset=offset) for offset in range(-4, -9, -1)),
    Rollup("rollup_creative_hourly", "hour", ("creative_id",)),
    Rollup("rollup_exchange_daily", "day", ("exchange_id", "traffic_type_id")),
    Rollup("rollup_publisher_daily", "day", ("traffic_type_id", "publisher")),
    Rollup("rollup_device_daily", "day", ("device_type_id", "os")),
    Rollup("rollup_region_daily", "day", ("country_id", "state_id", "dma_id")),
    # campaign x state x device type: with equal dimension counts the earlier rollup wins, so
    # region-only queries keep reading rollup_region_daily
    Rollup("rollup_geo_device_daily", "day", ("country_id", "state_id", "device_type_id")),
    # the same by ISO week: a long aggregated report reads weeks, and days only at its edges
    Rollup("rollup_geo_device_weekly", "week", ("country_id", "state_id", "device_type_id")),
    Rollup("rollup_city_daily", "day", ("country_id", "state_id", "city", "zip")),
    Rollup("rollup_demographic_daily", "day", ("gender_id", "age_range_id")),
    Rollup("rollup_npi_daily", "day", ("npi",), where="npi IS NOT NULL"),
)
ROLLUPS_BY_TABLE = {r.table: r for r in ROLLUPS}
CAMPAIGN_HOURLY = ROLLUPS_BY_TABLE["rollup_campaign_hourly"]


def smallest_covering(dimensions: set[str] | frozenset[str], grain: str = "day") -> Rollup | None:
    """The rollup with the fewest dimensions that answers a query by `dimensions` (None: use raw events);
    among as many dimensions, the coarsest grain (fewer rows).

    `rollup_npi_daily` only holds events with an NPI, so it answers only queries that group by npi
    (their NULL-npi group is not in it) — callers asking for npi get it explicitly.
    """
    candidates = [r for r in ROLLUPS if r.covers(dimensions, grain)]
    if "npi" in dimensions and grain == "day":
        candidates.append(ROLLUPS_BY_TABLE["rollup_npi_daily"])
    return min(candidates, key=lambda r: (len(r.dimensions), -GRAINS.index(r.grain)), default=None)


def daily_bases(dimensions: set[str] | frozenset[str]) -> list[Rollup]:
    """The daily rollups, of any day offset, with every event and every one of `dimensions`, fewest
    dimensions first."""
    found = [r for r in ROLLUPS if r.grain == "day" and r.is_plain_for(dimensions)]
    fewest = min((len(r.dimensions) for r in found), default=0)
    return [r for r in found if len(r.dimensions) == fewest]


def floor_to_grain(instant: datetime, grain: str, day_offset: int = 0) -> datetime:
    """The start of the UTC bucket of `grain` holding `instant` (days starting at `day_offset` hours east of
    UTC when given: -5 floors to 05:00 UTC)."""
    if day_offset:
        shift = timedelta(hours=day_offset)
        return floor_to_grain(instant + shift, grain) - shift
    instant = instant.astimezone(UTC)
    if grain == "hour":
        return instant.replace(minute=0, second=0, microsecond=0)
    day = instant.replace(hour=0, minute=0, second=0, microsecond=0)
    return day if grain == "day" else day - timedelta(days=day.weekday())


def ceil_to_grain(instant: datetime, grain: str, day_offset: int = 0) -> datetime:
    """The first bucket start of `grain` at or after `instant`."""
    if day_offset:
        shift = timedelta(hours=day_offset)
        return ceil_to_grain(instant + shift, grain) - shift
    floor = floor_to_grain(instant, grain)
    if floor == instant.astimezone(UTC):
        return floor
    step = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(days=7)}[grain]
    return floor + step


def _derives(target: Rollup, source: Rollup) -> bool:
    """True when `target`'s rows for a batch are a regrouping of `source`'s rows for the same batch: the same
    events (`where`), a subset of its dimensions, and buckets that are unions of `source`'s (hours make any
    day and week; UTC days make ISO weeks)."""
    t_offset, s_offset = getattr(target, "day_offset", 0), getattr(source, "day_offset", 0)
    if target.where != source.where or not set(target.dimensions) <= set(source.dimensions):
        return False
    if target.with_event_times and not source.with_event_times:
        return False
    if target.grain == source.grain:
        return t_offset == s_offset
    if source.grain == "hour":
        return True
    return source.grain == "day" and target.grain == "week" and s_offset == 0 and t_offset == 0


def rollup_derivations(rollups: Sequence[Rollup]) -> dict[Rollup, Rollup]:
    """For each rollup that can be, the rollup of the same batch it is computed from (fewest dimensions, then
    coarsest grain, among those computed from the events): e.g. the campaign rollups by day of every day
    offset from `rollup_campaign_hourly`'s rows of the batch (thousands) instead of its events (millions)."""
    bases = [r for r in rollups if not any(s is not r and s != r and _derives(r, s) for s in rollups)]
    plan: dict[Rollup, Rollup] = {}
    for target in rollups:
        if target in bases:
            continue
        if candidates := [s for s in bases if _derives(target, s)]:
            plan[target] = min(candidates, key=lambda s: (len(s.dimensions), -GRAINS.index(s.grain)))
    return plan
