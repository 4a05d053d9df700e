"""Reference lists loaded from the package's data files (src/adplane/master/data/*.csv.gz).

The files are built by tools/build_refdata.py from public datasets (ISO 3166, Census FIPS, GeoNames,
the USPS ZIP list, Nielsen DMA codes, the apportionment); docs/reference-data.md names the sources.
Every id is written in the file, derived from a real code where one exists (ZIP, FIPS, DMA code), so
ids are the same in every process and after every restart, and a rebuild keeps them.

The lists are read-only, identical for every organization and versioned with the code: they are
read once per process on first use and kept in memory (the largest, ZIP codes, is ~41k rows).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

COUNTRY_US = 30100001


@dataclass(frozen=True, slots=True)
class Place:
    """One row of a geography list. `parent_id` is the state (the country for states)."""

    id: int
    name: str
    abbreviation: str = ""
    parent_id: int | None = None
    city_id: int | None = None
    county_id: int | None = None
    dma_id: int | None = None
    population: int = 0
    lat: float | None = None
    lon: float | None = None


class RefList:
    """A list's rows in id order, with lookups by id and by abbreviation/name."""

    def __init__(self, kind: str, items: list[Place]) -> None:
        self.kind = kind
        self.items = sorted(items, key=lambda p: p.id)
        self.by_id: dict[int, Place] = {p.id: p for p in self.items}

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Place]:
        return iter(self.items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.by_id

    def get(self, item_id: int) -> Place | None:
        return self.by_id.get(item_id)

    def in_parents(self, parent_ids: list[int] | None) -> list[Place]:
        if not parent_ids:
            return self.items
        wanted = set(parent_ids)
        return [p for p in self.items if p.parent_id in wanted]


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _float(value: str | None) -> float | None:
    return float(value) if value else None


def _rows(name: str) -> Iterator[dict[str, str]]:
    data = resources.files("adplane.master").joinpath("data", f"{name}.csv.gz")
    with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@cache
def geo(kind: str) -> RefList:
    """The list of `kind`: countries, states, counties, cities, zips, dmas, congressional_districts,
    senate_districts or house_districts (KeyError for anything else: a programming error)."""
    if kind not in GEO_KINDS:
        raise KeyError(kind)
    return _load(kind)


@cache
def segment_list(kind: str) -> RefList:
    """A non-geographic list: device_os, device_manufacturers, device_carriers, languages, ethnicities,
    interests or ad_categories (`abbreviation` holds the ISO or IAB code, `parent_id` the group/parent)."""
    if kind not in SEGMENT_KINDS:
        raise KeyError(kind)
    return _load(kind)


def _load(kind: str) -> RefList:
    items = [
        Place(
            id=int(row["id"]),
            name=row["name"],
            abbreviation=row.get("abbreviation") or "",
            parent_id=_int(row.get("parent_id")),
            city_id=_int(row.get("city_id")),
            county_id=_int(row.get("county_id")),
            dma_id=_int(row.get("dma_id")),
            population=int(row.get("population") or 0),
            lat=_float(row.get("lat")),
            lon=_float(row.get("lon")),
        )
        for row in _rows(kind)
    ]
    return RefList(kind, items)


GEO_KINDS = (
    "countries", "states", "counties", "cities", "zips", "dmas",
    "congressional_districts", "senate_districts", "house_districts",
)

SEGMENT_KINDS = (
    "device_os", "device_manufacturers", "device_carriers", "languages", "ethnicities", "interests", "ad_categories",
)

ZIP_BASE = 30500000


def zip_id(code: str) -> int | None:
    """The id of a 5-digit ZIP code string (30500000 + the code), None when it is not one we list."""
    code = code.strip()
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        return None
    item_id = ZIP_BASE + int(code)
    return item_id if item_id in geo("zips") else None
