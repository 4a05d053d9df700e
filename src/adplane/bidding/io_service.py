"""Insertion-order bid models (campaign priorities, IO-wide multipliers and base bid), campaign-wide bid-model
changes across dimensions, and which campaigns model an entity.

An IO-wide multiplier is stored like a campaign's (dimension, entity or "others", multiplier), and so is an
IO-wide include/exclude (`io_bid_model_targeting`); delivery reads both for every campaign of the IO, one created
after them too (`service.delivery_bid_rules`); a campaign's own model or include/exclude of the same entity wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.bidding import service
from adplane.bidding.models import (
    ENTITY_BUNDLE,
    ENTITY_OTHERS,
    ENTITY_SINGLE,
    BidModel,
    BidModelBundle,
    CampaignBidSettings,
    IoBidModel,
    IoBidSettings,
)
from adplane.bidding.schemas import (
    BidModelData,
    CampaignBidModelling,
    CampaignBidModelUpdate,
    EntityDetail,
    IoBidModels,
    IoPriorities,
    ModelledEntityQuery,
)
from adplane.campaigns.models import STATUS_DELETED, STATUS_EXPIRED, Campaign
from adplane.campaigns.service import creative_ids_by_campaign, get_campaign
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders.models import InsertionOrder
from adplane.insertion_orders.service import get_io

# ------------------------------------------------------------------------------------- the IO's campaigns


def _io_campaigns(session: Session, io: InsertionOrder) -> list[Campaign]:
    return list(session.scalars(select(Campaign).where(Campaign.io_id == io.id, Campaign.status != STATUS_DELETED)
                                .order_by(Campaign.id)))


def _campaign_of(session: Session, principal: Principal, io: InsertionOrder, campaign_id: int,
                 field: str = "campaignIds") -> Campaign:
    """A campaign of the caller's organization in this IO: another organization's is 404, one of another IO 422."""
    campaign = get_campaign(session, principal.ow_id, campaign_id, field=field)
    if campaign.io_id != io.id:
        raise ValidationFailed(f"Campaign {campaign_id} is not in insertion order {io.id}.", field=field)
    if campaign.status == STATUS_EXPIRED:
        raise ValidationFailed("Cannot assign priority as campaign is in invalid status", field=field)
    return campaign


def _settings(session: Session, campaign_id: int) -> CampaignBidSettings:
    row = session.get(CampaignBidSettings, campaign_id)
    if row is None:
        row = CampaignBidSettings(campaign_id=campaign_id)
        session.add(row)
    return row


# ------------------------------------------------------------------------------------- priorities


def _set_priority(session: Session, io: InsertionOrder, campaign: Campaign, values: BidModelData | None,
                  priority: int | None) -> None:
    """The campaign's priority row of the IO (one per campaign), created or updated, mirrored in its settings."""
    row = session.scalars(select(IoBidModel).where(IoBidModel.io_id == io.id, IoBidModel.campaign_id == campaign.id,
                                                   IoBidModel.dimension_id.is_(None))).first()
    if row is None:
        row = IoBidModel(io_id=io.id, campaign_id=campaign.id)
        session.add(row)
    if values is not None:
        service.set_values(row, values)
    if priority is not None:
        row.priority = priority
    if row.priority is None:
        raise ValidationFailed("priority is required.", field="priority")
    session.flush()
    settings = _settings(session, campaign.id)
    settings.priority, settings.priority_model_id = row.priority, row.id


def _clear_priority(session: Session, row: IoBidModel) -> None:
    if row.campaign_id is not None and row.dimension_id is None:
        settings = session.get(CampaignBidSettings, row.campaign_id)
        if settings is not None and settings.priority_model_id in (row.id, None):
            settings.priority, settings.priority_model_id = None, None
    session.delete(row)


def set_priorities(session: Session, principal: Principal, io_id: int, body: IoPriorities) -> None:
    io = get_io(session, principal.ow_id, io_id)
    ids = list(dict.fromkeys((body.campaign_ids or []) + (body.campaign_id_list or [])))
    if not ids:
        raise ValidationFailed("campaignIds is required.", field="campaignIds")
    for campaign_id in ids:
        _set_priority(session, io, _campaign_of(session, principal, io, campaign_id), None, body.priority)
    session.commit()


def delete_priorities(session: Session, principal: Principal, io_id: int, raw_ids: str | None) -> None:
    io = get_io(session, principal.ow_id, io_id)
    ids = parse_ids(raw_ids, "campaignIds", required=True)
    campaigns = [_campaign_of(session, principal, io, i) for i in ids]
    for row in session.scalars(select(IoBidModel).where(
            IoBidModel.io_id == io.id, IoBidModel.dimension_id.is_(None),
            IoBidModel.campaign_id.in_([c.id for c in campaigns]))):
        _clear_priority(session, row)
    for campaign in campaigns:  # a priority set before IO rows existed
        settings = session.get(CampaignBidSettings, campaign.id)
        if settings is not None:
            settings.priority, settings.priority_model_id = None, None
    session.commit()


