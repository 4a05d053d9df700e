"""Campaign rules that need no database: id lists, bid bounds, budgets and dates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.core.values import finite_number, object_list
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


def _segment_ids(kind: str) -> Callable[[], Mapping[int, Any]]:
    return lambda: refdata.segment_list(kind).by_id


def _income_ids() -> Mapping[int, Any]:
    from adplane.master.static_lists import INCOME_RANGES  # the list's routes live beside it

    return {item.id: item for item in INCOME_RANGES}


def _ethnicity_ids() -> Mapping[int, Any]:
    from adplane.master.segment_lists import ETHNICITY_GROUPS

    return {**refdata.segment_list("ethnicities").by_id, **{item.id: item for item in ETHNICITY_GROUPS}}


# IQM campaign fields holding ids of a demographic or OS list (`.../master/segment/{age,gender,...}`): the
# simulator serves by age, gender and OS, so an id outside the list would silently target nobody. Ethnicity
# takes a group id too (IQM's example sends 10700001). Carriers and manufacturers are not checked: IQM's own
# examples send ids ("451,155", "293,294") from its catalogue that the shipped lists number differently.
SEGMENT_FIELDS: dict[str, tuple[Callable[[], Mapping[int, Any]], str]] = {
    "ageRangeIds": (lambda: catalog.AGE_RANGES_BY_ID, "age range"),
    "genderIds": (lambda: catalog.GENDERS_BY_ID, "gender"),
    "os": (lambda: catalog.OPERATING_SYSTEMS_BY_ID, "operating system"),
    "languageIds": (_segment_ids("languages"), "language"),
    "interestIds": (_segment_ids("interests"), "interest"),
    "ethnicityIds": (_ethnicity_ids, "ethnicity"),
    "incomeRangeIds": (_income_ids, "income range"),
}
RADIUS_FIELDS = ("geoRadiusDetails", "whiteListedGeoRadiusDetails", "blackListedGeoRadiusDetails")


def check_segment_fields(extras: Mapping[str, Any]) -> None:
    """Every id in the demographic and device fields is in its list, else a 422 naming the field."""
    for field, (known, label) in SEGMENT_FIELDS.items():
        value = extras.get(field)
        if value is None or value == "" or value == []:
            continue
        check_known_ids(parse_ids(value, field), known(), field, label)


def check_radius_fields(extras: Mapping[str, Any]) -> None:
    """A radius target is a point on the globe and a positive radius (a polygon: its `polypath`), else 422."""
    for field in RADIUS_FIELDS:
        value = extras.get(field)
        if value is None or value == "" or value == []:
            continue
        items = object_list(value)
        if items is None:
            raise ValidationFailed(f"{field} must be a list of locations.", field=field)
        for item in items:
            if not isinstance(item, dict):
                raise ValidationFailed(f"{field} must be a list of locations.", field=field)
            if item.get("polypath"):
                continue
            lat, lon, radius = (finite_number(item.get(k)) for k in ("latitude", "longitude", "radius"))
            if lat is None or not -90 <= lat <= 90:
                raise ValidationFailed(f"{field}: latitude must be a number from -90 to 90.", field=field)
            if lon is None or not -180 <= lon <= 180:
                raise ValidationFailed(f"{field}: longitude must be a number from -180 to 180.", field=field)
            if radius is None or radius <= 0:
                raise ValidationFailed(f"{field}: radius must be a positive number.", field=field)


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
