"""Contextual audiences: the users served at least `frequency` impressions on publishers that match the
audience's keywords or URLs during its data collection window.

Ad-serving events carry the publisher (a site's domain or an app's bundle id), not the page's URL or text
(`adplane.analytics.schema`), so matching is by publisher:
- a URL matches its host and the host's subdomains ("https://www.espn.com/nba" → espn.com, *.espn.com);
  its path cannot be told apart;
- a keyword matches a publisher whose domain or bundle contains it, ignoring case, spaces and hyphens
  ("weather" → weather.com, accuweather.com, com.weather.Weather).
The window is IQM's: static (`dataCollectionMethodId` 1, `startDate`..`endDate`, at most 90 days, starting
within the last 180 days or up to 90 days ahead) or dynamic (2, the last `dataCollectionDays` days, 1 to 90,
rebuilt every 24 hours). Only the organization's own impressions count. Membership is built by the
"audience-build" job: processing, then ready.

URL validation (`validate_urls`) checks that a URL is well formed (http(s) or no scheme, a host with a
dotted domain name): adplane makes no network call, so it never says whether a site is reachable or part
of an exchange's inventory, and it never answers IQM's `null` (undecided).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from pydantic import ValidationError
from sqlalchemy.orm import Session

from adplane.audiences import catalog, kind_common
from adplane.audiences.kind_schemas import ContextualRequest
from adplane.audiences.models import Audience
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed

MAX_TERMS = 500
MAX_WINDOW_DAYS = 90
PAST_START_DAYS = 180
FUTURE_START_DAYS = 90
REFRESH_DYNAMIC = timedelta(hours=24)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^[a-z]{2,63}$|^xn--[a-z0-9-]{1,59}$")
_FOLD = re.compile(r"[\s\-_]+")


# ------------------------------------------------------------------------------------------ terms

def terms(raw: str | list[str] | None) -> list[str]:
    """Keywords or URLs from comma-separated text or a list (trimmed, empty ones dropped, first spelling kept)."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    out = [item.strip() for item in items if item and item.strip()]
    return list(dict.fromkeys(out))


def host_of(url: str) -> str | None:
    """The host a well-formed URL names (lower case, without "www."), None when it is not one."""
    text = url.strip()
    if not text or len(text) > 2000 or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").rstrip(".")
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        return None
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels) \
            or not _TLD.match(labels[-1]):
        return None
    return host[4:] if host.startswith("www.") and len(labels) > 2 else host


def validate_urls(urls: list[Any]) -> dict[str, bool]:
    return {str(url): isinstance(url, str) and host_of(url) is not None for url in urls}


def publisher_matches(publisher: str, hosts: list[str], keywords: list[str]) -> bool:
    name = publisher.strip().lower()
    if any(name == host or name.endswith("." + host) for host in hosts):
        return True
    folded = _FOLD.sub("", name)
    return any(keyword and keyword in folded for keyword in keywords)


# ---------------------------------------------------------------------------------------- request

def checked(req: ContextualRequest, now: datetime) -> dict[str, Any]:
    """Validate a create request (IQM's rules and messages); returns what the audience keeps in `details`."""
    if not req.audience_name:
        raise ValidationFailed("audienceName is required.", field="audienceName")
    keywords, urls = terms(req.keywords), terms(req.urls)
    if not keywords and not urls:
        raise ValidationFailed("Add keywords or urls.", field="keywords")
    if len(keywords) > MAX_TERMS or len(urls) > MAX_TERMS:
        raise ValidationFailed(f"At most {MAX_TERMS} keywords and {MAX_TERMS} URLs.",
                               field="keywords" if len(keywords) > MAX_TERMS else "urls")
    for i, keyword in enumerate(keywords):
        if len(keyword) > 100:
            raise ValidationFailed("A keyword is at most 100 characters.", field=f"keywords.{i}")
    for i, url in enumerate(urls):
        if host_of(url) is None:
            raise ValidationFailed(f"Invalid URL: {url[:100]}", field=f"urls.{i}")
    frequency = 1 if req.frequency is None else req.frequency
    if not 1 <= frequency <= 10:
        raise ValidationFailed("Frequency must be between 1 and 10.", field="frequency")
    kind_common.check_timezone(req.timezone_id)
    method = req.data_collection_method_id
    info: dict[str, Any] = {"keywords": keywords, "urls": urls, "frequency": frequency,
                            "timezoneId": req.timezone_id, "dataCollectionMethodId": method,
                            "audienceSubtypes": list(req.audience_subtypes or [])}
    if method == catalog.COLLECTION_STATIC:
        if req.start_date is None:
            raise ValidationFailed("startDate is required for the static data collection method.",
                                   field="startDate")
        if req.end_date is None:
            raise ValidationFailed("endDate is required for the static data collection method.", field="endDate")
        start, end = kind_common.instant(req.start_date), kind_common.instant(req.end_date)
        if end <= start:
            raise ValidationFailed("endDate must be after startDate.", field="endDate")
        if end - start > timedelta(days=MAX_WINDOW_DAYS):
            raise ValidationFailed(f"The period between start date and end date cannot exceed {MAX_WINDOW_DAYS} "
                                   "days.", field="endDate")
        if not now - timedelta(days=PAST_START_DAYS) <= start <= now + timedelta(days=FUTURE_START_DAYS):
            raise ValidationFailed(f"Start date must be within the last {PAST_START_DAYS} days or up to "
                                   f"{FUTURE_START_DAYS} days in the future.", field="startDate")
        info.update(startDate=kind_common.ms(start), endDate=kind_common.ms(end))
    elif method == catalog.COLLECTION_DYNAMIC:
        days = req.data_collection_days
        if days is None or not 1 <= days <= MAX_WINDOW_DAYS:
            raise ValidationFailed(f"dataCollectionDays must be 1 to {MAX_WINDOW_DAYS} days.",
                                   field="dataCollectionDays")
        info["dataCollectionDays"] = days
    else:
        raise ValidationFailed("Invalid data collection method provided", field="dataCollectionMethodId")
    return info


