"""Campaign rules that need no database: id lists, bid bounds, budgets and dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.master import catalog, refdata

MIN_MAX_BID = Decimal("1.00")
MAX_MAX_BID = Decimal("1000")
# CPV creatives (video, audio) cost more per impression: their bid floor is higher.
MIN_BID_BY_CREATIVE_TYPE: dict[int, Decimal] = {
    catalog.CREATIVE_TYPE_VIDEO: Decimal("3.0"),
    catalog.CREATIVE_TYPE_AUDIO: Decimal("3.0"),
}
MIN_FLIGHT = timedelta(minutes=15)


def check_known_ids(ids: Iterable[int], known: Mapping[int, Any], field: str, label: str) -> None:
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationFailed(f"Invalid {label} id(s): {', '.join(map(str, unknown))}.", field=field)


# IQM campaign fields holding ids of a geography list (kept as sent in the campaign's extras)
GEO_FIELDS: dict[str, tuple[str, str]] = {
    "zipcodes": ("zips", "zip"), "whiteListedZipcodes": ("zips", "zip"), "blackListedZipcodes": ("zips", "zip"),
    "dmaIds": ("dmas", "DMA"), "whiteListedDmaIds": ("dmas", "DMA"), "blackListedDmaIds": ("dmas", "DMA"),
    "whiteListedCityIds": ("cities", "city"), "blackListedCityIds": ("cities", "city"),
    "whiteListedCountyIds": ("counties", "county"), "blackListedCountyIds": ("counties", "county"),
    "whiteListedStateIds": ("states", "state"), "blackListedStateIds": ("states", "state"),
    "congressionalDistrictIds": ("congressional_districts", "congressional district"),
    "senateDistrictIds": ("senate_districts", "state senate district"),
    "houseDistrictIds": ("house_districts", "state house district"),
}


def check_geo_fields(extras: Mapping[str, Any]) -> None:
    """Every id in the geography fields is in its list (`GET/POST .../master/segment/...`), else a 422
    naming the field. ZIP fields take ZIP ids or the 5-digit codes themselves."""
    for field, (kind, label) in GEO_FIELDS.items():
        value = extras.get(field)
        if value is None or value == "" or value == []:
            continue
        if kind == "zips":
            items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
            codes = [str(item).strip() for item in items]
            value = [refdata.zip_id(code) or code if len(code) == 5 else code for code in codes if code]
        ids = parse_ids(value, field)
        check_known_ids(ids, refdata.geo(kind).by_id, field, label)


def csv(ids: Iterable[int] | None) -> str:
    return ",".join(str(i) for i in ids or [])


def max_bid_error(max_bid: Decimal, creative_type_id: int | None) -> str | None:
    """The seed's two messages: the platform's bounds, then the creative type's floor."""
    if max_bid < MIN_MAX_BID or max_bid > MAX_MAX_BID:
        return "For given campaign_type max bid cannot be less than 1.00 or greater than 1000."
    floor = MIN_BID_BY_CREATIVE_TYPE.get(creative_type_id or 0)
    if floor is not None and max_bid < floor:
        return f"max bid cannot be less than minimum bid {floor}"
    return None


def budget_error(budget_day: Decimal | None, budget_total: Decimal | None) -> tuple[str, str] | None:
    """(field, message) when the daily budget exceeds the total one."""
    if budget_day is not None and budget_total is not None and budget_day > budget_total:
        return "budgetDay", "Daily budget cannot be more than total budget."
    return None


def dates_error(start: datetime | None, end: datetime | None, io_start: datetime, io_end: datetime | None,
                ) -> tuple[str, str] | None:
    """(field, message) when the flight is not a proper interval inside its IO's."""
    if start is None:
        return "startTime", "startTime is required."
    if end is not None and end < start + MIN_FLIGHT:
        return "endTime", "There should be at least 15 min difference between start date and end date."
    if start < io_start.replace(microsecond=0):
        return "startTime", "Campaign start time cannot be before the insertion order's start time."
    if io_end is not None and start >= io_end:
        return "startTime", "Campaign start time must be before the insertion order's end time."
    if io_end is not None and end is not None and end > io_end:
        return "endTime", "Campaign end time cannot be after the insertion order's end time."
    return None


def valid_domain(value: str) -> bool:
    candidate = value.strip()
    parsed = urlparse(candidate if "://" in candidate else f"https://{candidate}")
    host = parsed.hostname or ""
    return parsed.scheme in ("http", "https") and "." in host and " " not in candidate


def pacing_daily_budget(budget_total: Decimal, start: datetime, end: datetime) -> Decimal:
    """With total budget pacing the daily budget is the total spread evenly over the flight's days."""
    days = max(Decimal(1), Decimal((end - start).total_seconds()) / Decimal(86400))
    return (budget_total / days).quantize(Decimal("0.01"))
