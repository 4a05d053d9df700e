"""PG campaigns (IQM's `cmp/pg/campaigns/*`): campaigns of type 2 (Programmatic Guaranteed) that buy only
through the organization's PG deals, at each deal's fixed price.

The campaign rules stay the campaigns domain's (`create_campaign` / `patch_campaign`: the IO, budget types,
budgets, dates, creatives, statuses, the IO's auto-sum); this module turns IQM's PG body into a campaign body,
checks the deals, and binds them to the campaign in the same transaction (`campaign_deals`, the table the
`cmp/pg/campaigns/mappings` operation writes too). What is PG-specific:

- `pgDealIds`: the caller's PG deals (another organization's are 404), at most 25; required unless a draft.
- Budget: `budgetTotal`, `spendingBudget` or `totalBudget` (IQM spells it all three ways). An impression-based
  campaign (`budgetTypeId` 2) that sends none gets what its `totalImpressions` cost at the dearest deal's price
  (a deal without a price: the max bid) with the platform's margin and data cost (`campaigns.budget`).
- The total budget is paced evenly over the flight (`totalBudgetPacing`), so a PG campaign needs an `endTime`.
- `countryId` is optional in IQM's PG schema: without it the campaign targets the United States (the only
  country adplane delivers in). The PG API has no agreement flag: creating a PG campaign accepts it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import ROUND_CEILING, Decimal
from typing import Any

from sqlalchemy.orm import Session

from adplane.campaigns import hooks
from adplane.campaigns import service as campaigns
from adplane.campaigns.budget import DATA_CPM_DEFAULT, PLATFORM_MARGIN_RATE
from adplane.campaigns.models import Campaign
from adplane.campaigns.schemas import CampaignBody
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, NotFound, ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders.models import BUDGET_TYPE_IMPRESSIONS
from adplane.insertion_orders.service import get_io
from adplane.inventory import repository
from adplane.inventory.models import DEAL_KIND_PG, Deal
from adplane.inventory.schemas import PgCampaignBody, PgCampaignInfo
from adplane.inventory.service import MAX_DEALS_PER_CAMPAIGN
from adplane.master import catalog

# the campaigns domain's field names → the PG body's, so a 422 names the field the caller sent
PG_FIELD_NAMES = {"creativeType": "creativeTypeId", "timezone": "timeZoneId", "targetImpression": "totalImpressions",
                  "campaignType": "campaignTypeId"}


def bracketed_ids(value: Any, field: str) -> list[int]:
    """An id list as IQM sends it: `[30, 12]`, `"[30,12]"`, `"30,12"` or `30`."""
    if isinstance(value, str):
        value = value.strip().removeprefix("[").removesuffix("]")
    return parse_ids(value, field)


@contextmanager
def _pg_field_names() -> Iterator[None]:
    try:
        yield
    except ApiError as exc:
        for obj in exc.error_objects:
            if obj.get("field") in PG_FIELD_NAMES:
                obj["field"] = PG_FIELD_NAMES[obj["field"]]
        raise


def _deals(session: Session, ow_id: int, body: PgCampaignBody) -> list[Deal] | None:
    """The PG deals the body names (None when it names none)."""
    if body.inventory_targeting is None or "pg_deal_ids" not in body.inventory_targeting.model_fields_set:
        return None
    ids = bracketed_ids(body.inventory_targeting.pg_deal_ids, "pgDealIds")
    if len(ids) > MAX_DEALS_PER_CAMPAIGN:
        raise ValidationFailed(f"A campaign holds at most {MAX_DEALS_PER_CAMPAIGN} deals.", field="pgDealIds")
    found = repository.deals_by_ids(session, ow_id, ids, DEAL_KIND_PG)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"PG deal(s) not found: {', '.join(map(str, missing))}.", field="pgDealIds")
    return [found[i] for i in ids]


def impression_budget(impressions: int, deals: list[Deal], max_bid: Decimal | None) -> Decimal | None:
    """What `impressions` cost at the dearest deal's price (a deal without one: the max bid), media plus the
    platform's margin and data cost, rounded up to the cent."""
    prices = [d.cpm if d.cpm is not None else max_bid for d in deals] or [max_bid]
    known = [p for p in prices if p is not None]
    if not known:
        return None
    per_mille = max(known) * (1 + Decimal(str(PLATFORM_MARGIN_RATE))) + Decimal(str(DATA_CPM_DEFAULT))
    return (impressions * per_mille / 1000).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def _budget(info: PgCampaignInfo) -> tuple[bool, Decimal | None]:
    """(sent, value) of the budget, whichever of IQM's three names carries it."""
    for name in ("budget_total", "spending_budget", "total_budget"):
        if name in info.model_fields_set:
            return True, getattr(info, name)
    return False, None


