"""SQL of the creatives domain beyond plain scoped selects: owners and campaign links."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from adplane.auth.models import Membership, Organization, User
from adplane.creatives.models import Creative
from adplane.creatives.wire import Owner


def owners(session: Session, creatives: Sequence[Creative]) -> dict[int, Owner]:
    """Creator (membership → user) and organization of each creative, by creative id."""
    uow_ids = {c.uow_id for c in creatives if c.uow_id is not None}
    ow_ids = {c.ow_id for c in creatives}
    users: dict[int, tuple[str | None, str | None]] = {}
    if uow_ids:
        rows = session.execute(
            select(Membership.uow_id, User.first_name, User.last_name, User.email)
            .join(User, User.id == Membership.user_id)
            .where(Membership.uow_id.in_(uow_ids))
        )
        for uow_id, first, last, email in rows:
            name = " ".join(part for part in (first, last) if part) or None
            users[uow_id] = (name, email)
    org_names: dict[int, str | None] = {}
    if ow_ids:
        org_names = dict(session.execute(select(Organization.ow_id, Organization.name).where(
            Organization.ow_id.in_(ow_ids))).all())
    result: dict[int, Owner] = {}
    for creative in creatives:
        user_name, user_email = users.get(creative.uow_id or 0, (None, None))
        result[creative.id] = Owner(creative.uow_id, user_name, user_email, creative.ow_id,
                                    org_names.get(creative.ow_id))
    return result


def creative_ids_of_campaigns(campaign_ids: Sequence[int]) -> Select[int]:
    from adplane.campaigns.models import CampaignCreative

    return select(CampaignCreative.creative_id).where(CampaignCreative.campaign_id.in_(campaign_ids))


def campaign_ids_by_creative(session: Session, creative_ids: Sequence[int]) -> dict[int, list[int]]:
    """Campaigns each creative is attached to (the campaigns domain owns the link table)."""
    from adplane.campaigns.models import CampaignCreative

    if not creative_ids:
        return {}
    rows = session.execute(
        select(CampaignCreative.creative_id, CampaignCreative.campaign_id)
        .where(CampaignCreative.creative_id.in_(creative_ids))
        .order_by(CampaignCreative.campaign_id)
    )
    linked: dict[int, list[int]] = defaultdict(list)
    for creative_id, campaign_id in rows:
        linked[creative_id].append(campaign_id)
    return dict(linked)
