"""HTTP endpoints of the master domain: the static lists, in the shapes IQM's API answers them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from adplane.core.deps import Principal, PrincipalDep, SessionDep
from adplane.core.envelopes import v2, v3
from adplane.core.tenancy import get_scoped
from adplane.master import catalog
from adplane.master.lists import MAX_PAGE_SIZE, ListQuery, parse_id_list, run_list

router = APIRouter(tags=["Master API"])

T = TypeVar("T")

PageNo = Annotated[int | None, Query(alias="pageNo", ge=1, le=1_000_000)]
NoOfEntries = Annotated[int | None, Query(alias="noOfEntries", ge=1, le=MAX_PAGE_SIZE)]
SortBy = Annotated[str | None, Query(alias="sortBy", max_length=200)]
Order = Annotated[str | None, Query(max_length=10)]
SearchField = Annotated[str | None, Query(alias="searchField", max_length=255)]
IdsParam = Annotated[str | None, Query(max_length=10_000)]
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


@router.get("/api/v3/master/timezones")
def timezones_v3(_: PrincipalDep, search_field: SearchField = None) -> dict:
    rows = [_timezone_row(tz) for tz in _timezones(search_field)]
    return v3({"data": rows, "totalRecords": len(catalog.TIMEZONES), "filteredRecords": len(rows)})


@router.get("/api/v2/adv/static/timezones")
def timezones_v2(_: PrincipalDep, search_field: SearchField = None) -> dict:
    return v2([_timezone_row(tz) for tz in _timezones(search_field)])


# --------------------------------------------------------------------------- campaign-management lists


def _named_rows(items: Sequence[catalog.NamedItem], only_id: int | None = None) -> list[dict[str, Any]]:
    return [
        {"name": item.name, "id": item.id, "label": item.label, "order": item.order}
        for item in sorted(items, key=lambda i: i.order)
        if not only_id or item.id == only_id
    ]


@router.get("/api/v3/cmp/static/campaign/budget-type")
def budget_types(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.BUDGET_TYPES)
    return v3({"totalRecords": len(catalog.BUDGET_TYPES), "filteredRecords": len(rows), "budgetTypeData": rows})


@router.get("/api/v3/cmp/static/io/status/list")
def io_statuses(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.IO_STATUSES)
    return v3({"ioStatusList": rows, "totalRecords": len(catalog.IO_STATUSES), "filteredRecords": len(rows)})


@router.get("/api/v3/cmp/static/budget-distribution-method/list")
def budget_distribution_methods(
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


@router.get("/api/v3/cmp/static/campaign/type")
def campaign_types(_: PrincipalDep) -> dict:
    rows = _named_rows(catalog.CAMPAIGN_TYPES)
    return v3({"campaignTypeData": rows, "totalRecords": len(catalog.CAMPAIGN_TYPES), "filteredRecords": len(rows)})


# --------------------------------------------------------------------------- creative lists


@router.get("/api/v3/crt/master/static/creative-types")
def creative_types(
    _: PrincipalDep,
    display_all_type: Annotated[bool, Query(alias="displayAllType")] = False,
    search_field: SearchField = None,
    creative_type_ids: Annotated[str | None, Query(alias="creativeTypeIds", max_length=1000)] = None,
) -> dict:
    wanted = parse_id_list(creative_type_ids, "creativeTypeIds")
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


@router.get("/api/v3/crt/master/static/creative-status")
def creative_statuses(
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


@router.get("/api/v3/master/exchanges")
def exchanges(
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
        only_ids=parse_id_list(exchange_ids, "exchangeIds"),
        ids_first=parse_id_list(ids, "ids") or [],
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


# which campaign targeting each segment list reads when `campaignId` is given
CAMPAIGN_TARGETING: dict[str, Callable[[Any], list[int]]] = {
    "country": lambda c: [c.country_id] if c.country_id else [],
    "states": lambda c: list(c.state_ids or []),
    "device-type": lambda c: list(c.device_type_ids or []),
    "traffic-type": lambda c: list(c.traffic_type_ids or []),
}


def campaign_segment_ids(
    session: Session, principal: Principal, campaign_id: int | None, segment: str
) -> list[int] | None:
    """The ids a campaign of the caller's organization targets in this list (None: no campaign given).

    Lists a campaign cannot target (age, gender, os) are empty for any campaign.
    """
    if campaign_id is None:
        return None
    from adplane.campaigns.models import Campaign

    campaign = get_scoped(session, Campaign, principal.ow_id, campaign_id, label="Campaign", field="campaignId")
    targeting = CAMPAIGN_TARGETING.get(segment)
    return targeting(campaign) if targeting is not None else []


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
        only_ids=_narrow(parse_id_list(segment_ids, "segmentIds"), campaign_ids),
        ids_first=parse_id_list(ids, "ids") or [],
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


def _segment_endpoint(segment: str, items: Sequence[catalog.Segment]) -> None:
    @router.get(f"/api/v2/master/segment/{segment}")
    def _endpoint(
        principal: PrincipalDep,
        session: SessionDep,
        page_no: PageNo = None,
        no_of_entries: NoOfEntries = None,
        sort_by: SortBy = None,
        order: Order = None,
        search_field: SearchField = None,
        segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=10_000)] = None,
        ids: IdsParam = None,
        campaign_id: CampaignIdParam = None,
    ) -> dict:
        return _segment_list(
            items,
            _plain,
            search=search_field,
            segment_ids=segment_ids,
            ids=ids,
            sort_by=sort_by,
            order=order,
            page_no=page_no,
            no_of_entries=no_of_entries,
            campaign_ids=campaign_segment_ids(session, principal, campaign_id, segment),
        )


_segment_endpoint("age", catalog.AGE_RANGES)
_segment_endpoint("gender", catalog.GENDERS)
_segment_endpoint("device-type", catalog.DEVICE_TYPES)
_segment_endpoint("traffic-type", catalog.TRAFFIC_TYPES)
_segment_endpoint("os", catalog.OPERATING_SYSTEMS)


@router.get("/api/v2/master/segment/country")
def countries(
    principal: PrincipalDep,
    session: SessionDep,
    page_no: PageNo = None,
    no_of_entries: NoOfEntries = None,
    sort_by: SortBy = None,
    order: Order = None,
    search_field: SearchField = None,
    segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=10_000)] = None,
    ids: IdsParam = None,
    campaign_id: CampaignIdParam = None,
) -> dict:
    return _segment_list(
        catalog.COUNTRIES,
        lambda c: {"id": c.id, "name": c.name, "code": c.code},
        search=search_field,
        segment_ids=segment_ids,
        ids=ids,
        sort_by=sort_by,
        order=order,
        page_no=page_no,
        no_of_entries=no_of_entries,
        extra_sort={"code": lambda c: c.code},
        search_text=lambda c: f"{c.name} {c.code}",
        campaign_ids=campaign_segment_ids(session, principal, campaign_id, "country"),
    )


@router.get("/api/v2/master/segment/states")
def states(
    principal: PrincipalDep,
    session: SessionDep,
    country_ids: Annotated[str | None, Query(alias="countryIds", max_length=10_000)] = None,
    page_no: PageNo = None,
    no_of_entries: NoOfEntries = None,
    sort_by: SortBy = None,
    order: Order = None,
    search_field: SearchField = None,
    segment_ids: Annotated[str | None, Query(alias="segmentIds", max_length=10_000)] = None,
    ids: IdsParam = None,
    campaign_id: CampaignIdParam = None,
) -> dict:
    """IQM shows a state's postal code as its `name`; the full name is `label`."""
    wanted_countries = parse_id_list(country_ids, "countryIds")
    items = [s for s in catalog.STATES if wanted_countries is None or s.country_id in wanted_countries]
    return _segment_list(
        items,
        lambda s: {"id": s.id, "name": s.code, "label": s.name, "countryId": s.country_id},
        search=search_field,
        segment_ids=segment_ids,
        ids=ids,
        sort_by=sort_by,
        order=order,
        page_no=page_no,
        no_of_entries=no_of_entries,
        extra_sort={"name": lambda s: s.code, "label": lambda s: s.name},
        search_text=lambda s: f"{s.code} {s.name}",
        campaign_ids=campaign_segment_ids(session, principal, campaign_id, "states"),
    )
