"""Delivery numbers of campaigns (spend, impressions, pacing) from the analytics store.

Where nothing was delivered the counters are zeros, which is the truth, not a placeholder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from adplane.analytics.counters import DeliveryTotals, delivery_by_campaign
from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.models import Campaign
from adplane.core.clock import as_utc
from adplane.insertion_orders.models import InsertionOrder
from adplane.master import catalog

ZERO = Decimal("0")
DAY = timedelta(days=1)


def totals_for(store: AnalyticsStore | None, campaign_ids: list[int], *, start: datetime | None = None,
               end: datetime | None = None) -> dict[int, DeliveryTotals]:
    if store is None or not campaign_ids:
        return {cid: DeliveryTotals() for cid in campaign_ids}
    return delivery_by_campaign(store, campaign_ids, start=start, end=end)


def local_day_bounds(timezone_id: int, now: datetime) -> tuple[datetime, datetime]:
    """Today's [midnight, next midnight) in the timezone, as UTC instants."""
    zone = catalog.zoneinfo_for(timezone_id)
    local = as_utc(now).astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    following = (midnight + timedelta(days=1, hours=3)).replace(hour=0)  # DST-safe next midnight
    return as_utc(midnight), as_utc(following)


def spend_today_for(store: AnalyticsStore | None, campaigns: list[Campaign], now: datetime) -> dict[int, Decimal]:
    return {cid: totals.spend for cid, totals in today_totals_for(store, campaigns, now).items()}


def today_totals_for(store: AnalyticsStore | None, campaigns: list[Campaign],
                     now: datetime) -> dict[int, DeliveryTotals]:
    """Delivery of each campaign during today in the campaign's own timezone."""
    result: dict[int, DeliveryTotals] = {c.id: DeliveryTotals() for c in campaigns}
    if store is None:
        return result
    by_zone: dict[int, list[int]] = {}
    for campaign in campaigns:
        by_zone.setdefault(campaign.timezone_id, []).append(campaign.id)
    for zone_id, ids in by_zone.items():
        start, end = local_day_bounds(zone_id, now)
        result.update(delivery_by_campaign(store, ids, start=start, end=end))
    return result


def reach_by_campaign(store: AnalyticsStore | None, campaign_ids: list[int], *, start: datetime | None = None,
                      end: datetime | None = None) -> dict[int, int]:
    """Distinct users reached (impressions with a user id), from the raw events."""
    result = {cid: 0 for cid in campaign_ids}
    if store is None or not campaign_ids:
        return result
    for offset in range(0, len(campaign_ids), 500):
        chunk = campaign_ids[offset: offset + 500]
        sql = (f"SELECT campaign_id, count(DISTINCT user_id) FROM events WHERE event_type = 'impression' "
               f"AND user_id IS NOT NULL AND campaign_id IN ({', '.join('?' * len(chunk))})")
        params: list = list(chunk)
        if start is not None:
            sql += " AND event_time >= ?"
            params.append(start)
        if end is not None:
            sql += " AND event_time < ?"
            params.append(end)
        for campaign_id, reach in store.query(sql + " GROUP BY campaign_id", params):
            result[int(campaign_id)] = int(reach or 0)
    return result


def ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> float:
    if not denominator:
        return 0.0
    return round(float(Decimal(numerator) * scale / Decimal(denominator)), 4)


@dataclass
class Pacing:
    expected_spent: Decimal
    pacing_percentage: float | None
    expected_daily_spent: Decimal
    daily_pacing_percentage: float | None
    duration_days: int | None
    remaining_days: int


def _fraction(now: datetime, start: datetime, end: datetime) -> Decimal:
    if end <= start:
        return Decimal(1)
    elapsed = (min(max(now, start), end) - start).total_seconds()
    return Decimal(elapsed) / Decimal((end - start).total_seconds())


def pacing(campaign: Campaign, io: InsertionOrder, spent: Decimal, spent_today: Decimal, now: datetime) -> Pacing:
    """Expected spend is the budget spread evenly over the flight (and over today for daily budgets)."""
    if campaign.start_time is None:  # a draft without dates expects nothing yet
        return Pacing(ZERO, None, ZERO, None, None, 0)
    start = as_utc(campaign.start_time)
    end_time = campaign.end_time or io.end_time
    end = as_utc(end_time) if end_time else None
    if end is not None and campaign.budget_total is not None:
        expected = campaign.budget_total * _fraction(now, start, end)
    elif campaign.budget_day is not None:
        expected = campaign.budget_day * Decimal(max(0.0, (now - start).total_seconds()) / DAY.total_seconds())
    else:
        expected = ZERO
    day_start, day_end = local_day_bounds(campaign.timezone_id, now)
    window_start = max(day_start, start)
    window_end = min(day_end, end) if end else day_end
    daily_budget = campaign.budget_day or ZERO
    if window_end > window_start and now > window_start:
        expected_daily = daily_budget * _fraction(now, window_start, window_end)
    else:
        expected_daily = ZERO
    duration = math.ceil((end - start) / DAY) if end else None
    remaining = max(0, math.ceil((end - now) / DAY)) if end else 0
    return Pacing(
        expected_spent=expected.quantize(Decimal("0.0001")),
        pacing_percentage=round(float(spent / expected * 100), 2) if expected > 0 else None,
        expected_daily_spent=expected_daily.quantize(Decimal("0.0001")),
        daily_pacing_percentage=round(float(spent_today / expected_daily * 100), 2) if expected_daily > 0 else None,
        duration_days=duration,
        remaining_days=remaining,
    )
