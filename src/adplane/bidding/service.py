"""Rules of bid models: what a campaign's bid model stores and what delivery reads from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.analytics.store import AnalyticsStore
from adplane.bidding.models import (
    ENTITY_BUNDLE,
    ENTITY_OTHERS,
    ENTITY_SINGLE,
    BidModel,
    BidModelBundle,
    CampaignBidSettings,
    DimensionTargeting,
    IoBidModel,
    IoBidSettings,
    IoDimensionTargeting,
)
from adplane.bidding.schemas import DimensionBidModels, EntityDetail, ModelledEntitiesRequest
from adplane.campaigns.models import Campaign
from adplane.campaigns.service import creative_ids_by_campaign, get_campaign
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import page_rows, parse_ids, parse_sort, sort_in_memory
from adplane.inventory.repository import inventories_by_ids

MICRO = 1_000_000
OTHERS = -1
DIMENSION_CREATIVE = 1
DIMENSION_DEVICE_TYPE = 8


def entity_key(dimension_id: int, entity_id: int) -> int:
    """The id an entity is stored and delivered under: IQM's device-type ids (20300001...) name the 11-15 ids
    delivery uses; every other id is itself."""
    if dimension_id == DIMENSION_DEVICE_TYPE:
        from adplane.master import catalog

        return catalog.legacy_device_type_id(entity_id)
    return entity_id


@dataclass
class DeliveryBidRules:
    base_bid_micro: int | None = None
    multipliers: dict[int, dict[int | str, float]] = field(default_factory=dict)
    included: dict[int, set[int | str]] = field(default_factory=dict)
    excluded: dict[int, set[int | str]] = field(default_factory=dict)


def delivery_bid_rules(session: Session, campaign_ids: list[int]) -> dict[int, DeliveryBidRules]:
    """Per campaign with a bid model: the base bid, entity → multiplier per dimension (a bundle's multiplier
    for each of its entities; the "others" model under key -1) and the included/excluded entities."""
    out: dict[int, DeliveryBidRules] = {}
    if not campaign_ids:
        return out
    for row in session.scalars(select(CampaignBidSettings).where(CampaignBidSettings.campaign_id.in_(campaign_ids))):
        if row.base_bid is not None:
            out.setdefault(row.campaign_id, DeliveryBidRules()).base_bid_micro = int(row.base_bid * MICRO)
    bundles = {b.id: b for b in session.scalars(select(BidModelBundle)
                                                .where(BidModelBundle.campaign_id.in_(campaign_ids)))}
    for model in session.scalars(select(BidModel).where(BidModel.campaign_id.in_(campaign_ids))
                                 .order_by(BidModel.id)):
        if model.bid_multiplier is None:
            continue
        rules = out.setdefault(model.campaign_id, DeliveryBidRules())
        table = rules.multipliers.setdefault(model.dimension_id, {})
        value = float(model.bid_multiplier)
        if model.entity_type_id == ENTITY_OTHERS:
            table[OTHERS] = value
        elif model.entity_type_id == ENTITY_BUNDLE and model.bundle_id in bundles:
            table.update({e: value for e in bundles[model.bundle_id].entity_ids})
        elif model.entity_id is not None:
            table[model.entity_id] = value
    for target in session.scalars(select(DimensionTargeting).where(DimensionTargeting.campaign_id.in_(campaign_ids))):
        rules = out.setdefault(target.campaign_id, DeliveryBidRules())
        by = rules.excluded if target.is_excluded else rules.included
        by.setdefault(target.dimension_id, set()).add(target.entity_id)
    _merge_io_rules(session, campaign_ids, out)
    return out


def priorities(session: Session, campaign_ids: list[int]) -> dict[int, int]:
    """Each campaign's priority within its insertion order (1 bids first), where one is set."""
    if not campaign_ids:
        return {}
    return {row.campaign_id: row.priority for row in session.scalars(select(CampaignBidSettings).where(
        CampaignBidSettings.campaign_id.in_(campaign_ids), CampaignBidSettings.priority.is_not(None)))
        if row.priority is not None}


