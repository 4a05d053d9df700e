"""Delivery instants and periods of schedules (pure rules, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from adplane.schedules.models import FREQUENCY_DAILY, FREQUENCY_MONTHLY, FREQUENCY_ONCE, FREQUENCY_WEEKLY
from adplane.schedules.recurrence import Rule, canonical_day, next_delivery, once_delivery, period_for

EASTERN = ZoneInfo("US/Eastern")


def _all(rule: Rule, start: datetime, limit: int = 20) -> list[datetime]:
    out, instant = [], next_delivery(rule, start)
    while instant is not None and len(out) < limit:
        out.append(instant)
        instant = next_delivery(rule, instant.replace(minute=1))
    return out


def test_weekly_monday_at_the_local_hour_across_the_dst_change():
    rule = Rule(FREQUENCY_WEEKLY, "MONDAY", EASTERN, 9, event_end_at=datetime(2022, 11, 15, tzinfo=UTC))
    instants = _all(rule, datetime(2022, 10, 20, tzinfo=UTC))
    assert [i.astimezone(EASTERN).date() for i in instants] == [
        date(2022, 10, 24), date(2022, 10, 31), date(2022, 11, 7), date(2022, 11, 14)]
    assert {i.astimezone(EASTERN).hour for i in instants} == {9}
    # 09:00 EDT is 13:00 UTC; after the 6 November change 09:00 EST is 14:00 UTC
    assert [i.hour for i in instants] == [13, 13, 14, 14]


def test_monthly_last_day_in_february_and_day_29_falls_back():
    last = Rule(FREQUENCY_MONTHLY, "Last", EASTERN, 9)
    assert [i.astimezone(EASTERN).date() for i in _all(last, datetime(2027, 1, 15, tzinfo=UTC), 3)] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    assert next_delivery(last, datetime(2028, 2, 1, tzinfo=UTC)).astimezone(EASTERN).date() == date(2028, 2, 29)
    day29 = Rule(FREQUENCY_MONTHLY, "29", EASTERN, 9)
    assert [i.astimezone(EASTERN).date() for i in _all(day29, datetime(2027, 1, 30, tzinfo=UTC), 2)] == [
        date(2027, 2, 28), date(2027, 3, 29)]
    first = Rule(FREQUENCY_MONTHLY, "First", EASTERN, 9)
    assert next_delivery(first, datetime(2027, 2, 2, tzinfo=UTC)).astimezone(EASTERN).date() == date(2027, 3, 1)


def test_nothing_after_the_event_end():
    rule = Rule(FREQUENCY_DAILY, None, EASTERN, 9, event_end_at=datetime(2027, 1, 3, 13, 59, tzinfo=UTC))
    assert [i.date() for i in _all(rule, datetime(2027, 1, 1, tzinfo=UTC))] == [date(2027, 1, 1), date(2027, 1, 2)]


def test_periods_are_local_calendar_days():
    occurs = datetime(2027, 3, 1, 14, tzinfo=UTC)  # Monday 1 March 09:00 EST
    kw = {"report_start": datetime(2027, 1, 1, tzinfo=UTC), "report_end": datetime(2027, 1, 8, tzinfo=UTC)}
    assert period_for(FREQUENCY_DAILY, occurs, EASTERN, **kw) == (
        datetime(2027, 2, 28, 5, tzinfo=UTC), datetime(2027, 3, 1, 5, tzinfo=UTC))
    assert period_for(FREQUENCY_WEEKLY, occurs, EASTERN, **kw) == (
        datetime(2027, 2, 22, 5, tzinfo=UTC), datetime(2027, 3, 1, 5, tzinfo=UTC))
    assert period_for(FREQUENCY_MONTHLY, occurs, EASTERN, **kw) == (
        datetime(2027, 2, 1, 5, tzinfo=UTC), datetime(2027, 3, 1, 5, tzinfo=UTC))
    assert period_for(FREQUENCY_ONCE, occurs, EASTERN, **kw) == (kw["report_start"], kw["report_end"])
    running = period_for(FREQUENCY_WEEKLY, occurs, EASTERN, **kw, running_total_from=datetime(2027, 1, 10, 20,
                                                                                                  tzinfo=UTC))
    assert running == (datetime(2027, 1, 10, 5, tzinfo=UTC), datetime(2027, 3, 1, 5, tzinfo=UTC))
    not_started = period_for(FREQUENCY_WEEKLY, occurs, EASTERN, **kw,
                             running_total_from=datetime(2027, 3, 5, tzinfo=UTC))
    assert not_started == (datetime(2027, 2, 22, 5, tzinfo=UTC), datetime(2027, 3, 1, 5, tzinfo=UTC))


def test_once_waits_for_the_end_of_the_report_range():
    rule = Rule(FREQUENCY_ONCE, None, EASTERN, 9)
    saved = datetime(2027, 1, 5, 20, tzinfo=UTC)
    assert once_delivery(rule, saved, datetime(2027, 1, 1, tzinfo=UTC)) == datetime(2027, 1, 6, 14, tzinfo=UTC)
    assert once_delivery(rule, saved, datetime(2027, 1, 10, 5, tzinfo=UTC)) == datetime(2027, 1, 10, 14, tzinfo=UTC)


@pytest.mark.parametrize(("frequency", "raw", "expected"), [
    (FREQUENCY_WEEKLY, "Monday", "MONDAY"), (FREQUENCY_WEEKLY, "sunday", "SUNDAY"),
    (FREQUENCY_MONTHLY, "first", "First"), (FREQUENCY_MONTHLY, "LAST", "Last"), (FREQUENCY_MONTHLY, "07", "7"),
    (FREQUENCY_ONCE, None, None),
])
def test_delivery_day_spellings(frequency, raw, expected):
    assert canonical_day(frequency, raw) == expected


@pytest.mark.parametrize(("frequency", "raw"), [
    (FREQUENCY_WEEKLY, "Mon"), (FREQUENCY_WEEKLY, None), (FREQUENCY_MONTHLY, "30"), (FREQUENCY_MONTHLY, "0"),
    (FREQUENCY_MONTHLY, "Monday"), (FREQUENCY_DAILY, ""),
])
def test_bad_delivery_days(frequency, raw):
    with pytest.raises(ValueError):
        canonical_day(frequency, raw)