def parse(data: Any) -> ContextualRequest:
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.", field="audienceName")
    try:
        return ContextualRequest.model_validate(data)
    except ValidationError as exc:
        from adplane.core.errors import validation_error_objects

        first = validation_error_objects([dict(e) for e in exc.errors()])[0]
        raise ValidationFailed(first["error"], field=first.get("field") or "audienceName") from None


def create(session: Session, principal: Principal, req: ContextualRequest) -> dict[str, Any]:
    info = checked(req, utcnow())
    assert req.audience_name is not None
    audience = kind_common.new_audience(
        session, principal, type_id=catalog.TYPE_CONTEXTUAL, name=req.audience_name, cost=catalog.CONTEXTUAL_CPM,
        details=info, subtype_id=kind_common.first_subtype(req.audience_subtypes))
    kind_common.queue_build(session, audience)
    session.commit()
    return {"id": audience.id, "audienceIds": [audience.id],
            "message": f"{audience.name} audience created successfully"}


def details(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = kind_common.of_type(session, principal, audience_id, catalog.TYPE_CONTEXTUAL)
    info = audience.details or {}
    out = kind_common.details(session, principal, audience, created_on_ms=False, created_at_ms=True)
    out.update({"keywords": ",".join(info.get("keywords") or []), "urls": ",".join(info.get("urls") or []),
                "frequency": info.get("frequency", 1), "timezoneId": info.get("timezoneId"),
                "dataCollectionMethodId": info.get("dataCollectionMethodId")})
    if info.get("dataCollectionMethodId") == catalog.COLLECTION_DYNAMIC:
        out["dataCollectionDays"] = info.get("dataCollectionDays")
    else:
        out["startDate"] = int(info.get("startDate") or 0)
        out["endDate"] = int(info.get("endDate") or 0)
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    return out


# ------------------------------------------------------------------------------------ membership

def window(audience: Audience, now: datetime) -> tuple[datetime, datetime]:
    info = audience.details or {}
    if info.get("dataCollectionMethodId") == catalog.COLLECTION_DYNAMIC:
        return now - timedelta(days=int(info.get("dataCollectionDays") or 1)), now
    return kind_common.instant(int(info["startDate"])), kind_common.instant(int(info["endDate"]))


def members(store: Any, audience: Audience, now: datetime) -> np.ndarray:
    """Users with at least `frequency` impressions of the organization on matching publishers in the window."""
    info = audience.details or {}
    start, end = window(audience, now)
    base = ("FROM events WHERE ow_id = ? AND event_type = 'impression' AND event_time >= ? AND event_time <= ? "
            "AND publisher IS NOT NULL")
    params: list[Any] = [audience.ow_id, start, end]
    publishers = [str(row[0]) for row in store.query(f"SELECT DISTINCT publisher {base}", params)]
    hosts = [h for h in (host_of(u) for u in info.get("urls") or []) if h]
    keywords = [_FOLD.sub("", k.lower()) for k in info.get("keywords") or []]
    matched = sorted(p for p in publishers if publisher_matches(p, hosts, keywords))
    if not matched:
        return np.zeros(0, np.int64)
    rows = store.query(f"SELECT user_id, count(*) {base} AND user_id IS NOT NULL "
                       f"AND publisher IN ({', '.join('?' * len(matched))}) GROUP BY user_id "
                       "HAVING count(*) >= ?", [*params, *matched, int(info.get("frequency") or 1)])
    return kind_common.user_keys(row[0] for row in rows)


def window_end(audience: Audience, now: datetime) -> datetime | None:
    info = audience.details or {}
    if info.get("dataCollectionMethodId") == catalog.COLLECTION_DYNAMIC:
        return None
    return kind_common.instant(int(info.get("endDate") or 0))
