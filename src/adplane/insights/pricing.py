"""Insight prices: impressions × the organization's rate per impression, and funds.

The rate of an insight kind is the organization's own (`insight_rates` row with its `ow_id`),
else its workspace's default (row with `ow_id` NULL), else the kind's `default_rate` (`insights.kinds`).
A report is charged for its impressions once: a regeneration charges only impressions that are
new since it was last charged (`chargeable = max(0, impressions now - charged before)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.auth.models import Organization
from adplane.core.errors import NotFound, ValidationFailed
from adplane.insights.kinds import BY_KIND
from adplane.insights.models import KINDS, InsightRate

CENT = Decimal("0.0001")


@dataclass(frozen=True)
class Quote:
    rate: Decimal
    impressions: int  # all impressions in the report's scope now
    charged_imps: int  # already charged for this report
    chargeable_imps: int
    chargeable_cost: Decimal
    charged_cost: Decimal
    funds_available: bool


def cost_of(impressions: int, rate: Decimal) -> Decimal:
    return (Decimal(impressions) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_for(session: Session, ow_id: int, kind: str) -> Decimal:
    org = session.get(Organization, ow_id)
    if org is None:
        raise NotFound("Organization not found.", field="owId")
    rows = session.scalars(
        select(InsightRate).where(InsightRate.workspace_id == org.workspace_id, InsightRate.kind == kind)
    ).all()
    own = [r for r in rows if r.ow_id == ow_id]
    default = [r for r in rows if r.ow_id is None]
    if own:
        return Decimal(own[0].rate)
    if default:
        return Decimal(default[0].rate)
    return BY_KIND[kind].default_rate


def set_rate(session: Session, workspace_id: int, ow_id: int | None, kind: str, rate: Decimal) -> InsightRate:
    """Set an organization's rate (or the workspace default with `ow_id=None`); caller commits."""
    if kind not in KINDS:
        raise ValidationFailed(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if rate < 0:
        raise ValidationFailed("rate must not be negative", field="rate")
    stmt = select(InsightRate).where(InsightRate.workspace_id == workspace_id, InsightRate.kind == kind)
    stmt = stmt.where(InsightRate.ow_id.is_(None) if ow_id is None else InsightRate.ow_id == ow_id)
    row = session.scalar(stmt)
    if row is None:
        row = InsightRate(workspace_id=workspace_id, ow_id=ow_id, kind=kind, rate=rate)
        session.add(row)
    else:
        row.rate = rate
    session.flush()
    return row


def quote(session: Session, ow_id: int, rate: Decimal, impressions: int, charged_imps: int = 0,
          charged_cost: Decimal = Decimal("0")) -> Quote:
    chargeable = max(0, impressions - charged_imps)
    cost = cost_of(chargeable, rate)
    org = session.get(Organization, ow_id)
    balance = Decimal(org.funds_balance) if org else Decimal("0")
    return Quote(rate=rate, impressions=impressions, charged_imps=charged_imps, chargeable_imps=chargeable,
                 chargeable_cost=cost, charged_cost=Decimal(charged_cost), funds_available=balance >= cost)