def _merge_io_rules(session: Session, campaign_ids: list[int], out: dict[int, DeliveryBidRules]) -> None:
    """Insertion-order models apply to each campaign of the IO, also one created after them: an entity (or
    "others") the campaign models itself keeps the campaign's multiplier, an entity it includes or excludes
    itself keeps the campaign's choice, and the IO's base bid is used where the campaign has none."""
    io_of = dict(session.execute(select(Campaign.id, Campaign.io_id).where(Campaign.id.in_(campaign_ids))).all())
    io_ids = set(io_of.values())
    if not io_ids:
        return
    tables: dict[int, dict[int, dict[int | str, float]]] = {}
    for model in session.scalars(select(IoBidModel).where(IoBidModel.io_id.in_(io_ids),
                                                          IoBidModel.dimension_id.is_not(None),
                                                          IoBidModel.bid_multiplier.is_not(None))
                                 .order_by(IoBidModel.id)):
        key: int = OTHERS if model.entity_type_id == ENTITY_OTHERS else (model.entity_id or 0)
        tables.setdefault(model.io_id, {}).setdefault(model.dimension_id or 0, {})[key] = float(
            model.bid_multiplier or 0)
    base_bids = {row.io_id: int(row.base_bid * MICRO) for row in session.scalars(
        select(IoBidSettings).where(IoBidSettings.io_id.in_(io_ids))) if row.base_bid is not None}
    targeting: dict[int, list[IoDimensionTargeting]] = {}
    for row in session.scalars(select(IoDimensionTargeting).where(IoDimensionTargeting.io_id.in_(io_ids))):
        targeting.setdefault(row.io_id, []).append(row)
    for campaign_id, io_id in io_of.items():
        if io_id not in tables and io_id not in base_bids and io_id not in targeting:
            continue
        rules = out.setdefault(campaign_id, DeliveryBidRules())
        for dimension_id, table in tables.get(io_id, {}).items():
            rules.multipliers[dimension_id] = {**table, **rules.multipliers.get(dimension_id, {})}
        if rules.base_bid_micro is None:
            rules.base_bid_micro = base_bids.get(io_id)
        own = {(d, e) for by in (rules.included, rules.excluded) for d, entities in by.items() for e in entities}
        for row in targeting.get(io_id, []):
            if (row.dimension_id, row.entity_id) not in own:
                by = rules.excluded if row.is_excluded else rules.included
                by.setdefault(row.dimension_id, set()).add(row.entity_id)


# ------------------------------------------------------------------------------------- dimensions

def _dim(name: str, id_: int, label: str, order: int, enabled: bool, subs: list[dict] | None = None) -> dict:
    row: dict[str, Any] = {"name": name, "id": id_, "label": label, "order": order, "modellingEnabled": enabled}
    if subs is not None:
        row["subdimensions"] = subs
    return row


# `modellingEnabled`: the dimensions whose multipliers delivery applies (see adplane.simulator.rules)
DIMENSIONS = [
    _dim("creative", 1, "Creative", 1, True),
    _dim("inventory", 2, "Inventory", 2, False, [_dim("deal_id", 3, "Deal ID", 1, False),
                                                 _dim("open_exchange", 4, "Open Exchange", 2, True),
                                                 _dim("publisher_category", 5, "Publisher Category", 3, False)]),
    _dim("device", 6, "Device", 3, False, [_dim("traffic_type", 7, "Traffic Type", 1, True),
                                           _dim("device_type", 8, "Device Type", 2, True)]),
    _dim("location", 9, "Location", 4, False, [_dim("state", 10, "State", 1, True), _dim("city", 11, "City", 2, False),
                                               _dim("zip", 12, "Zip", 3, False)]),
    _dim("exchange", 13, "Exchange", 5, True),
]
LEAF_DIMENSIONS = {d["id"] for top in DIMENSIONS for d in (top.get("subdimensions") or [top])}
# the event column each dimension's entities are in (reports of a dimension read it)
EVENT_COLUMN = {1: "creative_id", 4: "publisher", 7: "traffic_type_id", 8: "device_type_id", 10: "state_id",
                13: "exchange_id"}


