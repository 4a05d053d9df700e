"""Time-driven campaign lifecycle, from `adplane.core.clock.utcnow()` so tests can move time.

approved pending → running at startTime; pending/running/paused → expired after their end (the
campaign's endTime, or its IO's end when the campaign has none) or when the total budget is spent;
active IOs → expired after their end. `tick` runs as a background task; every step is an
idempotent conditional UPDATE, so several processes may run it at once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from adplane.campaigns.models import (
    STATUS_EXPIRED,
    STATUS_PAUSED,
    STATUS_PENDING,
    STATUS_RUNNING,
    Campaign,
)
from adplane.core.clock import utcnow
from adplane.core.db import Database, rowcount
from adplane.core.settings import Settings
from adplane.insertion_orders.models import BUDGET_TYPE_CURRENCY, IO_STATUS_ACTIVE, IO_STATUS_EXPIRED, InsertionOrder
from adplane.jobs.registry import periodic

LIVE_STATUSES = (STATUS_PENDING, STATUS_RUNNING, STATUS_PAUSED)


def _effective_end():  # noqa: ANN202 - a SQL expression
    return func.coalesce(Campaign.end_time, InsertionOrder.end_time)


def _io_ids_where(*conditions):  # noqa: ANN001, ANN202 - a scalar subquery of campaign ids
    return select(Campaign.id).join(InsertionOrder, InsertionOrder.id == Campaign.io_id).where(*conditions)


def deliverable_campaigns(session: Session, at: datetime) -> list[Campaign]:
    """Campaigns running at instant `at`: status running, started, and not past their (IO's) end."""
    stmt = (
        select(Campaign)
        .join(InsertionOrder, InsertionOrder.id == Campaign.io_id)
        .where(Campaign.status == STATUS_RUNNING, Campaign.start_time <= at,
               or_(_effective_end().is_(None), _effective_end() > at))
        .order_by(Campaign.id)
    )
    return list(session.scalars(stmt))


def expire_spent_campaigns(session: Session, spent_by_campaign: dict[int, Decimal]) -> list[int]:
    """Expire running/paused currency-budget campaigns whose spend reached their total budget; commits."""
    ids = [cid for cid in spent_by_campaign]
    if not ids:
        return []
    rows = session.scalars(select(Campaign).where(
        Campaign.id.in_(ids), Campaign.status.in_((STATUS_RUNNING, STATUS_PAUSED)),
        Campaign.budget_type_id == BUDGET_TYPE_CURRENCY, Campaign.budget_total.is_not(None)))
    expired = []
    for campaign in rows:
        if campaign.budget_total is not None and Decimal(str(spent_by_campaign[campaign.id])) >= campaign.budget_total:
            campaign.status = STATUS_EXPIRED
            expired.append(campaign.id)
    session.commit()
    return sorted(expired)


def advance(session: Session, now: datetime | None = None) -> dict[str, int]:
    """Apply every time-driven change due at `now`; returns how many rows each step changed."""
    now = now or utcnow()
    ended = _io_ids_where(Campaign.status.in_(LIVE_STATUSES), _effective_end().is_not(None),
                          _effective_end() <= now)
    expired = rowcount(session.execute(
        update(Campaign).where(Campaign.id.in_(ended.scalar_subquery()), Campaign.status.in_(LIVE_STATUSES))
        .values(status=STATUS_EXPIRED, modified_at=now).execution_options(synchronize_session=False)))
    due = select(Campaign.id).where(Campaign.status == STATUS_PENDING, Campaign.is_approved.is_(True),
                                    Campaign.start_time <= now)
    started = rowcount(session.execute(
        update(Campaign).where(Campaign.id.in_(due.scalar_subquery()),
                               and_(Campaign.status == STATUS_PENDING, Campaign.is_approved.is_(True)))
        .values(status=STATUS_RUNNING, modified_at=now).execution_options(synchronize_session=False)))
    ios = rowcount(session.execute(
        update(InsertionOrder).where(InsertionOrder.status_id == IO_STATUS_ACTIVE,
                                     InsertionOrder.end_time.is_not(None), InsertionOrder.end_time <= now)
        .values(status_id=IO_STATUS_EXPIRED).execution_options(synchronize_session=False)))
    session.commit()
    return {"started": started, "expired": expired, "ios_expired": ios}


def tick(db: Database, settings: Settings) -> None:
    """The background task: one pass of `advance` at the clock's current instant."""
    with db.session() as session:
        advance(session, utcnow())


JOB_KINDS = [periodic("campaign-lifecycle", tick, interval_seconds=30.0,
                      description="start approved campaigns, expire ended campaigns and insertion orders")]
