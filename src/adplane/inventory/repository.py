"""SQL of the inventory domain; tenant rows are read through `tenancy.scoped` (other organizations' ids
are simply not there)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.campaigns.models import STATUS_DELETED, Campaign
from adplane.core.tenancy import scoped
from adplane.inventory.models import (
    BlockedInventory,
    CampaignDeal,
    CampaignInventory,
    CampaignInventoryGroup,
    Deal,
    Inventory,
    InventoryGroup,
    InventoryGroupMember,
)
from adplane.master.catalog import CAMPAIGN_TYPE_PG

CHUNK = 1000


def chunks(ids: list[int]) -> Iterable[list[int]]:
    for offset in range(0, len(ids), CHUNK):
        yield ids[offset: offset + CHUNK]


def deals(session: Session, ow_id: int, kind: str | None = None) -> list[Deal]:
    stmt = scoped(Deal, ow_id).order_by(Deal.id)
    if kind is not None:
        stmt = stmt.where(Deal.kind == kind)
    return list(session.scalars(stmt))


def deals_by_ids(session: Session, ow_id: int, ids: list[int], kind: str | None = None) -> dict[int, Deal]:
    found: dict[int, Deal] = {}
    for part in chunks(ids):
        stmt = scoped(Deal, ow_id).where(Deal.id.in_(part))
        if kind is not None:
            stmt = stmt.where(Deal.kind == kind)
        found.update({d.id: d for d in session.scalars(stmt)})
    return found


def campaigns_of_deals(session: Session, deal_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Deal id → [(campaign id, campaign status)] of the campaigns it is assigned to (deleted ones left out)."""
    out: dict[int, list[tuple[int, str]]] = {d: [] for d in deal_ids}
    for part in chunks(deal_ids):
        rows = session.execute(
            select(CampaignDeal.deal_id, Campaign.id, Campaign.status)
            .join(Campaign, Campaign.id == CampaignDeal.campaign_id)
            .where(CampaignDeal.deal_id.in_(part), Campaign.status != STATUS_DELETED)
            .order_by(Campaign.id))
        for deal_id, campaign_id, status in rows:
            out[deal_id].append((campaign_id, status))
    return out


def deals_of_campaigns(session: Session, campaign_ids: list[int]) -> dict[int, list[Deal]]:
    out: dict[int, list[Deal]] = {c: [] for c in campaign_ids}
    for part in chunks(campaign_ids):
        rows = session.execute(select(CampaignDeal.campaign_id, Deal).join(Deal, Deal.id == CampaignDeal.deal_id)
                               .where(CampaignDeal.campaign_id.in_(part)).order_by(Deal.id))
        for campaign_id, deal in rows:
            out[campaign_id].append(deal)
    return out


def owned_campaigns(session: Session, ow_id: int, ids: list[int]) -> dict[int, Campaign]:
    found: dict[int, Campaign] = {}
    for part in chunks(ids):
        stmt = scoped(Campaign, ow_id).where(Campaign.id.in_(part), Campaign.status != STATUS_DELETED)
        found.update({c.id: c for c in session.scalars(stmt)})
    return found


def org_campaigns(session: Session, ow_id: int) -> list[Campaign]:
    return list(session.scalars(scoped(Campaign, ow_id).where(Campaign.status != STATUS_DELETED)
                                .order_by(Campaign.id.desc())))


def pg_campaign_ids(session: Session, campaign_ids: list[int]) -> set[int]:
    """Which of the campaigns are PG campaigns (campaign type 2)."""
    out: set[int] = set()
    for chunk in chunks(campaign_ids):
        out.update(session.scalars(select(Campaign.id).where(Campaign.id.in_(chunk),
                                                             Campaign.campaign_type_id == CAMPAIGN_TYPE_PG)))
    return out


def assign_deals(session: Session, campaign_ids: list[int], deal_ids: list[int]) -> None:
    existing = {(c, d) for c, d in session.execute(select(CampaignDeal.campaign_id, CampaignDeal.deal_id).where(
        CampaignDeal.campaign_id.in_(campaign_ids), CampaignDeal.deal_id.in_(deal_ids)))}
    session.add_all(CampaignDeal(campaign_id=c, deal_id=d) for c in campaign_ids for d in deal_ids
                    if (c, d) not in existing)
    session.flush()


def deassign_deals(session: Session, campaign_ids: list[int], deal_ids: list[int]) -> None:
    session.execute(delete(CampaignDeal).where(CampaignDeal.campaign_id.in_(campaign_ids),
                                               CampaignDeal.deal_id.in_(deal_ids)))


# ------------------------------------------------------------------------------------- catalogue

def inventories_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Inventory]:
    wanted = sorted(set(ids))
    found: dict[int, Inventory] = {}
    for part in chunks(wanted):
        found.update({i.id: i for i in session.scalars(select(Inventory).where(Inventory.id.in_(part)))})
    return found


def all_inventories(session: Session) -> list[Inventory]:
    return list(session.scalars(select(Inventory).order_by(Inventory.id)))


def blocked(session: Session, ow_id: int) -> list[BlockedInventory]:
    return list(session.scalars(scoped(BlockedInventory, ow_id).order_by(BlockedInventory.inventory_id)))


def block(session: Session, ow_id: int, inventory_ids: Iterable[int]) -> None:
    have = {b.inventory_id for b in blocked(session, ow_id)}
    session.add_all(BlockedInventory(ow_id=ow_id, inventory_id=i) for i in sorted(set(inventory_ids)) if i not in have)
    session.flush()