# ------------------------------------------------------------------------------------- IO-wide models


def _io_model(session: Session, io: InsertionOrder, model_id: int) -> IoBidModel:
    row = session.get(IoBidModel, model_id)
    if row is None or row.io_id != io.id:
        raise NotFound(f"Bid model data {model_id} not found.", field="bidModelDataId")
    return row


def _check_io_creatives(session: Session, campaigns: list[Campaign], dimension_id: int, ids: Iterable[int]) -> None:
    """Creative entities of an IO-wide model must be creatives of the IO's campaigns."""
    if dimension_id != service.DIMENSION_CREATIVE:
        return
    own = {c for ids_ in creative_ids_by_campaign(session, [c.id for c in campaigns]).values() for c in ids_}
    unknown = [i for i in ids if i > 0 and i not in own]
    if unknown:
        raise NotFound(f"Creative(s) not found in the insertion order: {', '.join(map(str, unknown))}.",
                       field="entityId")


def update_io(session: Session, principal: Principal, io_id: int, body: IoBidModels) -> None:
    """One change of the IO's bid models, all of it or nothing."""
    io = get_io(session, principal.ow_id, io_id)
    campaigns = _io_campaigns(session, io)
    for request in body.bid_model_requests or []:
        if request.action == "DELETE":
            for model_id in request.bid_model_data_ids or []:
                _clear_priority(session, _io_model(session, io, model_id))
        elif request.action == "UPDATE":
            if request.bid_model_data is None or request.bid_model_data.id is None:
                raise ValidationFailed("bidModelData.id is required to update.", field="bidModelData")
            row = _io_model(session, io, request.bid_model_data.id)
            service.set_values(row, request.bid_model_data)
            if row.dimension_id is None and row.campaign_id is not None:
                _set_priority(session, io, _campaign_of(session, principal, io, row.campaign_id), None, None)
        else:
            if not request.dimension_entity_mappings:
                raise ValidationFailed("dimensionEntityMappings is required to add.", field="dimensionEntityMappings")
            for mapping in request.dimension_entity_mappings:
                _add_io(session, principal, io, campaigns, request.bid_model_data, mapping.campaign_id,
                        mapping.dimension_id, mapping.entity_id)
    for target in body.exclude_dimension_entity_mappings or []:
        service.check_dimension(target.dimension_id)
        ids = parse_ids(target.ids, "ids")
        if target.campaign_id is not None:
            campaign = _campaign_of(session, principal, io, target.campaign_id, "campaignId")
            service.check_entities(session, campaign, target.dimension_id, ids)
            service.target(session, campaign.id, target.dimension_id, ids, bool(target.is_excluded))
        else:  # the IO's own: every campaign of the IO delivers by it, one created later too
            _check_io_creatives(session, campaigns, target.dimension_id, ids)
            service.target_io(session, io.id, target.dimension_id, ids, bool(target.is_excluded))
    if body.base_bid is not None:
        settings = session.get(IoBidSettings, io.id) or IoBidSettings(io_id=io.id)
        settings.base_bid = body.base_bid
        session.add(settings)
    session.commit()


def _add_io(session: Session, principal: Principal, io: InsertionOrder, campaigns: list[Campaign],
            data: BidModelData | None, campaign_id: int | None, dimension_id: int | None,
            entity_id: int | None) -> None:
    if dimension_id is None:  # a campaign's priority within the IO
        if campaign_id is None:
            raise ValidationFailed("campaignId or dimensionId is required.", field="dimensionEntityMappings")
        _set_priority(session, io, _campaign_of(session, principal, io, campaign_id, "campaignId"), data, None)
        return
    service.check_dimension(dimension_id)
    if entity_id is None:
        raise ValidationFailed("entityId is required.", field="entityId")
    values = data.model_dump(exclude_unset=True) if data else {}
    values.pop("id", None)
    if campaign_id is not None:  # that campaign's own model
        campaign = _campaign_of(session, principal, io, campaign_id, "campaignId")
        service.add_model(session, campaign, dimension_id, EntityDetail(entityId=entity_id, **values))
        return
    _check_io_creatives(session, campaigns, dimension_id, [entity_id])
    row = IoBidModel(io_id=io.id, dimension_id=dimension_id,
                     entity_type_id=ENTITY_OTHERS if entity_id == service.OTHERS else ENTITY_SINGLE,
                     entity_id=None if entity_id == service.OTHERS else service.entity_key(dimension_id, entity_id))
    service.set_values(row, EntityDetail(**values))
    session.add(row)