def check_dimension(dimension_id: int) -> None:
    if dimension_id not in LEAF_DIMENSIONS:
        raise ValidationFailed(f"Invalid dimension id: {dimension_id}.", field="dimensionId")


def _settings(session: Session, campaign_id: int) -> CampaignBidSettings:
    row = session.get(CampaignBidSettings, campaign_id)
    if row is None:
        row = CampaignBidSettings(campaign_id=campaign_id)
        session.add(row)
    return row


def check_entities(session: Session, campaign: Campaign, dimension_id: int, ids: list[int]) -> None:
    """Creative entities must be the campaign's own creatives (another organization's are not found)."""
    if dimension_id != 1:
        return
    own = set(creative_ids_by_campaign(session, [campaign.id])[campaign.id])
    unknown = [i for i in ids if i > 0 and i not in own]
    if unknown:
        raise NotFound(f"Creative(s) not found in the campaign: {', '.join(map(str, unknown))}.", field="entityId")


def _models(session: Session, campaign_id: int, dimension_id: int | None = None) -> list[BidModel]:
    stmt = select(BidModel).where(BidModel.campaign_id == campaign_id).order_by(BidModel.id)
    if dimension_id is not None:
        stmt = stmt.where(BidModel.dimension_id == dimension_id)
    return list(session.scalars(stmt))


def model_by_id(session: Session, campaign_id: int, model_id: int) -> BidModel:
    model = session.get(BidModel, model_id)
    if model is None or model.campaign_id != campaign_id:
        raise NotFound(f"Bid model data {model_id} not found.", field="bidModelDataId")
    return model


def set_values(model: BidModel | IoBidModel, detail: Any) -> None:
    for name in ("priority", "bid_multiplier", "spend_ratio", "spend_ratio_type_id"):
        if name in detail.model_fields_set:
            setattr(model, name, getattr(detail, name))


def add_model(session: Session, campaign: Campaign, dimension_id: int, detail: EntityDetail) -> None:
    entity_type = detail.entity_type_id or (ENTITY_OTHERS if detail.entity_id == -1 else ENTITY_SINGLE)
    model = BidModel(campaign_id=campaign.id, dimension_id=dimension_id, entity_type_id=entity_type)
    if entity_type == ENTITY_BUNDLE:
        if detail.entity_id is not None and detail.entity_id > 0:
            bundle = session.get(BidModelBundle, detail.entity_id)
            if bundle is None or bundle.campaign_id != campaign.id:
                raise NotFound(f"Bundle {detail.entity_id} not found.", field="entityId")
        else:
            check_entities(session, campaign, dimension_id, list(detail.entity_ids or []))
            bundle = BidModelBundle(campaign_id=campaign.id, dimension_id=dimension_id,
                                    name=detail.bundle_name or "bundle",
                                    entity_ids=[entity_key(dimension_id, e) for e in detail.entity_ids or []])
            session.add(bundle)
            session.flush()
        model.bundle_id = bundle.id
    elif entity_type == ENTITY_SINGLE:
        if detail.entity_id is None or detail.entity_id < 0:
            raise ValidationFailed("entityId is required for a single entity.", field="entityId")
        check_entities(session, campaign, dimension_id, [detail.entity_id])
        model.entity_id = entity_key(dimension_id, detail.entity_id)
    set_values(model, detail)
    session.add(model)


def target(session: Session, campaign_id: int, dimension_id: int, ids: list[int], excluded: bool) -> None:
    ids = list(dict.fromkeys(entity_key(dimension_id, i) for i in ids))
    if not ids:
        return
    session.execute(delete(DimensionTargeting).where(
        DimensionTargeting.campaign_id == campaign_id, DimensionTargeting.dimension_id == dimension_id,
        DimensionTargeting.entity_id.in_(ids)))
    session.add_all(DimensionTargeting(campaign_id=campaign_id, dimension_id=dimension_id, entity_id=i,
                                       is_excluded=excluded) for i in ids)


