"""Where delivery happens: the master reference data's places, and a campaign's geographic targeting.

Places: one per ZIP code of every listed city (`adplane.master.refdata`), and one for each city without a ZIP
code (its ZIP left empty). A place weighs its city's population spread evenly over the city's ZIP codes, the
model `adplane.simulator.estimation` estimates with. So an impression's ZIP lies in its city, its city in its
state, and its DMA and county are its ZIP's (a city's DMA when it has no ZIP; no county then).

A campaign's geography (IQM's campaign fields, kept in its extras): included and excluded states, cities, ZIP
codes, counties, DMAs, radii and polygons (`geoRadiusDetails`, their white/black lists and the uploaded
`locationDetails`: a city is inside when its centre is) and political districts. The event schema has no
district, and the reference data maps no ZIP or city to one, so a district narrows delivery to its state only.
Included kinds combine as IQM's `isLocationWithOrFilter` says: a union (the default, as the estimator assumes)
or, when it is false, an intersection; excluded places are taken out of either.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from adplane.core.values import finite_number, object_list
from adplane.master import catalog, refdata

EARTH_RADIUS_MILES = 3958.8
WEIGHT_SCALE = 1000  # place weights are integers (people × this / ZIP codes) so draws and sums are exact
UNIT_MILES = {"mile": 1.0, "miles": 1.0, "mi": 1.0, "km": 0.621371, "kilometer": 0.621371,
              "kilometers": 0.621371, "m": 0.000621371, "meter": 0.000621371, "meters": 0.000621371}


@dataclass(frozen=True)
class Places:
    """Every place delivery can land on, sorted by state (in `us_states()` order)."""

    state_idx: np.ndarray  # index into us_states()
    city_idx: np.ndarray  # index into city_names / city_ids
    zip_idx: np.ndarray  # index into zip_codes, -1 for a city without ZIP codes
    county_ids: np.ndarray  # 0 when unknown
    dma_codes: np.ndarray  # Nielsen code (the events' dma_id)
    weight: np.ndarray  # int64
    cum: np.ndarray  # cumulative weight (int64)
    state_lo: np.ndarray  # first place of each state
    state_hi: np.ndarray  # one past its last
    city_ids: np.ndarray
    city_names: list[str]
    city_lat: np.ndarray  # radians
    city_lon: np.ndarray
    zip_codes: list[str]
    zip_ids: np.ndarray  # per place, 0 without

    def state_totals(self, weight: np.ndarray) -> np.ndarray:
        """Sum of `weight` (per place) in each state."""
        cum = np.concatenate(([0], np.cumsum(weight)))
        return cum[self.state_hi] - cum[self.state_lo]


@cache
def us_states() -> list[catalog.State]:
    return [s for s in catalog.STATES if s.country_id == catalog.COUNTRY_US]


@cache
def places() -> Places:
    states = us_states()
    state_pos = {s.id: i for i, s in enumerate(states)}
    cities = [c for c in refdata.geo("cities") if c.parent_id in state_pos and c.lat is not None and c.lon is not None]
    dma_code = {d.id: int(d.abbreviation) for d in refdata.geo("dmas") if d.abbreviation.isdigit()}
    zips_of: dict[int, list[refdata.Place]] = {}
    for place in refdata.geo("zips"):
        if place.city_id is not None:
            zips_of.setdefault(place.city_id, []).append(place)
    rows: list[tuple[int, int, int, int, int, int, int]] = []  # state, city, zip index, zip id, county, dma, weight
    zip_codes: list[str] = []
    for ci, city in enumerate(cities):
        state = state_pos[city.parent_id or 0]
        own = zips_of.get(city.id, [])
        if not own:
            rows.append((state, ci, -1, 0, 0, dma_code.get(city.dma_id or 0, 0), city.population * WEIGHT_SCALE))
            continue
        share = round(city.population * WEIGHT_SCALE / len(own))
        for place in own:
            rows.append((state, ci, len(zip_codes), place.id, place.county_id or 0,
                         dma_code.get(place.dma_id or 0, 0), share))
            zip_codes.append(place.name)
    table = np.array(sorted(rows, key=lambda r: (r[0], r[1], r[2])), dtype=np.int64)
    state_idx = table[:, 0]
    weight = table[:, 6]
    bounds = np.searchsorted(state_idx, np.arange(len(states) + 1))
    return Places(
        state_idx=state_idx, city_idx=table[:, 1], zip_idx=table[:, 2], county_ids=table[:, 4],
        dma_codes=table[:, 5], weight=weight, cum=np.cumsum(weight), state_lo=bounds[:-1], state_hi=bounds[1:],
        city_ids=np.array([c.id for c in cities], dtype=np.int64), city_names=[c.name for c in cities],
        city_lat=np.radians([c.lat or 0.0 for c in cities]), city_lon=np.radians([c.lon or 0.0 for c in cities]),
        zip_codes=zip_codes, zip_ids=table[:, 3],
    )


def draw(rng: np.random.Generator, cum: np.ndarray, state_idx: np.ndarray) -> np.ndarray:
    """A place in each row's state, drawn by weight (`cum`: cumulative weights over `places()`). Exact in
    integers: a place of weight 0 is never drawn, and the place is always in the state (whose total must be
    positive)."""
    p = places()
    lo, hi = p.state_lo[state_idx], p.state_hi[state_idx]
    base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0)
    total = cum[hi - 1] - base
    target = base + np.floor(rng.random(len(state_idx)) * total).astype(np.int64)
    return np.clip(np.searchsorted(cum, target, side="right"), lo, hi - 1)


# ------------------------------------------------------------------------------------------- targeting


@dataclass(frozen=True)
class Area:
    """A circle (centre, radius in miles) or a polygon (vertices as (lat, lon) degrees)."""

    lat: float = 0.0
    lon: float = 0.0
    miles: float = 0.0
    polygon: tuple[tuple[float, float], ...] = ()


@dataclass
class Geo:
    """One side (included or excluded) of a campaign's geography, as reference-data ids."""

    states: set[int] = field(default_factory=set)
    cities: set[int] = field(default_factory=set)
    zips: set[int] = field(default_factory=set)
    counties: set[int] = field(default_factory=set)
    dmas: set[int] = field(default_factory=set)
    district_states: set[int] = field(default_factory=set)
    areas: list[Area] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # kinds the campaign named, even if none of its ids is known

    def kinds(self) -> list[str]:
        return sorted(self.named)


