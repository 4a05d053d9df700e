"""Campaign rules: create (pending or draft), edit, validate against the IO and creatives.

Every change that touches a campaign budget locks the campaign's IO row first and recomputes
an auto-sum IO's total in the same transaction (`adplane.insertion_orders.service.sync_auto_sum`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.audiences import service as audiences_service
from adplane.audiences.targeting import EXCLUDED_FIELD, INCLUDED_FIELD, parse
from adplane.audiences.targeting import check_ids as check_audience_ids
from adplane.auth import advertisers
from adplane.campaigns import rules
from adplane.campaigns.lifecycle import deliverable_campaigns, expire_spent_campaigns
from adplane.campaigns.models import (
    STATUS_DELETED,
    STATUS_DRAFT,
    STATUS_EXPIRED,
    STATUS_PENDING,
    STATUS_REJECTED,
    Campaign,
    CampaignCreative,
)
from adplane.campaigns.schemas import CampaignBody
from adplane.core.clock import from_epoch_s
from adplane.core.deps import Principal
from adplane.core.errors import NotFound, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.core.tenancy import get_scoped
from adplane.creatives.service import get_creatives
from adplane.insertion_orders import service as io_service
from adplane.insertion_orders.models import (
    BUDGET_TYPE_IMPRESSIONS,
    IO_STATUS_EXPIRED,
    InsertionOrder,
)
from adplane.master import catalog

__all__ = [
    "create_campaign", "deliverable_campaigns", "expire_spent_campaigns", "get_campaign", "patch_campaign",
    "creative_ids_by_campaign", "validate_campaign",
]

def audience_usage(session: Session, ow_id: int, audience_ids: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    """Which of the organization's live campaigns include or exclude each audience (no deleting those)."""
    wanted = set(audience_ids)
    out: dict[int, dict[str, list[int]]] = {}
    stmt = select(Campaign.id, Campaign.extra).where(Campaign.ow_id == ow_id, Campaign.status != STATUS_DELETED)
    for campaign_id, extra in session.execute(stmt):
        for field, key in ((INCLUDED_FIELD, "included"), (EXCLUDED_FIELD, "excluded")):
            try:
                ids = parse((extra or {}).get(field), field)
            except ValidationFailed:
                continue
            for audience_id in wanted.intersection(ids):
                out.setdefault(audience_id, {"included": [], "excluded": []})[key].append(campaign_id)
    return out


audiences_service.register_usage(audience_usage)

BLOCKED_CREATIVE_STATUSES = {catalog.CREATIVE_STATUS_DELETED, catalog.CREATIVE_STATUS_REJECTED}


def get_campaign(session: Session, ow_id: int, campaign_id: int, *, for_update: bool = False,
                 include_deleted: bool = False, field: str = "campaignId") -> Campaign:
    campaign = get_scoped(session, Campaign, ow_id, campaign_id, label="Campaign", field=field,
                          for_update=for_update)
    if for_update:
        session.refresh(campaign)  # the row is locked now: read its latest committed values
    if campaign.status == STATUS_DELETED and not include_deleted:
        raise NotFound("Campaign not found.", field=field)
    return campaign


