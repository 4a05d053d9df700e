"""The budget rule, run after delivery lands: a campaign whose total budget is spent (counters read from the
analytics store) expires. The price figures here are the platform's; the simulator charges the same."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.counters import delivery_by_campaign
from adplane.analytics.store import AnalyticsStore
from adplane.campaigns.lifecycle import expire_spent_campaigns
from adplane.campaigns.models import Campaign

log = structlog.get_logger("adplane.campaigns")

# Mean data CPM (USD) by kind of audience: healthcare NPI audiences cost more than plain targeting.
DATA_CPM_DEFAULT = 0.25
DATA_CPM_HEALTHCARE = 1.50
PLATFORM_MARGIN_RATE = 0.15  # of media cost


def spend_for_expiry(spent: Decimal, budget_total: Decimal | None, max_bid: Decimal | None) -> Decimal:
    """A campaign whose remaining budget cannot pay one more impression at its max bid (media, platform
    margin and the dearest data cost) has spent its budget."""
    if budget_total is None or max_bid is None:
        return spent
    one_impression = (max_bid * (1 + Decimal(str(PLATFORM_MARGIN_RATE))) + Decimal(str(DATA_CPM_HEALTHCARE)) * 2) / 1000
    if budget_total - spent < one_impression:
        return max(spent, budget_total)
    return spent


def after_delivery(session: Session, store: AnalyticsStore, campaign_ids: Iterable[int]) -> list[int]:
    """Expire the campaigns whose total budget is now spent (the campaigns domain owns the status change)."""
    ids = sorted(set(campaign_ids))
    if not ids:
        return []
    totals = delivery_by_campaign(store, ids)
    spent: dict[int, Decimal] = {}
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset: offset + 1000]
        rows = session.execute(select(Campaign.id, Campaign.budget_total, Campaign.max_bid)
                               .where(Campaign.id.in_(chunk))).all()
        for campaign_id, budget_total, max_bid in rows:
            spent[campaign_id] = spend_for_expiry(totals[campaign_id].spend, budget_total, max_bid)
    expired = expire_spent_campaigns(session, spent)
    if expired:
        log.info("campaigns_expired_by_spend", count=len(expired), campaign_ids=expired[:20])
    return expired
