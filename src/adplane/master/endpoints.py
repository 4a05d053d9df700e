"""HTTP endpoints of the master domain: the static lists, in the shapes IQM's API answers them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query

from adplane.auth.deps import PrincipalDep
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V2, V3, v2, v3
from adplane.core.listing import parse_ids, parse_ids_filter
from adplane.core.routing import add_router
from adplane.master import catalog, legacy_endpoints, segment_lists, segments, static_lists
from adplane.master import responses as r
from adplane.master.lists import MAX_PAGE_SIZE, ListQuery, run_list
from adplane.master.targeting import campaign_segment_ids

router = APIRouter(tags=["Master API"])

T = TypeVar("T")

PageNo = Annotated[int | None, Query(alias="pageNo", ge=1, le=1_000_000)]
NoOfEntries = Annotated[int | None, Query(alias="noOfEntries", ge=1, le=MAX_PAGE_SIZE)]
SortBy = Annotated[str | None, Query(alias="sortBy", max_length=200)]
Order = Annotated[str | None, Query(max_length=10)]
SearchField = Annotated[str | None, Query(alias="searchField", max_length=255)]
IdsParam = Annotated[str | None, Query(max_length=10_000)]
SegmentIdsParam = Annotated[str | None, Query(alias="segmentIds", max_length=10_000)]
CountryIdsParam = Annotated[str | None, Query(alias="countryIds", max_length=10_000)]
CampaignIdParam = Annotated[int | None, Query(alias="campaignId", ge=1, le=2_147_483_647)]


# --------------------------------------------------------------------------- timezones


def _timezone_row(tz: catalog.Timezone) -> dict[str, Any]:
    return {"name": tz.name, "id": tz.id, "label": tz.label, "offset": tz.offset}


def _timezones(search: str | None) -> list[catalog.Timezone]:
    result = run_list(
        catalog.TIMEZONES,
        ListQuery(search=search),
        id_of=lambda tz: tz.id,
        search_text=lambda tz: f"{tz.name} {tz.label}",
        sort_fields={"name": lambda tz: tz.name},
        default_sort="name",
        paged=False,
    )
    return result.items


@router.get("/api/v3/master/timezones", response_model=V3[r.Timezones])
async def timezones_v3(_: PrincipalDep, search_field: SearchField = None) -> dict:
    rows = [_timezone_row(tz) for tz in _timezones(search_field)]
    return v3({"data": rows, "totalRecords": len(catalog.TIMEZONES), "filteredRecords": len(rows)})


@router.get("/api/v2/adv/static/timezones", response_model=V2[list[r.Timezone]])
async def timezones_v2(_: PrincipalDep, search_field: SearchField = None) -> dict:
    return v2([_timezone_row(tz) for tz in _timezones(search_field)])


# --------------------------------------------------------------------------- campaign-management lists


def _named_rows(items: Sequence[catalog.NamedItem], only_id: int | None = None) -> list[dict[str, Any]]:
    return [
        {"name": item.name, "id": item.id, "label": item.label, "order": item.order}
        for item in sorted(items, key=lambda i: i.order)
        if not only_id or item.id == only_id
    ]


@router.get("/api/v3/cmp/static/campaign/budget-type", response_model=V3[r.BudgetTypes])
async def budget_types(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.BUDGET_TYPES)
    return v3({"totalRecords": len(catalog.BUDGET_TYPES), "filteredRecords": len(rows), "budgetTypeData": rows})


@router.get("/api/v3/cmp/static/io/status/list", response_model=V3[r.IoStatuses])
async def io_statuses(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.IO_STATUSES)
    return v3({"ioStatusList": rows, "totalRecords": len(catalog.IO_STATUSES), "filteredRecords": len(rows)})


@router.get("/api/v3/cmp/static/budget-distribution-method/list",
            response_model=V3[r.BudgetDistributionMethods])
async def budget_distribution_methods(
    _: PrincipalDep,
    budget_distribution_method: Annotated[int, Query(alias="budgetDistributionMethod", ge=0, le=1000)] = 0,
) -> dict:
    """`budgetDistributionMethod` (non-zero) narrows the list to that id: empty when it does not exist."""
    rows = _named_rows(catalog.BUDGET_DISTRIBUTION_METHODS, budget_distribution_method)
    return v3(
        {
            "budgetDistributionMethodData": rows,
            "totalRecords": len(catalog.BUDGET_DISTRIBUTION_METHODS),
            "filteredRecords": len(rows),
        }
    )


@router.get("/api/v3/cmp/static/campaign/type", response_model=V3[r.CampaignTypes])
async def campaign_types(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.CAMPAIGN_TYPES)
    return v3({"campaignTypeData": rows, "totalRecords": len(catalog.CAMPAIGN_TYPES), "filteredRecords": len(rows)})


# --------------------------------------------------------------------------- creative lists


@router.get("/api/v3/crt/master/static/creative-types", response_model=V3[r.CreativeTypes])
async def creative_types(
    _: PrincipalDep,
    display_all_type: Annotated[bool, Query(alias="displayAllType")] = False,
    search_field: SearchField = None,
    creative_type_ids: Annotated[str | None, Query(alias="creativeTypeIds", max_length=1000)] = None,
) -> dict:
    wanted = parse_ids_filter(creative_type_ids, "creativeTypeIds")
    result = run_list(
        catalog.CREATIVE_TYPES,
        ListQuery(search=search_field, only_ids=wanted),
        id_of=lambda t: t.id,
        search_text=lambda t: f"{t.name} {t.display_name}",
        sort_fields={"order": lambda t: t.order, "id": lambda t: t.id},
        default_sort="order,id",
        paged=False,
    )
    items = ([catalog.CREATIVE_TYPE_ALL] if display_all_type else []) + result.items
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "order": t.order,
            "displayName": t.display_name,
            "rtbCreativeTypeId": t.rtb_creative_type_id or None,
        }
        for t in items
    ]
    return v3({"totalRecords": len(catalog.CREATIVE_TYPES), "creativeTypeList": rows, "filteredRecords": len(rows)})


@router.get("/api/v3/crt/master/static/creative-status", response_model=V3[r.CreativeStatuses])
async def creative_statuses(
    _: PrincipalDep,
    display_all_status_option: Annotated[bool, Query(alias="displayAllStatusOption")] = False,
) -> dict:
    items = ([catalog.CREATIVE_STATUS_ALL] if display_all_status_option else []) + sorted(
        catalog.CREATIVE_STATUSES, key=lambda s: s.order
    )
    rows = [{"id": s.id, "name": s.name, "order": s.order, "displayName": s.display_name} for s in items]
    total = len(catalog.CREATIVE_STATUSES)
    return v3({"creativeStatusList": rows, "totalRecords": total, "filteredRecords": len(rows)})


# --------------------------------------------------------------------------- exchanges


@router.get("/api/v3/master/exchanges", response_model=V3[r.Exchanges])
async def exchanges(
    _: PrincipalDep,
    exchange_ids: Annotated[str | None, Query(alias="exchangeIds", max_length=10_000)] = None,
    ids: IdsParam = None,
    page_no: PageNo = None,
    no_of_entries: NoOfEntries = None,
    sort_by: SortBy = None,
    order: Order = None,
    search_field: SearchField = None,
) -> dict:
    query = ListQuery(
        search=search_field,
        only_ids=parse_ids_filter(exchange_ids, "exchangeIds"),
        ids_first=parse_ids(ids, "ids"),
        sort_by=sort_by,
        order=order,
        page_no=page_no,
        no_of_entries=no_of_entries,
    )
    result = run_list(
        catalog.EXCHANGES,
        query,
        id_of=lambda e: e.id,
        search_text=lambda e: e.name,
        sort_fields={"id": lambda e: e.id, "name": lambda e: e.name, "urlName": lambda e: e.url_name},
        default_sort="name",
    )
    rows = [{"id": e.id, "name": e.name, "urlName": e.url_name} for e in result.items]
    return v3({"data": rows, "totalRecords": result.total_records, "filteredRecords": result.filtered_records})


def _narrow(only_ids: list[int] | None, campaign_ids: list[int] | None) -> list[int] | None:
    if campaign_ids is None:
        return only_ids
    if only_ids is None:
        return campaign_ids
    return [i for i in only_ids if i in set(campaign_ids)]


# --------------------------------------------------------------------------- v2 segments


def _segment_list(
    items: Sequence[T],
    row: Callable[[T], dict[str, Any]],
    *,
    search: str | None,
    segment_ids: str | None,
    ids: str | None,
    sort_by: str | None,
    order: str | None,
    page_no: int | None,
    no_of_entries: int | None,
    extra_sort: dict[str, Callable[[T], Any]] | None = None,
    search_text: Callable[[T], str] | None = None,
    campaign_ids: list[int] | None = None,
) -> dict:
    query = ListQuery(
        search=search,
        only_ids=_narrow(parse_ids_filter(segment_ids, "segmentIds"), campaign_ids),
        ids_first=parse_ids(ids, "ids"),
        sort_by=sort_by,
        order=order,
        page_no=page_no,
        no_of_entries=no_of_entries,
    )
    sort_fields: dict[str, Callable[[T], Any]] = {
        "id": lambda s: s.id,  # type: ignore[attr-defined]
        "name": lambda s: s.name,  # type: ignore[attr-defined]
    }
    sort_fields.update(extra_sort or {})
    result = run_list(
        items,
        query,
        id_of=lambda s: s.id,  # type: ignore[attr-defined]
        search_text=search_text or (lambda s: row(s)["name"]),
        sort_fields=sort_fields,
        default_sort="id",
    )
    data = [row(item) for item in result.items]
    return v2({"data": data, "totalRecords": result.total_records, "filteredRecords": result.filtered_records})


def _plain(segment: catalog.Segment) -> dict[str, Any]:
    return {"id": segment.id, "name": segment.name}


@dataclass(frozen=True)
class SegmentList:
    """One /api/v2/master/segment/<segment> list: its items, row shape, extra sort keys and search text."""

    segment: str
    items: Sequence[Any]
    model: type  # the V2 envelope
    name: str  # the route's name (and so its operation id)
    row: Callable[[Any], dict[str, Any]] = _plain
    extra_sort: dict[str, Callable[[Any], Any]] | None = None
    search_text: Callable[[Any], str] | None = None
    by_country: bool = False  # `countryIds` narrows the items to those countries (states)


SEGMENT_LISTS = (
    *(SegmentList(segment, items, V2[r.Segments], "_endpoint") for segment, items in (
        ("age", catalog.AGE_RANGES), ("gender", catalog.GENDERS), ("device-type", catalog.DEVICE_TYPES),
        ("traffic-type", catalog.TRAFFIC_TYPES), ("os", catalog.OPERATING_SYSTEMS))),
    SegmentList("country", catalog.COUNTRIES, V2[r.Countries], "countries",
                row=lambda c: {"id": c.id, "name": c.name, "code": c.code},
                extra_sort={"code": lambda c: c.code}, search_text=lambda c: f"{c.name} {c.code}"),
    # IQM shows a state's postal code as its `name`; the full name is `label`
    SegmentList("states", catalog.STATES, V2[r.States], "states",
                row=lambda s: {"id": s.id, "name": s.code, "label": s.name, "countryId": s.country_id},
                extra_sort={"name": lambda s: s.code, "label": lambda s: s.name},
                search_text=lambda s: f"{s.code} {s.name}", by_country=True),
)


def _segment_route(spec: SegmentList) -> None:
    def endpoint(
        principal: PrincipalDep,
        session: SessionDep,
        country_ids: CountryIdsParam = None,
        page_no: PageNo = None,
        no_of_entries: NoOfEntries = None,
        sort_by: SortBy = None,
        order: Order = None,
        search_field: SearchField = None,
        segment_ids: SegmentIdsParam = None,
        ids: IdsParam = None,
        campaign_id: CampaignIdParam = None,
    ) -> dict:
        items = spec.items
        wanted_countries = parse_ids_filter(country_ids, "countryIds")
        if wanted_countries is not None:
            items = [s for s in items if s.country_id in wanted_countries]
        return _segment_list(
            items, spec.row, search=search_field, segment_ids=segment_ids, ids=ids, sort_by=sort_by, order=order,
            page_no=page_no, no_of_entries=no_of_entries, extra_sort=spec.extra_sort, search_text=spec.search_text,
            campaign_ids=campaign_segment_ids(session, principal, campaign_id, spec.segment),
        )

    if not spec.by_country:  # only the states list takes countryIds
        endpoint.__signature__ = inspect.signature(endpoint).replace(  # type: ignore[attr-defined]
            parameters=[p for p in inspect.signature(endpoint).parameters.values() if p.name != "country_ids"])
    router.add_api_route(f"/api/v2/master/segment/{spec.segment}", endpoint, methods=["GET"], name=spec.name,
                         response_model=spec.model)


for _spec in SEGMENT_LISTS:
    _segment_route(_spec)


add_router(router, segments.router)
add_router(router, static_lists.router)
add_router(router, segment_lists.router)
add_router(router, legacy_endpoints.router)
