"""IQM's first-generation Master lists (`GET /api/adcategories`, `/api/dma_codes`, `/api/device_os`, ...).

IQM still publishes them and older integrations still call them: they answer a bare JSON array (no
envelope) with snake_case fields. The rows come from the same reference data as the v2/v3 lists; the
ids are the ones adplane's campaigns take (the legacy 11-99 OS and 11-15 device-type ids, IQM's IAB
category ids, the reference data's own carrier, manufacturer and state ids), so a v1 client can feed what it
reads here straight into a campaign.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Path

from adplane.auth.deps import PrincipalDep
from adplane.core.errors import NotFound
from adplane.master import catalog, refdata
from adplane.master import responses as r
from adplane.master.static_lists import CONNECTION_TYPES

router = APIRouter(tags=["Master API"])

# IQM's v1 lists number the United States 246 (its published examples); adplane's country list numbers
# it 30100001. Both are accepted where a v1 path takes a country.
LEGACY_US_COUNTRY_ID = 246
COUNTY_BASE = 30300000
DMA_SOURCE = "nielsen"  # the codes are Nielsen's (docs/reference-data.md)

CountryIdPath = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _named(items: list[catalog.Segment]) -> list[dict[str, Any]]:
    return [{"name": item.name, "id": item.id} for item in sorted(items, key=lambda s: s.name.lower())]


@cache
def _state_fips() -> dict[int, str]:
    """State id → its 2-digit FIPS code, read off the county ids (30300000 + the county's 5-digit FIPS)."""
    codes: dict[int, str] = {}
    for county in refdata.geo("counties"):
        if county.parent_id is not None:
            codes.setdefault(county.parent_id, f"{county.id - COUNTY_BASE:05d}"[:2])
    return codes


def _country(country_id: int) -> int:
    """adplane's id of the country a v1 path names (404 naming `country_id` when there is none)."""
    if country_id == LEGACY_US_COUNTRY_ID:
        return refdata.COUNTRY_US
    if country_id not in catalog.COUNTRIES_BY_ID:
        raise NotFound(f"No country with id {country_id}.", field="country_id")
    return country_id


@router.get("/api/adcategories", response_model=list[r.LegacyAdCategory])
def ad_categories_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    """The IAB Content Taxonomy 1.0 (IQM's ids: IAB1 = 11, IAB1-1 = 12); `group` is the tier-1 category."""
    ref = refdata.segment_list("ad_categories")
    rows = []
    for place in ref:
        parent = ref.get(place.parent_id) if place.parent_id else None
        rows.append({"id": place.id, "name": f"{place.name} ({place.abbreviation})",
                     "group": parent.name if parent else place.name, "iab_id": place.abbreviation,
                     "parent_id": place.parent_id or 0})
    return rows


@router.get("/api/dma_codes", response_model=list[r.LegacyDma])
def dma_codes_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    """Nielsen's 210 DMAs in code order, numbered 1… as IQM's v1 list (its id 1 is code 500 too)."""
    dmas = sorted(refdata.geo("dmas"), key=lambda p: int(p.abbreviation))
    return [{"id": n, "dma_code": p.abbreviation, "dma_region": p.name, "dma_source": DMA_SOURCE}
            for n, p in enumerate(dmas, start=1)]


@router.get("/api/device_os", response_model=list[r.LegacyNamed])
def device_os_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    """The operating systems with the legacy ids campaigns' `os` field takes (11 Android, 12 iOS, …)."""
    return _named(catalog.OPERATING_SYSTEMS)


@router.get("/api/device_types", response_model=list[r.LegacyNamed])
def device_types_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    """Device types with the ids campaigns store (11-15; the v3 list gives IQM's 203xxxxx ids for the same)."""
    return _named(catalog.DEVICE_TYPES)


@router.get("/api/source_traffic_types", response_model=list[r.LegacyNamed])
def source_traffic_types_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    return _named(catalog.TRAFFIC_TYPES)


@router.get("/api/network_types", response_model=list[r.LegacyNamed])
def network_types_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    """The connection types (the v2/v3 `connection-type` list: one list, one set of ids)."""
    return _named(CONNECTION_TYPES)


@router.get("/api/manufacturers", response_model=list[r.LegacyNamed])
def manufacturers_v1(_: PrincipalDep) -> list[dict[str, Any]]:
    return [{"name": p.name, "id": p.id} for p in refdata.segment_list("device_manufacturers")]


@router.get("/api/countries/{country_id}/states", response_model=list[r.LegacyState])
def states_by_country_v1(_: PrincipalDep, country_id: CountryIdPath) -> list[dict[str, Any]]:
    """A country's states (only the United States has them); `tblm_iqm_segment_id` is the v3 state id."""
    country = _country(country_id)
    fips = _state_fips()
    return [{"name": s.name, "id": s.id, "country_id": country_id, "abbreviation": s.abbreviation,
             "is_active": 1, "is_territory": 0, "state_code": fips.get(s.id, ""), "tblm_iqm_segment_id": s.id}
            for s in sorted(refdata.geo("states").in_parents([country]), key=lambda s: s.name)]


@router.get("/api/countries/{country_id}/carriers", response_model=list[r.LegacyCarrier])
def carriers_by_country_v1(_: PrincipalDep, country_id: CountryIdPath) -> list[dict[str, Any]]:
    """A country's mobile carriers: the US networks of the ITU list (other countries have none here)."""
    country = _country(country_id)
    if country != refdata.COUNTRY_US:
        return []
    return [{"id": p.id, "name": p.name, "country_id": country_id} for p in refdata.segment_list("device_carriers")]