@dataclass
class GeoTargeting:
    included: Geo = field(default_factory=Geo)
    excluded: Geo = field(default_factory=Geo)
    any_of: bool = True  # IQM's isLocationWithOrFilter

    @property
    def only_states(self) -> bool:
        """Nothing beyond included states: delivery weighs states by population, as before places existed."""
        return self.included.named <= {"states"} and not self.excluded.named


def _items(value: Any) -> list[str]:
    if value is None or isinstance(value, bool):
        return []
    items = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if str(item).strip()]


def _ids(value: Any, known: Any) -> set[int]:
    """Ids of `value` in the list `known` (unknown or malformed ids match nothing)."""
    out = set()
    for text in _items(value):
        if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) in known:
            out.add(int(text))
    return out


def _zip_ids(value: Any) -> set[int]:
    zips = refdata.geo("zips")
    out = set()
    for text in _items(value):
        item = refdata.zip_id(text) if len(text) == 5 else (int(text) if text.isdigit() and len(text) <= 10 else None)
        if item is not None and item in zips:
            out.add(item)
    return out


def _area(raw: Any) -> Area | None:
    if not isinstance(raw, dict):
        return None
    path = raw.get("polypath")
    if isinstance(path, str):
        try:
            path = json.loads(path)
        except ValueError:
            path = None
    if isinstance(path, list) and len(path) >= 3 and str(raw.get("type", "polygon")).lower() != "circle":
        vertices = []
        for point in path:
            if not isinstance(point, dict):
                return None
            lat = finite_number(point.get("lat", point.get("latitude")))
            lon = finite_number(point.get("lng", point.get("lon", point.get("longitude"))))
            if lat is None or lon is None:
                return None
            vertices.append((lat, lon))
        return Area(polygon=tuple(vertices))
    lat, lon, radius = (finite_number(raw.get(key)) for key in ("latitude", "longitude", "radius"))
    if lat is None or lon is None or radius is None or radius < 0 or not -90 <= lat <= 90:
        return None
    unit = UNIT_MILES.get(str(raw.get("unit") or "mile").strip().lower())
    return Area(lat=lat, lon=lon, miles=radius * unit) if unit is not None else None


def _areas(value: Any) -> list[Any]:
    return object_list(value) or []


