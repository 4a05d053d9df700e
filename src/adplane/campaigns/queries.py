"""Campaign lists and counts of the v2/v3 campaign API, always within the caller's organization."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from adplane.campaigns.models import CAMPAIGN_STATUSES, STATUS_DELETED, Campaign
from adplane.core.clock import from_epoch_s, to_epoch_s
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids, parse_sort, search_condition
from adplane.core.tenancy import scoped
from adplane.master import catalog

# seed 004's order of the count entries
COUNT_SEQUENCE = ("running", "pending", "paused", "deleted", "expired", "draft", "rejected")


def parse_statuses(raw: str | Sequence[str] | None, field: str) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])
    values = [s.strip().lower() for s in items if s and s.strip()]
    unknown = [s for s in values if s not in CAMPAIGN_STATUSES]
    if unknown:
        raise ValidationFailed(f"Invalid campaign status: {', '.join(unknown)}.", field=field)
    return values


def org_filter(principal: Principal, raw_ow_ids: str | None, field: str) -> bool:
    """False when an owIds filter (other than "all") excludes the caller's organization."""
    if raw_ow_ids is None or not raw_ow_ids.strip() or raw_ow_ids.strip().lower() == "all":
        return True
    return principal.ow_id in parse_ids(raw_ow_ids, field)


def search_clause(search: str | None) -> ColumnElement[bool] | None:
    """Campaigns whose name contains the search (case-insensitive), or whose id it is."""
    return search_condition(search, [Campaign.name], Campaign.id)


def base_query(principal: Principal, *, statuses: list[str], creative_type_ids: list[int], search: str | None,
               visible: bool) -> Select[Any]:
    stmt = scoped(Campaign, principal.ow_id)
    if not visible:
        return stmt.where(Campaign.id.is_(None))
    wanted = Campaign.status.in_(statuses) if statuses else Campaign.status != STATUS_DELETED
    stmt = stmt.where(wanted)
    if creative_type_ids:
        stmt = stmt.where(Campaign.creative_type_id.in_(creative_type_ids))
    condition = search_clause(search)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt


LIST_SORT = {"id": Campaign.id, "name": Campaign.name, "status": Campaign.status, "start_date": Campaign.start_time,
             "end_date": Campaign.end_time, "total_budget": Campaign.budget_total, "created": Campaign.created_at,
             "creative_type_id": Campaign.creative_type_id}
DATA_SORT = {"created": Campaign.created_at, "name": Campaign.name, "id": Campaign.id, "status": Campaign.status,
             "modifiedDate": Campaign.modified_at}


def list_sort(sort_by: str | None, order: str | None) -> list:
    """The v2 list sorts by one column (`sort_by`, default id) in `order` (default desc)."""
    return parse_sort(sort_by, LIST_SORT, "id", order=order, default_order="desc")


# --------------------------------------------------------------------------- counts


def counts_by_status(session: Session, stmt: Select[Any]) -> dict[str, int]:
    sub = stmt.subquery()
    rows = session.execute(select(sub.c.status, func.count()).group_by(sub.c.status))
    return {status: count for status, count in rows}


def count_entries(counts: dict[str, int], *, include_zero: bool) -> list[dict[str, Any]]:
    entries = []
    for key in COUNT_SEQUENCE:
        status = catalog.CAMPAIGN_STATUSES_BY_KEY[key]
        if include_zero or counts.get(key):
            entries.append({"order": status.order, "status_key": key, "status_label": status.label,
                            "status_count": counts.get(key, 0)})
    everything = catalog.CAMPAIGN_STATUS_ALL
    entries.append({"order": everything.order, "status_key": everything.key, "status_label": everything.label,
                    "status_count": sum(n for k, n in counts.items() if k != STATUS_DELETED)})
    return entries


def count_query(principal: Principal, *, ow_ids: str | None, io_ids: str | None, campaign_type_ids: str | None,
                creative_type_ids: str | None, expired_after: int | None, search: str | None) -> Select[Any]:
    visible = org_filter(principal, ow_ids, "owIds")
    stmt = scoped(Campaign, principal.ow_id)
    if not visible:
        return stmt.where(Campaign.id.is_(None))
    if io_ids:
        stmt = stmt.where(Campaign.io_id.in_(parse_ids(io_ids, "ioIds")))
    if campaign_type_ids:
        stmt = stmt.where(Campaign.campaign_type_id.in_(parse_ids(campaign_type_ids, "campaignTypeIds")))
    if creative_type_ids:
        stmt = stmt.where(Campaign.creative_type_id.in_(parse_ids(creative_type_ids, "creativeTypeIds")))
    if expired_after is not None:
        after = from_epoch_s(expired_after)
        stmt = stmt.where(or_(Campaign.status != "expired", Campaign.end_time.is_(None), Campaign.end_time >= after))
    condition = search_clause(search)
    if condition is not None:
        stmt = stmt.where(condition)
    return stmt


def earliest_start(session: Session, principal: Principal) -> int | None:
    value = session.scalar(select(func.min(Campaign.start_time)).where(
        Campaign.ow_id == principal.ow_id, Campaign.status != STATUS_DELETED))
    return to_epoch_s(value)
