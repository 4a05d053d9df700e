"""Rules of the inventory domain: deals (PMP floor price, PG fixed price), block lists, inventory groups
and what each campaign includes or excludes. `delivery_rules` is what the simulator honours.

PG deals are listed in SQL. The PMP and all-deals lists filter on figures worked out in Python (a PMP deal's
in-use status from its campaigns, creative types held as a JSON list, exchange names from the static catalogue),
so they sort and page those few rows per organization in memory with the same parsed sort and paging."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.models import STATUS_RUNNING
from adplane.campaigns.service import get_campaign
from adplane.core.clock import to_epoch_ms, to_epoch_s
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import (
    count,
    fetch_page,
    in_ids,
    page_offset,
    page_rows,
    parse_ids,
    parse_sort,
    sort_in_memory,
    text_matches,
    where_search,
)
from adplane.core.tenancy import get_scoped, scoped
from adplane.inventory import catalogue, repository
from adplane.inventory.models import (
    DEAL_KIND_PG,
    DEAL_KIND_PMP,
    GROUP_TYPE_CONTEXTUAL,
    GROUP_TYPE_CTV,
    GROUP_TYPE_OPEN_EXCHANGE,
    GROUP_TYPE_PMP,
    Deal,
    Inventory,
    InventoryGroup,
)
from adplane.inventory.schemas import (
    BlockRequest,
    DealListRequest,
    DealMappings,
    GroupCreate,
    GroupMappings,
    PgDealCreate,
    PgDealUpdate,
    PmpDealCreate,
    PmpDealListRequest,
    PmpDealUpdate,
)
from adplane.master import catalog

PG_STATUS_ACTIVE = 1
PG_STATUS_INACTIVE = 2
MAX_DEALS_PER_CAMPAIGN = 25
GROUP_TYPES = [("Open Exchange", GROUP_TYPE_OPEN_EXCHANGE, 1), ("CTV", GROUP_TYPE_CTV, 2),
               ("PMP", GROUP_TYPE_PMP, 3), ("Contextual", GROUP_TYPE_CONTEXTUAL, 4)]
DEAL_TYPES = [{"displayName": "PMP Deal", "name": "PMP deal", "id": 1, "order": 1},
              {"displayName": "PG Deal", "name": "PG deal", "id": 2, "order": 2}]
DEAL_STATUSES = [{"name": "active", "id": 1, "label": "Active", "order": 1},
                 {"name": "inactive", "id": 2, "label": "Inactive", "order": 2}]
MEMBER_INVENTORY = "inventory"
MEMBER_DEAL = "deal"
MEMBER_KEYWORD = "keyword"
MEMBER_URL = "url"


def exchange_name(exchange_id: int) -> str:
    """Deals may name an exchange outside adplane's list (IQM's examples do): it keeps its id."""
    known = catalog.EXCHANGES_BY_ID.get(exchange_id)
    return known.name if known else f"Exchange {exchange_id}"


def _money(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------------ deals

def get_deal(session: Session, ow_id: int, deal_id: int, kind: str) -> Deal:
    deal = get_scoped(session, Deal, ow_id, deal_id, label="Deal", field="id")
    if deal.kind != kind:
        raise NotFound("Deal not found.", field="id")
    return deal


def _creative_types(ids: list[int] | None) -> list[int]:
    """Kept as given: the seller's creative types (IQM's example names 12, outside adplane's list)."""
    return list(dict.fromkeys(ids or []))


def _customers(principal: Principal, ids: list[int] | None) -> None:
    """Deals belong to the caller's organization: it is the only customer they can be assigned to."""
    others = [i for i in ids or [] if i != principal.ow_id]
    if others:
        raise NotFound(f"Organization(s) not found: {', '.join(map(str, others))}.", field="assignToCustomers")


def create_pmp_deal(session: Session, principal: Principal, body: PmpDealCreate) -> Deal:
    _customers(principal, body.assign_to_customers)
    deal = Deal(ow_id=principal.ow_id, kind=DEAL_KIND_PMP, deal_id=body.deal_id, name=body.deal_name,
                description=body.description, cpm=body.cpm, exchange_id=body.exchange_id, active=body.active,
                curation_type_id=body.deal_curation_type_id, creative_type_ids=_creative_types(body.creative_types))
    session.add(deal)
    session.commit()
    return deal


def update_pmp_deal(session: Session, principal: Principal, deal_id: int, body: PmpDealUpdate) -> Deal:
    deal = get_deal(session, principal.ow_id, deal_id, DEAL_KIND_PMP)
    _customers(principal, body.assign_to_customers)
    given = body.model_fields_set
    if "creative_types" in given:
        deal.creative_type_ids = _creative_types(body.creative_types)
    simple = {"deal_id": "deal_id", "deal_name": "name", "description": "description", "cpm": "cpm",
              "deal_curation_type_id": "curation_type_id", "exchange_id": "exchange_id", "active": "active"}
    _apply(deal, body, simple, nullable={"description", "cpm", "deal_curation_type_id"})
    session.commit()
    return deal


