"""The auth epoch: a counter that moves whenever something a resolved caller depends on changes.

`adplane.auth.callers` caches who a token is (per token and organization) and trusts an entry only while
the epoch it was resolved under is still the current one, so every request costs one index-only read
(`max(id)` of `auth_epochs`) instead of the token, membership, organization, user and owner lookups.

The epoch moves in the same transaction as the change, by session events, so no code path has to
remember it: an ORM flush that revokes a token, changes a membership (status, role, application access),
an organization's status or ownership, a user's e-mail, or deletes any of those; and any Core UPDATE or
DELETE on those tables (or INSERT into memberships). A new token or login does not move it.

Moving is an INSERT of a new row (never an UPDATE of one row), so concurrent changes never wait on each
other; the rows are a few bytes and only these rare changes add one. Several server processes share the
database, so a change made through one process is seen by the others on their next request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, Table, event, func, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, UOWTransaction, mapped_column

from adplane.core.clock import utcnow
from adplane.core.db import Base, UtcDateTime


class AuthEpoch(Base):
    __tablename__ = "auth_epochs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


EPOCH: Table = AuthEpoch.__table__  # type: ignore[assignment]
CURRENT = select(func.max(EPOCH.c.id))

# table → the columns whose change matters to a resolved caller (None: any change, insert included)
_WATCHED_COLUMNS: dict[str, frozenset[str] | None] = {
    "auth_tokens": frozenset({"revoked_at", "access_expires_at", "ow_id", "user_id"}),
    "memberships": None,
    "membership_apps": None,
    "organizations": frozenset({"status", "workspace_id", "is_workspace_owner"}),
    "users": frozenset({"email"}),
    "workspaces": frozenset(),
}
_INSERT_MOVES = {"memberships", "membership_apps"}


def current(session: Session) -> int:
    return read(session.connection())


def read(conn: Connection) -> int:
    return conn.execute(CURRENT).scalar() or 0


def _move(session: Session) -> None:
    session.connection().execute(insert(EPOCH).values(created_at=utcnow()))


def _changed(obj: Any) -> bool:
    watched = _WATCHED_COLUMNS.get(getattr(obj, "__tablename__", ""), frozenset())
    if watched is None:
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in watched if name in state.attrs)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    # after_flush still sees the flushed objects as new/dirty/deleted, with their attribute history
    tables = _WATCHED_COLUMNS.keys()
    if any(getattr(o, "__tablename__", None) in tables for o in session.deleted) \
            or any(getattr(o, "__tablename__", None) in _INSERT_MOVES for o in session.new) \
            or any(_changed(o) for o in session.dirty):
        _move(session)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in _WATCHED_COLUMNS or name == EPOCH.name:
        return
    if state.is_insert and name not in _INSERT_MOVES:
        return
    _move(state.session)
