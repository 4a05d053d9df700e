"""The IO lists: basic IO details, campaigns grouped by IO, and campaigns with delivery metrics.

Every list: filters, search (name or id), multi-column `sortBy` (`+`/`-`), `pageNo`/`noOfEntries`
or `offset`, and "ids first" ordering; `totalRecords` counts the organization's live records and
`filteredRecords` those left after the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.models import CAMPAIGN_STATUSES, STATUS_DELETED, Campaign
from adplane.core.clock import from_epoch_ms, to_epoch_ms, to_epoch_s, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import page_offset, parse_ids, parse_sort, sort_in_memory
from adplane.core.tenancy import scoped
from adplane.insertion_orders import metrics
from adplane.insertion_orders.models import IO_STATUS_DELETED, InsertionOrder
from adplane.insertion_orders.schemas import IoBasicListRequest, IoCampaignBasicListRequest, IoCampaignsListRequest
from adplane.insertion_orders.service import io_to_wire

T = TypeVar("T")
DEFAULT_PAGE_SIZE = 20


def visible_org(principal: Principal, ow_ids: Sequence[int] | None) -> bool:
    """Lists show the caller's organization only; an owIds filter without it selects nothing."""
    return not ow_ids or principal.ow_id in ow_ids


def search_matches(search: str | None, name: str, entity_id: int) -> bool:
    if not search or not search.strip():
        return True
    needle = search.strip().lower()
    return needle in name.lower() or needle == str(entity_id)


def ids_first_then_sort(rows: list[T], order: list[tuple[Callable[[T], Any], bool]], ids: Sequence[int] | None,
                        id_of: Callable[[T], int]) -> list[T]:
    ordered = sort_in_memory(rows, order)
    if ids:
        wanted = set(ids)
        ordered = [r for r in ordered if id_of(r) in wanted] + [r for r in ordered if id_of(r) not in wanted]
    return ordered


def page(rows: list[T], page_no: int | None, no_of_entries: int | None, offset: int | None) -> list[T]:
    start, limit = page_offset(page_no, no_of_entries or DEFAULT_PAGE_SIZE, offset)
    return rows[start: start + limit] if limit is not None else rows[start:]


