"""When a schedule delivers and which period each delivery covers (pure functions, no I/O).

Every delivery happens at `hour`:00 local time in the report's timezone. Daily: every day;
weekly: on the chosen weekday; monthly: on the 1st ("First"), the month's last day ("Last") or
day N (1..29; 29 falls back to the 28th in a 28-day February). Nothing after the event end.
Periods are local calendar days turned into UTC instants, half-open [start, end):
daily = the previous day, weekly = the previous 7 days, monthly = the previous calendar month,
once = the report's own range; a running total starts at the earliest campaign start instead
(when that is before the period's end).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from adplane.schedules.models import FREQUENCY_DAILY, FREQUENCY_MONTHLY, FREQUENCY_ONCE, FREQUENCY_WEEKLY

WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MONTH_FIRST = "First"
MONTH_LAST = "Last"
MAX_MONTH_DAY = 29
FREQUENCIES = {
    FREQUENCY_ONCE: "Once", FREQUENCY_DAILY: "Daily", FREQUENCY_WEEKLY: "Weekly", FREQUENCY_MONTHLY: "Monthly",
}


def canonical_day(frequency: int, raw: str | None) -> str | None:
    """The stored spelling of `deliveryDay`, or ValueError with the rule it breaks."""
    if frequency == FREQUENCY_ONCE:
        return None
    value = (raw or "").strip()
    if not value:
        raise ValueError("deliveryDay is required unless deliveryFrequency is 1 (Once).")
    if frequency == FREQUENCY_WEEKLY:
        if value.upper() not in WEEKDAYS:
            raise ValueError("deliveryDay must be a weekday (Sunday, Monday, ...) for weekly delivery.")
        return value.upper()
    if frequency == FREQUENCY_MONTHLY:
        if value.lower() == "first":
            return MONTH_FIRST
        if value.lower() == "last":
            return MONTH_LAST
        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_MONTH_DAY:
            return str(int(value))
        raise ValueError('deliveryDay must be "First", "Last" or "1".."29" for monthly delivery.')
    return None  # daily: any day, the value is not used


@dataclass(frozen=True)
class Rule:
    frequency: int
    day: str | None
    zone: ZoneInfo
    hour: int
    event_end_at: datetime | None = None


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def delivers_on(rule: Rule, day: date) -> bool:
    if rule.frequency == FREQUENCY_DAILY:
        return True
    if rule.frequency == FREQUENCY_WEEKLY:
        return rule.day is not None and day.weekday() == WEEKDAYS.index(rule.day)
    if rule.frequency == FREQUENCY_MONTHLY:
        if rule.day == MONTH_FIRST:
            return day.day == 1
        if rule.day == MONTH_LAST:
            return day.day == _last_day(day)
        return rule.day is not None and day.day == min(int(rule.day), _last_day(day))
    return False


def local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """`hour`:00 on `day` in `zone`, as a UTC instant."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return local_instant(day, 0, zone)


def next_delivery(rule: Rule, on_or_after: datetime) -> datetime | None:
    """The first recurring delivery instant at or after `on_or_after`, None after the event end."""
    start_day = on_or_after.astimezone(rule.zone).date() - timedelta(days=1)
    for offset in range(0, 400):
        day = start_day + timedelta(days=offset)
        if not delivers_on(rule, day):
            continue
        instant = local_instant(day, rule.hour, rule.zone)
        if instant < on_or_after:
            continue
        if rule.event_end_at is not None and instant > rule.event_end_at:
            return None
        return instant
    return None


def once_delivery(rule: Rule, saved_at: datetime, report_end: datetime) -> datetime | None:
    """A one-off delivery: the first delivery hour once the report's range is over (and not before
    the schedule was saved)."""
    anchor = max(saved_at, report_end)
    day = anchor.astimezone(rule.zone).date()
    for offset in range(0, 3):
        instant = local_instant(day + timedelta(days=offset), rule.hour, rule.zone)
        if instant >= anchor:
            if rule.event_end_at is not None and instant > rule.event_end_at:
                return None
            return instant
    return None


def period_for(
    frequency: int, occurs_at: datetime, zone: ZoneInfo, *, report_start: datetime, report_end: datetime,
    running_total_from: datetime | None = None,
) -> tuple[datetime, datetime]:
    """The [start, end) UTC instants a delivery at `occurs_at` reports on."""
    if frequency == FREQUENCY_ONCE:
        start, end = report_start, report_end
    else:
        day = occurs_at.astimezone(zone).date()
        if frequency == FREQUENCY_DAILY:
            first = day - timedelta(days=1)
        elif frequency == FREQUENCY_WEEKLY:
            first = day - timedelta(days=7)
        else:
            previous_month_end = day.replace(day=1) - timedelta(days=1)
            first = previous_month_end.replace(day=1)
            day = day.replace(day=1)
        start, end = local_midnight(first, zone), local_midnight(day, zone)
    if running_total_from is not None:
        # From the local day the earliest campaign started; when that lies at or after the end,
        # the campaigns had not started yet and the ordinary period is reported.
        running_start = local_midnight(running_total_from.astimezone(zone).date(), zone)
        if running_start < end:
            start = running_start
    return start, end
