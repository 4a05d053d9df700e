"""SQL of the audiences domain; every tenant statement starts from `scoped(..., ow_id)`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from adplane.audiences.models import Audience, AudienceMember
from adplane.core.listing import in_ids
from adplane.core.schemas import MAX_DB_INT
from adplane.core.tenancy import get_scoped, scoped

MEMBER_CHUNK = 10_000


def get(session: Session, ow_id: int, audience_id: int, *, field: str = "audienceId",
        for_update: bool = False) -> Audience:
    return get_scoped(session, Audience, ow_id, audience_id, label="Audience", field=field, for_update=for_update)


def owned_ids(session: Session, ow_id: int, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Audience.id).where(Audience.ow_id == ow_id, Audience.id.in_(list(ids)))))


def filtered(ow_id: int, *, audience_ids: Sequence[int] = (), type_ids: Sequence[int] = (),
             subtype_ids: Sequence[int] = (), status_ids: Sequence[int] = (),
             search: Sequence[str] = ()) -> Select[Any]:
    stmt = scoped(Audience, ow_id)
    if audience_ids:
        stmt = stmt.where(in_ids(Audience.id, list(audience_ids)))
    if type_ids:
        stmt = stmt.where(in_ids(Audience.type_id, list(type_ids)))
    if subtype_ids:
        stmt = stmt.where(in_ids(Audience.subtype_id, list(subtype_ids)))
    if status_ids:
        stmt = stmt.where(in_ids(Audience.status_id, list(status_ids)))
    terms = [t for t in search if t]
    if terms:
        clauses: list[Any] = []
        for term in terms:
            escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append(func.lower(Audience.name).like(f"%{escaped}%", escape="\\"))
            if term.isascii() and term.isdigit() and int(term) <= MAX_DB_INT:
                clauses.append(Audience.id == int(term))
        stmt = stmt.where(or_(*clauses))
    return stmt


def count(session: Session, stmt: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def counts_by(session: Session, stmt: Select[Any], column: Any) -> list[tuple[int, int]]:
    sub = stmt.subquery()
    col = sub.c[column.key]
    rows = session.execute(select(col, func.count()).where(col.is_not(None)).group_by(col).order_by(col))
    return [(int(k), int(n)) for k, n in rows]


def replace_members(session: Session, audience_id: int, user_ids: np.ndarray) -> None:
    """The audience's members become exactly `user_ids` (distinct)."""
    session.execute(delete(AudienceMember).where(AudienceMember.audience_id == audience_id))
    add_members(session, audience_id, user_ids)


def add_members(session: Session, audience_id: int, user_ids: np.ndarray) -> None:
    values = [int(u) for u in user_ids]
    for offset in range(0, len(values), MEMBER_CHUNK):
        session.execute(insert(AudienceMember),
                        [{"audience_id": audience_id, "user_id": u} for u in values[offset: offset + MEMBER_CHUNK]])


def member_ids(session: Session, audience_ids: Sequence[int]) -> np.ndarray:
    """Distinct members of the audiences, sorted."""
    if not audience_ids:
        return np.zeros(0, np.int64)
    stmt = (select(AudienceMember.user_id).where(AudienceMember.audience_id.in_(list(audience_ids)))
            .distinct())
    return np.unique(np.fromiter(session.scalars(stmt), dtype=np.int64))


def member_count(session: Session, audience_id: int) -> int:
    return int(session.scalar(select(func.count()).where(AudienceMember.audience_id == audience_id)) or 0)
