"""The IO lists: basic IO details, campaigns grouped by IO, and campaigns with delivery metrics.

Every list: filters, search (name or id), multi-column `sortBy` (`+`/`-`), `pageNo`/`noOfEntries`
or `offset`, and "ids first" ordering; `totalRecords` counts the organization's live records and
`filteredRecords` those left after the filters. The two IO lists filter, sort, count and page in SQL
(`core.listing`); the delivery list filters in SQL and sorts in memory, because its sort keys are
figures from the analytics store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.models import CAMPAIGN_STATUSES, STATUS_DELETED, Campaign
from adplane.core.clock import from_epoch_ms, to_epoch_ms, to_epoch_s, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import (
    count,
    fetch_page,
    field_key,
    ids_first,
    in_ids,
    nulls_low,
    page_offset,
    page_rows,
    parse_ids,
    parse_sort,
    put_first,
    search_condition,
    sort_in_memory,
)
from adplane.core.tenancy import scoped
from adplane.insertion_orders import metrics
from adplane.insertion_orders.models import IO_STATUS_DELETED, InsertionOrder
from adplane.insertion_orders.schemas import IoBasicListRequest, IoCampaignBasicListRequest, IoCampaignsListRequest
from adplane.insertion_orders.service import io_to_wire

DEFAULT_PAGE_SIZE = 20


def visible_org(principal: Principal, ow_ids: Sequence[int] | None) -> bool:
    """Lists show the caller's organization only; an owIds filter without it selects nothing."""
    return not ow_ids or principal.ow_id in ow_ids


def check_statuses(statuses: Sequence[str] | None, field: str) -> list[str]:
    values = [s.strip().lower() for s in statuses or [] if s.strip()]
    unknown = [s for s in values if s not in CAMPAIGN_STATUSES]
    if unknown:
        raise ValidationFailed(f"Invalid campaign status: {', '.join(unknown)}.", field=field)
    return values


def _page(page_no: int | None, no_of_entries: int | None, offset: int | None) -> tuple[int, int | None]:
    return page_offset(page_no, no_of_entries or DEFAULT_PAGE_SIZE, offset)


def _live_io_count(session: Session, ow_id: int) -> int:
    return session.scalar(select(func.count()).select_from(InsertionOrder).where(
        InsertionOrder.ow_id == ow_id, InsertionOrder.status_id != IO_STATUS_DELETED)) or 0


def _campaign_filter(ow_id: int, statuses: list[str], *, creative_types: Sequence[int] | None = None,
                     campaign_types: Sequence[int] | None = None, campaign_ids: Sequence[int] | None = None,
                     budget_types: Sequence[int] | None = None) -> list[ColumnElement[bool]]:
    """The campaign filters the IO lists share, as SQL conditions (deleted campaigns only when asked for)."""
    conditions: list[ColumnElement[bool]] = [
        Campaign.ow_id == ow_id,
        Campaign.status.in_(statuses) if statuses else Campaign.status != STATUS_DELETED,
    ]
    for column, ids in ((Campaign.creative_type_id, creative_types), (Campaign.campaign_type_id, campaign_types),
                        (Campaign.id, campaign_ids), (Campaign.budget_type_id, budget_types)):
        if ids:
            conditions.append(in_ids(column, ids))
    return conditions


# --------------------------------------------------------------------------- /io/basic/list

BASIC_SORT: dict[str, Any] = {
    "ioId": InsertionOrder.id, "ioName": func.lower(InsertionOrder.name), "ioStartTime": InsertionOrder.start_time,
    "ioEndTime": nulls_low(InsertionOrder.end_time), "ioTotalBudget": InsertionOrder.total_budget,
}


def _basic_row(io: InsertionOrder) -> dict:
    full = io_to_wire(io)
    keys = ("ioId", "ioName", "ioStartTime", "ioEndTime", "ioTimeZoneId", "ioTotalBudget",
            "ioBudgetDistributionMethodId", "ioBudgetTypeId", "ioStatusId", "ioTotalImpressions")
    row = {key: full[key] for key in keys}
    row["isBudgetAutoSum"] = io.is_auto_sum_total_budget
    return row