def _apply(obj: Any, body: Any, columns: dict[str, str], nullable: set[str]) -> None:
    for name, column in columns.items():
        if name not in body.model_fields_set:
            continue
        value = getattr(body, name)
        if value is None and name not in nullable:
            raise ValidationFailed(f"{body.model_fields[name].alias} must not be null.",
                                   field=body.model_fields[name].alias or name)
        setattr(obj, column, value)


def create_pg_deal(session: Session, principal: Principal, body: PgDealCreate) -> Deal:
    deal = Deal(ow_id=principal.ow_id, kind=DEAL_KIND_PG, deal_id=body.deal_id, name=body.deal_name,
                description=body.description, cpm=body.cpm, exchange_id=body.exchange_id,
                active=body.status_id == PG_STATUS_ACTIVE, payment_type_id=body.payment_type_id)
    session.add(deal)
    session.commit()
    return deal


def update_pg_deal(session: Session, principal: Principal, deal_id: int, body: PgDealUpdate) -> Deal:
    deal = get_deal(session, principal.ow_id, deal_id, DEAL_KIND_PG)
    simple = {"deal_id": "deal_id", "deal_name": "name", "description": "description", "cpm": "cpm",
              "exchange_id": "exchange_id", "payment_type_id": "payment_type_id"}
    _apply(deal, body, simple, nullable={"description", "cpm", "payment_type_id"})
    if "status_id" in body.model_fields_set:
        if body.status_id is None:
            raise ValidationFailed("statusId must not be null.", field="statusId")
        deal.active = body.status_id == PG_STATUS_ACTIVE
    session.commit()
    return deal


def delete_deals(session: Session, principal: Principal, raw_ids: Any, kind: str) -> list[int]:
    ids = parse_ids(raw_ids, "ids", required=True)
    found = repository.deals_by_ids(session, principal.ow_id, ids, kind)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"Deal(s) not found: {', '.join(map(str, missing))}.", field="ids")
    for deal in found.values():
        session.delete(deal)
    session.commit()
    return ids


def pmp_to_wire(deal: Deal, campaigns: list[tuple[int, str]]) -> dict:
    return {"id": deal.id, "dealId": deal.deal_id, "dealName": deal.name, "description": deal.description,
            "cpm": _money(deal.cpm), "dealCurationTypeId": deal.curation_type_id,
            "creativeTypes": [catalog.CREATIVE_TYPES_BY_ID[t].name.lower() for t in deal.creative_type_ids
                              if t in catalog.CREATIVE_TYPES_BY_ID],
            "exchanges": [exchange_name(deal.exchange_id)], "exchangeId": deal.exchange_id, "active": deal.active,
            "shared": False, "created": to_epoch_s(deal.created_at), "assignedToCustomers": [deal.ow_id],
            "assignedToCampaigns": [c for c, _ in campaigns]}


def pg_to_wire(deal: Deal, campaigns: list[tuple[int, str]]) -> dict:
    active = [c for c, status in campaigns if status == STATUS_RUNNING]
    return {"id": deal.id, "dealId": deal.deal_id, "dealName": deal.name,
            "statusId": PG_STATUS_ACTIVE if deal.active else PG_STATUS_INACTIVE, "description": deal.description,
            "cpm": _money(deal.cpm), "paymentTypeId": deal.payment_type_id, "exchangeId": deal.exchange_id,
            "created": to_epoch_ms(deal.created_at), "activeCampaignIds": active,
            "otherCampaignIds": [c for c, status in campaigns if status != STATUS_RUNNING],
            "deleteAllowed": not active}


def deal_wire(session: Session, principal: Principal, deal_id: int, kind: str) -> dict:
    deal = get_deal(session, principal.ow_id, deal_id, kind)
    campaigns = repository.campaigns_of_deals(session, [deal.id])[deal.id]
    return (pmp_to_wire if kind == DEAL_KIND_PMP else pg_to_wire)(deal, campaigns)


def _pmp_status(deal: Deal, campaigns: list[tuple[int, str]]) -> str:
    if not deal.active:
        return "inActive"
    return "inUse" if campaigns else "unUsed"


def _group_deal_ids(session: Session, ow_id: int, group_id: int) -> set[int]:
    group = get_group(session, ow_id, group_id)
    return {int(m.ref) for m in repository.members(session, [group.id])[group.id] if m.kind == MEMBER_DEAL}


