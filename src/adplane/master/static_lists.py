"""IQM's own small enumerations on the Master API: device types (IQM's 203xxxxx ids), connection
types, income ranges, channels, video parameters, inventory and RTB creative types.

These are IQM's ids and names (its specification's examples list them whole); the device-type ids
map to the 11-15 ids campaigns stored before (`catalog.DEVICE_TYPE_IQM_IDS`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V2, V3, v2, v3
from adplane.core.listing import parse_ids, parse_ids_filter
from adplane.master import catalog
from adplane.master import responses as r
from adplane.master.catalog import Segment
from adplane.master.lists import ListQuery, run_list
from adplane.master.schemas import MAX_SEGMENT_PAGE, SegmentQuery
from adplane.master.targeting import campaign_segment_ids

router = APIRouter(tags=["Master API"])

DEVICE_TYPES_IQM = [Segment(iqm, catalog.DEVICE_TYPES_BY_ID[legacy].name)
                    for legacy, iqm in sorted(catalog.DEVICE_TYPE_IQM_IDS.items(), key=lambda kv: kv[1])]
CONNECTION_TYPES = [Segment(20500001, "Wifi"), Segment(20500002, "Broadband"), Segment(20500003, "Cellular"),
                    Segment(20599999, "Unknown")]
INCOME_RANGES = [Segment(10300001, "Less than $25000"), Segment(10300002, "$25001 - $50000"),
                 Segment(10300003, "$50001 - $75000"), Segment(10300004, "$75001 - $100000"),
                 Segment(10300005, "$100001 - $150000"), Segment(10300006, "More than $150000"),
                 Segment(10399999, "Unknown")]
CHANNELS = [Segment(21100001, "App"), Segment(21100002, "OTT App"), Segment(21100003, "Web"),
            Segment(21199999, "Unknown")]
VIDEO_LISTS: dict[str, list[Segment]] = {
    "placement-type": [Segment(20600001, "In-Stream"), Segment(20600002, "Out-Stream"), Segment(20699999, "Unknown")],
    "roll-position": [Segment(20700001, "Pre-Roll"), Segment(20700002, "Mid-Roll"), Segment(20700003, "Post-Roll"),
                      Segment(20799999, "Unknown")],
    "player-size": [Segment(20800001, "Medium & Big"), Segment(20800002, "Small"), Segment(20899999, "Unknown")],
    "skippability": [Segment(20900001, "Skippable"), Segment(20900002, "Non-Skippable"),
                     Segment(20999999, "Unknown")],
    "playback-method": [Segment(21000001, "Sound On"), Segment(21000002, "Mute"), Segment(21099999, "Unknown")],
}
INVENTORY_TYPES = [Segment(1, "Site"), Segment(2, "Android App"), Segment(3, "IOS App"), Segment(99, "Other App")]
RTB_CREATIVE_TYPES = [Segment(1, "Banner"), Segment(2, "Audio"), Segment(3, "Video"), Segment(4, "Native")]

SORTS = {"id": lambda s: s.id, "name": lambda s: s.name}


def _page(items: list[Segment], query: ListQuery, default_sort: str = "id") -> dict:
    result = run_list(items, query, id_of=lambda s: s.id, search_text=lambda s: s.name, sort_fields=SORTS,
                      default_sort=default_sort)
    return {"data": [{"id": s.id, "name": s.name} for s in result.items],
            "totalRecords": result.total_records, "filteredRecords": result.filtered_records}


# --------------------------------------------------------------------------- v3 GET lists (pageNo/limit)

PageNo = Annotated[int | None, Query(alias="pageNo", ge=1, le=1_000_000)]
Limit = Annotated[int | None, Query(ge=1, le=MAX_SEGMENT_PAGE)]
SortBy = Annotated[str | None, Query(alias="sortBy", max_length=200)]
Search = Annotated[str | None, Query(alias="searchField", max_length=255)]
IdsText = Annotated[str | None, Query(max_length=10_000)]


def _v3_get(path: str, items: list[Segment]) -> None:
    @router.get(path, response_model=V3[r.Segments], name=f"static_{path.rsplit('/', 1)[-1]}")
    def _endpoint(_: PrincipalDep, page_no: PageNo = None, limit: Limit = None, sort_by: SortBy = None,
                  search_field: Search = None, ids: IdsText = None,
                  segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=10_000)] = None) -> dict:
        query = ListQuery(search=search_field, only_ids=parse_ids_filter(segment_ids, "segmentIds"),
                          ids_first=parse_ids(ids, "ids"), sort_by=sort_by, page_no=page_no,
                          no_of_entries=limit or MAX_SEGMENT_PAGE)
        return v3(_page(items, query))


for _name, _items in VIDEO_LISTS.items():
    _v3_get(f"/api/v3/master/creative/video/{_name}", _items)
_v3_get("/api/v3/master/segment/channel", CHANNELS)
_v3_get("/api/v3/master/inventory-types", INVENTORY_TYPES)
_v3_get("/api/v3/master/rtb-creative-types", RTB_CREATIVE_TYPES)


# --------------------------------------------------------------------------- device types on IQM's ids


@router.post("/api/v3/master/segment/device-type", response_model=V3[r.Segments])
def device_types_v3(principal: PrincipalDep, session: SessionDep,
                    body: Annotated[SegmentQuery | None, Body()] = None) -> dict:
    """IQM's device-type ids (20300001 Mobile ...); a campaign's targeting (`campaignId`) comes first."""
    q = body or SegmentQuery()
    targeted = campaign_segment_ids(session, principal, q.campaign_id, "device-type") or []
    first = list(q.ids or []) + [catalog.iqm_device_type_id(i) for i in targeted]
    query = ListQuery(search=q.search_field, only_ids=q.segment_ids or None, ids_first=first, sort_by=q.sort_by,
                      order=q.order, page_no=q.page_no, no_of_entries=q.no_of_entries or q.limit or 300)
    return v3(_page(DEVICE_TYPES_IQM, query, "-id"))


# --------------------------------------------------------------------------- v2 GET segments


def _v2_get(segment: str, items: list[Segment]) -> None:
    @router.get(f"/api/v2/master/segment/{segment}", response_model=V2[r.Segments], name=f"static_{segment}_v2")
    def _endpoint(principal: PrincipalDep, session: SessionDep, page_no: PageNo = None,
                  no_of_entries: Annotated[int | None, Query(alias="noOfEntries", ge=1, le=MAX_SEGMENT_PAGE)] = None,
                  sort_by: SortBy = None, order: Annotated[str | None, Query(max_length=10)] = None,
                  search_field: Search = None, ids: IdsText = None,
                  segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=10_000)] = None,
                  campaign_id: Annotated[int | None, Query(alias="campaignId", ge=1, le=2_147_483_647)] = None,
                  ) -> dict:
        """A campaign cannot target these lists: with `campaignId` (of the caller's organization) they are empty."""
        only = parse_ids_filter(segment_ids, "segmentIds")
        if campaign_id is not None:
            only = campaign_segment_ids(session, principal, campaign_id, segment)
        query = ListQuery(search=search_field, only_ids=only, ids_first=parse_ids(ids, "ids"), sort_by=sort_by,
                          order=order,
                          page_no=page_no, no_of_entries=no_of_entries)
        return v2(_page(items, query))


_v2_get("connection-type", CONNECTION_TYPES)
_v2_get("income", INCOME_RANGES)
