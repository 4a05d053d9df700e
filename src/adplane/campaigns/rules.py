"""Campaign rules that need no database: id lists, bid bounds, budgets and dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from adplane.core.errors import ValidationFailed
from adplane.core.schemas import MAX_DB_INT
from adplane.master import catalog

MIN_MAX_BID = Decimal("1.00")
MAX_MAX_BID = Decimal("1000")
# CPV creatives (video, audio) cost more per impression: their bid floor is higher.
MIN_BID_BY_CREATIVE_TYPE: dict[int, Decimal] = {
    catalog.CREATIVE_TYPE_VIDEO: Decimal("3.0"),
    catalog.CREATIVE_TYPE_AUDIO: Decimal("3.0"),
}
MIN_FLIGHT = timedelta(minutes=15)
MAX_IDS = 10_000


def parse_ids(value: Any, field: str, *, allow_empty: bool = True) -> list[int]:
    """`"1,2,3"`, `3` or `[1, 2, 3]` as a list of distinct ids, in the order given; bad ids are a 422."""
    if value is None:
        items: list[Any] = []
    elif isinstance(value, bool):
        raise ValidationFailed(f"{field} must be a comma separated list of ids.", field=field)
    elif isinstance(value, int):
        items = [value]
    elif isinstance(value, str):
        items = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = value
    else:
        raise ValidationFailed(f"{field} must be a comma separated list of ids.", field=field)
    if len(items) > MAX_IDS:
        raise ValidationFailed(f"{field} has too many ids (at most {MAX_IDS}).", field=field)
    ids: list[int] = []
    for item in items:
        try:
            number = int(item)
        except (TypeError, ValueError):
            raise ValidationFailed(f"{field} contains an invalid id: {item!r}.", field=field) from None
        if isinstance(item, bool) or not 1 <= number <= MAX_DB_INT:
            raise ValidationFailed(f"{field} contains an invalid id: {item!r}.", field=field)
        if number not in ids:
            ids.append(number)
    if not ids and not allow_empty:
        raise ValidationFailed(f"{field} is required.", field=field)
    return ids


def check_known_ids(ids: Iterable[int], known: Mapping[int, Any], field: str, label: str) -> None:
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValidationFailed(f"Invalid {label} id(s): {', '.join(map(str, unknown))}.", field=field)


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