def target_io(session: Session, io_id: int, dimension_id: int, ids: list[int], excluded: bool) -> None:
    """An IO-wide include/exclude: every campaign of the IO, present and future, delivers by it."""
    ids = list(dict.fromkeys(entity_key(dimension_id, i) for i in ids))
    if not ids:
        return
    session.execute(delete(IoDimensionTargeting).where(
        IoDimensionTargeting.io_id == io_id, IoDimensionTargeting.dimension_id == dimension_id,
        IoDimensionTargeting.entity_id.in_(ids)))
    session.add_all(IoDimensionTargeting(io_id=io_id, dimension_id=dimension_id, entity_id=i, is_excluded=excluded)
                    for i in ids)


def dimension_targeting(session: Session, campaign: Campaign, dimension_id: int) -> dict[int, bool]:
    """entity → excluded for the campaign's dimension: its IO's include/exclude under the campaign's own."""
    merged = {t.entity_id: t.is_excluded for t in session.scalars(select(IoDimensionTargeting).where(
        IoDimensionTargeting.io_id == campaign.io_id, IoDimensionTargeting.dimension_id == dimension_id))}
    merged.update({t.entity_id: t.is_excluded for t in session.scalars(select(DimensionTargeting).where(
        DimensionTargeting.campaign_id == campaign.id, DimensionTargeting.dimension_id == dimension_id))})
    return merged


def update_dimension(session: Session, principal: Principal, campaign_id: int, dimension_id: int,
                     body: DimensionBidModels) -> None:
    """One change of a dimension's bid models, all of it or nothing."""
    check_dimension(dimension_id)
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    for request in body.bid_model_requests or []:
        if request.action == "DELETE":
            for model_id in request.bid_model_data_ids or []:
                session.delete(model_by_id(session, campaign.id, model_id))
        elif request.action == "UPDATE":
            if request.bid_model_data is None or request.bid_model_data.id is None:
                raise ValidationFailed("bidModelData.id is required to update.", field="bidModelData")
            set_values(model_by_id(session, campaign.id, request.bid_model_data.id), request.bid_model_data)
        else:
            data = request.bid_model_data.model_dump(exclude_unset=True) if request.bid_model_data else {}
            data.pop("id", None)
            for mapping in request.dimension_entity_mappings or []:
                if mapping.dimension_id not in (None, dimension_id):
                    raise ValidationFailed("dimensionId differs from the path's.", field="dimensionId")
                add_model(session, campaign, dimension_id, EntityDetail(entityId=mapping.entity_id, **data))
    wise = body.action_wise_bid_model_entities
    if wise is not None:
        for model_id in wise.delete.bid_model_data_id if wise.delete else []:
            session.delete(model_by_id(session, campaign.id, model_id))
        for bundle_id in wise.delete.bundle_ids if wise.delete else []:
            bundle = session.get(BidModelBundle, bundle_id)
            if bundle is None or bundle.campaign_id != campaign.id:
                raise NotFound(f"Bundle {bundle_id} not found.", field="bundleIds")
            session.delete(bundle)
        for detail in wise.update.bid_model_entity_details if wise.update else []:
            if detail.bid_model_data_id is None:
                raise ValidationFailed("bidModelDataId is required to update.", field="bidModelDataId")
            model = model_by_id(session, campaign.id, detail.bid_model_data_id)
            set_values(model, detail)
            if model.bundle_id and detail.entity_ids is not None:
                bundle = session.get(BidModelBundle, model.bundle_id)
                if bundle is not None:
                    check_entities(session, campaign, dimension_id, list(detail.entity_ids))
                    bundle.entity_ids = list(detail.entity_ids)
                    bundle.name = detail.bundle_name or bundle.name
        for detail in wise.add.bid_model_entity_details if wise.add else []:
            add_model(session, campaign, dimension_id, detail)
    for exclusion in body.exclude_dimension_entity_mappings or []:
        check_dimension(exclusion.dimension_id)
        ids = parse_ids(exclusion.ids, "ids")
        check_entities(session, campaign, exclusion.dimension_id, ids)
        target(session, campaign.id, exclusion.dimension_id, ids, bool(exclusion.is_excluded))
    if body.inclusion_exclusion_entity_map is not None:
        for ids, excluded in ((body.inclusion_exclusion_entity_map.include, False),
                              (body.inclusion_exclusion_entity_map.exclude, True)):
            check_entities(session, campaign, dimension_id, list(ids))
            target(session, campaign.id, dimension_id, list(ids), excluded)
    if body.base_bid is not None:
        if campaign.max_bid is not None and body.base_bid > campaign.max_bid:
            raise ValidationFailed("baseBid cannot be more than the campaign's max bid.", field="baseBid")
        _settings(session, campaign.id).base_bid = body.base_bid
    session.commit()