def list_pmp_deals(session: Session, principal: Principal, body: PmpDealListRequest) -> dict:
    deals = repository.deals(session, principal.ow_id, DEAL_KIND_PMP)
    campaigns = repository.campaigns_of_deals(session, [d.id for d in deals])
    in_group = _group_deal_ids(session, principal.ow_id, body.group_id) if body.group_id else None
    keywords = [k for k in body.search_keywords or [] if k.strip()]

    def keep(deal: Deal) -> bool:
        return ((in_group is None or deal.id in in_group)
                and (body.active is None or deal.active == body.active)
                and (not keywords
                     or any(text_matches(k, (deal.deal_id, deal.name, deal.description)) for k in keywords))
                and (not body.creative_types or bool(set(body.creative_types) & set(deal.creative_type_ids)))
                and (not body.exchanges or deal.exchange_id in body.exchanges)
                and (not body.ids or deal.id in body.ids)
                and (not body.deal_statuses or _pmp_status(deal, campaigns[deal.id]) in body.deal_statuses))

    order = parse_sort(body.sort_by, {"dealId": lambda d: d.id, "id": lambda d: d.id,
                                      "dealName": lambda d: d.name.lower(), "cpm": lambda d: d.cpm or 0,
                                      "created": lambda d: d.created_at}, "-dealId")
    matching = sort_in_memory([d for d in deals if keep(d)], order)
    page = page_rows(matching, *page_offset(body.page_no, body.no_of_entries))
    return {"totalRecords": len(deals), "filteredRecords": len(matching),
            "filteredList": [pmp_to_wire(d, campaigns[d.id]) for d in page]}


def pmp_counts(session: Session, principal: Principal) -> dict:
    deals = repository.deals(session, principal.ow_id, DEAL_KIND_PMP)
    campaigns = repository.campaigns_of_deals(session, [d.id for d in deals])
    statuses = [_pmp_status(d, campaigns[d.id]) for d in deals]
    return {"All": len(deals), **{s: statuses.count(s) for s in ("inActive", "inUse", "unUsed")}}


@dataclass
class PgListQuery:
    search_field: str | None = None
    no_of_entries: int = 20
    page_no: int = 1
    sort_by: str | None = None
    ids: list[int] = field(default_factory=list)
    payment_type_ids: list[int] = field(default_factory=list)
    status_ids: list[int] = field(default_factory=list)
    exchange_ids: list[int] = field(default_factory=list)


PG_SORT: dict[str, Any] = {"id": Deal.id, "dealName": func.lower(Deal.name), "cpm": func.coalesce(Deal.cpm, 0),
                           "cmp": func.coalesce(Deal.cpm, 0)}


def list_pg_deals(session: Session, principal: Principal, query: PgListQuery) -> dict:
    """PG deals, filtered, searched, sorted and paged in SQL (`core.listing`)."""
    order = parse_sort(query.sort_by, PG_SORT, "-id")
    base = scoped(Deal, principal.ow_id).where(Deal.kind == DEAL_KIND_PG)
    stmt = where_search(base, query.search_field, [Deal.deal_id, Deal.name], Deal.id)
    for column, ids in ((Deal.id, query.ids), (Deal.payment_type_id, query.payment_type_ids),
                        (Deal.exchange_id, query.exchange_ids)):
        if ids:
            stmt = stmt.where(in_ids(column, ids))
    if query.status_ids:
        stmt = stmt.where(Deal.active.in_([status == PG_STATUS_ACTIVE for status in query.status_ids]))
    offset, limit = page_offset(query.page_no, query.no_of_entries)
    page, matching = fetch_page(session, stmt, order, tiebreak=Deal.id, offset=offset, limit=limit)
    campaigns = repository.campaigns_of_deals(session, [d.id for d in page])
    return {"totalRecords": count(session, base), "filteredRecords": matching,
            "pgDealData": [pg_to_wire(d, campaigns[d.id]) for d in page]}


