"""SQL of the conversions domain: definitions scoped to the caller's organization, hit counts, campaign links."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from adplane.campaigns.models import STATUS_DELETED, Campaign
from adplane.conversions.models import HIT_ATTRIBUTED, HIT_REPEAT, Conversion, ConversionHit
from adplane.core.errors import NotFound
from adplane.core.listing import search_condition
from adplane.core.schemas import db_id_or_none
from adplane.core.tenancy import scoped


def live(ow_id: int) -> Select[Any]:
    """The organization's conversions that are not deleted."""
    return scoped(Conversion, ow_id).where(Conversion.is_deleted.is_(False))


def get_live(session: Session, ow_id: int, conversion_id: int, *, field: str = "conversionId",
             for_update: bool = False) -> Conversion:
    stmt = live(ow_id).where(Conversion.id == conversion_id)
    if for_update:
        stmt = stmt.with_for_update()
    conversion = session.scalar(stmt)
    if conversion is None:
        raise NotFound("Invalid conversion id.", field=field)
    return conversion


def get_many(session: Session, ow_id: int, ids: Sequence[int], *, field: str, for_update: bool = False
             ) -> list[Conversion]:
    """All of `ids` (in that order) or a 404 naming the first one the organization does not have."""
    stmt = live(ow_id).where(Conversion.id.in_(ids))
    if for_update:
        stmt = stmt.with_for_update()
    found = {c.id: c for c in session.scalars(stmt)}
    for wanted in ids:
        if wanted not in found:
            raise NotFound(f"Invalid conversion id: {wanted}.", field=field)
    return [found[i] for i in ids]


def by_uuid(session: Session, uuid: str) -> Conversion | None:
    """The conversion a pixel or postback URL names (any organization: the URL carries no caller)."""
    return session.scalar(select(Conversion).where(Conversion.uuid == uuid, Conversion.is_deleted.is_(False)))


def search_clause(search: str | None) -> Any:
    """Name contains the needle, or the id is it."""
    return search_condition(search, [Conversion.name], Conversion.id)


@dataclass
class HitCounts:
    total: int = 0
    attributed: int = 0
    view_through: int = 0
    click_through: int = 0
    value: Decimal = Decimal(0)


def hit_counts(session: Session, conversion_ids: Sequence[int]) -> dict[int, HitCounts]:
    """Counted hits and attributed ones (view/click through, value) per conversion."""
    if not conversion_ids:
        return {}
    attributed = ConversionHit.state == HIT_ATTRIBUTED
    rows = session.execute(
        select(ConversionHit.conversion_id,
               func.count(),
               func.sum(case((attributed, 1), else_=0)),
               func.sum(case((attributed & (ConversionHit.touch == "view"), 1), else_=0)),
               func.sum(case((attributed & (ConversionHit.touch == "click"), 1), else_=0)),
               func.sum(case((attributed, ConversionHit.value), else_=None)))
        .where(ConversionHit.conversion_id.in_(conversion_ids), ConversionHit.state != HIT_REPEAT)
        .group_by(ConversionHit.conversion_id))
    counts: dict[int, HitCounts] = defaultdict(HitCounts)
    for conversion_id, total, attr, view, click, value in rows:
        counts[conversion_id] = HitCounts(int(total or 0), int(attr or 0), int(view or 0), int(click or 0),
                                          Decimal(value or 0))
    return counts


ATTRIBUTED_CHUNK = 1000  # campaign ids per statement (bound parameters stay few)


def attributed_by_campaign(session: Session, owners: Mapping[int, int], start: datetime | None,
                           end: datetime | None) -> dict[int, tuple[int, int]]:
    """(view through, click through) conversions the attribution credited to each campaign of `owners`
    ({campaign id: its owId}; a hit of another organization never counts) whose conversion time is in
    [start, end): the claims (`touch`) the attribution left on the attributed hits."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    ids = sorted(owners)
    for offset in range(0, len(ids), ATTRIBUTED_CHUNK):
        chunk = ids[offset: offset + ATTRIBUTED_CHUNK]
        stmt = (select(ConversionHit.ow_id, ConversionHit.campaign_id, ConversionHit.touch, func.count())
                # the owner is checked below, not here: a condition on ow_id lets SQLite pick the ow_id index
                # and read every hit of the organization instead of the campaigns'
                .where(ConversionHit.campaign_id.in_(chunk), ConversionHit.state == HIT_ATTRIBUTED)
                .group_by(ConversionHit.ow_id, ConversionHit.campaign_id, ConversionHit.touch))
        if start is not None:
            stmt = stmt.where(ConversionHit.occurred_at >= start)
        if end is not None:
            stmt = stmt.where(ConversionHit.occurred_at < end)
        for ow_id, campaign_id, touch, n in session.execute(stmt):
            if campaign_id is not None and owners.get(campaign_id) == ow_id:
                counts[campaign_id][0 if touch == "view" else 1] += int(n)
    return {campaign_id: (view, click) for campaign_id, (view, click) in counts.items()}


def has_value_hits(session: Session, conversion_ids: Sequence[int]) -> set[int]:
    if not conversion_ids:
        return set()
    return set(session.scalars(select(ConversionHit.conversion_id).distinct().where(
        ConversionHit.conversion_id.in_(conversion_ids), ConversionHit.value.is_not(None))))


# --------------------------------------------------------------------------- campaign links


def parse_conversion_ids(raw: Any) -> list[int]:
    """The conversion ids a campaign stores (`conversionIds` as IQM sends it: "1,2", "[1,2]", [1, 2] or 1);
    anything that is not an id targets nothing."""
    if raw is None or isinstance(raw, bool):
        return []
    if isinstance(raw, int):
        items: list[Any] = [raw]
    elif isinstance(raw, list):
        items = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = text.strip("[]").split(",")
            items = parsed if isinstance(parsed, list) else []
        else:
            items = text.split(",")
    else:
        return []
    ids: list[int] = []
    for item in items:
        value = item if isinstance(item, int) and not isinstance(item, bool) else db_id_or_none(str(item))
        if isinstance(value, int) and value not in ids:
            ids.append(value)
    return ids


def org_campaigns(session: Session, ow_id: int, ids: Sequence[int] | None = None) -> list[Campaign]:
    """The organization's campaigns that are not deleted (optionally only `ids`)."""
    stmt = scoped(Campaign, ow_id).where(Campaign.status != STATUS_DELETED)
    if ids is not None:
        stmt = stmt.where(Campaign.id.in_(ids))
    return list(session.scalars(stmt.order_by(Campaign.id)))


def campaigns_by_conversion(campaigns: Sequence[Campaign]) -> dict[int, list[Campaign]]:
    linked: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        for conversion_id in parse_conversion_ids((campaign.extra or {}).get("conversionIds")):
            linked[conversion_id].append(campaign)
    return linked