def include_exclude(session: Session, principal: Principal, campaign_id: int, dimension_id: int, raw_ids: Any,
                    excluded: bool) -> None:
    check_dimension(dimension_id)
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    ids = parse_ids(raw_ids, "ids", required=True)
    check_entities(session, campaign, dimension_id, ids)
    target(session, campaign.id, dimension_id, ids, excluded)
    session.commit()


# -------------------------------------------------------------------------------- spend, reports

@dataclass
class Metrics:
    impressions: int = 0
    bids: int = 0
    media: Decimal = Decimal("0")
    spend: Decimal = Decimal("0")

    def as_wire(self) -> dict:
        return {"impressions": self.impressions, "bidImpressions": self.bids,
                "winRate": round(100 * self.impressions / self.bids, 2) if self.bids else 0,
                "eCPM": round(float(self.spend) * 1000 / self.impressions, 4) if self.impressions else 0,
                "mediaSpent": round(float(self.media), 6), "spent": round(float(self.spend), 6)}


def entity_metrics(session: Session, store: AnalyticsStore, campaign_id: int, dimension_id: int
                   ) -> dict[int | str, Metrics]:
    """Delivery of the campaign per entity of the dimension, from the analytics store's events (open-exchange
    entities are inventory ids, resolved through the catalogue)."""
    column = EVENT_COLUMN.get(dimension_id)
    if column is None:
        return {}
    rows = store.query(
        f"SELECT {column}, sum(CASE WHEN event_type = 'impression' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN event_type = 'bid' THEN 1 ELSE 0 END), sum(media_cost), "
        f"sum(media_cost) + sum(data_cost) + sum(platform_margin) FROM events WHERE campaign_id = ? "
        f"AND {column} IS NOT NULL GROUP BY {column}", [campaign_id])
    out: dict[int | str, Metrics] = {
        key: Metrics(int(i or 0), int(b or 0), Decimal(m or 0), Decimal(s or 0)) for key, i, b, m, s in rows}
    if dimension_id == 4:
        from adplane.inventory.catalogue import register

        register(session, [(str(k), None) for k in out])
        session.commit()
        from adplane.inventory.models import Inventory

        by_app = {i.app_id: i.id for i in session.scalars(select(Inventory).where(
            Inventory.app_id.in_([str(k) for k in out])))}
        out = {by_app[str(k)]: v for k, v in out.items() if str(k) in by_app}
    return out


def spent_by_entity(session: Session, principal: Principal, store: AnalyticsStore, campaign_id: int,
                    dimension_id: int) -> dict[str, float]:
    check_dimension(dimension_id)
    get_campaign(session, principal.ow_id, campaign_id)
    metrics = entity_metrics(session, store, campaign_id, dimension_id)
    return {str(k): round(float(m.spend), 6) for k, m in sorted(metrics.items(), key=lambda kv: str(kv[0]))}


def _name(dimension_id: int, entity: int | str, inventory_names: dict[int, str]) -> str:
    from adplane.master import catalog

    if dimension_id == 13:
        known = catalog.EXCHANGES_BY_ID.get(int(entity))
        return known.name if known else str(entity)
    if dimension_id == 4:
        return inventory_names.get(int(entity), str(entity))
    return str(entity)