def list_all_deals(session: Session, principal: Principal, body: DealListRequest) -> dict:
    if body.ow_ids and any(o != principal.ow_id for o in body.ow_ids):
        raise NotFound("Organization not found.", field="owIds")
    deals = repository.deals(session, principal.ow_id)
    campaigns = repository.campaigns_of_deals(session, [d.id for d in deals])
    wanted = {DEAL_KIND_PG: body.deal.pg if body.deal else None, DEAL_KIND_PMP: body.deal.pmp if body.deal else None}
    by = body.search_by or ["dealId", "dealName", "exchangeName"]

    def keep(deal: Deal) -> bool:
        ids = wanted[deal.kind]
        texts = {"dealId": deal.deal_id, "dealName": deal.name, "exchangeName": exchange_name(deal.exchange_id)}
        status = "Active" if deal.active else "Inactive"
        return ((ids is None or deal.id in ids) and (not body.deal_status or status in body.deal_status)
                and text_matches(body.search_field, [texts[b] for b in by]))

    order = parse_sort(body.sort_by, {"dealId": lambda d: d.deal_id, "id": lambda d: d.id,
                                      "dealName": lambda d: d.name.lower()}, "-id")
    matching = sort_in_memory([d for d in deals if keep(d)], order)
    page = page_rows(matching, *page_offset(body.page_no, body.no_of_entries))
    return {"totalRecords": len(deals), "filteredRecords": len(matching), "dealList": [
        {"id": d.id, "dealId": d.deal_id, "dealStatus": "Active" if d.active else "Inactive", "dealName": d.name,
         "exchangeName": exchange_name(d.exchange_id), "dealType": d.kind.upper(),
         "campaignCount": len(campaigns[d.id])} for d in page]}


def map_deals(session: Session, principal: Principal, body: DealMappings, kind: str) -> None:
    """Assign/deassign deals to campaigns, all operations or none; a campaign holds at most 25 deals."""
    label = "pgDealIds" if kind == DEAL_KIND_PG else "pmpDealIds"
    for op in body.operations:
        deal_ids = (op.pg_deal_ids if kind == DEAL_KIND_PG else op.pmp_deal_ids) or []
        if not deal_ids:
            raise ValidationFailed(f"{label} is required.", field=label)
        deals = repository.deals_by_ids(session, principal.ow_id, deal_ids, kind)
        missing = [i for i in deal_ids if i not in deals]
        if missing:
            raise NotFound(f"Deal(s) not found: {', '.join(map(str, missing))}.", field=label)
        campaigns = repository.owned_campaigns(session, principal.ow_id, op.campaign_ids)
        missing = [i for i in op.campaign_ids if i not in campaigns]
        if missing:
            raise NotFound(f"Campaign(s) not found: {', '.join(map(str, missing))}.", field="campaignIds")
        if op.action == "assign":
            repository.assign_deals(session, op.campaign_ids, deal_ids)
        else:
            repository.deassign_deals(session, op.campaign_ids, deal_ids)
    held = repository.deals_of_campaigns(session, sorted({c for op in body.operations for c in op.campaign_ids}))
    for campaign_id, assigned in held.items():
        if len(assigned) > MAX_DEALS_PER_CAMPAIGN:
            session.rollback()
            raise ValidationFailed(f"Campaign ID {campaign_id} exceeds the maximum limit of "
                                   f"{MAX_DEALS_PER_CAMPAIGN} deals", field="campaignIds")
    session.commit()


def deals_by_campaign(session: Session, principal: Principal, campaign_type_id: int) -> dict[str, list[int]]:
    """Campaigns of a type (1 advanced → its PMP deals, 2 PG → its PG deals) and the deals they hold."""
    kinds = {1: DEAL_KIND_PMP, 2: DEAL_KIND_PG}
    if campaign_type_id not in kinds:
        raise ValidationFailed(f"Invalid campaign type ID: [{campaign_type_id}]", field="campaignTypeId")
    deals = repository.deals(session, principal.ow_id, kinds[campaign_type_id])
    by_campaign: dict[str, list[int]] = {}
    for deal_id, campaigns in repository.campaigns_of_deals(session, [d.id for d in deals]).items():
        for campaign_id, _ in campaigns:
            by_campaign.setdefault(str(campaign_id), []).append(deal_id)
    return {k: sorted(v) for k, v in sorted(by_campaign.items(), key=lambda kv: int(kv[0]))}


# ------------------------------------------------------------------------------ blocks, targeting

def inventory_to_wire(inventory: Inventory, volume: catalogue.Volume | None, comment: str | None = None) -> dict:
    volume = volume or catalogue.Volume()
    row = {"id": inventory.id, "name": inventory.name, "publisher": inventory.publisher, "appId": inventory.app_id,
           "inventoryType": inventory.inventory_type, "trafficTypeId": inventory.traffic_type_id,
           "impressions": volume.impressions, "spent": float(volume.spend),
           "videoPercentage": volume.video_percentage,
           "displayPercentage": round(100 - volume.video_percentage, 2) if volume.impressions else 0}
    if comment is not None:
        row["comment"] = comment
    return row


def _search_ids(session: Session, search: str | None) -> list[int]:
    if not search or not search.strip():
        return []
    return [i.id for i in repository.all_inventories(session) if text_matches(search, (i.name, i.app_id, i.publisher))]