def unblock(session: Session, ow_id: int, inventory_ids: list[int]) -> None:
    for part in chunks(inventory_ids):
        session.execute(delete(BlockedInventory).where(BlockedInventory.ow_id == ow_id,
                                                       BlockedInventory.inventory_id.in_(part)))


def campaign_inventories(session: Session, campaign_ids: list[int]) -> dict[int, list[CampaignInventory]]:
    out: dict[int, list[CampaignInventory]] = {c: [] for c in campaign_ids}
    for part in chunks(campaign_ids):
        for row in session.scalars(select(CampaignInventory).where(CampaignInventory.campaign_id.in_(part))):
            out[row.campaign_id].append(row)
    return out


def set_campaign_inventories(session: Session, campaign_id: int, inventory_ids: list[int], excluded: bool) -> None:
    """Include or exclude these inventories (an id is either included or excluded, the last call wins)."""
    for part in chunks(inventory_ids):
        session.execute(delete(CampaignInventory).where(CampaignInventory.campaign_id == campaign_id,
                                                        CampaignInventory.inventory_id.in_(part)))
    session.add_all(CampaignInventory(campaign_id=campaign_id, inventory_id=i, is_excluded=excluded)
                    for i in inventory_ids)
    session.flush()


# ---------------------------------------------------------------------------------------- groups

def groups(session: Session, ow_id: int) -> list[InventoryGroup]:
    return list(session.scalars(scoped(InventoryGroup, ow_id).order_by(InventoryGroup.id)))


def groups_by_ids(session: Session, ow_id: int, ids: list[int]) -> dict[int, InventoryGroup]:
    found: dict[int, InventoryGroup] = {}
    for part in chunks(ids):
        found.update({g.id: g for g in session.scalars(scoped(InventoryGroup, ow_id)
                                                        .where(InventoryGroup.id.in_(part)))})
    return found


def members(session: Session, group_ids: list[int]) -> dict[int, list[InventoryGroupMember]]:
    out: dict[int, list[InventoryGroupMember]] = {g: [] for g in group_ids}
    for part in chunks(group_ids):
        for row in session.scalars(select(InventoryGroupMember).where(InventoryGroupMember.group_id.in_(part))
                                   .order_by(InventoryGroupMember.id)):
            out[row.group_id].append(row)
    return out


def add_members(session: Session, group_id: int, kind: str, refs: Iterable[str]) -> None:
    have = {m.ref for m in session.scalars(select(InventoryGroupMember).where(
        InventoryGroupMember.group_id == group_id, InventoryGroupMember.kind == kind))}
    new = [r for r in dict.fromkeys(refs) if r not in have]
    session.add_all(InventoryGroupMember(group_id=group_id, kind=kind, ref=r) for r in new)
    session.flush()


def remove_members(session: Session, group_id: int, kind: str, refs: list[str]) -> None:
    for offset in range(0, len(refs), CHUNK):
        session.execute(delete(InventoryGroupMember).where(
            InventoryGroupMember.group_id == group_id, InventoryGroupMember.kind == kind,
            InventoryGroupMember.ref.in_(refs[offset: offset + CHUNK])))


def group_campaigns(session: Session, group_ids: list[int]) -> dict[int, list[CampaignInventoryGroup]]:
    out: dict[int, list[CampaignInventoryGroup]] = {g: [] for g in group_ids}
    for part in chunks(group_ids):
        rows = session.scalars(select(CampaignInventoryGroup)
                               .join(Campaign, Campaign.id == CampaignInventoryGroup.campaign_id)
                               .where(CampaignInventoryGroup.group_id.in_(part), Campaign.status != STATUS_DELETED)
                               .order_by(CampaignInventoryGroup.campaign_id))
        for row in rows:
            out[row.group_id].append(row)
    return out


def campaign_groups(session: Session, campaign_ids: list[int]) -> dict[int, list[CampaignInventoryGroup]]:
    out: dict[int, list[CampaignInventoryGroup]] = {c: [] for c in campaign_ids}
    for part in chunks(campaign_ids):
        for row in session.scalars(select(CampaignInventoryGroup)
                                   .where(CampaignInventoryGroup.campaign_id.in_(part))):
            out[row.campaign_id].append(row)
    return out


def target_group(session: Session, group_id: int, campaign_ids: list[int], excluded: bool) -> None:
    session.execute(delete(CampaignInventoryGroup).where(CampaignInventoryGroup.group_id == group_id,
                                                         CampaignInventoryGroup.campaign_id.in_(campaign_ids)))
    session.add_all(CampaignInventoryGroup(campaign_id=c, group_id=group_id, is_excluded=excluded)
                    for c in campaign_ids)
    session.flush()


def groups_by_any_ids(session: Session, ids: list[int]) -> list[InventoryGroup]:
    """Groups by id whatever their organization (the simulator reads every organization's campaigns)."""
    found: list[InventoryGroup] = []
    for part in chunks(ids):
        found += session.scalars(select(InventoryGroup).where(InventoryGroup.id.in_(part)))
    return found


def deals_by_any_ids(session: Session, ids: list[int]) -> dict[int, Deal]:
    found: dict[int, Deal] = {}
    for part in chunks(ids):
        found.update({d.id: d for d in session.scalars(select(Deal).where(Deal.id.in_(part)))})
    return found