def _row_key(name: str) -> Callable[[dict], Any]:
    return lambda row: str(row[name]) if name == "id" else row[name]


def _priority(row: dict) -> int:
    return (row["bidModelData"] or {}).get("priority") or 99


def modelled_entities(session: Session, principal: Principal, store: AnalyticsStore, campaign_id: int,
                      dimension_id: int, body: ModelledEntitiesRequest) -> dict:
    """The dimension's entities (delivered or modelled) with their model and delivery; spend distribution is
    each entity's share of the campaign's spend in the dimension."""
    check_dimension(dimension_id)
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    models = _models(session, campaign.id, dimension_id)
    by_entity = {m.entity_id: m for m in models if m.entity_id is not None}
    targeting = dimension_targeting(session, campaign, dimension_id)
    metrics = {} if body.skip_reporting else entity_metrics(session, store, campaign.id, dimension_id)
    entities = list(dict.fromkeys([*metrics, *by_entity, *targeting]))
    names = ({i: inv.name for i, inv in inventories_by_ids(session, [int(e) for e in entities]).items()}
             if dimension_id == 4 else {})
    total = Metrics()
    for m in metrics.values():
        total.impressions += m.impressions
        total.bids += m.bids
        total.media += m.media
        total.spend += m.spend
    rows = []
    for entity in entities:
        model = by_entity.get(int(entity)) if isinstance(entity, int) else None
        m = metrics.get(entity, Metrics())
        rows.append({
            "id": entity, "name": _name(dimension_id, entity, names),
            "bidModelData": None if model is None else {
                "id": model.id, "priority": model.priority,
                "bidMultiplier": float(model.bid_multiplier) if model.bid_multiplier is not None else None,
                "spendRatio": float(model.spend_ratio) if model.spend_ratio is not None else None,
                "spendRatioTypeId": model.spend_ratio_type_id},
            "isExcluded": int(bool(targeting.get(entity))) if isinstance(entity, int) else 0,
            "modelled": model is not None, "targeted": not targeting.get(entity, False) if isinstance(entity, int)
            else True, **m.as_wire(),
            "spentDistribution": round(100 * float(m.spend / total.spend), 2) if total.spend else 0,
        })
    if body.search_field and body.search_field.strip():
        needle = body.search_field.strip().lower()
        rows = [r for r in rows if needle in r["name"].lower() or needle in str(r["id"])]
    keys: dict[str, Callable[[dict], Any]] = {name: _row_key(name) for name in (
        "impressions", "spent", "winRate", "eCPM", "id", "name")}
    keys["priority"] = _priority
    rows = sort_in_memory(rows, parse_sort(body.sort_by, keys, "+priority"))
    settings = session.get(CampaignBidSettings, campaign.id)
    page = page_rows(rows, (body.page_no - 1) * body.no_of_entries, body.no_of_entries)
    return {"total": total.as_wire(), "data": page,
            "totalRecords": len(entities), "filteredRecords": len(rows), "campaignBidDetails": {
                "baseBid": float(settings.base_bid) if settings and settings.base_bid is not None else None,
                "maxBid": float(campaign.max_bid) if campaign.max_bid is not None else None,
                "currentPriority": settings.priority if settings else None}}


def dimension_counts(session: Session, principal: Principal, store: AnalyticsStore, campaign_id: int) -> dict:
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    models = _models(session, campaign.id)
    out = {}
    for dimension_id in sorted(LEAF_DIMENSIONS):
        modelled = [m.entity_id for m in models if m.dimension_id == dimension_id and m.entity_id is not None]
        total = len(entity_metrics(session, store, campaign.id, dimension_id)) if dimension_id in EVENT_COLUMN else 0
        out[str(dimension_id)] = {"totalCount": max(total, len(modelled)), "modelledCount": len(modelled),
                                  "modelledIds": modelled or None}
    return out