def block(session: Session, principal: Principal, body: BlockRequest, store: AnalyticsStore) -> None:
    catalogue.sync(session, store)
    ids = list(body.inventory_ids or []) + _search_ids(session, body.search_field)
    if not ids:
        raise ValidationFailed("inventoryIds or searchField is required.", field="inventoryIds")
    repository.block(session, principal.ow_id, ids)
    session.commit()


def unblock(session: Session, principal: Principal, body: BlockRequest) -> None:
    ids = list(body.inventory_ids or []) + _search_ids(session, body.search_field)
    if not ids:
        raise ValidationFailed("inventoryIds or searchField is required.", field="inventoryIds")
    repository.unblock(session, principal.ow_id, ids)
    session.commit()


def add_comment(session: Session, principal: Principal, inventory_id: int, comment: str) -> None:
    row = next((b for b in repository.blocked(session, principal.ow_id) if b.inventory_id == inventory_id), None)
    if row is None:
        raise NotFound("Blocked inventory not found.", field="inventoryId")
    row.comment = comment
    session.commit()


def blocked_list(session: Session, principal: Principal, store: AnalyticsStore, *, search: str | None,
                 ids: list[int], page_no: int, no_of_entries: int) -> dict:
    blocks = repository.blocked(session, principal.ow_id)
    inventories = repository.inventories_by_ids(session, [b.inventory_id for b in blocks])
    volumes = catalogue.volumes(store, principal.ow_id)
    rows = []
    for b in blocks:
        inv = inventories.get(b.inventory_id)
        if inv is None or (ids and b.inventory_id not in ids) or not text_matches(search, (inv.name, inv.app_id)):
            continue
        rows.append(inventory_to_wire(inv, volumes.get(inv.app_id), b.comment or ""))
    return {"globalBlockedInventoryData": page_rows(rows, *page_offset(page_no, no_of_entries)),
            "totalRecords": len(blocks),
            "filteredRecords": len(rows)}


def target_inventories(session: Session, principal: Principal, campaign_id: int, raw_ids: Any,
                       excluded: bool) -> None:
    get_campaign(session, principal.ow_id, campaign_id)
    ids = parse_ids(raw_ids, "ids", required=True)
    repository.set_campaign_inventories(session, campaign_id, ids, excluded)
    session.commit()


# ----------------------------------------------------------------------------------------- groups

def get_group(session: Session, ow_id: int, group_id: int, field: str = "groupId") -> InventoryGroup:
    return get_scoped(session, InventoryGroup, ow_id, group_id, label="Inventory group", field=field)


def _member_refs(session: Session, principal: Principal, group_type: int, body: GroupCreate | GroupMappings
                 ) -> dict[str, list[str]]:
    """The members a request names for a group type (deals must be the caller's PMP deals)."""
    refs: dict[str, list[str]] = {}
    inventory_ids = list(body.inventory_ids or [])
    if isinstance(body, GroupMappings):
        inventory_ids += list(body.bunch_ids or [])
    if inventory_ids:
        if group_type not in (GROUP_TYPE_OPEN_EXCHANGE, GROUP_TYPE_CTV):
            raise ValidationFailed("inventoryIds belong to open exchange or CTV groups.", field="inventoryIds")
        refs[MEMBER_INVENTORY] = [str(i) for i in dict.fromkeys(inventory_ids)]
    if body.deal_ids:
        if group_type != GROUP_TYPE_PMP:
            raise ValidationFailed("dealIds belong to PMP groups.", field="dealIds")
        deals = repository.deals_by_ids(session, principal.ow_id, list(body.deal_ids), DEAL_KIND_PMP)
        missing = [i for i in body.deal_ids if i not in deals]
        if missing:
            raise NotFound(f"Deal(s) not found: {', '.join(map(str, missing))}.", field="dealIds")
        refs[MEMBER_DEAL] = [str(i) for i in dict.fromkeys(body.deal_ids)]
    for kind, values, name in ((MEMBER_KEYWORD, body.contextual_keywords, "contextualKeywords"),
                               (MEMBER_URL, body.contextual_urls, "contextualUrls")):
        cleaned = [v.strip() for v in values or [] if v.strip()]
        if cleaned:
            if group_type != GROUP_TYPE_CONTEXTUAL:
                raise ValidationFailed(f"{name} belong to contextual groups.", field=name)
            refs[kind] = list(dict.fromkeys(cleaned))
    return refs


def create_group(session: Session, principal: Principal, body: GroupCreate) -> InventoryGroup:
    refs = _member_refs(session, principal, body.group_type_id, body)
    group = InventoryGroup(ow_id=principal.ow_id, name=body.group_name.strip() or body.group_name,
                           group_type_id=body.group_type_id)
    session.add(group)
    session.flush()
    for kind, values in refs.items():
        repository.add_members(session, group.id, kind, values)
    session.commit()
    return group


