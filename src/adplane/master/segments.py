"""Geography lists on IQM's wire: v3 `POST /api/v3/master/segment/{list}` (JSON filter body),
v2 `GET /api/v2/master/segment/{list}` (query string) and the location-type lists.

The rows come from `adplane.master.refdata` (package data, stable ids); filtering, "ids first",
sorting and paging are `adplane.master.lists.run_list`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V2, V3, v2, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids, parse_ids_filter
from adplane.master import refdata
from adplane.master import responses as r
from adplane.master.lists import ListQuery, ListResult, run_list
from adplane.master.refdata import Place
from adplane.master.schemas import MAX_SEGMENT_PAGE, SegmentQuery
from adplane.master.targeting import campaign_segment_ids

router = APIRouter(tags=["Master API"])

V3_DEFAULT_PAGE = 300  # IQM's guide: noOfEntries defaults to 300, sortBy to -id
V3_DEFAULT_SORT = "-id"


@dataclass(frozen=True)
class GeoList:
    path: str  # the URL segment
    kind: str  # refdata list
    location_type: int  # IQM's location type id (0: none)
    label: str
    abbreviation: bool  # rows carry `abbreviation`
    parent: bool  # rows carry `parentId`


GEO_LISTS: dict[str, GeoList] = {
    g.path: g
    for g in (
        GeoList("country", "countries", 301, "Country", True, False),
        GeoList("state", "states", 302, "State", True, True),
        GeoList("county", "counties", 303, "County", False, True),
        GeoList("city", "cities", 304, "City", False, True),
        GeoList("zip", "zips", 305, "Zip", False, True),
        GeoList("congressional-district", "congressional_districts", 306, "Congressional District", True, True),
        GeoList("senate-district", "senate_districts", 307, "State Senate", True, True),
        GeoList("house-district", "house_districts", 308, "State House", True, True),
        GeoList("dma", "dmas", 309, "DMA", True, True),
    )
}
# IQM's order of the location-type list
LOCATION_TYPE_ORDER = ["state", "city", "dma", "county", "congressional-district", "senate-district",
                       "house-district", "zip"]


def geo_row(geo: GeoList, place: Place) -> dict[str, Any]:
    row: dict[str, Any] = {"id": place.id, "name": place.name}
    if geo.abbreviation:
        row["abbreviation"] = place.abbreviation
    if geo.parent:
        row["parentId"] = place.parent_id
    return row


def _search_text(place: Place) -> str:
    return f"{place.name} {place.abbreviation}"


SORT_FIELDS = {
    "id": lambda p: p.id,
    "name": lambda p: p.name,
    "abbreviation": lambda p: p.abbreviation,
    "parentId": lambda p: p.parent_id or 0,
}


def _select(places: list[Place], query: ListQuery, default_sort: str, paged: bool = True) -> ListResult[Place]:
    return run_list(places, query, id_of=lambda p: p.id, search_text=_search_text, sort_fields=SORT_FIELDS,
                    default_sort=default_sort, paged=paged)


def _intersect(a: list[int] | None, b: list[int] | None) -> list[int] | None:
    if a is None:
        return b
    if b is None:
        return a
    keep = set(b)
    return [i for i in a if i in keep]


# --------------------------------------------------------------------------- v3 POST lists


def _v3_endpoint(geo: GeoList) -> None:
    @router.post(f"/api/v3/master/segment/{geo.path}", response_model=V3[r.GeoSegments],
                 name=f"segment_{geo.kind}_v3")
    def _endpoint(
        principal: PrincipalDep,
        session: SessionDep,
        body: Annotated[SegmentQuery | None, Body()] = None,
    ) -> dict:
        q = body or SegmentQuery()
        ref = refdata.geo(geo.kind)
        only = q.segment_ids or None
        if geo.path == "zip":
            only = _intersect(only, q.zip_ids or None)
            if q.zip_codes:
                only = _intersect(only, [i for c in q.zip_codes if (i := refdata.zip_id(c)) is not None])
        first = list(q.ids or [])
        targeted = campaign_segment_ids(session, principal, q.campaign_id, geo.path)
        first += targeted or []
        result = _select(
            ref.in_parents(q.parent_segment_ids or None),
            ListQuery(search=q.search_field, only_ids=only, ids_first=first, sort_by=q.sort_by, order=q.order,
                      page_no=q.page_no, no_of_entries=q.no_of_entries or q.limit or V3_DEFAULT_PAGE),
            V3_DEFAULT_SORT,
        )
        rows = [geo_row(geo, p) for p in result.items]
        return v3({"data": rows, "totalRecords": result.total_records, "filteredRecords": result.filtered_records})


for _geo in GEO_LISTS.values():
    _v3_endpoint(_geo)


# --------------------------------------------------------------------------- v2 GET lists below a state

PageNo = Annotated[int | None, Query(alias="pageNo", ge=1, le=1_000_000)]
NoOfEntries = Annotated[int | None, Query(alias="noOfEntries", ge=1, le=MAX_SEGMENT_PAGE)]
IdsText = Annotated[str | None, Query(max_length=60_000)]


def _v2_endpoint(geo: GeoList) -> None:
    @router.get(f"/api/v2/master/segment/{geo.path}", response_model=V2[r.StateSegments],
                name=f"segment_{geo.kind}_v2")
    def _endpoint(
        principal: PrincipalDep,
        session: SessionDep,
        page_no: PageNo = None,
        no_of_entries: NoOfEntries = None,
        sort_by: Annotated[str | None, Query(alias="sortBy", max_length=200)] = None,
        order: Annotated[str | None, Query(max_length=10)] = None,
        search_field: Annotated[str | None, Query(alias="searchField", max_length=255)] = None,
        state_ids: Annotated[str | None, Query(alias="stateIds", max_length=60_000)] = None,
        segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=60_000)] = None,
        ids: IdsText = None,
        campaign_id: Annotated[int | None, Query(alias="campaignId", ge=1, le=2_147_483_647)] = None,
    ) -> dict:
        """Like the older v2 lists, `campaignId` narrows the list to what the campaign targets."""
        ref = refdata.geo(geo.kind)
        only = _intersect(parse_ids_filter(segment_ids, "segmentIds"),
                          campaign_segment_ids(session, principal, campaign_id, geo.path))
        result = _select(
            ref.in_parents(parse_ids_filter(state_ids, "stateIds")),
            ListQuery(search=search_field, only_ids=only, ids_first=parse_ids(ids, "ids"),
                      sort_by=sort_by, order=order, page_no=page_no, no_of_entries=no_of_entries),
            "id",
        )
        rows = [{"id": p.id, "name": p.name, "stateId": p.parent_id} for p in result.items]
        return v2({"data": rows, "totalRecords": result.total_records, "filteredRecords": result.filtered_records})


for _path in ("zip", "city", "county", "congressional-district", "senate-district", "house-district"):
    _v2_endpoint(GEO_LISTS[_path])


# --------------------------------------------------------------------------- location types


@router.get("/api/v3/master/segment/locationtype", response_model=V3[list[r.LocationType]])
def location_types(
    _: PrincipalDep,
    is_zip_required: Annotated[bool, Query(alias="isZipRequired")] = True,
) -> dict:
    paths = [p for p in LOCATION_TYPE_ORDER if is_zip_required or p != "zip"]
    return v3([{"id": GEO_LISTS[p].location_type, "name": GEO_LISTS[p].label, "order": i}
               for i, p in enumerate(paths, start=1)])


DETAILS_PER_TYPE = 300


@router.get("/api/v3/master/segment/locationtype-details", response_model=V3[dict[str, list[r.GeoSegment]]])
def location_type_details(
    _: PrincipalDep,
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255)] = None,
    location_type_ids: Annotated[str | None, Query(alias="locationTypeIds", max_length=1000)] = None,
    country_ids: Annotated[str | None, Query(alias="countryIds", max_length=1000)] = None,
) -> dict:
    """Locations of each asked type matching `searchField`, keyed by location type id (at most 300 a type,
    by name). Every listed location is in the United States, so another `countryIds` finds nothing."""
    wanted = parse_ids_filter(location_type_ids, "locationTypeIds")
    countries = parse_ids_filter(country_ids, "countryIds")
    by_type = {g.location_type: g for g in GEO_LISTS.values() if g.path != "country"}
    if wanted is not None:
        unknown = [i for i in wanted if i not in by_type]
        if unknown:
            raise ValidationFailed(f"Invalid location type id(s): {', '.join(map(str, unknown))}.",
                                   field="locationTypeIds")
    out: dict[str, list[dict[str, Any]]] = {}
    for type_id in wanted or [by_type[GEO_LISTS[p].location_type].location_type for p in LOCATION_TYPE_ORDER]:
        geo = by_type[type_id]
        places = refdata.geo(geo.kind).items
        if countries is not None and refdata.COUNTRY_US not in countries:
            places = []
        result = _select(places, ListQuery(search=search_field, no_of_entries=DETAILS_PER_TYPE), "name")
        out[str(type_id)] = [geo_row(geo, p) for p in result.items]
    return v3(out)