def _campaign_body(body: PgCampaignBody, *, creating: bool, budget: Decimal | None) -> CampaignBody:
    """The campaigns domain's body for a PG body (only what was sent, so a PATCH changes only that)."""
    info = body.pg_campaign_info or PgCampaignInfo()
    sent = info.model_fields_set
    if "campaign_type_id" in sent and info.campaign_type_id != catalog.CAMPAIGN_TYPE_PG:
        raise ValidationFailed("Invalid campaign Type provided", field="campaignTypeId")
    wire: dict[str, Any] = {"campaignType": catalog.CAMPAIGN_TYPE_PG}
    for name, key in (("campaign_name", "campaignName"), ("io_id", "ioId"), ("time_zone_id", "timezone"),
                      ("max_bid", "maxBid"), ("start_time", "startTime"), ("end_time", "endTime"),
                      ("budget_type_id", "budgetTypeId"), ("advertiser_domain", "advertiserDomain"),
                      ("total_impressions", "targetImpression"), ("advertiser_type", "advertiserType")):
        if name in sent:
            wire[key] = getattr(info, name)
    if budget is not None:
        wire["budgetTotal"] = budget
    creative_type = body.creative_targeting.creative_type_id if body.creative_targeting else None
    if creative_type is None and "creative_type_id" in sent:
        creative_type = info.creative_type_id
    if creative_type is not None:
        wire["creativeType"] = creative_type
    if body.creative_targeting is not None and "creative_ids" in body.creative_targeting.model_fields_set:
        wire["creativeIds"] = bracketed_ids(body.creative_targeting.creative_ids, "creativeIds")
    if body.conversion_targeting is not None:
        conversions = body.conversion_targeting
        if conversions.conversion_type_id is not None:
            wire["conversionTypeId"] = conversions.conversion_type_id
        if "conversion_ids" in conversions.model_fields_set:
            wire["conversionIds"] = ",".join(map(str, bracketed_ids(conversions.conversion_ids, "conversionIds")))
    if "political_advertiser_client_id" in body.model_fields_set:
        wire["politicalAdvertiserClientId"] = body.political_advertiser_client_id
    if body.country_id is not None:
        wire["countryId"] = body.country_id
    if creating:
        wire.setdefault("countryId", catalog.COUNTRY_US)
        wire.update(totalBudgetPacing=True, isAgreementChecked=True)
    return CampaignBody.model_validate(wire)


def _pg_deals_of(session: Session, campaign_id: int) -> list[Deal]:
    return [d for d in repository.deals_of_campaigns(session, [campaign_id])[campaign_id] if d.kind == DEAL_KIND_PG]


def _bind(session: Session, deals: list[Deal] | None, body: PgCampaignBody) -> Callable[[Campaign], None]:
    """The `on_saved` step: the campaign's PG deals become exactly `deals` (when sent); PG-only fields
    (`pgFeesPercentage`, `paymentTypeId`) are kept as sent in the campaign's extras."""
    info = body.pg_campaign_info
    kept: dict[str, Any] = {}
    if info is not None and info.pg_fees_percentage is not None:
        kept["pgFeesPercentage"] = float(info.pg_fees_percentage)
    if body.inventory_targeting is not None and body.inventory_targeting.payment_type_id is not None:
        kept["paymentTypeId"] = body.inventory_targeting.payment_type_id

    def bind(campaign: Campaign) -> None:
        if deals is not None:
            held = [d.id for d in _pg_deals_of(session, campaign.id)]
            wanted = [d.id for d in deals]
            repository.deassign_deals(session, [campaign.id], [d for d in held if d not in wanted])
            repository.assign_deals(session, [campaign.id], [d for d in wanted if d not in held])
        if kept:
            campaign.extra = {**(campaign.extra or {}), **kept}

    return bind