def rename_group(session: Session, principal: Principal, group_id: int, name: str) -> InventoryGroup:
    group = get_group(session, principal.ow_id, group_id)
    group.name = name
    session.commit()
    return group


def delete_groups(session: Session, principal: Principal, ids: Sequence[int]) -> int:
    found = repository.groups_by_ids(session, principal.ow_id, list(ids))
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound("Unauthorized user or invalid inventory group.", field="groupIds")
    for group in found.values():
        session.delete(group)
    session.commit()
    return len(found)


def change_mappings(session: Session, principal: Principal, body: GroupMappings, *, add: bool) -> list[InventoryGroup]:
    groups = repository.groups_by_ids(session, principal.ow_id, list(body.group_ids))
    missing = [i for i in body.group_ids if i not in groups]
    if missing:
        raise NotFound(f"Inventory group(s) not found: {', '.join(map(str, missing))}.", field="groupIds")
    if body.inventory_type_id is not None and body.group_type_id is None:  # v2: 1 inventories, 2 private deals
        expected = GROUP_TYPE_PMP if body.inventory_type_id == 2 else None
    else:
        expected = body.group_type_id
    for group in groups.values():
        if expected is not None and group.group_type_id != expected:
            raise ValidationFailed(f"Inventory group {group.id} is not of group type {expected}.",
                                   field="groupTypeId")
        refs = _member_refs(session, principal, group.group_type_id, body)
        if not refs:
            raise ValidationFailed("No inventories, deals or contextual entries given.", field="inventoryIds")
        for kind, values in refs.items():
            (repository.add_members if add else repository.remove_members)(session, group.id, kind, values)
    session.commit()
    return [groups[i] for i in body.group_ids]


def target_group(session: Session, principal: Principal, group_id: int, raw_campaign_ids: Any,
                 excluded: bool) -> None:
    get_group(session, principal.ow_id, group_id, field="group_id")
    ids = parse_ids(raw_campaign_ids, "campaignIds", required=True)
    campaigns = repository.owned_campaigns(session, principal.ow_id, ids)
    missing = [i for i in ids if i not in campaigns]
    if missing:
        raise NotFound(f"Campaign(s) not found: {', '.join(map(str, missing))}.", field="campaignIds")
    repository.target_group(session, group_id, ids, excluded)
    session.commit()


