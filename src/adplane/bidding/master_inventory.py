"""IQM's Master inventory list (`POST /api/v3/master/inventory`): the shared inventory catalogue (every app
and site delivery can reach, `adplane.inventory`) in the Master API's shape.

It is served here rather than by `adplane.master` because the catalogue's table belongs to the inventory
domain, which sits above master in the layers; bidding already reads it (open-exchange models are inventory
ids), so entity ids for bid models and this list are the same ids.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import Field
from sqlalchemy import func, select

from adplane.auth.deps import PrincipalDep
from adplane.bidding.responses import MasterInventories
from adplane.core.deps import SessionDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.core.listing import fetch_page, ids_first, page_offset, parse_sort, search_condition
from adplane.core.schemas import IdList, WireModel
from adplane.inventory.models import Inventory
from adplane.master import catalog

router = APIRouter(tags=["Master API"])

DEFAULT_PAGE = 300
MAX_PAGE = 5000


class InventoryQuery(WireModel):
    """IQM's filter body; `pageNo` -1 returns every match on one page."""

    page_no: Annotated[int, Field(ge=-1, le=1_000_000)] | None = None
    no_of_entries: Annotated[int, Field(ge=1, le=MAX_PAGE)] | None = None
    sort_by: str | None = Field(default=None, max_length=200)
    order: str | None = Field(default=None, max_length=10)
    search_field: str | None = Field(default=None, max_length=255)
    ids: IdList | None = None
    inventory_ids: IdList | None = None
    publisher_ids: IdList | None = None


def _traffic_name(traffic_type_id: int | None) -> str:
    known = catalog.TRAFFIC_TYPES_BY_ID.get(traffic_type_id or 0)
    return known.name.lower() if known else "UN"


@router.post("/api/v3/master/inventory", response_model=V3[MasterInventories])
def master_inventory(_: PrincipalDep, session: SessionDep,
                     body: Annotated[InventoryQuery | None, Body()] = None) -> dict:
    """Filtered, sorted (default `-id`) and paged in SQL. A publisher's id is the id of its first catalogued
    app or site; `searchField` matches the id, the name or the bundle/domain."""
    q = body or InventoryQuery()
    if q.page_no == 0:
        raise ValidationFailed("pageNo must be 1 or more (-1 for every record).", field="pageNo")
    publisher_id = select(Inventory.publisher, func.min(Inventory.id).label("pid")).group_by(
        Inventory.publisher).subquery()
    stmt = select(Inventory)
    total = int(session.scalar(select(func.count()).select_from(Inventory)) or 0)
    if q.inventory_ids:
        stmt = stmt.where(Inventory.id.in_(q.inventory_ids))
    if q.publisher_ids:
        stmt = stmt.where(Inventory.publisher.in_(select(publisher_id.c.publisher).where(
            publisher_id.c.pid.in_(q.publisher_ids))))
    condition = search_condition(q.search_field, [Inventory.name, Inventory.app_id], Inventory.id)
    if condition is not None:
        stmt = stmt.where(condition)
    order = ids_first(Inventory.id, q.ids) + parse_sort(
        q.sort_by, {"id": Inventory.id, "name": Inventory.name, "bundleDomain": Inventory.app_id}, "-id",
        order=q.order)
    offset, limit = (0, None) if q.page_no == -1 else page_offset(q.page_no, q.no_of_entries or DEFAULT_PAGE)
    rows, matching = fetch_page(session, stmt, order, tiebreak=Inventory.id, offset=offset, limit=limit)
    pids = dict(session.execute(select(publisher_id.c.publisher, publisher_id.c.pid).where(
        publisher_id.c.publisher.in_({r.publisher for r in rows}))).all()) if rows else {}
    data: list[dict[str, Any]] = [
        {"id": r.id, "publisherId": pids.get(r.publisher, r.id), "trafficType": _traffic_name(r.traffic_type_id),
         "bundleDomain": r.app_id, "name": r.name} for r in rows]
    return v3({"data": data, "totalRecords": total, "filteredRecords": matching})
