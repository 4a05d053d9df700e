"""GET /api/v2/cmp/campaign/budgetInfo: the budget spread over the flight's days.

Days already past show what was spent (from delivery data when a campaignId is given); today and
later days show the projection: the fixed daily budget, or what is left of the total budget spread
evenly over the days left.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.delivery import totals_for
from adplane.core.clock import as_utc, from_epoch_s, to_epoch_s
from adplane.core.errors import ValidationFailed
from adplane.insertion_orders.service import wire_number
from adplane.master import catalog

MAX_DAYS = 366
CENT = Decimal("0.01")


def _local_midnights(start: datetime, end: datetime, timezone_id: int) -> list[datetime]:
    """UTC instants of the local midnights that begin each day of [start, end)."""
    zone = catalog.zoneinfo_for(timezone_id)
    day = as_utc(start).astimezone(zone).date()
    last = (as_utc(end) - timedelta(microseconds=1)).astimezone(zone).date()
    days = []
    while day <= last:
        days.append(as_utc(datetime(day.year, day.month, day.day, tzinfo=zone)))
        day += timedelta(days=1)
    return days


def _date_label(instant: datetime) -> str:
    return as_utc(instant).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def budget_info(*, budget_total: Decimal | None, daily_budget: Decimal | None, fixed_daily_budget: bool,
                start_s: int | None, end_s: int | None, timezone_id: int | None, campaign_id: int | None,
                store: AnalyticsStore | None, now: datetime) -> dict:
    if start_s is None:
        raise ValidationFailed("startTime is required.", field="startTime")
    if timezone_id is None or catalog.timezone_by_id(timezone_id) is None:
        raise ValidationFailed("A valid timezone is required.", field="timezone")
    start = from_epoch_s(start_s)
    assert start is not None
    end = from_epoch_s(end_s) if end_s else None
    if fixed_daily_budget:
        if daily_budget is None or daily_budget <= 0:
            raise ValidationFailed("dailyBudget is required with a fixed daily budget.", field="dailyBudget")
        if end is None:
            if budget_total is None:
                raise ValidationFailed("budgetTotal or endTime is required.", field="budgetTotal")
            days_needed = math.ceil(budget_total / daily_budget)
            if days_needed > MAX_DAYS:
                raise ValidationFailed(f"The flight cannot be longer than {MAX_DAYS} days.", field="dailyBudget")
            end = start + timedelta(days=days_needed)
    elif budget_total is None or end is None:
        field = "budgetTotal" if budget_total is None else "endTime"
        raise ValidationFailed("budgetTotal and endTime are required without a fixed daily budget.", field=field)
    if end <= start:
        raise ValidationFailed("endTime must be after startTime.", field="endTime")
    days = _local_midnights(start, end, timezone_id)
    if len(days) > MAX_DAYS:
        raise ValidationFailed(f"The flight cannot be longer than {MAX_DAYS} days.", field="endTime")
    if budget_total is None:
        assert daily_budget is not None
        budget_total = daily_budget * len(days)
    graph, spent_so_far = [], Decimal("0")
    past = [d for d in days if d + timedelta(days=1) <= as_utc(now)] if campaign_id else []
    if past:
        for day_start in past:
            day_end = min(day_start + timedelta(days=1), end)
            assert campaign_id is not None
            spent = totals_for(store, [campaign_id], start=max(day_start, start), end=day_end)[campaign_id].spend
            spent_so_far += spent
            graph.append({"date": _date_label(day_start), "amount": float(spent), "type": "spent"})
    future = days[len(past):]
    remaining = max(Decimal("0"), budget_total - spent_so_far)
    per_day = (daily_budget if fixed_daily_budget else remaining / max(1, len(future))) or Decimal("0")
    per_day = per_day.quantize(CENT, rounding=ROUND_HALF_UP)
    for day_start in future:
        amount = min(per_day, remaining)
        remaining -= amount
        graph.append({"date": _date_label(day_start), "amount": float(amount), "type": "projected"})
    return {
        "campaignId": campaign_id,
        "budgetTotal": wire_number(budget_total),
        "actualSpent": wire_number(spent_so_far),
        "dailyBudget": wire_number(per_day),
        "fixedDailyBudget": fixed_daily_budget,
        "startTime": to_epoch_s(start),
        "endTime": to_epoch_s(end),
        "timezone": timezone_id,
        "graphInfo": graph,
    }