def _iqm_datetime(instant: datetime) -> str:
    """IQM's `modifiedDate` text: `2024-07-01T12:17:20.295+0000` (UTC, milliseconds)."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}+0000"


def groups_to_wire(session: Session, groups: list[InventoryGroup], store: AnalyticsStore | None,
                   ow_id: int) -> list[dict]:
    ids = [g.id for g in groups]
    members = repository.members(session, ids)
    targeting = repository.group_campaigns(session, ids)
    volumes = catalogue.volumes(store, ow_id) if store is not None else {}
    inventory_ids = {int(m.ref) for ms in members.values() for m in ms if m.kind == MEMBER_INVENTORY}
    inventories = repository.inventories_by_ids(session, inventory_ids)
    out = []
    for group in groups:
        mine = members[group.id]
        invs = [inventories[int(m.ref)] for m in mine if m.kind == MEMBER_INVENTORY and int(m.ref) in inventories]
        deals = [m for m in mine if m.kind == MEMBER_DEAL]
        contextual = [m for m in mine if m.kind in (MEMBER_KEYWORD, MEMBER_URL)]
        allow = [t.campaign_id for t in targeting[group.id] if not t.is_excluded]
        block_ = [t.campaign_id for t in targeting[group.id] if t.is_excluded]
        out.append({
            "groupTypeId": group.group_type_id, "created": to_epoch_s(group.created_at),
            "modifiedDate": _iqm_datetime(group.modified_at),
            "owId": group.ow_id, "impressions": sum(volumes[i.app_id].impressions for i in invs if i.app_id in volumes),
            "isAccountLevelExcluded": False, "campaignWhitelistCount": len(allow),
            "campaignBlacklistCount": len(block_), "whiteListedCampaignIds": allow, "blackListedCampaignIds": block_,
            "publishers": len({i.publisher for i in invs}), "sharedCount": 0, "uniques": 0, "reach": 0,
            "inventories": len([m for m in mine if m.kind == MEMBER_INVENTORY]), "deals": len(deals),
            "contextualInventories": len(contextual), "count": len(mine), "id": group.id, "name": group.name,
            "isShared": False,
        })
    return out


def _key(name: str) -> Callable[[dict], Any]:
    return lambda row: row[name]


def list_groups(session: Session, principal: Principal, store: AnalyticsStore, *, type_ids: list[int], ids: list[int],
                search: str | None, exclude_empty: bool, page_no: int | None, page_size: int | None,
                sort_by: str | None) -> dict:
    groups = repository.groups(session, principal.ow_id)
    matching = [g for g in groups if (not type_ids or g.group_type_id in type_ids) and (not ids or g.id in ids)
                and text_matches(search, (g.name, str(g.id)))]
    rows = groups_to_wire(session, matching, store, principal.ow_id)
    if exclude_empty:
        rows = [r for r in rows if r["count"]]
    keys: dict[str, Callable[[dict], Any]] = {n: _key(n) for n in ("id", "name", "impressions", "created", "count",
                                                                    "groupTypeId")}
    rows = sort_in_memory(rows, parse_sort(sort_by, keys, "-id"))
    return {"totalRecords": len(groups), "filteredRecords": len(rows),
            "inventoryGroupList": page_rows(rows, *page_offset(page_no, page_size))}


def group_pmp_deals(session: Session, principal: Principal, group_id: int) -> dict:
    ids = sorted(_group_deal_ids(session, principal.ow_id, group_id))
    deals = repository.deals_by_ids(session, principal.ow_id, ids, DEAL_KIND_PMP)
    campaigns = repository.campaigns_of_deals(session, list(deals))
    rows = [pmp_to_wire(deals[i], campaigns[i]) for i in ids if i in deals]
    return {"totalRecords": len(rows), "filteredRecords": len(rows), "filteredList": rows}


def campaigns_by_group(session: Session, principal: Principal, group_id: int, *, search: str | None,
                       only_targeted: bool, page_no: int, no_of_entries: int) -> dict:
    get_group(session, principal.ow_id, group_id, field="group_id")
    targeting = {t.campaign_id: t for t in repository.group_campaigns(session, [group_id])[group_id]}
    campaigns = repository.org_campaigns(session, principal.ow_id)
    rows = [{"id": c.id, "name": c.name,
             "included": int(c.id in targeting and not targeting[c.id].is_excluded),
             "excluded": int(c.id in targeting and targeting[c.id].is_excluded),
             "status": c.status, "created": to_epoch_s(c.created_at) or 0}
            for c in campaigns
            if (not only_targeted or c.id in targeting) and text_matches(search, (c.name, str(c.id)))]
    return {"totalRecords": len(campaigns), "filteredRecords": len(rows),
            "data": page_rows(rows, *page_offset(page_no, no_of_entries))}


# ------------------------------------------------------------------------------ what delivery honours

@dataclass
class DealTerms:
    exchange_id: int
    cpm: Decimal | None
    fixed: bool  # PG: clears at `cpm`; PMP: `cpm` is the floor


@dataclass
class InventoryRules:
    """What a campaign may buy: app ids it must not (block lists), app ids it may only buy (allow lists,
    None: any), and the deals it buys through (none: the open exchange)."""

    blocked: set[str] = field(default_factory=set)
    allowed: set[str] | None = None
    deals: list[DealTerms] = field(default_factory=list)
    deals_only: bool = False  # a PG campaign: it buys through its deals or not at all

    @property
    def is_open(self) -> bool:
        return not self.blocked and self.allowed is None and not self.deals and not self.deals_only


@dataclass
class RuleInputs:
    """What one buyer asks of the inventory: single inventories it allows or blocks (inventory id, excluded),
    inventory groups it targets or blocks (group id, excluded), and its deals; `pg_only`: a PG campaign."""

    ow_id: int
    singles: list[tuple[int, bool]] = field(default_factory=list)
    groups: list[tuple[int, bool]] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)
    pg_only: bool = False


def delivery_rules(session: Session, campaigns: Sequence[tuple[int, int]]) -> dict[int, InventoryRules]:
    """Rules per campaign for (campaign id, owner ow_id) pairs: the organization's block list, the campaign's
    inventory includes/excludes and targeted/blocked groups, and its deals (see `compose_rules`). A PG campaign
    buys only through its active PG deals, and nothing without one."""
    campaign_ids = [c for c, _ in campaigns]
    pg_campaigns = repository.pg_campaign_ids(session, campaign_ids)
    singles = repository.campaign_inventories(session, campaign_ids)
    targeted = repository.campaign_groups(session, campaign_ids)
    deals = repository.deals_of_campaigns(session, campaign_ids)
    return compose_rules(session, {campaign_id: RuleInputs(
        ow_id, [(row.inventory_id, row.is_excluded) for row in singles[campaign_id]],
        [(row.group_id, row.is_excluded) for row in targeted[campaign_id]], deals[campaign_id],
        campaign_id in pg_campaigns) for campaign_id, ow_id in campaigns})


def compose_rules(session: Session, inputs: Mapping[Any, RuleInputs]) -> dict[Any, InventoryRules]:
    """The delivery rules of each buyer: the organization's block list, single and group excludes block;
    single and group includes (open exchange, CTV) allow only theirs; active deals, with those of included PMP
    groups, are what it buys through (contextual groups do not restrict delivery)."""
    group_ids = sorted({g for one in inputs.values() for g, _ in one.groups})
    members = repository.members(session, group_ids)
    group_types = {g.id: g.group_type_id for g in repository.groups_by_any_ids(session, group_ids)}
    blocked_by_org = {ow: {b.inventory_id for b in repository.blocked(session, ow)}
                      for ow in {one.ow_id for one in inputs.values()}}
    inventory_ids = {i for ids in blocked_by_org.values() for i in ids}
    inventory_ids |= {i for one in inputs.values() for i, _ in one.singles}
    inventory_ids |= {int(m.ref) for rows in members.values() for m in rows if m.kind == MEMBER_INVENTORY}
    app_ids = {i: inv.app_id for i, inv in repository.inventories_by_ids(session, inventory_ids).items()}
    group_deal_ids = {int(m.ref) for rows in members.values() for m in rows if m.kind == MEMBER_DEAL}
    group_deals = repository.deals_by_any_ids(session, sorted(group_deal_ids))

    out: dict[Any, InventoryRules] = {}
    for key, one in inputs.items():
        rules = InventoryRules(blocked={app_ids[i] for i in blocked_by_org[one.ow_id] if i in app_ids})
        allowed: set[int] | None = None
        for inventory_id, excluded in one.singles:
            if excluded:
                rules.blocked.add(app_ids.get(inventory_id, ""))
            else:
                allowed = (allowed or set()) | {inventory_id}
        buyer_deals = [d for d in one.deals if d.active]
        for group_id, excluded in one.groups:
            kind = group_types.get(group_id)
            rows = members.get(group_id, [])
            inv = {int(m.ref) for m in rows if m.kind == MEMBER_INVENTORY}
            if kind in (GROUP_TYPE_OPEN_EXCHANGE, GROUP_TYPE_CTV):
                if excluded:
                    rules.blocked |= {app_ids[i] for i in inv if i in app_ids}
                else:
                    allowed = (allowed or set()) | inv
            elif kind == GROUP_TYPE_PMP and not excluded:
                buyer_deals += [group_deals[int(m.ref)] for m in rows
                                if m.kind == MEMBER_DEAL and int(m.ref) in group_deals
                                and group_deals[int(m.ref)].active]
        if allowed is not None:
            rules.allowed = {app_ids[i] for i in allowed if i in app_ids} - rules.blocked
        rules.blocked.discard("")
        if one.pg_only:
            rules.deals_only = True
            buyer_deals = [d for d in buyer_deals if d.kind == DEAL_KIND_PG]
        unique = {d.id: d for d in buyer_deals}
        rules.deals = [DealTerms(d.exchange_id, d.cpm, d.kind == DEAL_KIND_PG) for _, d in sorted(unique.items())]
        out[key] = rules
    return out


def catalogue_rows(session: Session, principal: Principal, store: AnalyticsStore, *, keywords: str | None,
                   traffic_types: list[int], group_id: int | None) -> list[dict]:
    """The catalogue with the caller's volumes, busiest first (a group: only its inventories)."""
    catalogue.sync(session, store)
    session.commit()
    inventories = repository.all_inventories(session)
    if group_id is not None:
        group = get_group(session, principal.ow_id, group_id)
        members = {int(m.ref) for m in repository.members(session, [group.id])[group.id] if m.kind == MEMBER_INVENTORY}
        inventories = [i for i in inventories if i.id in members]
    words = [w for w in (keywords or "").split(",") if w.strip()]
    volumes = catalogue.volumes(store, principal.ow_id)
    rows = [inventory_to_wire(i, volumes.get(i.app_id)) for i in inventories
            if (not words or any(text_matches(w, (i.name, i.app_id, i.publisher)) for w in words))
            and (not traffic_types or i.traffic_type_id in traffic_types)]
    return sort_in_memory(rows, [(_key("impressions"), True), (_key("id"), False)])


def catalogue_list(session: Session, principal: Principal, store: AnalyticsStore, *, keywords: str | None,
                   traffic_types: list[int], group_id: int | None, page_no: int, no_of_entries: int) -> dict:
    rows = catalogue_rows(session, principal, store, keywords=keywords, traffic_types=traffic_types,
                          group_id=group_id)
    return {"inventoryDataList": page_rows(rows, *page_offset(page_no, no_of_entries)), "totalRecords": len(rows),
            "filteredRecords": len(rows)}
