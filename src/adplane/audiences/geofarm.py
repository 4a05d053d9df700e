"""Geo-farmed audiences: the users the organization's delivered impressions found in given places, during a
date window (and, with `timeRange`, on given weekdays and hours), at least `frequency` times in total, in one
week or in one month (`frequencyTypeId` 1, 2, 3).

Ad-serving events carry a ZIP code and a state (`adplane.analytics.schema`), not coordinates, so places
resolve to ZIP codes through the master reference data's ZIP centroids (`adplane.master.refdata`):
- `zipCodes`: those ZIPs (5 digits, or IQM's ZIP ids 30500000 + code); `states`: the event's state;
  `counties`, `cities`: the ZIPs of that county or city;
- a circle (`latitude`, `longitude`, `radius` in miles or `unit` km/m): the ZIPs whose centroid lies within
  the radius (haversine), plus the ZIP nearest the centre (within 25 miles), so a small circle still counts
  the ZIP it lies in; a polygon (`polypath`, three or more points): the ZIPs whose centroid lies inside it,
  plus the one nearest its centre point; a "square" with two corners: the ZIPs inside that rectangle.
Excluded places (and custom areas with `isIncluded` false) remove their events. Ids adplane's reference
lists cannot place (IQM's location files and `locationIds`, legislative districts, ids outside the lists)
are kept as sent and contribute nothing; at least one included place must resolve.

Weekdays of `timeRange` count from Sunday (0) to Saturday (6), in the audience's timezone (UTC for an id the
master list does not hold, such as the 1 of IQM's sample); weeks are calendar weeks from Sunday and months
calendar months, in that timezone. Impressions of the organization's own campaigns count, never another
organization's. Membership is built by the "audience-build" job: processing, then ready.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import ValidationError
from sqlalchemy.orm import Session

from adplane.audiences import catalog, kind_common
from adplane.audiences.kind_schemas import CustomArea, GeoFarmedRequest, LocationSet
from adplane.audiences.models import Audience
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.master import refdata

MAX_ZIPS = 30_000
MAX_VERTICES = 10_000  # polygon points over all custom areas of a request
EARTH_RADIUS_MILES = 3958.7613
NEAREST_ZIP_MILES = 25.0
UNIT_MILES = {"mile": 1.0, "miles": 1.0, "mi": 1.0, "km": 0.621371, "kilometer": 0.621371,
              "kilometers": 0.621371, "m": 0.000621371, "meter": 0.000621371, "meters": 0.000621371}
UNRESOLVED_KINDS = ("locationIds", "stateSenates", "stateHouses", "congressionalDistricts")


# ------------------------------------------------------------------------------------- places → ZIPs

@dataclass(frozen=True)
class ZipTable:
    codes: np.ndarray  # 5-digit strings
    lat: np.ndarray  # radians
    lon: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    county: np.ndarray
    city: np.ndarray
    known: frozenset[str]


@cache
def zip_table() -> ZipTable:
    rows = [z for z in refdata.geo("zips") if z.lat is not None and z.lon is not None]
    lat = np.array([z.lat for z in rows], dtype=float)
    lon = np.array([z.lon for z in rows], dtype=float)
    return ZipTable(np.array([z.name for z in rows]), np.radians(lat), np.radians(lon), lat, lon,
                    np.array([z.county_id or 0 for z in rows], dtype=np.int64),
                    np.array([z.city_id or 0 for z in rows], dtype=np.int64),
                    frozenset(z.name for z in refdata.geo("zips")))


def miles_from(lat: float, lon: float) -> np.ndarray:
    """Great-circle distance (haversine) from a point to every ZIP centroid, in miles."""
    table = zip_table()
    phi, lam = math.radians(lat), math.radians(lon)
    a = np.sin((table.lat - phi) / 2) ** 2 + math.cos(phi) * np.cos(table.lat) * np.sin((table.lon - lam) / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def inside_polygon(points: list[tuple[float, float]]) -> np.ndarray:
    """Mask of ZIP centroids inside the polygon (lat, lng vertices; even-odd rule), tested only for the
    centroids inside its bounding box."""
    table = zip_table()
    lats, lngs = [p[0] for p in points], [p[1] for p in points]
    box = np.flatnonzero((table.lat_deg >= min(lats)) & (table.lat_deg <= max(lats))
                         & (table.lon_deg >= min(lngs)) & (table.lon_deg <= max(lngs)))
    y, x = table.lat_deg[box], table.lon_deg[box]
    inside = np.zeros(len(box), dtype=bool)
    for (yi, xi), (yj, xj) in zip(points, points[1:] + points[:1], strict=True):
        if yi == yj:
            continue
        crosses = (yi > y) != (yj > y)
        inside ^= crosses & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
    mask = np.zeros(len(table.lat_deg), dtype=bool)
    mask[box[inside]] = True
    return mask


def _nearest(lat: float, lon: float) -> set[str]:
    distance = miles_from(lat, lon)
    best = int(np.argmin(distance))
    return {str(zip_table().codes[best])} if distance[best] <= NEAREST_ZIP_MILES else set()


def area_zips(area: CustomArea, field: str) -> set[str]:
    """The ZIPs a custom area covers (see the module's notes)."""
    table = zip_table()
    kind = (area.type or "").strip().lower()
    path = [(p.lat, p.lng) for p in area.polypath or []]
    found: set[str] = set()
    if kind in ("square", "rectangle") and len(path) == 2:
        (lat1, lng1), (lat2, lng2) = path
        mask = ((table.lat_deg >= min(lat1, lat2)) & (table.lat_deg <= max(lat1, lat2))
                & (table.lon_deg >= min(lng1, lng2)) & (table.lon_deg <= max(lng1, lng2)))
        found |= set(table.codes[mask].tolist())
    elif len(path) >= 3:
        found |= set(table.codes[inside_polygon(path)].tolist())
    elif path:
        raise ValidationFailed("polypath needs three or more points (two for a square).", field=f"{field}.polypath")
    else:
        if area.latitude is None or area.longitude is None or area.radius is None:
            raise ValidationFailed("A circle needs latitude, longitude and radius.", field=field)
        unit = (area.unit or "mile").strip().lower()
        if unit not in UNIT_MILES:
            raise ValidationFailed("unit must be mile, km or meter.", field=f"{field}.unit")
        radius = area.radius * UNIT_MILES[unit]
        found |= set(table.codes[miles_from(area.latitude, area.longitude) <= radius].tolist())
    if area.latitude is not None and area.longitude is not None:
        found |= _nearest(area.latitude, area.longitude)
    return found


def zip_code(raw: str | int, field: str) -> str:
    """A ZIP code as events carry it (5 digits) from text ("02134", "02134-1234") or a number (2134, or
    IQM's ZIP id 30502134); 422 when it is not a ZIP code of the USPS list."""
    if isinstance(raw, int):
        number = raw - refdata.ZIP_BASE if raw >= refdata.ZIP_BASE else raw
        code = f"{number:05d}" if 0 <= number <= 99_999 else ""
    else:
        code = raw.strip().split("-")[0]
    if len(code) != 5 or not code.isascii() or not code.isdigit() or code not in zip_table().known:
        raise ValidationFailed(f"Unknown ZIP code: {str(raw)[:10]}.", field=field)
    return code


@dataclass
class Places:
    zips: set[str] = field(default_factory=set)
    states: set[int] = field(default_factory=set)
    unresolved: dict[str, list[int]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not self.zips and not self.states


def resolve(places: LocationSet | None, prefix: str, *, areas: list[tuple[CustomArea, str]] | None = None) -> Places:
    out = Places()
    if places is None and not areas:
        return out
    places = places or LocationSet()
    table = zip_table()
    for i, raw in enumerate(places.zip_codes or []):
        out.zips.add(zip_code(raw, f"{prefix}.zipCodes.{i}"))
    states = refdata.geo("states")
    for state in places.states or []:
        if state in states:
            out.states.add(state)
        else:
            out.unresolved.setdefault("states", []).append(state)
    for key, ids, column in (("counties", places.counties, table.county), ("cities", places.cities, table.city)):
        wanted = set(ids or [])
        if not wanted:
            continue
        known = {i for i in wanted if i in refdata.geo(key)}
        if wanted - known:
            out.unresolved[key] = sorted(wanted - known)
        out.zips |= set(table.codes[np.isin(column, list(known))].tolist())
    for key in UNRESOLVED_KINDS:
        ids = getattr(places, {"locationIds": "location_ids", "stateSenates": "state_senates",
                               "stateHouses": "state_houses",
                               "congressionalDistricts": "congressional_districts"}[key])
        if ids:
            out.unresolved[key] = list(ids)
    for area, where in areas or []:
        out.zips |= area_zips(area, where)
    if len(out.zips) > MAX_ZIPS:
        raise ValidationFailed(f"The locations cover more than {MAX_ZIPS} ZIP codes; target states instead.",
                               field=f"{prefix}")
    return out


def split_areas(req: GeoFarmedRequest) -> tuple[list[tuple[CustomArea, str]], list[tuple[CustomArea, str]]]:
    """Custom areas that include and that exclude (an area with isIncluded false excludes, wherever it is)."""
    included: list[tuple[CustomArea, str]] = []
    excluded: list[tuple[CustomArea, str]] = []
    locations = req.locations
    for side, target in (("included", included), ("excluded", excluded)):
        places = getattr(locations, side) if locations else None
        for i, area in enumerate(places.custom_areas or [] if places else []):
            where = f"locations.{side}.customAreas.{i}"
            (excluded if area.is_included is False else target).append((area, where))
    return included, excluded


def resolve_request(req: GeoFarmedRequest) -> tuple[Places, Places]:
    if req.locations is None:
        raise ValidationFailed("locations is required.", field="locations")
    areas_in, areas_out = split_areas(req)
    vertices = sum(len(area.polypath or []) for area, _ in areas_in + areas_out)
    if vertices > MAX_VERTICES:
        raise ValidationFailed(f"The custom areas have more than {MAX_VERTICES} polygon points in all.",
                               field="locations")
    included = resolve(req.locations.included, "locations.included", areas=areas_in)
    excluded = resolve(req.locations.excluded, "locations.excluded", areas=areas_out)
    if included.empty():
        raise ValidationFailed("The included locations resolve to no known place (ZIP codes, states, counties, "
                               "cities or custom areas).", field="locations.included")
    return included, excluded


# --------------------------------------------------------------------------------------- the request

def _seconds_of_day(text: str, field: str) -> int:
    parts = text.split(":")
    if len(parts) not in (2, 3) or not all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts):
        raise ValidationFailed("Times must be HH:MM:SS.", field=field)
    h, m, s = (int(p) for p in (*parts, "00")[:3])
    if h > 24 or m > 59 or s > 59 or (h == 24 and (m or s)):
        raise ValidationFailed("Times must be HH:MM:SS.", field=field)
    return h * 3600 + m * 60 + s


def time_windows(time_range: dict[str, list[list[str]]] | None) -> list[tuple[int, int, int]]:
    """(weekday, from second, to second) of a timeRange; weekdays "0" (Sunday) to "6"."""
    out: list[tuple[int, int, int]] = []
    for day, ranges in (time_range or {}).items():
        if day not in {str(d) for d in range(7)}:
            raise ValidationFailed("timeRange keys are weekdays 0 (Sunday) to 6.", field="timeRange")
        for i, (start, end) in enumerate(ranges):
            begin = _seconds_of_day(start, f"timeRange.{day}.{i}")
            finish = _seconds_of_day(end, f"timeRange.{day}.{i}")
            if finish <= begin:
                raise ValidationFailed("A time range must end after it starts.", field=f"timeRange.{day}.{i}")
            out.append((int(day), begin, finish))
    return out


def checked(req: GeoFarmedRequest) -> dict[str, Any]:
    """Validate a create request; returns what the audience keeps in `details`."""
    if not req.audience_name:
        raise ValidationFailed("audienceName is required.", field="audienceName")
    frequency = 1 if req.frequency is None else req.frequency
    if not 1 <= frequency <= 10:
        raise ValidationFailed("Frequency must be between 1 and 10.", field="frequency")
    frequency_type = catalog.FREQUENCY_TOTAL if req.frequency_type_id is None else req.frequency_type_id
    if frequency_type not in catalog.FREQUENCY_IDS:
        raise ValidationFailed("Invalid frequencyTypeId.", field="frequencyTypeId")
    if req.start_date is None:
        raise ValidationFailed("startDate is required.", field="startDate")
    if req.end_date is None:
        raise ValidationFailed("endDate is required.", field="endDate")
    start, end = kind_common.instant(req.start_date), kind_common.instant(req.end_date)
    if end <= start:
        raise ValidationFailed("endDate must be after startDate.", field="endDate")
    time_windows(req.time_range)
    resolve_request(req)
    request = req.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {"request": request, "frequency": frequency, "frequencyTypeId": frequency_type,
            "timezoneId": req.timezone_id, "startDate": kind_common.ms(start), "endDate": kind_common.ms(end)}


def create(session: Session, principal: Principal, req: GeoFarmedRequest) -> dict[str, Any]:
    info = checked(req)
    assert req.audience_name is not None
    audience = kind_common.new_audience(
        session, principal, type_id=catalog.TYPE_GEOFARMED, name=req.audience_name, cost=catalog.GEOFARMED_CPM,
        details=info, subtype_id=kind_common.first_subtype(req.audience_subtype_ids))
    kind_common.queue_build(session, audience)
    session.commit()
    return {"id": audience.id, "audienceIds": [audience.id],
            "message": f"{audience.name} audience created successfully"}


def stored_request(audience: Audience) -> GeoFarmedRequest:
    try:
        return GeoFarmedRequest.model_validate((audience.details or {}).get("request") or {})
    except ValidationError:  # written by `checked`: cannot happen unless edited by hand
        raise ValidationFailed("The audience's stored request is not valid.", field="audienceId") from None


def details(session: Session, principal: Principal, audience_id: int) -> dict[str, Any]:
    audience = kind_common.of_type(session, principal, audience_id, catalog.TYPE_GEOFARMED)
    info = audience.details or {}
    request = info.get("request") or {}
    out = kind_common.details(session, principal, audience, created_on_ms=False, created_at_ms=False)
    start = kind_common.instant(int(info.get("startDate") or 0))
    end = kind_common.instant(int(info.get("endDate") or 0))
    locations = request.get("locations") or {}
    out.update({
        "frequency": info.get("frequency", 1), "frequencyTypeId": info.get("frequencyTypeId", 1),
        "frequencyType": info.get("frequencyTypeId", 1),
        "startDate": kind_common.secs(start), "endDate": kind_common.secs(end),
        "timezoneId": info.get("timezoneId"), "timezone": info.get("timezoneId"),
        "timeRange": request.get("timeRange"),
        "locations": {"country": locations.get("country"), "included": locations.get("included") or {},
                      "excluded": locations.get("excluded") or {},
                      "locationFileIds": locations.get("locationFileIds") or []},
        "bulkLocationDetails": {},
    })
    if audience.failure_reason:
        out["failureReason"] = audience.failure_reason
    return out


# -------------------------------------------------------------------------------------- membership

def _user_keys(users: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(mask of decimal user ids, their int64 keys) of a store column of user id texts."""
    text = pc.cast(users, pa.string())
    mask = pc.fill_null(pc.match_substring_regex(text, r"^[1-9][0-9]{0,17}$"), False)
    keys = pc.cast(pc.filter(text, mask), pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool), keys


def members(store: Any, audience: Audience) -> np.ndarray:
    """The audience's members from the organization's impressions in the store (see the module's notes)."""
    req = stored_request(audience)
    info = audience.details or {}
    included, excluded = resolve_request(req)
    start, end = kind_common.instant(int(info["startDate"])), kind_common.instant(int(info["endDate"]))
    where: list[str] = []
    params: list[Any] = [audience.ow_id, start, end]
    if included.states:
        where.append(f"state_id IN ({', '.join('?' * len(included.states))})")
        params += sorted(included.states)
    if included.zips:
        where.append(f"zip IN ({', '.join('?' * len(included.zips))})")
        params += sorted(included.zips)
    table = store.query_arrow(
        "SELECT user_id, event_time, zip, state_id FROM events WHERE ow_id = ? AND event_type = 'impression' "
        f"AND event_time >= ? AND event_time <= ? AND user_id IS NOT NULL AND ({' OR '.join(where)})", params)
    return count_members(table, excluded, time_windows(req.time_range), kind_common.zone_name(info.get("timezoneId")),
                         int(info.get("frequency") or 1), int(info.get("frequencyTypeId") or 1))


def count_members(table: pa.Table, excluded: Places, windows: list[tuple[int, int, int]], zone: str,
                  frequency: int, frequency_type: int) -> np.ndarray:
    """Users seen at least `frequency` times (in total, in one week or in one month) among the rows outside
    the excluded places and inside the weekday/hour windows."""
    if table.num_rows == 0:
        return np.zeros(0, np.int64)
    keep = np.ones(table.num_rows, dtype=bool)
    if excluded.zips:
        keep &= ~np.asarray(pc.fill_null(pc.is_in(pc.cast(table["zip"], pa.string()),
                                                  value_set=pa.array(sorted(excluded.zips))), False))
    if excluded.states:
        keep &= ~np.asarray(pc.fill_null(pc.is_in(pc.cast(table["state_id"], pa.int64()),
                                                  value_set=pa.array(sorted(excluded.states), pa.int64())), False))
    times = pc.cast(table["event_time"], pa.timestamp("us", tz="UTC"))
    local = pc.local_timestamp(pc.cast(times, pa.timestamp("us", tz=zone)))
    if windows:
        day = np.asarray(pc.day_of_week(local, count_from_zero=True, week_start=7))
        second = (np.asarray(pc.hour(local)) * 3600 + np.asarray(pc.minute(local)) * 60
                  + np.asarray(pc.second(local)))
        in_window = np.zeros(table.num_rows, dtype=bool)
        for weekday, begin, finish in windows:
            in_window |= (day == weekday) & (second >= begin) & (second < finish)
        keep &= in_window
    if frequency_type == catalog.FREQUENCY_WEEKLY:
        days = pc.cast(local, pa.int64()).to_numpy(zero_copy_only=False) // 86_400_000_000
        bucket = (days + 4) // 7  # 1970-01-04 was a Sunday: weeks run Sunday to Saturday
    elif frequency_type == catalog.FREQUENCY_MONTHLY:
        bucket = np.asarray(pc.year(local)) * 12 + np.asarray(pc.month(local))
    else:
        bucket = np.zeros(table.num_rows, dtype=np.int64)
    numeric, keys = _user_keys(table["user_id"])
    keep_numeric = keep[numeric]
    pairs = np.stack([keys[keep_numeric], np.asarray(bucket)[numeric][keep_numeric].astype(np.int64)], axis=1)
    if len(pairs) == 0:
        return np.zeros(0, np.int64)
    unique, counts = np.unique(pairs, axis=0, return_counts=True)
    return np.unique(unique[counts >= frequency, 0]).astype(np.int64)


def window_end(audience: Audience) -> datetime:
    return kind_common.instant(int((audience.details or {}).get("endDate") or 0))
