"""Delivery charged to the ledger: media spend, data cost and platform fee, per campaign and UTC day.

A posting pass reads the analytics store's spend per (campaign, day) from the campaign rollup and, under the
organization's row lock, charges the ledger the difference with what `SpendPosting` says was charged already.
So a pass is idempotent (run twice, or by two workers, it charges once), late events are charged by the next
pass, and after any pass the ledger's spend entries sum exactly (to the micro-dollar: the store's money scale)
to the store's spend.

Delivery is never refused after the fact: a charge may take the balance below zero. A prepaid organization
at or below zero has its running campaigns paused (`FundsPause`); when a top-up brings the balance back above
zero, the next pass resumes exactly those campaigns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.handle import store_for
from adplane.analytics.rollups import CAMPAIGN_HOURLY
from adplane.analytics.store import AnalyticsStore
from adplane.auth.models import Organization
from adplane.auth.organizations import change_funds
from adplane.campaigns.models import STATUS_PAUSED, STATUS_RUNNING, Campaign
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import Database
from adplane.core.errors import NotFound
from adplane.core.settings import Settings
from adplane.finance.models import PAYMENT_TYPE_PREPAID, FundsPause, SpendPosting
from adplane.jobs.registry import periodic

# ledger entry kind → the store's money measure it charges
SPEND_KINDS: tuple[tuple[str, str], ...] = (
    ("media_spend", "media_cost"), ("data_cost", "data_cost"), ("platform_fee", "platform_margin"))
SPEND_KIND_NAMES = tuple(kind for kind, _ in SPEND_KINDS)
# every ledger kind that charges for something (what invoices bill and what uses claimed credit first)
CHARGE_KINDS = (*SPEND_KIND_NAMES, "insight_charge", "insight_refund")
ZERO = Decimal("0")

SpendKey = tuple[int, date, str]  # (campaign id, UTC day, ledger kind)


@dataclass
class PostingPass:
    organizations: int = 0
    entries: int = 0
    charged: Decimal = ZERO
    paused: list[int] = field(default_factory=list)
    resumed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"organizations": self.organizations, "entries": self.entries, "paused": len(self.paused),
                "resumed": len(self.resumed)}


def store_spend(store: AnalyticsStore, ow_ids: Sequence[int] | None = None) -> dict[int, dict[SpendKey, Decimal]]:
    """The store's spend per organization, as {ow_id: {(campaign, UTC day, kind): amount}}, zero amounts left out."""
    day = store.dialect.bucket("day", "period_start")
    measures = ", ".join(f"sum({measure})" for _, measure in SPEND_KINDS)
    where, params = "", list(ow_ids or [])
    if ow_ids is not None:
        if not ow_ids:
            return {}
        where = f" WHERE ow_id IN ({', '.join('?' * len(ow_ids))})"
    sql = (f"SELECT ow_id, campaign_id, {day} AS spend_day, {measures} FROM {CAMPAIGN_HOURLY.table}{where} "
           f"GROUP BY ow_id, campaign_id, spend_day")
    result: dict[int, dict[SpendKey, Decimal]] = defaultdict(dict)
    for ow_id, campaign_id, spend_day, *amounts in store.query(sql, params):
        when = as_utc(spend_day).date() if isinstance(spend_day, datetime) else spend_day
        for (kind, _), amount in zip(SPEND_KINDS, amounts, strict=True):
            value = Decimal(str(amount or 0))
            if value:
                result[int(ow_id)][(int(campaign_id), when, kind)] = value
    return result


def is_prepaid(session: Session, ow_id: int) -> bool:
    org = session.get(Organization, ow_id)
    return org is not None and org.payment_type_id == PAYMENT_TYPE_PREPAID


def set_payment_type(session: Session, ow_id: int, payment_type_id: int) -> Organization:
    """Set an organization's billing terms (1 prepaid, 2 postpaid); the caller commits."""
    org = session.get(Organization, ow_id)
    if org is None:
        raise NotFound(f"Organization {ow_id} not found", field="owId")
    org.payment_type_id = payment_type_id
    session.flush()
    return org


def _post_organization(session: Session, ow_id: int, spend: dict[SpendKey, Decimal], result: PostingPass) -> None:
    org = session.scalar(select(Organization).where(Organization.ow_id == ow_id).with_for_update())
    if org is None:  # deleted since its events were stored
        return
    posted = {(p.campaign_id, p.day, p.kind): p
              for p in session.scalars(select(SpendPosting).where(SpendPosting.ow_id == ow_id))}
    for key in sorted(set(spend) | set(posted)):
        campaign_id, day, kind = key
        row = posted.get(key)
        delta = spend.get(key, ZERO) - (Decimal(row.posted) if row else ZERO)
        if not delta:
            continue
        change_funds(session, ow_id, -delta, kind, f"{kind}:campaign:{campaign_id}:{day.isoformat()}",
                     lock=False, allow_negative=True)
        if row is None:
            row = SpendPosting(ow_id=ow_id, campaign_id=campaign_id, day=day, kind=kind, posted=ZERO)
            session.add(row)
        row.posted = Decimal(row.posted) + delta
        result.entries += 1
        result.charged += delta
    session.flush()
    _enforce_balance(session, org, result)


def _enforce_balance(session: Session, org: Organization, result: PostingPass) -> None:
    """Pause a prepaid organization's running campaigns at a zero balance; resume them once it is positive."""
    balance = Decimal(org.funds_balance)
    if balance <= 0 and is_prepaid(session, org.ow_id):
        running = session.scalars(select(Campaign).where(
            Campaign.ow_id == org.ow_id, Campaign.status == STATUS_RUNNING).order_by(Campaign.id))
        for campaign in running:
            campaign.status = STATUS_PAUSED
            session.add(FundsPause(campaign_id=campaign.id, ow_id=org.ow_id, paused_at=utcnow()))
            result.paused.append(campaign.id)
    elif balance > 0:
        for pause in session.scalars(select(FundsPause).where(FundsPause.ow_id == org.ow_id)):
            paused = session.get(Campaign, pause.campaign_id)
            if paused is not None and paused.status == STATUS_PAUSED:
                paused.status = STATUS_RUNNING
                result.resumed.append(paused.id)
            session.delete(pause)


def post_spend(session: Session, store: AnalyticsStore, ow_ids: Sequence[int] | None = None) -> PostingPass:
    """Charge every organization's (or `ow_ids`') unposted spend, one commit per organization."""
    spend = store_spend(store, ow_ids)
    pending = set(spend)
    pending |= set(session.scalars(select(FundsPause.ow_id).distinct()))
    if ow_ids is not None:
        pending &= set(ow_ids)
    result = PostingPass()
    for ow_id in sorted(pending):
        try:
            _post_organization(session, ow_id, spend.get(ow_id, {}), result)
            session.commit()
        except Exception:
            session.rollback()
            raise
        result.organizations += 1
    return result


def posting_pass(db: Database, settings: Settings) -> dict[str, int]:
    """The background task: charge what was delivered since the last pass."""
    store = store_for(settings)
    with db.session() as session:
        return post_spend(session, store).as_dict()


JOB_KINDS = [periodic("finance-spend-posting", posting_pass, interval_seconds=60.0,
                      description="charge delivered media, data and platform fees to the ledger; pause prepaid "
                                  "organizations' campaigns at a zero balance")]
