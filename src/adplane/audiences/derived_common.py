"""Small helpers shared by the lookalike, campaign-audience, v2-list and insights modules."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.audiences import service
from adplane.audiences.models import Audience
from adplane.auth.models import Organization, User


def money(value: Decimal | None) -> int | float:
    value = value or Decimal("0")
    return int(value) if value == value.to_integral_value() else float(value)


def organization_name(session: Session, ow_id: int) -> str | None:
    return session.scalar(select(Organization.name).where(Organization.ow_id == ow_id))


def creator(session: Session, audience: Audience) -> tuple[str | None, str | None]:
    """(display name, e-mail) of the user who created the audience, when known."""
    if audience.created_by_user_id is None:
        return None, None
    user = session.get(User, audience.created_by_user_id)
    if user is None:
        return None, None
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.email
    return name, user.email


def usage_counts(session: Session, ow_id: int, audience_id: int) -> tuple[list[int], list[int]]:
    """(campaigns including, campaigns excluding) the audience, sorted and distinct."""
    refs = service.usage(session, ow_id, [audience_id]).get(audience_id, {})
    return sorted(set(refs.get("included", []))), sorted(set(refs.get("excluded", [])))