# ------------------------------------------------------------------------------------- campaign-wide changes


def add_campaign_models(session: Session, principal: Principal, campaign_id: int, body: CampaignBidModelling) -> None:
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    for item in body.bid_modelling:
        values = item.bid_model_data.model_dump(exclude_unset=True) if item.bid_model_data else {}
        values.pop("id", None)
        for mapping in item.dimension_entity_mappings:
            if mapping.dimension_id is None:
                raise ValidationFailed("dimensionId is required.", field="dimensionId")
            service.check_dimension(mapping.dimension_id)
            service.add_model(session, campaign, mapping.dimension_id, EntityDetail(entityId=mapping.entity_id,
                                                                                    **values))
    session.commit()


def update_campaign_models(session: Session, principal: Principal, campaign_id: int,
                           body: CampaignBidModelUpdate) -> None:
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    for data in body.bid_model_data:
        if data.id is None:
            raise ValidationFailed("id is required to update.", field="bidModelData")
        service.set_values(service.model_by_id(session, campaign.id, data.id), data)
    session.commit()


def delete_campaign_models(session: Session, principal: Principal, campaign_id: int, *, dimension_ids: Any,
                           model_ids: Any) -> None:
    """Every model of the campaign, of the given dimensions, or the given bid model data ids."""
    campaign = get_campaign(session, principal.ow_id, campaign_id)
    dims = parse_ids(dimension_ids, "dimensionIds")
    ids = parse_ids(model_ids, "bidModelDataIds")
    for dimension_id in dims:
        service.check_dimension(dimension_id)
    for model_id in ids:
        session.delete(service.model_by_id(session, campaign.id, model_id))
    if dims or not ids:
        models = delete(BidModel).where(BidModel.campaign_id == campaign.id)
        bundles = delete(BidModelBundle).where(BidModelBundle.campaign_id == campaign.id)
        if dims:
            models = models.where(BidModel.dimension_id.in_(dims))
            bundles = bundles.where(BidModelBundle.dimension_id.in_(dims))
        session.execute(models)
        session.execute(bundles)
    session.commit()


# ------------------------------------------------------------------------------------- who models an entity


def modelled_entity_data(session: Session, principal: Principal, body: ModelledEntityQuery) -> dict:
    """Which of the entities the organization's campaigns model in the dimension (their own models, bundles
    holding the entity, and IO-wide models, which model it for each campaign of the IO)."""
    service.check_dimension(body.dimension_id)
    wanted = list(dict.fromkeys(body.entity_ids))
    keys = {e: service.entity_key(body.dimension_id, e) for e in wanted}
    by_key: dict[int, set[int]] = {k: set() for k in keys.values()}
    live = select(Campaign.id).where(Campaign.ow_id == principal.ow_id, Campaign.status != STATUS_DELETED)
    for campaign_id, entity_id in session.execute(select(BidModel.campaign_id, BidModel.entity_id).where(
            BidModel.dimension_id == body.dimension_id, BidModel.entity_type_id == ENTITY_SINGLE,
            BidModel.entity_id.in_(list(by_key)), BidModel.campaign_id.in_(live))):
        if entity_id is not None:
            by_key[entity_id].add(campaign_id)
    for bundle in session.scalars(select(BidModelBundle).where(
            BidModelBundle.dimension_id == body.dimension_id, BidModelBundle.campaign_id.in_(live),
            BidModelBundle.id.in_(select(BidModel.bundle_id).where(BidModel.entity_type_id == ENTITY_BUNDLE)))):
        for entity in bundle.entity_ids:
            if entity in by_key:
                by_key[entity].add(bundle.campaign_id)
    io_rows = session.execute(select(IoBidModel.io_id, IoBidModel.entity_id).where(
        IoBidModel.dimension_id == body.dimension_id, IoBidModel.entity_id.in_(list(by_key)),
        IoBidModel.io_id.in_(select(InsertionOrder.id).where(InsertionOrder.ow_id == principal.ow_id)))).all()
    if io_rows:
        campaigns_of: dict[int, list[int]] = {}
        for cid, io_id in session.execute(select(Campaign.id, Campaign.io_id).where(
                Campaign.io_id.in_({io for io, _ in io_rows}), Campaign.status != STATUS_DELETED)):
            campaigns_of.setdefault(io_id, []).append(cid)
        for io_id, entity_id in io_rows:
            if entity_id is not None:
                by_key[entity_id].update(campaigns_of.get(io_id, []))
    modelled = [e for e in wanted if by_key[keys[e]]]
    out: dict[str, Any] = {"modelledEntityIds": modelled}
    if body.include_campaign_info:
        out["modelledCampaignDetails"] = [{"entityId": e, "campaignIds": sorted(by_key[keys[e]])} for e in wanted]
    return out
