"""Rules of the creatives domain: what other domains may call."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adplane.core.schemas import MAX_DB_INT
from adplane.core.tenancy import scoped
from adplane.creatives.models import Creative
from adplane.master.catalog import CREATIVE_STATUS_RUNNING

__all__ = ["CREATIVE_STATUS_RUNNING", "get_creatives"]


def get_creatives(session: Session, ow_id: int, ids: list[int]) -> list[Creative]:
    """The organization's creatives among `ids` (others' and missing ids are simply absent), by id."""
    wanted = {i for i in ids if 1 <= i <= MAX_DB_INT}
    if not wanted:
        return []
    stmt = scoped(Creative, ow_id).where(Creative.id.in_(wanted)).order_by(Creative.id)
    return list(session.scalars(stmt))
