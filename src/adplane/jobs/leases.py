"""Durable work items with leases: claim, finish, retry with backoff, fail after a limit.

Any table whose model mixes in `LeasedWork` is a job queue. A worker claims a batch of due rows
(`claim`), which marks them `running` under its name until `lease_expires_at`; it then calls
`finish` or `retry_or_fail`. Both only touch a row the worker still holds, so a worker whose lease
ran out (it was paused, or killed and restarted) cannot overwrite the outcome another worker
wrote. A worker killed mid-job simply never finishes: once the lease expires the row is
claimable again.

PostgreSQL: the claim is one `UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)`, so
concurrent workers take disjoint batches without waiting on each other. SQLite (one process,
serialised writers): the same UPDATE without the lock clause; its conditions alone make a claim
exclusive.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Integer, String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from adplane.core.db import UtcDateTime

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
FINAL_STATUSES = (DONE, FAILED, CANCELLED)

W = TypeVar("W", bound="LeasedWork")


class LeasedWork:
    """Columns of a leased work item; mix into a declarative model that has an integer `id`."""

    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    available_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # not before this instant
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def worker_name() -> str:
    """A name unique to this process (host, pid and a random part), recorded as the lease owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claimable(model: type[LeasedWork], now: datetime) -> ColumnElement[bool]:
    """Due pending rows, and running rows whose lease expired (their worker died)."""
    return or_(
        and_(model.status == PENDING, model.available_at <= now),
        and_(model.status == RUNNING, model.lease_expires_at < now),
    )


def claim(
    session: Session,
    model: type[W],
    *,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int = 50,
    where: Sequence[ColumnElement[bool]] = (),
    lease_from: datetime | None = None,
) -> list[W]:
    """Claim up to `limit` rows due at `now` for `worker` and commit; returns them, oldest first.

    The lease runs from `lease_from` (default `now`): a replay of a past instant passes the real
    time, so its leases do not look expired to workers running on the clock."""
    condition = and_(claimable(model, now), *where)
    candidates = select(model.id).where(condition).order_by(model.available_at, model.id).limit(limit)  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    stmt = (
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), condition)  # type: ignore[attr-defined]
        .values(
            status=RUNNING,
            lease_owner=worker,
            lease_expires_at=(lease_from or now) + timedelta(seconds=lease_seconds),
            attempts=model.attempts + 1,
        )
        .returning(model.id)  # type: ignore[attr-defined]
        .execution_options(synchronize_session=False)
    )
    ids = list(session.scalars(stmt))
    session.commit()
    if not ids:
        return []
    rows = session.scalars(select(model).where(model.id.in_(ids)).execution_options(populate_existing=True))  # type: ignore[attr-defined]
    return sorted(rows, key=lambda row: (row.available_at, row.id))  # type: ignore[attr-defined]


def _held(model: type[LeasedWork], row_id: int, worker: str) -> ColumnElement[bool]:
    return and_(model.id == row_id, model.status == RUNNING, model.lease_owner == worker)  # type: ignore[attr-defined]


def hold(session: Session, row: LeasedWork, *, worker: str) -> bool:
    """Lock a row `worker` still holds until the caller's transaction ends (PostgreSQL: FOR UPDATE),
    so the caller can write the job's results and `finish(..., commit=False)` atomically; False if
    the lease was lost (another worker took the row over after it expired)."""
    model = type(row)
    stmt = select(model.id).where(_held(model, row.id, worker))  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.scalar(stmt) is not None


def finish(
    session: Session, row: LeasedWork, *, worker: str, now: datetime, status: str = DONE,
    note: str | None = None, commit: bool = True, **values: Any,
) -> bool:
    """Record the final outcome of a held row (and commit unless `commit=False`); False if the lease
    was lost meanwhile."""
    model = type(row)
    stmt = (
        update(model)
        .where(_held(model, row.id, worker))  # type: ignore[attr-defined]
        .values(status=status, finished_at=now, lease_owner=None, lease_expires_at=None, last_error=note, **values)
        .execution_options(synchronize_session=False)
    )
    won = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    if commit:
        session.commit()
    return won


def backoff_seconds(attempt: int, base_seconds: float, cap_seconds: float = 6 * 3600) -> float:
    """Exponential backoff: base, 2·base, 4·base, ... capped."""
    return min(cap_seconds, base_seconds * (2 ** max(0, attempt - 1)))


def retry_or_fail(
    session: Session, row: LeasedWork, *, worker: str, now: datetime, error: str, max_attempts: int,
    base_seconds: float, commit: bool = True,
) -> str:
    """After a failed attempt: back to pending with backoff, or `failed` once attempts are used up
    (commits unless `commit=False`).

    Returns the new status ("" when the lease was lost and nothing was written)."""
    model = type(row)
    attempts = row.attempts
    if attempts >= max_attempts:
        values: dict[str, Any] = {"status": FAILED, "finished_at": now}
    else:
        values = {"status": PENDING, "available_at": now + timedelta(seconds=backoff_seconds(attempts, base_seconds))}
    stmt = (
        update(model)
        .where(_held(model, row.id, worker))  # type: ignore[attr-defined]
        .values(lease_owner=None, lease_expires_at=None, last_error=error[:2000], **values)
        .execution_options(synchronize_session=False)
    )
    won = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    if commit:
        session.commit()
    return values["status"] if won else ""


def is_last_attempt(row: LeasedWork, max_attempts: int) -> bool:
    """Whether a failure of the attempt now running ends the row `failed`."""
    return row.attempts >= max_attempts


def extend_lease(session: Session, row: LeasedWork, *, worker: str, now: datetime, lease_seconds: float) -> bool:
    """Keep holding a row during a long job; False if the lease was already lost."""
    model = type(row)
    stmt = (
        update(model)
        .where(_held(model, row.id, worker))  # type: ignore[attr-defined]
        .values(lease_expires_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    won = session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
    session.commit()
    return won