def _sortable(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def wire_order(sort_by: str | None, allowed: dict[str, str], default: str) -> list[tuple[Callable[[dict], Any], bool]]:
    parsed = parse_sort(sort_by, allowed, default)
    return [(_row_key(key), desc) for key, desc in parsed]


def _row_key(key: str) -> Callable[[dict], Any]:
    return lambda row: _sortable(row.get(key))


def check_statuses(statuses: Sequence[str] | None, field: str) -> list[str]:
    values = [s.strip().lower() for s in statuses or [] if s.strip()]
    unknown = [s for s in values if s not in CAMPAIGN_STATUSES]
    if unknown:
        raise ValidationFailed(f"Invalid campaign status: {', '.join(unknown)}.", field=field)
    return values


def _ios(session: Session, ow_id: int, include_deleted: bool) -> list[InsertionOrder]:
    stmt = scoped(InsertionOrder, ow_id)
    if not include_deleted:
        stmt = stmt.where(InsertionOrder.status_id != IO_STATUS_DELETED)
    return list(session.scalars(stmt))


def _live_io_count(session: Session, ow_id: int) -> int:
    return session.scalar(select(func.count()).select_from(InsertionOrder).where(
        InsertionOrder.ow_id == ow_id, InsertionOrder.status_id != IO_STATUS_DELETED)) or 0


# --------------------------------------------------------------------------- /io/basic/list

BASIC_SORT = {"ioId": "ioId", "ioName": "ioName", "ioStartTime": "ioStartTime", "ioEndTime": "ioEndTime",
              "ioTotalBudget": "ioTotalBudget"}


def _basic_row(io: InsertionOrder) -> dict:
    full = io_to_wire(io)
    keys = ("ioId", "ioName", "ioStartTime", "ioEndTime", "ioTimeZoneId", "ioTotalBudget",
            "ioBudgetDistributionMethodId", "ioBudgetTypeId", "ioStatusId", "ioTotalImpressions")
    row = {key: full[key] for key in keys}
    row["isBudgetAutoSum"] = io.is_auto_sum_total_budget
    return row


def basic_list(session: Session, principal: Principal, body: IoBasicListRequest) -> dict:
    order = wire_order(body.sort_by, BASIC_SORT, "-ioId")
    total = _live_io_count(session, principal.ow_id)
    statuses = set(body.io_status_ids_list or [])
    rows = []
    if visible_org(principal, body.owid_list):
        for io in _ios(session, principal.ow_id, include_deleted=IO_STATUS_DELETED in statuses):
            if body.io_id_list and io.id not in body.io_id_list:
                continue
            if body.io_budget_type_ids_list and io.budget_type_id not in body.io_budget_type_ids_list:
                continue
            if statuses and io.status_id not in statuses:
                continue
            if not search_matches(body.search_field, io.name, io.id):
                continue
            rows.append(_basic_row(io))
    ordered = ids_first_then_sort(rows, order, body.ids, lambda r: r["ioId"])
    return {
        "totalRecords": total,
        "ioBasicDetailsList": page(ordered, body.page_no, body.no_of_entries, body.offset),
        "filteredRecords": len(rows),
    }


# --------------------------------------------------------------------------- /io/campaign/basic/list

GROUPED_SORT = {"ioId": "ioId", "ioName": "ioName", "ioStartTime": "ioStartTime", "ioEndTime": "ioEndTime",
                "ioTotalBudget": "ioTotalBudget", "campaignId": "maxCampaignId",
                "isRecordTargeted": "isRecordTargeted"}


def _campaigns_by_io(session: Session, ow_id: int, io_ids: list[int], include_deleted: bool) -> dict[int, list]:
    result: dict[int, list[Campaign]] = {io_id: [] for io_id in io_ids}
    if not io_ids:
        return result
    stmt = scoped(Campaign, ow_id).where(Campaign.io_id.in_(io_ids)).order_by(Campaign.id)
    if not include_deleted:
        stmt = stmt.where(Campaign.status != STATUS_DELETED)
    for campaign in session.scalars(stmt):
        result[campaign.io_id].append(campaign)
    return result


def campaign_basic_list(session: Session, principal: Principal, body: IoCampaignBasicListRequest) -> dict:
    from adplane.campaigns.wire import basic_item

    order = wire_order(body.sort_by, GROUPED_SORT, "-ioId")
    statuses = check_statuses(body.status, "status")
    campaign_ids = set(body.ids or []) | set(body.campaign_ids or [])
    expired_after = from_epoch_ms(body.campaign_expired_after_epoch)
    campaign_filtered = bool(statuses or body.creative_type_ids or body.campaign_type_ids or campaign_ids
                             or expired_after)
    total = _live_io_count(session, principal.ow_id)
    ios = _ios(session, principal.ow_id, include_deleted=False) if visible_org(principal, body.ow_ids) else []
    campaigns = _campaigns_by_io(session, principal.ow_id, [io.id for io in ios], STATUS_DELETED in statuses)

    def keep(campaign: Campaign) -> bool:
        if statuses and campaign.status not in statuses:
            return False
        if body.creative_type_ids and campaign.creative_type_id not in body.creative_type_ids:
            return False
        if body.campaign_type_ids and campaign.campaign_type_id not in body.campaign_type_ids:
            return False
        if campaign_ids and campaign.id not in campaign_ids:
            return False
        return not (expired_after and campaign.status == "expired" and campaign.end_time is not None
                    and campaign.end_time < expired_after)

    rows = []
    for io in ios:
        if body.io_ids and io.id not in body.io_ids:
            continue
        if body.io_budget_type_ids and io.budget_type_id not in body.io_budget_type_ids:
            continue
        kept = [c for c in campaigns[io.id] if keep(c)]
        io_hit = search_matches(body.search_field, io.name, io.id)
        if body.search_field and not io_hit:
            kept = [c for c in kept if search_matches(body.search_field, c.name, c.id)]
            if not kept:
                continue
        if campaign_filtered and not kept:
            continue
        full = io_to_wire(io)
        rows.append({
            "ioId": io.id, "ioName": io.name, "ioBudgetTypeId": io.budget_type_id, "ioStatusId": io.status_id,
            "created": to_epoch_ms(io.created_at), "lastModified": to_epoch_ms(io.modified_at), "owId": io.ow_id,
            "uowId": io.created_by_uow_id, "campaignCount": len(kept),
            "campaigns": [basic_item(c) for c in kept],
            # sort-only keys, removed below
            "ioStartTime": full["ioStartTime"], "ioEndTime": full["ioEndTime"],
            "ioTotalBudget": full["ioTotalBudget"], "maxCampaignId": max((c.id for c in kept), default=None),
            "isRecordTargeted": 0 if io.id in (body.io_ids_list or []) else 1,
        })
    ordered = ids_first_then_sort(rows, order, body.io_ids_list, lambda r: r["ioId"])
    visible = page(ordered, body.page_no, body.no_of_entries, body.offset)
    for row in visible:
        for key in ("ioStartTime", "ioEndTime", "ioTotalBudget", "maxCampaignId", "isRecordTargeted"):
            row.pop(key)
    return {"totalRecords": total, "ioCampaignsList": visible, "filteredRecords": len(rows)}


# --------------------------------------------------------------------------- /io/campaigns/list


def campaigns_with_delivery(session: Session, principal: Principal, body: IoCampaignsListRequest,
                            store: AnalyticsStore | None) -> dict:
    if not body.io_ids_list:
        raise ValidationFailed("IoIdsList field cannot be empty.", field="ioIdsList")
    order = wire_order(body.sort_by, metrics.SORTABLE, "-campaignId")
    statuses = check_statuses(body.campaign_status_list, "campaignStatusList")
    creative_types = parse_ids(body.creative_type_ids, "creativeTypeIds")
    ow_ids = parse_ids(body.ow_ids, "owIds")
    campaign_ids = parse_ids(body.campaign_ids, "campaignIds")
    ios = {io.id: io for io in _ios(session, principal.ow_id, include_deleted=False)
           if io.id in body.io_ids_list} if visible_org(principal, ow_ids) else {}
    all_campaigns = [c for cs in _campaigns_by_io(session, principal.ow_id, list(ios), STATUS_DELETED in statuses)
                     .values() for c in cs]
    kept = [
        c for c in all_campaigns
        if (not statuses or c.status in statuses)
        and (not creative_types or c.creative_type_id in creative_types)
        and (not campaign_ids or c.id in campaign_ids)
        and (not body.budget_type_id_list or c.budget_type_id in body.budget_type_id_list)
        and (not body.campaign_type_ids or c.campaign_type_id in body.campaign_type_ids)
        and (body.timezone_id is None or c.timezone_id == body.timezone_id)
        and search_matches(body.search_field, c.name, c.id)
    ]
    start = metrics.epoch_to_datetime(body.start_date)
    end = metrics.epoch_to_datetime(body.end_date)
    rows = metrics.campaign_rows(session, kept, ios, store, start=start, end=end, now=utcnow())
    ordered = ids_first_then_sort(rows, order, body.ids, lambda r: r["campaignId"])
    return {
        "totalRecords": len(all_campaigns),
        "filteredRecords": len(rows),
        "recordsTotal": metrics.totals_row(rows),
        "recordsList": page(ordered, body.page_no, body.no_of_entries, body.offset),
        "totalCount": len(rows),
    }


# --------------------------------------------------------------------------- /campaigngroup/campaign/list


def grouped_campaigns(session: Session, principal: Principal, statuses: list[str], creative_type_ids: list[int],
                      visible: bool) -> list[dict]:
    """IQM's campaign groups, served from insertion orders (an IO groups its campaigns)."""
    if not visible:
        return []
    ios = sorted(_ios(session, principal.ow_id, include_deleted=False), key=lambda io: io.id)
    campaigns = _campaigns_by_io(session, principal.ow_id, [io.id for io in ios], STATUS_DELETED in statuses)
    groups = []
    for io in ios:
        kept = [c for c in campaigns[io.id] if (not statuses or c.status in statuses)
                and (not creative_type_ids or c.creative_type_id in creative_type_ids)]
        groups.append({
            "id": io.id, "name": io.name, "created": to_epoch_s(io.created_at), "uowId": io.created_by_uow_id,
            "owId": io.ow_id, "lastModified": to_epoch_s(io.modified_at), "rootParentId": str(io.id),
            "campaignCount": len(kept),
            "campaings": [{"id": c.id, "name": c.name, "status": c.status, "creativeTypeId": c.creative_type_id}
                          for c in kept],
        })
    return groups
