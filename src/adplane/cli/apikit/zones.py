"""The user's timezone: how date/time flags are read and how epoch times are shown.

The zone is `--tz`, else the ADPLANE_API_TZ setting, else the machine's own zone (TZ or
/etc/localtime), else UTC. A date or date-time without an offset means that zone's wall clock; an
end flag given as a bare date means the last second of that day. Tables show epoch fields (names
ending in Time/Date/At) as local date-times; `--json` keeps the API's numbers.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from adplane.cli.apikit.runtime import UsageError
from adplane.cli.apikit.suggest import did_you_mean

TZ_SETTING = "ADPLANE_API_TZ"
TIME_KEY = re.compile(r"(time|date|_at|At|On|_on)$", re.IGNORECASE)
EPOCH_S_FROM = 100_000_000  # 1973: smaller integers are counts, not times
EPOCH_MS_FROM = 100_000_000_000  # larger than any epoch-seconds value until the year 5138


def machine_zone_name() -> str:
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        return name
    link = Path("/etc/localtime")
    try:
        target = str(link.resolve())
    except OSError:
        return "UTC"
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else "UTC"


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def user_zone(tz: str | None) -> ZoneInfo:
    """The zone named by --tz or the setting (a clear error with suggestions for a wrong name)."""
    name = (tz or os.environ.get(TZ_SETTING) or "").strip()
    source = "--tz" if tz else TZ_SETTING
    if not name:
        try:
            return ZoneInfo(machine_zone_name())
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{source}: unknown timezone {name!r}{did_you_mean(name, _known_zones())}; "
                         "use an IANA name such as America/New_York or UTC") from None


def instant(raw: str | None, unit: str, option: str, zone: ZoneInfo, *, end: bool = False) -> int | None:
    """A date/time flag as epoch `ms` or `s`: an epoch number as given, else ISO 8601 in `zone` unless it
    has an offset; a bare date is the day's start (its last second when `end`)."""
    if raw is None:
        return None
    text = raw.strip()
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
        bare_date = len(text) == 10
    except ValueError:
        raise UsageError(f"{option}: expected an ISO date (2026-03-01), date-time (2026-03-01T09:30) or "
                         f"an epoch number, got {raw!r}") from None
    if bare_date:
        day = date.fromisoformat(text)
        moment = datetime.combine(day, time.min)
        if end:
            moment = datetime.combine(day + timedelta(days=1), time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    seconds = int(moment.timestamp()) - (1 if bare_date and end else 0)
    return seconds * 1000 + (999 if bare_date and end else 0) if unit == "ms" else seconds


def shown_time(value: int, zone: ZoneInfo) -> str:
    seconds = value / 1000 if value >= EPOCH_MS_FROM else value
    return datetime.fromtimestamp(seconds, tz=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def is_epoch(key: str, value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value >= EPOCH_S_FROM
            and TIME_KEY.search(key) is not None)


def localize(value: Any, zone: ZoneInfo) -> Any:
    """A copy of the answer with epoch time fields as dates in `zone` (for tables, not JSON)."""
    if isinstance(value, list):
        return [localize(item, zone) for item in value]
    if isinstance(value, dict):
        return {key: shown_time(item, zone) if is_epoch(str(key), item) else localize(item, zone)
                for key, item in value.items()}
    return value