def targeting_of(state_ids: list[int] | None, extra: dict[str, Any] | None) -> GeoTargeting:
    """A campaign's geography from its `state_ids` column and its IQM extras."""
    extra = extra or {}
    out = GeoTargeting(any_of=extra.get("isLocationWithOrFilter") is not False)
    inc, exc = out.included, out.excluded
    states = refdata.geo("states").by_id

    def add(geo: Geo, kind: str, ids: set[int], given: Any) -> None:
        if _items(given) or ids:
            getattr(geo, kind).update(ids)
            geo.named.add(kind)

    add(inc, "states", set(state_ids or []) & set(states), state_ids)
    add(inc, "states", _ids(extra.get("whiteListedStateIds"), states), extra.get("whiteListedStateIds"))
    add(exc, "states", _ids(extra.get("blackListedStateIds"), states), extra.get("blackListedStateIds"))
    for kind, list_name, inc_keys, exc_keys in (
        ("cities", "cities", ("whiteListedCityIds",), ("blackListedCityIds",)),
        ("counties", "counties", ("whiteListedCountyIds",), ("blackListedCountyIds",)),
        ("dmas", "dmas", ("dmaIds", "whiteListedDmaIds"), ("blackListedDmaIds",)),
    ):
        for geo, keys in ((inc, inc_keys), (exc, exc_keys)):
            for key in keys:
                add(geo, kind, _ids(extra.get(key), refdata.geo(list_name).by_id), extra.get(key))
    for geo, keys in ((inc, ("zipcodes", "whiteListedZipcodes")), (exc, ("blackListedZipcodes",))):
        for key in keys:
            add(geo, "zips", _zip_ids(extra.get(key)), extra.get(key))
    # a district narrows to its state (included only: excluding a district cannot exclude its whole state)
    for stem, list_name in (("CongressionalDistrictIds", "congressional_districts"),
                            ("SenateDistrictIds", "senate_districts"), ("HouseDistrictIds", "house_districts")):
        districts = refdata.geo(list_name).by_id
        for key in (stem[0].lower() + stem[1:], f"whiteListed{stem}"):
            found = {districts[i].parent_id for i in _ids(extra.get(key), districts)}
            add(inc, "district_states", {s for s in found if s is not None}, extra.get(key))
    for key, side in (("geoRadiusDetails", None), ("whiteListedGeoRadiusDetails", inc),
                      ("blackListedGeoRadiusDetails", exc)):
        for raw in _areas(extra.get(key)):
            area = _area(raw)
            target = side if side is not None else (exc if isinstance(raw, dict) and raw.get("isIncluded") is False
                                                    else inc)
            target.named.add("areas")
            if area is not None:
                target.areas.append(area)
    details = extra.get("locationDetails")
    for upload in (details.values() if isinstance(details, dict) else []):
        for raw in _areas(upload.get("validLocations") if isinstance(upload, dict) else None):
            area = _area(raw)
            target = exc if isinstance(raw, dict) and raw.get("isIncluded") is False else inc
            target.named.add("areas")
            if area is not None:
                target.areas.append(area)
    return out


def _cities_in(area: Area) -> np.ndarray:
    """Whether each city's centre lies in the area."""
    p = places()
    if area.polygon:
        lat, lon = np.degrees(p.city_lat), np.degrees(p.city_lon)
        inside = np.zeros(len(lat), dtype=bool)
        vertices = area.polygon
        for (lat1, lon1), (lat2, lon2) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
            crosses = (lat1 > lat) != (lat2 > lat)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            inside ^= crosses & (lon < at)
        return inside
    phi, lam = math.radians(area.lat), math.radians(area.lon)
    a = (np.sin((p.city_lat - phi) / 2) ** 2
         + np.cos(phi) * np.cos(p.city_lat) * np.sin((p.city_lon - lam) / 2) ** 2)
    miles = 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return miles <= area.miles


def _kind_masks(geo: Geo) -> list[np.ndarray]:
    """One mask over places per kind the side names."""
    p = places()
    state_ids = np.array([s.id for s in us_states()], dtype=np.int64)
    masks = []
    for kind in geo.kinds():
        if kind in ("states", "district_states"):
            mask = np.isin(state_ids[p.state_idx], list(getattr(geo, kind)))
        elif kind == "cities":
            mask = np.isin(p.city_ids[p.city_idx], list(geo.cities))
        elif kind == "zips":
            mask = np.isin(p.zip_ids, list(geo.zips))
        elif kind == "counties":
            mask = np.isin(p.county_ids, list(geo.counties))
        elif kind == "dmas":
            codes = {int(refdata.geo("dmas").by_id[i].abbreviation) for i in geo.dmas}
            mask = np.isin(p.dma_codes, list(codes))
        else:  # areas
            inside = np.zeros(len(p.city_ids), dtype=bool)
            for area in geo.areas:
                inside |= _cities_in(area)
            mask = inside[p.city_idx]
        masks.append(mask)
    return masks


def place_mask(targeting: GeoTargeting) -> np.ndarray:
    """Which places a campaign may deliver on."""
    n = len(places().weight)
    included = _kind_masks(targeting.included)
    if not included:
        mask = np.ones(n, dtype=bool)
    else:
        mask = np.logical_or.reduce(included) if targeting.any_of else np.logical_and.reduce(included)
    for excluded in _kind_masks(targeting.excluded):
        mask &= ~excluded
    return mask
