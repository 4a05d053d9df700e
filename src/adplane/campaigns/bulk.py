"""Bulk campaign updates (end dates, budgets): a verdict per campaign, nothing half-applied.

Each campaign either gets all of its new values (listed in `modified_data`) or none (listed in
`reason` with the message); `status` is false when any campaign was refused. IO rows are locked
first, in id order, then campaigns, and auto-sum IO totals are recomputed in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from sqlalchemy.orm import Session

from adplane.campaigns import rules
from adplane.campaigns.models import STATUS_DELETED, STATUS_EXPIRED, Campaign
from adplane.campaigns.service import get_campaign
from adplane.campaigns.status import BulkOutcome
from adplane.core.clock import as_utc, from_epoch_s, to_epoch_s, utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ValidationFailed
from adplane.core.listing import parse_ids
from adplane.insertion_orders import service as io_service
from adplane.insertion_orders.models import InsertionOrder
from adplane.insertion_orders.service import money, wire_number

CENT = Decimal("0.01")


@dataclass
class Locked:
    ios: dict[int, InsertionOrder]
    campaigns: list[Campaign]


def lock_campaigns(session: Session, principal: Principal, raw_ids: object) -> Locked:
    ids = parse_ids(raw_ids, "campaignIds", required=True)
    probes = [get_campaign(session, principal.ow_id, cid, field="campaignIds") for cid in ids]
    ios = {io_id: io_service.lock_io(session, principal.ow_id, io_id)
           for io_id in sorted({c.io_id for c in probes})}
    campaigns = [get_campaign(session, principal.ow_id, cid, for_update=True, field="campaignIds") for cid in ids]
    return Locked(ios, campaigns)


def _closed(campaign: Campaign) -> str | None:
    if campaign.status in (STATUS_DELETED, STATUS_EXPIRED):
        return f"A {campaign.status} campaign cannot be changed."
    return None


def _modified(campaign: Campaign) -> dict:
    return {"campaingId": campaign.id, "campaignId": campaign.id, "maxBid": wire_number(campaign.max_bid),
            "totalBudget": wire_number(campaign.budget_total), "dailyBudget": wire_number(campaign.budget_day),
            "endDate": to_epoch_s(campaign.end_time)}


def _try(session: Session, campaign: Campaign, io: InsertionOrder, changes: dict, outcome: BulkOutcome) -> None:
    """Apply `changes` to one campaign if every rule holds afterwards, else restore it and say why."""
    before = {key: getattr(campaign, key) for key in changes}
    for key, value in changes.items():
        setattr(campaign, key, value)
    try:
        io_service.sync_auto_sum(session, io)
        io_service.check_campaign_budgets_fit(session, io, field="totalBudget")
    except ValidationFailed as exc:
        for key, value in before.items():
            setattr(campaign, key, value)
        io_service.sync_auto_sum(session, io)
        outcome.refuse(campaign, exc.error_objects[0]["error"])
        return
    outcome.modified.append(_modified(campaign))


def update_end_dates(session: Session, principal: Principal, raw_ids: object, end_s: int) -> BulkOutcome:
    end = from_epoch_s(end_s)
    assert end is not None
    locked = lock_campaigns(session, principal, raw_ids)
    outcome = BulkOutcome()
    now = utcnow()
    for campaign in locked.campaigns:
        io = locked.ios[campaign.io_id]
        message = _closed(campaign)
        start = campaign.start_time
        if message is None and start is None:
            message = "Set the campaign's start time first."
        if message is None and end <= now:
            message = "End date can not be less than current time."
        if message is None and start is not None:
            error = rules.dates_error(as_utc(start), end, io.start_time, io.end_time)
            message = error[1] if error else None
        if message is not None:
            outcome.refuse(campaign, message)
            continue
        changes: dict = {"end_time": end}
        if campaign.total_budget_pacing and campaign.budget_total is not None and start is not None:
            changes["budget_day"] = rules.pacing_daily_budget(campaign.budget_total, as_utc(start), end)
        _try(session, campaign, io, changes, outcome)
    session.commit()
    return outcome


def _new_totals(campaigns: list[Campaign], total: Decimal | None, update_type: str) -> dict[int, Decimal]:
    if total is None:
        return {}
    if update_type == "addition":
        return {c.id: (c.budget_total or Decimal("0")) + total for c in campaigns}
    if update_type == "distribution":
        share = (total / len(campaigns)).quantize(CENT, rounding=ROUND_DOWN)
        remainder = total - share * len(campaigns)
        result = {}
        for index, campaign in enumerate(campaigns):
            # The cents that do not divide evenly go to the first campaigns, one each.
            extra = CENT if Decimal(index) * CENT < remainder else Decimal("0")
            result[campaign.id] = share + extra
        return result
    return {c.id: total for c in campaigns}


def update_budgets(session: Session, principal: Principal, raw_ids: object, *, max_bid: Decimal | None,
                   total: Decimal | None, daily: Decimal | None, update_type: str,
                   spent: dict[int, Decimal] | None = None) -> BulkOutcome:
    if max_bid is None and total is None and daily is None:
        raise ValidationFailed("One of maxBid, totalBudget or dailyBudget is required.", field="totalBudget")
    locked = lock_campaigns(session, principal, raw_ids)
    new_totals = _new_totals(locked.campaigns, money(total), update_type)
    outcome = BulkOutcome()
    for campaign in locked.campaigns:
        io = locked.ios[campaign.io_id]
        message = _closed(campaign)
        new_total = new_totals.get(campaign.id, campaign.budget_total)
        new_daily = money(daily) if daily is not None else campaign.budget_day
        new_bid = money(max_bid) if max_bid is not None else campaign.max_bid
        if message is None and daily is not None and campaign.total_budget_pacing:
            message = "Daily budget is computed from the total budget when totalBudgetPacing is on."
        if (message is None and campaign.total_budget_pacing and new_total is not None and campaign.end_time
                and campaign.start_time):
            new_daily = rules.pacing_daily_budget(new_total, as_utc(campaign.start_time), as_utc(campaign.end_time))
        if message is None and new_bid is not None:
            message = rules.max_bid_error(new_bid, campaign.creative_type_id)
        if message is None and new_total is not None and new_total <= 0:
            message = "Total budget must be greater than 0."
        if message is None and new_total is not None and new_total > io_service.MAX_BUDGET:
            message = f"Total budget cannot exceed {io_service.MAX_BUDGET}."
        if message is None:
            error = rules.budget_error(new_daily, new_total)
            message = error[1] if error else None
        already = (spent or {}).get(campaign.id, Decimal("0"))
        if message is None and new_total is not None and new_total < already:
            message = f"Total budget cannot be less than the amount already spent ({wire_number(money(already))})."
        if message is not None:
            outcome.refuse(campaign, message)
            continue
        _try(session, campaign, io, {"budget_total": new_total, "budget_day": new_daily, "max_bid": new_bid}, outcome)
    session.commit()
    return outcome
