"""The rest of IQM's Master lists: device OS, manufacturers and carriers, languages, interests, ethnicities,
genders (v3), publisher ad categories (IAB 1.0), traffic types, creative sizes, inventory and RTB types, and
the creative call-to-action texts.

The large lists come from package data (`refdata.segment_list`, built by tools/build_refdata.py from public
datasets, ids that never change); the small ones are IQM's own enumerations as its specification lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import Field

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V2, V3, v2, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids, parse_ids_filter
from adplane.core.schemas import IdList, WireModel
from adplane.master import catalog, refdata, static_lists
from adplane.master import responses as r
from adplane.master.catalog import Segment
from adplane.master.lists import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, ListQuery, run_list
from adplane.master.refdata import Place
from adplane.master.schemas import MAX_SEGMENT_PAGE, SegmentQuery
from adplane.master.targeting import campaign_segment_ids

router = APIRouter(tags=["Master API"])

ETHNICITY_GROUPS = [Segment(10700001, "European"), Segment(10700002, "Hispanic"),
                    Segment(10700003, "African-American"), Segment(10700004, "Asian"),
                    Segment(10799998, "Other"), Segment(10799999, "Unknown")]

# IQM's creative sizes (its specification's lists; 320x30 keeps the id IQM's v3 example shows)
STANDARD_DIMENSIONS: list[Segment] = [
    Segment(i, size) for i, size in enumerate((
        "320x50", "300x250", "728x90", "250x250", "336x280", "300x50", "320x100", "300x600", "300x100", "240x133",
        "970x90", "160x600", "320x480", "970x250", "360x50", "480x320", "200x200", "300x31", "120x600", "234x60",
        "468x60", "300x1050", "320x568", "970x66"), start=1)
] + [Segment(131, "320x30")]
CREATIVE_DURATIONS = [Segment(i, name) for i, name in enumerate((
    "Below 15s", "Upto 15s", "Upto 30s", "Upto 45s", "Upto 60s", "Upto 90s", "Upto 120s", "Above 120s"), start=1)]
VIDEO_PLAYER_SIZES = [Segment(1, "Small"), Segment(3, "Large"), Segment(4, "HD")]

# Call-to-action texts of creatives; the defaults are the ones IQM's example marks so.
CTA_TEXTS: list[tuple[int, str, bool]] = [
    (1, "Learn More", True), (2, "Buy Now", False), (3, "Sign Up", False), (4, "Shop Now", False),
    (5, "Download", False), (6, "Install Now", False), (7, "Get Offer", False), (8, "Book Now", False),
    (9, "Contact Us", False), (10, "Subscribe", False), (11, "Watch More", False), (12, "Apply Now", False),
    (13, "Get Quote", False), (14, "Donate Now", False), (15, "Play Now", False), (16, "Order Now", False),
]


# --------------------------------------------------------------------------- v2 GET segment lists


@dataclass(frozen=True)
class V2List:
    segment: str  # the URL segment (and the campaign targeting key)
    items: Callable[[], Sequence[Place | Segment]]
    parent: bool = False  # rows carry `parentId`


def _segments(kind: str) -> Callable[[], Sequence[Place]]:
    return lambda: refdata.segment_list(kind).items


V2_LISTS = (
    V2List("device-os", _segments("device_os")),
    V2List("device-manufacturer", _segments("device_manufacturers")),
    V2List("device-carrier", _segments("device_carriers")),
    V2List("language", _segments("languages")),
    V2List("interest", _segments("interests"), parent=True),
    V2List("ethnicity", _segments("ethnicities"), parent=True),
    V2List("ethnicity-group", lambda: ETHNICITY_GROUPS),
)

SORTS: dict[str, Callable[[Any], Any]] = {"id": lambda s: s.id, "name": lambda s: s.name}
PageNo = Annotated[int | None, Query(alias="pageNo", ge=1, le=1_000_000)]
NoOfEntries = Annotated[int | None, Query(alias="noOfEntries", ge=1, le=MAX_PAGE_SIZE)]
SortBy = Annotated[str | None, Query(alias="sortBy", max_length=200)]
Order = Annotated[str | None, Query(max_length=10)]
Search = Annotated[str | None, Query(alias="searchField", max_length=255)]
IdsText = Annotated[str | None, Query(max_length=10_000)]
SegmentIdsText = Annotated[str | None, Query(alias="segmentIds", max_length=10_000)]
CampaignId = Annotated[int | None, Query(alias="campaignId", ge=1, le=2_147_483_647)]


def _row(item: Place | Segment, parent: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"id": item.id, "name": item.name}
    if parent and isinstance(item, Place) and item.parent_id is not None:
        row["parentId"] = item.parent_id
    return row


def _v2_route(spec: V2List) -> None:
    @router.get(f"/api/v2/master/segment/{spec.segment}", response_model=V2[r.ParentSegments],
                name=f"segment_{spec.segment.replace('-', '_')}_v2")
    def _endpoint(principal: PrincipalDep, session: SessionDep, page_no: PageNo = None,
                  no_of_entries: NoOfEntries = None, sort_by: SortBy = None, order: Order = None,
                  search_field: Search = None, segment_ids: SegmentIdsText = None, ids: IdsText = None,
                  campaign_id: CampaignId = None) -> dict:
        """`searchField` matches the id or the name; `campaignId` (of the caller's organization) narrows the
        list to what the campaign targets in it (kept with the campaign as IQM's fields)."""
        only = parse_ids_filter(segment_ids, "segmentIds")
        targeted = campaign_segment_ids(session, principal, campaign_id, spec.segment)
        if targeted is not None:
            only = targeted if only is None else [i for i in only if i in set(targeted)]
        result = run_list(spec.items(), ListQuery(search=search_field, only_ids=only, ids_first=parse_ids(ids, "ids"),
                                                  sort_by=sort_by, order=order, page_no=page_no,
                                                  no_of_entries=no_of_entries or DEFAULT_PAGE_SIZE),
                          id_of=lambda s: s.id, search_text=lambda s: s.name, sort_fields=SORTS, default_sort="id")
        return v2({"data": [_row(s, spec.parent) for s in result.items], "totalRecords": result.total_records,
                   "filteredRecords": result.filtered_records})


for _spec in V2_LISTS:
    _v2_route(_spec)


@router.get("/api/v2/master/segment/creativeSizes", response_model=V2[r.CreativeSizesV2])
def creative_sizes_v2(_: PrincipalDep) -> dict:
    return v2({"videoPlayerSizes": [_row(s, False) for s in VIDEO_PLAYER_SIZES],
               "standardDimensions": [s.name for s in STANDARD_DIMENSIONS],
               "creativeDurations": [_row(s, False) for s in CREATIVE_DURATIONS]})


@router.get("/api/v2/master/segment/inventoryTypes", response_model=V2[list[r.Segment]])
def inventory_types_v2(_: PrincipalDep) -> dict:
    return v2([_row(s, False) for s in static_lists.INVENTORY_TYPES])


@router.get("/api/v2/master/rtbTypes", response_model=V2[list[r.NamedSegment]])
def rtb_types_v2(_: PrincipalDep) -> dict:
    return v2([{"name": s.name, "id": s.id, "label": s.name} for s in static_lists.RTB_CREATIVE_TYPES])


# --------------------------------------------------------------------------- v3 lists


@router.get("/api/v3/master/creative-sizes", response_model=V3[r.CreativeSizes])
def creative_sizes_v3(_: PrincipalDep) -> dict:
    return v3({"standardDimensions": [_row(s, False) for s in STANDARD_DIMENSIONS],
               "creativeDurations": [_row(s, False) for s in CREATIVE_DURATIONS],
               "videoPlayerSizes": [_row(s, False) for s in VIDEO_PLAYER_SIZES]})


@router.get("/api/v3/master/traffic-types", response_model=V3[r.TrafficTypes])
def traffic_types_v3(_: PrincipalDep) -> dict:
    """The ids campaigns (`trafficType`), delivery and reports use; ordered by name as IQM answers."""
    rows = [{"name": t.name, "isTvAd": t.id in catalog.TV_TRAFFIC_TYPES, "id": t.id}
            for t in sorted(catalog.TRAFFIC_TYPES, key=lambda t: t.name)]
    return v3({"data": rows, "totalRecords": len(rows), "filteredRecords": len(rows)})


@router.post("/api/v3/master/segment/gender", response_model=V3[r.Segments])
def genders_v3(principal: PrincipalDep, session: SessionDep,
               body: Annotated[SegmentQuery | None, Body()] = None) -> dict:
    """IQM's gender ids; a campaign's `genderIds` (`campaignId`) and `ids` come first."""
    q = body or SegmentQuery()
    first = list(q.ids or []) + (campaign_segment_ids(session, principal, q.campaign_id, "gender") or [])
    query = ListQuery(search=q.search_field, only_ids=q.segment_ids or None, ids_first=first, sort_by=q.sort_by,
                      order=q.order, page_no=q.page_no, no_of_entries=q.no_of_entries or q.limit or 300)
    result = run_list(catalog.GENDERS, query, id_of=lambda s: s.id, search_text=lambda s: s.name, sort_fields=SORTS,
                      default_sort="-id")
    return v3({"data": [_row(s, False) for s in result.items], "totalRecords": result.total_records,
               "filteredRecords": result.filtered_records})


class AdCategoryQuery(WireModel):
    """IQM's body of `POST /api/v3/master/adcategories`: `pageNo` -1 returns every match on one page."""

    page_no: Annotated[int, Field(ge=-1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=MAX_SEGMENT_PAGE)] | None = None
    sort_by: str | None = Field(default=None, max_length=200)
    order: str | None = Field(default=None, max_length=10)
    search_field: str | None = Field(default=None, max_length=255)
    ids: IdList | None = None
    ad_category_ids: IdList | None = None
    parent_segment_ids: IdList | None = None
    campaign_id: Annotated[int, Field(ge=1, le=2_147_483_647)] | None = None


def _category_row(place: Place, by_id: dict[int, Place]) -> dict[str, Any]:
    parent = by_id.get(place.parent_id) if place.parent_id else None
    return {"id": place.id, "name": f"{place.name} ({place.abbreviation})", "parentId": place.parent_id,
            "iabCategoryId": place.abbreviation, "parentName": parent.name if parent else None}


@router.post("/api/v3/master/adcategories", response_model=V3[r.AdCategories])
def ad_categories(principal: PrincipalDep, session: SessionDep,
                  body: Annotated[AdCategoryQuery | None, Body()] = None) -> dict:
    """The IAB Content Taxonomy 1.0 (the ids campaigns take as `publisherAdCategory`). `searchField` matches
    the category, its IAB code or its parent category's name."""
    q = body or AdCategoryQuery()
    if q.page_no == 0:
        raise ValidationFailed("pageNo must be 1 or more (-1 for every record).", field="pageNo")
    ref = refdata.segment_list("ad_categories")
    items = ref.items
    if q.parent_segment_ids:
        items = ref.in_parents(q.parent_segment_ids)
    first = list(q.ids or []) + (campaign_segment_ids(session, principal, q.campaign_id, "adcategories") or [])
    everything = q.page_no == -1
    query = ListQuery(search=q.search_field, only_ids=q.ad_category_ids or None, ids_first=first,
                      sort_by=q.sort_by, order=q.order, page_no=None if everything else q.page_no,
                      no_of_entries=None if everything else (q.no_of_entries or 300))

    def text(p: Place) -> str:
        parent = ref.get(p.parent_id) if p.parent_id else None
        return f"{p.name} {p.abbreviation} {parent.name if parent else ''}"

    result = run_list(items, query, id_of=lambda p: p.id, search_text=text,
                      sort_fields={**SORTS, "parentId": lambda p: p.parent_id or 0}, default_sort="-id",
                      paged=not everything)
    return v3({"data": [_category_row(p, ref.by_id) for p in result.items], "totalRecords": result.total_records,
               "filteredRecords": result.filtered_records})


@router.get("/api/v3/crt/master/cta/list", response_model=V3[r.CtaList])
def cta_list(_: PrincipalDep, show_only_default: Annotated[bool, Query(alias="showOnlyDefault")] = False,
             search_field: Search = None) -> dict:
    rows = [{"id": i, "ctaText": text, "defaultCta": default} for i, text, default in CTA_TEXTS
            if (default or not show_only_default)
            and (not search_field or search_field.strip().casefold() in text.casefold())]
    return v3({"ctaDetailsList": rows, "totalRecords": len(CTA_TEXTS), "filteredRecords": len(rows)})
