"""Rows of /api/v3/cmp/io/campaigns/list: each campaign with its delivery, costs and pacing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from adplane.analytics.counters import DeliveryTotals
from adplane.analytics.store import AnalyticsStore
from adplane.auth.organizations import gross_margins
from adplane.campaigns import delivery
from adplane.campaigns.models import Campaign
from adplane.campaigns.service import creative_ids_by_campaign
from adplane.campaigns.wire import creative_type_name, owners, pricing_model
from adplane.core.clock import as_utc, from_epoch_ms, from_epoch_s, to_epoch_ms, to_epoch_s
from adplane.core.hooks import Hook
from adplane.insertion_orders.models import InsertionOrder
from adplane.insertion_orders.service import wire_number
from adplane.master import catalog

ZERO = Decimal("0")

SORTABLE = {name: name for name in (
    "clicks", "impressions", "bidImpressions", "startCount", "firstCount", "midCount", "thirdCount",
    "completeCount", "dataCost", "spent", "mediaSpent", "winRate", "VCR", "eCPC", "eCPM", "eCPI", "CTR", "CVR",
    "eCPCV", "eCPV", "budgetDay", "budgetTotal", "campaignId", "campaignName", "maxBid", "startTime", "endTime",
    "campaignType", "status", "percentageOfTotalSpent", "organizationName", "campaignTimezone", "ioName", "ioId",
    "targetImpression", "creativesCount", "pacingPercentage", "dailyPacingPercentage", "ioTotalImpressions",
    "dailyImpressions", "campaignPriority", "totalAttributedConversion", "totalAttributedViewThroughConversion",
    "totalAttributedClickThroughConversion", "costPerAttributedConversion", "totalAttributedConversionRate",
    "audioVideoViewed", "reach", "frequency",
)}
SORTABLE["dailyImpressions"] = "dailyImpression"


@dataclass(frozen=True)
class Attributed:
    """Conversions the attribution credited to a campaign: after a view of its ad (no click) or after a click."""

    view_through: int = 0
    click_through: int = 0

    @property
    def total(self) -> int:
        return self.view_through + self.click_through


# Asked of the conversions domain (above this one; it connects the answer in `adplane.conversions.service`): for
# campaigns {campaign id: owner owId}, the conversions attributed to each whose conversion time is in [start, end)
# (None: unbounded). With nothing connected, nothing is attributed.
attributed_conversions: Hook[[Session, Mapping[int, int], datetime | None, datetime | None],
                             Mapping[int, Attributed]] = Hook("attributed conversions by campaign")


def attributed_by_campaign(session: Session, campaigns: list[Campaign], start: datetime | None,
                           end: datetime | None) -> dict[int, Attributed]:
    owners = {c.id: c.ow_id for c in campaigns}
    found: dict[int, Attributed] = {cid: Attributed() for cid in owners}
    if not owners:
        return found
    for answer in attributed_conversions(session, owners, start, end):
        for cid, counts in answer.items():
            if (mine := found.get(cid)) is not None:
                found[cid] = Attributed(mine.view_through + counts.view_through,
                                        mine.click_through + counts.click_through)
    return found


class CampaignRow(dict[str, Any]):
    """A campaign's row; `conversions` (every conversion event of the window, what CVR and eCPI divide) rides
    along off the wire for the totals row."""

    conversions: int = 0


def epoch_to_datetime(value: int | None) -> datetime | None:
    """Report windows come as epoch seconds or milliseconds; the magnitude tells which."""
    if value is None:
        return None
    return from_epoch_ms(value) if value > 100_000_000_000 else from_epoch_s(value)


def _money(value: Decimal) -> float | int:
    return wire_number(value.quantize(Decimal("0.0001"))) or 0


def _ratio(numerator: Decimal | int, denominator: Decimal | int, scale: int = 1) -> float:
    return delivery.ratio(numerator, denominator, scale)


def _measures(t: DeliveryTotals) -> dict[str, Any]:
    spend = t.spend
    return {
        "clicks": t.clicks, "impressions": t.impressions, "bidImpressions": t.bids,
        "startCount": t.video_starts, "firstCount": t.video_first_quartiles, "midCount": t.video_midpoints,
        "thirdCount": t.video_third_quartiles, "completeCount": t.video_completes,
        "audioVideoViewed": t.video_completes,
        "dataCost": _money(t.data_cost), "mediaSpent": _money(t.media_cost), "spent": _money(spend),
        "budgetSpent": _money(spend), "customerSpent": _money(spend), "platformSpent": _money(t.platform_margin),
        "winRate": _ratio(t.impressions, t.bids, 100), "CTR": _ratio(t.clicks, t.impressions, 100),
        "CVR": _ratio(t.conversions, t.clicks, 100), "VCR": _ratio(t.video_completes, t.video_starts, 100),
        "eCPM": _ratio(spend, t.impressions, 1000), "eCPC": _ratio(spend, t.clicks),
        "eCPI": _ratio(spend, t.conversions), "eCPCV": _ratio(spend, t.video_completes),
        "eCPV": _ratio(spend, t.video_starts),
    }


def _attributed_measures(attributed: Attributed, spend: Decimal, impressions: int) -> dict[str, Any]:
    """IQM's attributed figures: counts from the attribution, cost = spend / attributed conversions, rate =
    attributed conversions / impressions x 100 (a percentage, as IQM's examples: 5 of 105,709 is 0.0047)."""
    return {
        "totalAttributedConversion": attributed.total,
        "totalAttributedViewThroughConversion": attributed.view_through,
        "totalAttributedClickThroughConversion": attributed.click_through,
        "costPerAttributedConversion": _ratio(spend, attributed.total),
        "totalAttributedConversionRate": _ratio(attributed.total, impressions, 100),
    }


HUNDRED = Decimal("100")


def margin_figures(spend: Decimal, budget_total: Decimal | None, gross_margin: Decimal,
                   platform_margin: Decimal) -> dict[str, Any]:
    """The money chain of a customer's campaign: delivery is priced by the platform (`workspaceSpent`: media +
    data + the platform's margin, what budgets cap and the ledger charges); the workspace's gross margin on the
    customer is carved out of the customer's budget, so the customer's spend is `workspaceSpent / (1 - margin)`,
    and `mediaBudget` is the part of the budget that reaches the platform."""
    share = gross_margin / HUNDRED
    customer = spend / (1 - share) if share < 1 else spend
    return {
        "workspaceSpent": _money(spend), "customerSpent": _money(customer),
        "workspaceEarning": _money(customer - spend), "platformEarning": _money(platform_margin),
        "mediaBudget": _money((budget_total or ZERO) * (1 - share)),
    }


def campaign_rows(session: Session, campaigns: list[Campaign], ios: dict[int, InsertionOrder],
                  store: AnalyticsStore | None, *, start: datetime | None, end: datetime | None,
                  now: datetime) -> list[dict[str, Any]]:
    ids = [c.id for c in campaigns]
    window = delivery.totals_for(store, ids, start=start, end=end)
    lifetime = window if start is None and end is None else delivery.totals_for(store, ids)
    today = delivery.today_totals_for(store, campaigns, now)
    reach = delivery.reach_by_campaign(store, ids, start=start, end=end)
    creatives = creative_ids_by_campaign(session, ids)
    who = owners(session, campaigns)
    margins = gross_margins(session, (c.ow_id for c in campaigns))
    attributed = attributed_by_campaign(session, campaigns, start, end)
    rows: list[dict[str, Any]] = []
    for campaign in campaigns:
        io = ios[campaign.io_id]
        spent_total = lifetime[campaign.id].spend
        pace = delivery.pacing(campaign, io, spent_total, today[campaign.id].spend, as_utc(now))
        impressions = window[campaign.id].impressions
        timezone = catalog.timezone_by_id(campaign.timezone_id)
        row = CampaignRow({
            **_measures(window[campaign.id]),
            **_attributed_measures(attributed[campaign.id], window[campaign.id].spend, impressions),
            "owId": campaign.ow_id, "uowId": campaign.uow_id, "organizationName": who[campaign.id].organization_name,
            "campaignId": campaign.id, "campaignName": campaign.name,
            "budgetDay": wire_number(campaign.budget_day), "budgetTotal": wire_number(campaign.budget_total),
            "maxBid": wire_number(campaign.max_bid), "startTime": to_epoch_s(campaign.start_time),
            "endTime": to_epoch_s(campaign.end_time), "campaignType": pricing_model(campaign.creative_type_id).lower(),
            "status": campaign.status, "isApproved": bool(campaign.is_approved),  # adplane: approved, maybe not started
            "campaignTimezone": timezone.name if timezone else None,
            "creativeType": creative_type_name(campaign.creative_type_id), "budgetPacing": campaign.total_budget_pacing,
            "isCampaignFromNewPlatform": True,
            "percentageOfTotalSpent": _ratio(spent_total, campaign.budget_total or 0, 100),
            "ioId": io.id, "ioName": io.name, "ioTimezone": io.timezone_id,
            "ioBudgetDistributionMethod": io.distribution_method_id, "ioStartTime": to_epoch_ms(io.start_time),
            "ioEndTime": to_epoch_ms(io.end_time), "ioTotalBudget": wire_number(io.total_budget),
            "isAutoSumIoTotalBudget": io.is_auto_sum_total_budget, "ioBudgetTypeId": io.budget_type_id,
            "ioTotalImpressions": io.total_impressions, "ioStatusId": io.status_id,
            "pacingPercentage": pace.pacing_percentage, "actualSpent": _money(spent_total),
            "expectedSpent": _money(pace.expected_spent), "campaignDuration": pace.duration_days,
            "remainingDuration": pace.remaining_days, "dailyPacingPercentage": pace.daily_pacing_percentage,
            "expectedDailySpent": _money(pace.expected_daily_spent),
            "actualDailySpent": _money(today[campaign.id].spend),
            "creativesCount": len(creatives[campaign.id]), "budgetTypeId": campaign.budget_type_id,
            "campaignTypeId": campaign.campaign_type_id, "targetImpression": campaign.target_impressions,
            "dailyImpression": today[campaign.id].impressions, "campaignPriority": None, "totalCount": 0,
            "reach": reach[campaign.id], "frequency": _ratio(impressions, reach[campaign.id]), "date": None,
            **margin_figures(window[campaign.id].spend, campaign.budget_total, margins.get(campaign.ow_id, ZERO),
                             window[campaign.id].platform_margin),
        })
        row.conversions = window[campaign.id].conversions
        rows.append(row)
    return rows


_SUMMED = ("clicks", "impressions", "dailyImpression", "bidImpressions", "startCount", "firstCount", "midCount",
           "thirdCount", "completeCount", "audioVideoViewed", "totalAttributedConversion",
           "totalAttributedViewThroughConversion", "totalAttributedClickThroughConversion")
_SUMMED_MONEY = ("dataCost", "mediaSpent", "spent", "budgetSpent", "customerSpent", "platformSpent", "workspaceSpent",
                 "workspaceEarning", "platformEarning", "mediaBudget", "budgetDay",
                 "budgetTotal", "actualSpent", "expectedSpent", "expectedDailySpent", "actualDailySpent")


def totals_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The `recordsTotal` row: sums of counts and money, rates recomputed from the sums."""
    # every key of a row, null where a sum means nothing (names, ids, dates), as the seed's recordsTotal
    total: dict[str, Any] = {key: None for key in (rows[0] if rows else {})}
    total.update({key: sum(r[key] or 0 for r in rows) for key in _SUMMED})
    for key in _SUMMED_MONEY:
        total[key] = _money(sum((Decimal(str(r[key] or 0)) for r in rows), ZERO))
    spend = Decimal(str(total["spent"]))
    conversions = sum(getattr(r, "conversions", 0) for r in rows)
    total.update({
        "totalCount": len(rows),
        "winRate": _ratio(total["impressions"], total["bidImpressions"], 100),
        "CTR": _ratio(total["clicks"], total["impressions"], 100),
        "CVR": _ratio(conversions, total["clicks"], 100),
        "VCR": _ratio(total["completeCount"], total["startCount"], 100),
        "eCPM": _ratio(spend, total["impressions"], 1000), "eCPC": _ratio(spend, total["clicks"]),
        "eCPI": _ratio(spend, conversions), "eCPCV": _ratio(spend, total["completeCount"]),
        "eCPV": _ratio(spend, total["startCount"]),
        "costPerAttributedConversion": _ratio(spend, total["totalAttributedConversion"]),
        "totalAttributedConversionRate": _ratio(total["totalAttributedConversion"], total["impressions"], 100),
        "percentageOfTotalSpent": _ratio(spend, Decimal(str(total["budgetTotal"])), 100),
        "pacingPercentage": _ratio(spend, Decimal(str(total["expectedSpent"])), 100)
        if total["expectedSpent"] else None,
    })
    return total