def basic_list(session: Session, principal: Principal, body: IoBasicListRequest) -> dict:
    order = ids_first(InsertionOrder.id, body.ids) + parse_sort(body.sort_by, BASIC_SORT, "-ioId")
    stmt = scoped(InsertionOrder, principal.ow_id)
    statuses = body.io_status_ids_list or []
    if not visible_org(principal, body.owid_list):
        stmt = stmt.where(false())
    if IO_STATUS_DELETED not in statuses:
        stmt = stmt.where(InsertionOrder.status_id != IO_STATUS_DELETED)
    for column, ids in ((InsertionOrder.id, body.io_id_list), (InsertionOrder.budget_type_id,
                                                               body.io_budget_type_ids_list),
                        (InsertionOrder.status_id, statuses)):
        if ids:
            stmt = stmt.where(in_ids(column, ids))
    if (searched := search_condition(body.search_field, [InsertionOrder.name], InsertionOrder.id)) is not None:
        stmt = stmt.where(searched)
    offset, limit = _page(body.page_no, body.no_of_entries, body.offset)
    ios, matching = fetch_page(session, stmt, order, tiebreak=InsertionOrder.id, offset=offset, limit=limit)
    return {
        "totalRecords": _live_io_count(session, principal.ow_id),
        "ioBasicDetailsList": [_basic_row(io) for io in ios],
        "filteredRecords": matching,
    }


# --------------------------------------------------------------------------- /io/campaign/basic/list


def _grouped_query(principal: Principal, body: IoCampaignBasicListRequest,
                   statuses: list[str]) -> tuple[Select[Any], list[ColumnElement[bool]], Any]:
    """The IOs the grouped list shows, the condition on their listed campaigns, and the `campaignId` sort key.

    A search hitting the IO's name or id lists all its (filtered) campaigns; otherwise only the campaigns the
    search hits are listed, and an IO without any is left out, as is one without a campaign left by the
    campaign filters when any is given."""
    campaign_ids = list(dict.fromkeys([*(body.ids or []), *(body.campaign_ids or [])]))
    expired_after = from_epoch_ms(body.campaign_expired_after_epoch)
    listed = [Campaign.io_id == InsertionOrder.id, *_campaign_filter(
        principal.ow_id, statuses, creative_types=body.creative_type_ids, campaign_types=body.campaign_type_ids,
        campaign_ids=campaign_ids)]
    if expired_after:
        listed.append(or_(Campaign.status != "expired", Campaign.end_time.is_(None),
                          Campaign.end_time >= expired_after))
    io_hit = search_condition(body.search_field, [InsertionOrder.name], InsertionOrder.id)
    if io_hit is not None:
        campaign_hit = search_condition(body.search_field, [Campaign.name], Campaign.id)
        listed.append(or_(io_hit, campaign_hit) if campaign_hit is not None else io_hit)
    has_listed = exists().where(*listed)
    stmt = scoped(InsertionOrder, principal.ow_id).where(InsertionOrder.status_id != IO_STATUS_DELETED)
    if not visible_org(principal, body.ow_ids):
        stmt = stmt.where(false())
    for column, ids in ((InsertionOrder.id, body.io_ids), (InsertionOrder.budget_type_id, body.io_budget_type_ids)):
        if ids:
            stmt = stmt.where(in_ids(column, ids))
    if io_hit is not None:
        stmt = stmt.where(or_(io_hit, has_listed))
    if statuses or body.creative_type_ids or body.campaign_type_ids or campaign_ids or expired_after:
        stmt = stmt.where(has_listed)
    max_campaign_id = select(func.max(Campaign.id)).where(*listed).correlate(InsertionOrder).scalar_subquery()
    return stmt, listed, max_campaign_id


def campaign_basic_list(session: Session, principal: Principal, body: IoCampaignBasicListRequest) -> dict:
    from adplane.campaigns.wire import basic_item

    statuses = check_statuses(body.status, "status")
    stmt, listed, max_campaign_id = _grouped_query(principal, body, statuses)
    targeted = body.io_ids_list or []
    sortable: dict[str, Any] = {
        **BASIC_SORT, "campaignId": nulls_low(max_campaign_id),
        "isRecordTargeted": case((in_ids(InsertionOrder.id, targeted), literal(0)), else_=literal(1)),
    }
    order = ids_first(InsertionOrder.id, targeted) + parse_sort(body.sort_by, sortable, "-ioId")
    offset, limit = _page(body.page_no, body.no_of_entries, body.offset)
    ios, matching = fetch_page(session, stmt, order, tiebreak=InsertionOrder.id, offset=offset, limit=limit)
    campaigns: dict[int, list[Campaign]] = {io.id: [] for io in ios}
    if ios:
        page_campaigns = select(Campaign).join(InsertionOrder, Campaign.io_id == InsertionOrder.id).where(
            *listed, in_ids(InsertionOrder.id, list(campaigns))).order_by(Campaign.id)
        for campaign in session.scalars(page_campaigns):
            campaigns[campaign.io_id].append(campaign)
    rows = [{
        "ioId": io.id, "ioName": io.name, "ioBudgetTypeId": io.budget_type_id, "ioStatusId": io.status_id,
        "created": to_epoch_ms(io.created_at), "lastModified": to_epoch_ms(io.modified_at), "owId": io.ow_id,
        "uowId": io.created_by_uow_id, "campaignCount": len(campaigns[io.id]),
        "campaigns": [basic_item(c) for c in campaigns[io.id]],
    } for io in ios]
    return {"totalRecords": _live_io_count(session, principal.ow_id), "ioCampaignsList": rows,
            "filteredRecords": matching}