def create(session: Session, principal: Principal, body: PgCampaignBody, *, draft: bool) -> Campaign:
    info = body.pg_campaign_info
    if info is None:
        raise ValidationFailed("pgCampaignInfo is required.", field="pgCampaignInfo")
    deals = _deals(session, principal.ow_id, body) or []
    if not draft and not deals:
        raise ValidationFailed("pgDealIds is required.", field="pgDealIds")
    # an impression-based IO's campaign (a budget type differing from the IO's is the campaign rules' 422)
    by_impressions = info.io_id is not None and info.budget_type_id in (None, BUDGET_TYPE_IMPRESSIONS) and \
        get_io(session, principal.ow_id, info.io_id, field="ioId").budget_type_id == BUDGET_TYPE_IMPRESSIONS
    if not draft and by_impressions and not info.total_impressions:
        raise ValidationFailed("Total impression should not be empty", field="totalImpressions")
    sent, budget = _budget(info)
    if not sent and by_impressions and info.total_impressions:
        budget = impression_budget(info.total_impressions, deals, info.max_bid)
    with _pg_field_names():
        return campaigns.create_campaign(session, principal, _campaign_body(body, creating=True, budget=budget),
                                         draft=draft, on_saved=_bind(session, deals, body))


def update(session: Session, principal: Principal, campaign_id: int, body: PgCampaignBody, *,
           keep_draft: bool) -> Campaign:
    """Edit a PG campaign (a draft becomes pending unless `keep_draft`); only what the body sends changes."""
    if body.campaign_id is not None and body.campaign_id != campaign_id:
        raise ValidationFailed("campaignId differs from the path's.", field="campaignId")
    current = campaigns.get_campaign(session, principal.ow_id, campaign_id)
    if current.campaign_type_id != catalog.CAMPAIGN_TYPE_PG:
        raise ValidationFailed(f"Campaign {campaign_id} is not a PG campaign; edit it with "
                               f"PATCH /api/v2/cmp/campaign/{campaign_id}.", field="campaignId")
    info = body.pg_campaign_info or PgCampaignInfo()
    sent_deals = _deals(session, principal.ow_id, body)
    deals = sent_deals if sent_deals is not None else _pg_deals_of(session, current.id)
    if not keep_draft and not deals:
        raise ValidationFailed("pgDealIds is required.", field="pgDealIds")
    sent, budget = _budget(info)
    changed = {"total_impressions", "max_bid"} & info.model_fields_set or sent_deals is not None
    if not sent and changed and current.budget_type_id == BUDGET_TYPE_IMPRESSIONS:
        impressions = info.total_impressions if "total_impressions" in info.model_fields_set \
            else current.target_impressions
        max_bid = info.max_bid if "max_bid" in info.model_fields_set else current.max_bid
        if impressions:
            budget = impression_budget(impressions, deals, max_bid)
    with _pg_field_names():
        return campaigns.patch_campaign(session, principal, campaign_id,
                                        _campaign_body(body, creating=False, budget=budget), keep_draft=keep_draft,
                                        on_saved=_bind(session, sent_deals, body))


def pg_deal_ids(session: Session, campaign: Campaign) -> dict[str, Any]:
    """`pgDealIds` in a PG campaign's details (`GET /api/v2/cmp/campaign/{id}`)."""
    if campaign.campaign_type_id != catalog.CAMPAIGN_TYPE_PG:
        return {}
    deals = repository.deals_of_campaigns(session, [campaign.id])[campaign.id]
    return {"pgDealIds": sorted(d.id for d in deals if d.kind == DEAL_KIND_PG)}


hooks.detail_fields.connect(pg_deal_ids)
