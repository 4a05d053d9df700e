"""Delivery counters for campaigns and IOs (spent, impressions, pacing), read from the rollups.

Time ranges are half-open `[start, end)` in UTC. The whole hours inside a range come from
`rollup_campaign_hourly`; a range edge that is not on the hour (a day starting at 05:30 UTC for
Asia/Kolkata) is completed from the raw events, so the answer always equals the sum over the raw
events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import Decimal

from adplane.analytics.rollups import CAMPAIGN_HOURLY, MEASURES
from adplane.analytics.store import AnalyticsStore
from adplane.core.clock import as_utc

ZERO = Decimal("0")
_CHUNK = 500
_COUNT_MEASURES = tuple(m.name for m in MEASURES if not m.source)
_MONEY_MEASURES = tuple(m.name for m in MEASURES if m.source)


@dataclass
class DeliveryTotals:
    events: int = 0
    bids: int = 0
    impressions: int = 0
    clicks: int = 0
    conversions: int = 0
    video_starts: int = 0
    video_first_quartiles: int = 0
    video_midpoints: int = 0
    video_third_quartiles: int = 0
    video_completes: int = 0
    attributed_views: int = 0
    attributed_clicks: int = 0
    media_cost: Decimal = field(default=ZERO)
    data_cost: Decimal = field(default=ZERO)
    platform_margin: Decimal = field(default=ZERO)
    first_event_time: datetime | None = None
    last_event_time: datetime | None = None

    @property
    def spend(self) -> Decimal:
        """Total spend: media + data + platform margin (what budgets are charged)."""
        return self.media_cost + self.data_cost + self.platform_margin

    def add(self, other: DeliveryTotals) -> None:
        for f in fields(self):
            if f.name in ("first_event_time", "last_event_time"):
                continue
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        times = [t for t in (self.first_event_time, other.first_event_time) if t is not None]
        self.first_event_time = min(times) if times else None
        times = [t for t in (self.last_event_time, other.last_event_time) if t is not None]
        self.last_event_time = max(times) if times else None

    def as_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["spend"] = self.spend
        return data


def _floor_hour(t: datetime) -> datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(t: datetime) -> datetime:
    floor = _floor_hour(t)
    return floor if floor == t else floor + timedelta(hours=1)


def _time_filter(column: str, start: datetime | None, end: datetime | None) -> tuple[str, list]:
    sql, params = "", []
    if start is not None:
        sql += f" AND {column} >= ?"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < ?"
        params.append(end)
    return sql, params


def _row_to_totals(row: tuple) -> DeliveryTotals:
    names = (*_COUNT_MEASURES, *_MONEY_MEASURES)
    values = dict(zip(names, row[: len(names)], strict=True))
    totals = DeliveryTotals()
    for name in _COUNT_MEASURES:
        setattr(totals, name, int(values[name] or 0))
    for name in _MONEY_MEASURES:
        setattr(totals, name, Decimal(values[name] or 0))
    totals.first_event_time = as_utc(row[-2]) if row[-2] is not None else None
    totals.last_event_time = as_utc(row[-1]) if row[-1] is not None else None
    return totals


def _sum_by(store: AnalyticsStore, key: str, ids: list[int], *, raw: bool,
            start: datetime | None, end: datetime | None) -> dict[int, DeliveryTotals]:
    if raw:
        source, time_col = "events", "event_time"
        by_name = {e.rsplit(" AS ", 1)[1]: e.rsplit(" AS ", 1)[0] for e in store.dialect.measure_exprs()}
        measures = [by_name[n] for n in (*_COUNT_MEASURES, *_MONEY_MEASURES)]  # the order _row_to_totals reads
        times = ["min(event_time)", "max(event_time)"]
    else:
        source, time_col = CAMPAIGN_HOURLY.table, "period_start"
        measures = [f"sum({n})" for n in (*_COUNT_MEASURES, *_MONEY_MEASURES)]
        times = ["min(first_event_time)", "max(last_event_time)"]
    result: dict[int, DeliveryTotals] = {}
    for offset in range(0, len(ids), _CHUNK):
        chunk = ids[offset: offset + _CHUNK]
        time_sql, time_params = _time_filter(time_col, start, end)
        sql = (f"SELECT {', '.join((*measures, *times))}, {key} FROM {source} "
               f"WHERE {key} IN ({', '.join('?' * len(chunk))}){time_sql} GROUP BY {key}")
        for row in store.query(sql, [*chunk, *time_params]):
            result[int(row[-1])] = _row_to_totals(row[:-1])
    return result


def _delivery_by(store: AnalyticsStore, key: str, ids: Iterable[int], start: datetime | None,
                 end: datetime | None) -> dict[int, DeliveryTotals]:
    wanted = sorted({int(i) for i in ids})
    totals = {i: DeliveryTotals() for i in wanted}
    if not wanted:
        return totals
    start = as_utc(start) if start is not None else None
    end = as_utc(end) if end is not None else None
    inner_start = _ceil_hour(start) if start is not None else None
    inner_end = _floor_hour(end) if end is not None else None
    if inner_start is not None and inner_end is not None and inner_start >= inner_end:
        parts = [_sum_by(store, key, wanted, raw=True, start=start, end=end)]
    else:
        parts = [_sum_by(store, key, wanted, raw=False, start=inner_start, end=inner_end)]
        if start is not None and start != inner_start:
            parts.append(_sum_by(store, key, wanted, raw=True, start=start, end=inner_start))
        if end is not None and end != inner_end:
            parts.append(_sum_by(store, key, wanted, raw=True, start=inner_end, end=end))
    for part in parts:
        for entity_id, sub in part.items():
            totals[entity_id].add(sub)
    return totals


def delivery_by_campaign(store: AnalyticsStore, campaign_ids: Iterable[int], *, start: datetime | None = None,
                         end: datetime | None = None) -> dict[int, DeliveryTotals]:
    """Totals per campaign over `[start, end)` (all time by default); zeros for campaigns without events."""
    return _delivery_by(store, "campaign_id", campaign_ids, start, end)


def delivery_by_io(store: AnalyticsStore, io_ids: Iterable[int], *, start: datetime | None = None,
                   end: datetime | None = None) -> dict[int, DeliveryTotals]:
    """Totals per insertion order over `[start, end)`; zeros for IOs without events."""
    return _delivery_by(store, "io_id", io_ids, start, end)


def spend_today(store: AnalyticsStore, campaign_ids: Iterable[int], day_start_utc: datetime,
                day_end_utc: datetime) -> dict[int, Decimal]:
    """Spend per campaign within one (campaign-timezone) day given as UTC bounds, for daily budgets."""
    totals = delivery_by_campaign(store, campaign_ids, start=day_start_utc, end=day_end_utc)
    return {campaign_id: t.spend for campaign_id, t in totals.items()}