# --------------------------------------------------------------------------- /io/campaigns/list


def campaigns_with_delivery(session: Session, principal: Principal, body: IoCampaignsListRequest,
                            store: AnalyticsStore | None) -> dict:
    if not body.io_ids_list:
        raise ValidationFailed("IoIdsList field cannot be empty.", field="ioIdsList")
    order = parse_sort(body.sort_by, {name: field_key(key) for name, key in metrics.SORTABLE.items()}, "-campaignId")
    statuses = check_statuses(body.campaign_status_list, "campaignStatusList")
    creative_types = parse_ids(body.creative_type_ids, "creativeTypeIds")
    ow_ids = parse_ids(body.ow_ids, "owIds")
    campaign_ids = parse_ids(body.campaign_ids, "campaignIds")
    ios = {io.id: io for io in session.scalars(scoped(InsertionOrder, principal.ow_id).where(
        InsertionOrder.status_id != IO_STATUS_DELETED, in_ids(InsertionOrder.id, body.io_ids_list)))
    } if visible_org(principal, ow_ids) else {}
    in_ios = scoped(Campaign, principal.ow_id).where(in_ids(Campaign.io_id, list(ios)))
    if STATUS_DELETED not in statuses:
        in_ios = in_ios.where(Campaign.status != STATUS_DELETED)
    all_campaigns = count(session, in_ios)
    kept = in_ios.where(*_campaign_filter(
        principal.ow_id, statuses, creative_types=creative_types, campaign_ids=campaign_ids,
        budget_types=body.budget_type_id_list, campaign_types=body.campaign_type_ids))
    if body.timezone_id is not None:
        kept = kept.where(Campaign.timezone_id == body.timezone_id)
    if (searched := search_condition(body.search_field, [Campaign.name], Campaign.id)) is not None:
        kept = kept.where(searched)
    start = metrics.epoch_to_datetime(body.start_date)
    end = metrics.epoch_to_datetime(body.end_date)
    rows = metrics.campaign_rows(session, list(session.scalars(kept.order_by(Campaign.id))), ios, store,
                                 start=start, end=end, now=utcnow())
    ordered = put_first(sort_in_memory(rows, order), body.ids, lambda r: r["campaignId"])
    offset, limit = _page(body.page_no, body.no_of_entries, body.offset)
    return {
        "totalRecords": all_campaigns,
        "filteredRecords": len(rows),
        "recordsTotal": metrics.totals_row(rows),
        "recordsList": page_rows(ordered, offset, limit),
        "totalCount": len(rows),
    }


# --------------------------------------------------------------------------- /campaigngroup/campaign/list


def grouped_campaigns(session: Session, principal: Principal, statuses: list[str], creative_type_ids: list[int],
                      visible: bool) -> list[dict]:
    """IQM's campaign groups, served from insertion orders (an IO groups its campaigns)."""
    if not visible:
        return []
    ios = list(session.scalars(scoped(InsertionOrder, principal.ow_id).where(
        InsertionOrder.status_id != IO_STATUS_DELETED).order_by(InsertionOrder.id)))
    campaigns: dict[int, list[Campaign]] = {io.id: [] for io in ios}
    listed = scoped(Campaign, principal.ow_id).where(
        *_campaign_filter(principal.ow_id, statuses, creative_types=creative_type_ids),
        in_ids(Campaign.io_id, list(campaigns))).order_by(Campaign.id)
    for campaign in session.scalars(listed) if ios else ():
        campaigns[campaign.io_id].append(campaign)
    return [{
        "id": io.id, "name": io.name, "created": to_epoch_s(io.created_at), "uowId": io.created_by_uow_id,
        "owId": io.ow_id, "lastModified": to_epoch_s(io.modified_at), "rootParentId": str(io.id),
        "campaignCount": len(campaigns[io.id]),
        "campaings": [{"id": c.id, "name": c.name, "status": c.status, "creativeTypeId": c.creative_type_id}
                      for c in campaigns[io.id]],
    } for io in ios]
