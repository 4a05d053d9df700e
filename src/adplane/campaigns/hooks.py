"""What higher domains add to a campaign's answers (they connect handlers when imported; see core.hooks).

`detail_fields(session, campaign)`: extra wire fields of `GET /api/v2/cmp/campaign/{id}` that live in a
higher domain (a PG campaign's deals live in inventory); each handler returns the fields it adds, or {}.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adplane.campaigns.models import Campaign
from adplane.core.hooks import Hook

detail_fields: Hook[[Session, Campaign], dict[str, Any]] = Hook("campaigns.detail_fields")


def extra_detail(session: Session, campaign: Campaign) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for fields in detail_fields(session, campaign):
        merged.update(fields)
    return merged