def creative_ids_by_campaign(session: Session, campaign_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {cid: [] for cid in campaign_ids}
    if not campaign_ids:
        return result
    rows = session.execute(
        select(CampaignCreative.campaign_id, CampaignCreative.creative_id)
        .where(CampaignCreative.campaign_id.in_(campaign_ids))
        .order_by(CampaignCreative.campaign_id, CampaignCreative.creative_id))
    for campaign_id, creative_id in rows:
        result[campaign_id].append(creative_id)
    return result


def set_creatives(session: Session, campaign: Campaign, creative_ids: list[int]) -> None:
    session.execute(delete(CampaignCreative).where(CampaignCreative.campaign_id == campaign.id))
    session.add_all(CampaignCreative(campaign_id=campaign.id, creative_id=cid) for cid in creative_ids)


# --------------------------------------------------------------------------- applying a body


def _apply_targeting(campaign: Campaign, body: CampaignBody) -> None:
    sent = body.model_fields_set
    lists = (
        ("device_type", "device_type_ids", "deviceType", catalog.DEVICE_TYPES_BY_ID, "device type"),
        ("traffic_type", "traffic_type_ids", "trafficType", catalog.TRAFFIC_TYPES_BY_ID, "traffic type"),
        ("exchanges", "exchange_ids", "exchanges", catalog.EXCHANGES_BY_ID, "exchange"),
        ("state_ids", "state_ids", "stateIds", catalog.STATES_BY_ID, "state"),
        ("publisher_ad_category", "publisher_ad_category_ids", "publisherAdCategory", catalog.AD_CATEGORIES_BY_ID,
         "publisher ad category"),
    )
    for attr, column, wire, known, label in lists:
        if attr not in sent:
            continue
        ids = parse_ids(getattr(body, attr), wire)
        if attr == "device_type":  # IQM's ids (20300001...) name the same device types
            ids = list(dict.fromkeys(catalog.legacy_device_type_id(i) for i in ids))
        if known is not None:
            rules.check_known_ids(ids, known, wire, label or wire)
        setattr(campaign, column, ids)


def apply_body(campaign: Campaign, body: CampaignBody) -> None:
    """Copy the sent fields onto the campaign (rules are checked afterwards by validate_campaign)."""
    sent = body.model_fields_set
    if "campaign_name" in sent:
        campaign.name = (body.campaign_name or "").strip()
    simple = {
        "country_id": "country_id", "advertiser_domain": "advertiser_domain", "creative_type": "creative_type_id",
        "total_budget_pacing": "total_budget_pacing", "budget_type_id": "budget_type_id",
        "timezone": "timezone_id", "target_impression": "target_impressions",
        "conversion_type": "conversion_type", "conversion_type_id": "conversion_type_id",
        "bid_optimization": "bid_optimization", "bid_pacing": "bid_pacing", "is_bid_shading": "is_bid_shading",
        "impression_capping": "impression_capping", "max_day_impressions": "max_day_impressions",
        "max_day_clicks": "max_day_clicks", "max_day_conversions": "max_day_conversions",
        "total_impressions": "total_impressions", "total_clicks": "total_clicks",
        "total_conversions": "total_conversions", "is_tv_ad": "is_tv_ad",
    }
    for attr, column in simple.items():
        if attr in sent and getattr(body, attr) is not None:
            setattr(campaign, column, getattr(body, attr))
    campaign_type = body.campaign_type if body.campaign_type is not None else body.campaign_type_id
    if campaign_type is not None:
        campaign.campaign_type_id = campaign_type
    for attr in ("budget_day", "budget_total", "max_bid"):
        if attr in sent:
            setattr(campaign, attr, io_service.money(getattr(body, attr)))
    if "start_time" in sent and body.start_time is not None:
        campaign.start_time = from_epoch_s(body.start_time)
    if "end_time" in sent:
        # 0 means "no end date", as IQM's duplicate endpoint documents.
        campaign.end_time = from_epoch_s(body.end_time) if body.end_time else None
    _apply_targeting(campaign, body)
    extras = body.extras()
    rules.check_geo_fields(extras)
    rules.check_segment_fields(extras)
    rules.check_radius_fields(extras)
    if body.is_agreement_checked is not None:
        extras["isAgreementChecked"] = body.is_agreement_checked
    if extras:
        campaign.extra = {**(campaign.extra or {}), **extras}


# --------------------------------------------------------------------------- validation


def _fail(field: str, message: str) -> None:
    raise ValidationFailed(message, field=field)


def validate_campaign(session: Session, campaign: Campaign, io: InsertionOrder, *, complete: bool,
                      creative_ids: list[int]) -> None:
    """All rules of a campaign; `complete` (anything but a draft) also requires every mandatory field."""
    if not (campaign.name or "").strip():
        _fail("campaignName", "The field 'campaignName' cannot be empty.")
    if campaign.budget_type_id != io.budget_type_id:
        _fail("budgetTypeId", f"budgetTypeId must match the insertion order's ioBudgetTypeId ({io.budget_type_id}).")
    if campaign.creative_type_id is None:
        if complete:
            _fail("creativeType", "creativeType is required.")
    elif campaign.creative_type_id not in catalog.CREATIVE_TYPES_BY_ID:
        _fail("creativeType", "Invalid creative type.")
    if campaign.campaign_type_id not in catalog.CAMPAIGN_TYPES_BY_ID:
        _fail("campaignType", "Invalid campaign type.")
    if catalog.timezone_by_id(campaign.timezone_id) is None:
        _fail("timezone", "Invalid timezone.")
    if campaign.country_id is None:
        if complete:
            _fail("countryId", "countryId is required.")
    elif campaign.country_id not in catalog.COUNTRIES_BY_ID:
        _fail("countryId", "Invalid country.")
    if campaign.state_ids and campaign.country_id is not None:
        foreign = [s for s in campaign.state_ids if catalog.STATES_BY_ID[s].country_id != campaign.country_id]
        if foreign:
            _fail("stateIds", f"States {rules.csv(foreign)} are not in the campaign's country.")
    if campaign.advertiser_domain:
        if not rules.valid_domain(campaign.advertiser_domain):
            _fail("advertiserDomain", "advertiserDomain must be a valid domain or URL.")
    elif complete:
        _fail("advertiserDomain", "advertiserDomain is required.")
    political = (campaign.extra or {}).get("politicalAdvertiserClientId")
    if political not in (None, "", 0) and not advertisers.exists(session, campaign.ow_id, political):
        _fail("politicalAdvertiserClientId", "politicalAdvertiserClientId must be an advertiser profile of the "
              "organization (GET /api/v3/ua/organization/advertisers/list).")
    _validate_money(campaign, io, complete=complete)
    _validate_dates(campaign, io, complete=complete)
    _validate_creatives(session, campaign, creative_ids, complete=complete)
    check_audience_ids(session, campaign.ow_id, campaign.extra or {})
    if complete and not (campaign.extra or {}).get("isAgreementChecked"):
        _fail("isAgreementChecked", "Please accept the agreement (isAgreementChecked must be true).")


def _validate_money(campaign: Campaign, io: InsertionOrder, *, complete: bool) -> None:
    if campaign.max_bid is None:
        if complete:
            _fail("maxBid", "maxBid is required.")
    else:
        message = rules.max_bid_error(campaign.max_bid, campaign.creative_type_id)
        if message:
            _fail("maxBid", message)
    if campaign.budget_total is None:
        if complete:
            _fail("budgetTotal", "budgetTotal is required.")
    elif campaign.budget_total <= 0:
        _fail("budgetTotal", "budgetTotal must be greater than 0.")
    if campaign.budget_day is not None and campaign.budget_day <= 0:
        _fail("budgetDay", "budgetDay must be greater than 0.")
    if complete and campaign.budget_day is None and not campaign.total_budget_pacing:
        _fail("budgetDay", "budgetDay is required when totalBudgetPacing is off.")
    error = rules.budget_error(campaign.budget_day, campaign.budget_total)
    if error:
        _fail(*error)
    if io.budget_type_id == BUDGET_TYPE_IMPRESSIONS and complete and not campaign.target_impressions:
        _fail("targetImpression", "targetImpression is required for campaigns of an impression-based IO.")


def _validate_dates(campaign: Campaign, io: InsertionOrder, *, complete: bool) -> None:
    if campaign.total_budget_pacing and campaign.end_time is None and (complete or campaign.start_time):
        _fail("endTime", "endTime is required when totalBudgetPacing is enabled.")
    if campaign.start_time is None:
        if complete:
            _fail("startTime", "startTime is required.")
        return
    error = rules.dates_error(campaign.start_time, campaign.end_time, io.start_time, io.end_time)
    if error:
        _fail(*error)


def _validate_creatives(session: Session, campaign: Campaign, creative_ids: list[int], *, complete: bool) -> None:
    if not creative_ids:
        if complete:
            _fail("creativeIds", "At least one creative is required (creativeIds).")
        return
    found = {c.id: c for c in get_creatives(session, campaign.ow_id, creative_ids)}
    missing = [cid for cid in creative_ids if cid not in found]
    if missing:
        _fail("creativeIds", f"Invalid creative ids: {rules.csv(missing)}.")
    blocked = [cid for cid in creative_ids if found[cid].status_id in BLOCKED_CREATIVE_STATUSES]
    if blocked:
        _fail("creativeIds", f"Creatives {rules.csv(blocked)} are deleted or rejected.")
    if campaign.creative_type_id is not None:
        mismatched = [cid for cid in creative_ids if found[cid].creative_type_id != campaign.creative_type_id]
        if mismatched:
            _fail("creativeIds", f"Creatives {rules.csv(mismatched)} do not match creativeType "
                                 f"{campaign.creative_type_id}.")


def _fill_pacing_budget(campaign: Campaign) -> None:
    if (campaign.total_budget_pacing and campaign.budget_total is not None and campaign.end_time is not None
            and campaign.start_time is not None):
        campaign.budget_day = rules.pacing_daily_budget(campaign.budget_total, campaign.start_time,
                                                        campaign.end_time)


def _check_io_open(io: InsertionOrder) -> None:
    if io.status_id == IO_STATUS_EXPIRED:
        _fail("ioId", "The insertion order has expired; extend its end date first.")


# --------------------------------------------------------------------------- commands


def create_campaign(session: Session, principal: Principal, body: CampaignBody, *, draft: bool,
                    on_saved: Callable[[Campaign], None] | None = None) -> Campaign:
    """`on_saved` (a higher domain's part of the campaign, e.g. PG deals) runs once the campaign has its id,
    in the same transaction."""
    if body.io_id is None:
        _fail("ioId", "ioId is required.")
    assert body.io_id is not None
    io = io_service.lock_io(session, principal.ow_id, body.io_id, field="ioId")
    _check_io_open(io)
    campaign = Campaign(
        ow_id=principal.ow_id, io_id=io.id, uow_id=principal.uow_id, name="",
        status=STATUS_DRAFT if draft else STATUS_PENDING, budget_type_id=io.budget_type_id,
        timezone_id=io.timezone_id, campaign_type_id=catalog.CAMPAIGN_TYPE_ADVANCED,
        device_type_ids=[], traffic_type_ids=[], exchange_ids=[], state_ids=[], publisher_ad_category_ids=[],
        extra={}, total_budget_pacing=False, conversion_type="None", conversion_type_id=0,
        bid_optimization=True, bid_pacing=True, is_bid_shading=False, impression_capping=0,
        max_day_impressions=0, max_day_clicks=0, max_day_conversions=0, total_impressions=0, total_clicks=0,
        total_conversions=0, is_tv_ad=False, is_approved=False,
    )
    apply_body(campaign, body)
    if not campaign.device_type_ids:
        campaign.device_type_ids = [d.id for d in catalog.DEVICE_TYPES if d.name != "Unknown"]
    if not campaign.traffic_type_ids:
        campaign.traffic_type_ids = [t.id for t in catalog.TRAFFIC_TYPES]
    _fill_pacing_budget(campaign)
    creative_ids = parse_ids(body.creative_ids, "creativeIds")
    validate_campaign(session, campaign, io, complete=not draft, creative_ids=creative_ids)
    session.add(campaign)
    session.flush()
    set_creatives(session, campaign, creative_ids)
    if on_saved is not None:
        on_saved(campaign)
    io_service.sync_auto_sum(session, io)
    io_service.check_campaign_budgets_fit(session, io)
    session.commit()
    return campaign


def patch_campaign(session: Session, principal: Principal, campaign_id: int, body: CampaignBody, *,
                   keep_draft: bool = False, on_saved: Callable[[Campaign], None] | None = None) -> Campaign:
    """Update any field; a draft becomes pending (and must then be complete), other statuses stay.

    `keep_draft` (PUT .../campaign/draft/{id}) edits a draft and leaves it a draft; `on_saved` as in
    `create_campaign`.
    """
    probe = get_campaign(session, principal.ow_id, campaign_id)
    io = io_service.lock_io(session, principal.ow_id, probe.io_id, field="ioId")
    campaign = get_campaign(session, principal.ow_id, campaign_id, for_update=True)
    if campaign.status == STATUS_EXPIRED:
        _fail("campaignId", "An expired campaign cannot be edited.")
    if keep_draft and campaign.status != STATUS_DRAFT:
        _fail("campaignId", f"Only draft campaigns can be saved as drafts (status is {campaign.status}).")
    if body.io_id is not None and body.io_id != campaign.io_id:
        _fail("ioId", "A campaign cannot be moved to another insertion order.")
    if body.budget_type_id is not None and body.budget_type_id != campaign.budget_type_id:
        _fail("budgetTypeId", f"budgetTypeId must match the insertion order's ioBudgetTypeId ({io.budget_type_id}).")
    apply_body(campaign, body)
    if "total_budget_pacing" in body.model_fields_set or "budget_total" in body.model_fields_set \
            or "end_time" in body.model_fields_set or "start_time" in body.model_fields_set:
        _fill_pacing_budget(campaign)
    if campaign.status in (STATUS_DRAFT, STATUS_REJECTED) and not keep_draft:
        # Editing a draft submits it; editing a rejected campaign resubmits it for approval.
        campaign.status = STATUS_PENDING
        campaign.is_approved = False
        campaign.rejection_reason = None
    if "creative_ids" in body.model_fields_set:
        creative_ids = parse_ids(body.creative_ids, "creativeIds")
    else:
        creative_ids = creative_ids_by_campaign(session, [campaign.id])[campaign.id]
    validate_campaign(session, campaign, io, complete=not keep_draft, creative_ids=creative_ids)
    if "creative_ids" in body.model_fields_set:
        set_creatives(session, campaign, creative_ids)
    if on_saved is not None:
        on_saved(campaign)
    io_service.sync_auto_sum(session, io)
    io_service.check_campaign_budgets_fit(session, io)
    session.commit()
    return campaign


def rename(session: Session, principal: Principal, campaign_id: int, name: str) -> Campaign:
    campaign = get_campaign(session, principal.ow_id, campaign_id, for_update=True)
    if not name.strip():
        _fail("campaignName", "The field 'campaignName' cannot be empty.")
    campaign.name = name.strip()
    session.commit()
    return campaign


def spent_or_zero(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal("0")
