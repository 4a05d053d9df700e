"""Rules run after delivery lands: budgets are enforced from the analytics store."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

import structlog
from sqlalchemy.orm import Session

from adplane.events.counters import delivery_by_campaign
from adplane.events.store import AnalyticsStore

log = structlog.get_logger("adplane.events")


def after_delivery(session: Session, store: AnalyticsStore, campaign_ids: Iterable[int]) -> list[int]:
    """Expire campaigns whose total budget is now spent (the campaigns domain owns the rule).

    Returns the ids it expired; a no-op until `adplane.campaigns.service.expire_spent_campaigns` exists.
    """
    ids = sorted(set(campaign_ids))
    if not ids:
        return []
    try:
        service = importlib.import_module("adplane.campaigns.service")
    except ImportError:
        return []
    expire = getattr(service, "expire_spent_campaigns", None)
    if expire is None:
        return []
    spent = {cid: totals.spend for cid, totals in delivery_by_campaign(store, ids).items()}
    expired = expire(session, spent) or []
    session.commit()
    if expired:
        log.info("campaigns_expired_by_spend", campaign_ids=list(expired))
    return list(expired)
