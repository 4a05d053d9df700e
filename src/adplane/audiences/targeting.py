"""What campaigns and delivery need from audiences: checking a campaign's audience ids, and the users
(and data CPM) its included and excluded audiences stand for.

Contract: campaigns call `check_ids` when saving `whiteListedAudienceIds` / `blackListedAudienceIds`
and register which campaigns target which audiences (`service.register_usage`); the delivery
simulator calls `audience_targeting` and serves impressions only to its `allowed` users (minus
`blocked`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import catalog
from adplane.audiences import repository as repo
from adplane.audiences.models import Audience
from adplane.core.errors import NotFound, ValidationFailed

INCLUDED_FIELD = "whiteListedAudienceIds"
EXCLUDED_FIELD = "blackListedAudienceIds"
UNUSABLE = (catalog.STATUS_FAILED, catalog.STATUS_REJECTED)


def parse(raw: Any, field: str) -> list[int]:
    """An id list as IQM sends it (comma-separated text or a list of numbers); 422 naming `field` otherwise."""
    if raw is None or raw == "" or raw == []:
        return []
    items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else None
    if items is None:
        raise ValidationFailed(f"{field} must be a list of audience ids.", field=field)
    out: list[int] = []
    for item in items:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdigit() or len(text) > 10 or not 1 <= int(text) <= 2_147_483_647:
            raise ValidationFailed(f"{field} must be a list of audience ids.", field=field)
        out.append(int(text))
    return list(dict.fromkeys(out))


def check_ids(session: Session, ow_id: int, extra: dict[str, Any]) -> None:
    """Included and excluded audiences must be the organization's own (404, like unknown ids), usable
    (not failed or rejected: 422) and not both included and excluded (422)."""
    included = parse(extra.get(INCLUDED_FIELD), INCLUDED_FIELD)
    excluded = parse(extra.get(EXCLUDED_FIELD), EXCLUDED_FIELD)
    for field, ids in ((INCLUDED_FIELD, included), (EXCLUDED_FIELD, excluded)):
        if not ids:
            continue
        rows = {a.id: a for a in session.scalars(select(Audience).where(Audience.ow_id == ow_id,
                                                                           Audience.id.in_(ids)))}
        missing = [i for i in ids if i not in rows]
        if missing:
            raise NotFound(f"Audience not found: {', '.join(map(str, missing[:10]))}.", field=field)
        bad = [i for i in ids if rows[i].status_id in UNUSABLE]
        if bad:
            raise ValidationFailed(f"Audiences {', '.join(map(str, bad[:10]))} are failed or rejected.", field=field)
    from adplane.audiences.prebid import check_campaign_segments

    check_campaign_segments(extra)
    both = sorted(set(included) & set(excluded))
    if both:
        raise ValidationFailed(f"Audiences {', '.join(map(str, both))} cannot be both included and excluded.",
                               field=EXCLUDED_FIELD)


@dataclass
class AudienceTargeting:
    """Users a campaign may reach: `allowed` (None: anyone) minus `blocked`; `data_cpm` its audiences' CPM."""

    allowed: np.ndarray | None
    blocked: np.ndarray
    data_cpm: Decimal


def audience_targeting(session: Session, ow_id: int, extra: dict[str, Any] | None) -> AudienceTargeting | None:
    """None when the campaign targets no audience. Only ready audiences of its organization count:
    an included audience that is not ready (yet) contributes no users."""
    extra = extra or {}
    try:
        included = parse(extra.get(INCLUDED_FIELD), INCLUDED_FIELD)
        excluded = parse(extra.get(EXCLUDED_FIELD), EXCLUDED_FIELD)
    except ValidationFailed:
        return None
    if not included and not excluded:
        return None
    ready_in = _ready(session, ow_id, included)
    ready_out = _ready(session, ow_id, excluded)
    blocked = repo.member_ids(session, [a.id for a in ready_out if a.type_id != catalog.TYPE_PREBID])
    allowed = None
    # a pre-bid audience filters impressions, not users: it adds its CPM but does not narrow the users
    if set(included) - _prebid_ids(session, ow_id, included):
        allowed = np.setdiff1d(repo.member_ids(session, [a.id for a in ready_in if a.type_id != catalog.TYPE_PREBID]),
                               blocked)
    cost = sum((a.data_cost or Decimal("0") for a in ready_in), Decimal("0"))
    return AudienceTargeting(allowed, blocked, cost)


def _ready(session: Session, ow_id: int, ids: Sequence[int]) -> list[Audience]:
    if not ids:
        return []
    return list(session.scalars(select(Audience).where(Audience.ow_id == ow_id, Audience.id.in_(list(ids)),
                                                       Audience.status_id == catalog.STATUS_READY)))


def _prebid_ids(session: Session, ow_id: int, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Audience.id).where(Audience.ow_id == ow_id, Audience.id.in_(list(ids)),
                                                         Audience.type_id == catalog.TYPE_PREBID)))
