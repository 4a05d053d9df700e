"""Report and insight dates on the command line mean what the user means.

`--start 2026-12-05 --end 2026-12-05` is the whole of 5 December in the report's timezone (for
insight reports, the campaign's): the start is that day's local midnight, the end its last
millisecond (second for AQS), so the end day is included; `today`, `yesterday` and `today-N` (N
days before today) are days of that timezone too. A date-time without an offset is local time
there; one with an offset, or an epoch number, is sent as given. The timezone is resolved through
the API (the master timezone list, the saved report, the campaign), so this works against any
IQM-compatible server.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from adplane.core.clock import utcnow

KEYWORDS = {"today": 0, "yesterday": -1}
RELATIVE = re.compile(r"^today([+-]\d{1,4})$")  # today-28: 28 days before today
EXIT_USAGE = 2  # as `adplane.cli.api`


def fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=code)


def needs_zone(raw: str | None) -> bool:
    """True when `raw` is a calendar day, a keyword or a local date-time (its meaning needs a zone)."""
    if raw is None or raw.strip().isdigit():
        return False
    text = raw.strip().lower()
    if text in KEYWORDS or RELATIVE.match(text):
        return True
    try:
        return datetime.fromisoformat(text).tzinfo is None
    except ValueError:
        return False


def bound(raw: str | None, zone: ZoneInfo, *, unit: str, end: bool, option: str) -> int | None:
    """The flag's value as epoch `ms` or `s`: a calendar day (or `today`/`yesterday`) of `zone`
    covers the whole day (an end is the day's last unit), a naive date-time is local to `zone`."""
    if raw is None:
        return None
    text = raw.strip()
    if text.isdigit():
        return int(text)
    day = _day(text, zone)
    if day is not None:
        midnight = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
        instant = midnight.astimezone(UTC)
        step = timedelta(milliseconds=1) if unit == "ms" else timedelta(seconds=1)
        return _epoch(instant - step if end else instant, unit)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: expected an ISO date (YYYY-MM-DD), today, yesterday, today-N, an ISO date/time or "
                   f"an epoch number, got {raw!r}", EXIT_USAGE) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _epoch(moment, unit)


def _day(text: str, zone: ZoneInfo) -> date | None:
    lowered = text.lower()
    relative = RELATIVE.match(lowered)
    if lowered in KEYWORDS or relative:
        days = KEYWORDS[lowered] if lowered in KEYWORDS else int(relative.group(1))  # type: ignore[union-attr]
        return utcnow().astimezone(zone).date() + timedelta(days=days)
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _epoch(instant: datetime, unit: str) -> int:
    seconds = instant.timestamp()
    return int(round(seconds * 1000)) if unit == "ms" else int(seconds)


def zone_named(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_of_id(client: Any, timezone_id: Any) -> ZoneInfo | None:
    """The IANA zone of an IQM timezone id, from the API's master timezone list."""
    if timezone_id is None:
        return None
    try:
        wanted = int(timezone_id)
    except (TypeError, ValueError):
        return None
    answer = client.master.timezones()
    rows = answer.get("data", []) if isinstance(answer, dict) else answer
    for row in rows or []:
        if isinstance(row, dict) and row.get("id") == wanted:
            return zone_named(row.get("name"))
    return None


def report_zone(client: Any, body: dict[str, Any], report_id: int | None) -> ZoneInfo:
    """The report's timezone: the body's (flags, --set, --file), else the saved report's."""
    zone = zone_named(body.get("timezoneName")) or zone_of_id(client, body.get("timezoneId"))
    if zone is None and report_id is not None:
        saved = client.reports.get(report_id)
        if isinstance(saved, dict):
            zone = zone_named(saved.get("timezoneName")) or zone_of_id(client, saved.get("timezoneId"))
    if zone is None:
        raise fail("a calendar date needs the report's timezone: give --timezone-id (or an epoch number)",
                   EXIT_USAGE)
    return zone


def campaign_zone(client: Any, campaign_id: int | None) -> ZoneInfo:
    """An insight report's days are the campaign's (UTC when no campaign is named)."""
    if campaign_id is None:
        return ZoneInfo("UTC")
    campaign = client.campaigns.get(campaign_id)
    timezone_id = campaign.get("timezone") if isinstance(campaign, dict) else None
    return zone_of_id(client, timezone_id) or ZoneInfo("UTC")


DATE_KEYS = {"report": ("startDate", "endDate"), "pld": ("pldStartDate", "pldEndDate"),
             "sls": ("slsStartDate", "slsEndDate"), "aqs": ("aqsStartDate", "aqsEndDate")}


def resolve_dates(client: Any, body: dict[str, Any], kind: str, report_id: int | None = None) -> None:
    """Turn the text dates of `body` (from flags, --set or --file) into epoch numbers in place:
    report dates in the report's timezone, insight dates (ms; s for AQS) in the campaign's."""
    keys = DATE_KEYS.get(kind)
    texts = {key: body[key] for key in keys or () if isinstance(body.get(key), str)}
    if not keys or not texts:
        return
    zone = ZoneInfo("UTC")
    if any(needs_zone(raw) for raw in texts.values()):
        if kind == "report":
            zone = report_zone(client, body, report_id if report_id is not None else body.get("id"))
        else:
            campaign = body.get("campaignId")
            if campaign is None and isinstance(body.get("campaignIds"), list) and body["campaignIds"]:
                campaign = body["campaignIds"][0]
            zone = campaign_zone(client, campaign)
    unit = "s" if kind == "aqs" else "ms"
    for key, raw in texts.items():
        body[key] = bound(raw, zone, unit=unit, end=key == keys[1], option="--end" if key == keys[1] else "--start")


def check_flag(raw: str | None, option: str) -> str | None:
    """Refuse a malformed date flag before any call (a usage error, exit 2); answers the flag."""
    if raw is not None:
        bound(raw, ZoneInfo("UTC"), unit="ms", end=False, option=option)
    return raw
