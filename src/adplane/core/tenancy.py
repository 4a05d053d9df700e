"""Tenant scoping: every statement for tenant data starts here, from the caller's owId.

`scoped(Model, ow_id)` is the only way repositories select tenant rows, so a forgotten filter is
impossible rather than unlikely; `get_scoped` answers 404 for another organization's id exactly
as for an id that does not exist.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from adplane.core.errors import NotFound

M = TypeVar("M")


def scoped(model: type[M], ow_id: int) -> Select[M]:
    return select(model).where(model.ow_id == ow_id)  # type: ignore[attr-defined]


def get_scoped(
    session: Session,
    model: type[M],
    ow_id: int,
    object_id: Any,
    *,
    label: str,
    field: str,
    for_update: bool = False,
) -> M:
    pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    stmt = scoped(model, ow_id).where(pk == object_id)
    if for_update:
        stmt = stmt.with_for_update()
    obj = session.scalar(stmt)
    if obj is None:
        raise NotFound(f"{label} not found.", field=field)
    return obj
