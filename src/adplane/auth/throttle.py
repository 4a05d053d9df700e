"""Brute-force protection that holds under parallel requests.

Each attempt is counted *before* the password is checked, by one atomic statement per key
(`INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on SQLite and PostgreSQL): the number it returns
decides whether this attempt may be evaluated at all. So however many requests arrive at once,
at most `limit` of them per key and window reach the password check; the rest answer 429 with
Retry-After. A successful login gives its reservation back.

Keys, checked in this order (a refused attempt is not counted on the later keys):

- the client address: a hard limit for everything tried from one address;
- the account from that address: a few guesses, then a lockout that doubles on each repeat
  (progressive) up to a cap. A correct password from another address is therefore never locked
  out by someone else's failures; a success clears the key.

Counters live in the application database so every API replica sees the same ones.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adplane.auth.models import LoginThrottle
from adplane.core.clock import as_utc, utcnow
from adplane.core.db import UtcDateTime
from adplane.core.errors import TooManyRequests
from adplane.core.settings import Settings

THROTTLE = LoginThrottle.__table__
TOO_MANY = "Too many failed login attempts. Try again later."


@dataclass(frozen=True)
class Rule:
    """One counter: at most `limit` attempts per `window_seconds`, then locked for
    `lockout_seconds` (doubled per earlier lockout when progressive, capped) or to the window's end."""

    key: str
    limit: int
    window_seconds: int
    lockout_seconds: int
    progressive: bool = False
    max_lockout_seconds: int = 86400
    message: str = TOO_MANY


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    return f"address:{address}"


def account_address_key(workspace_id: int, email: str, address: str) -> str:
    """Bounded length whatever the e-mail; the raw e-mail is not needed to find the row again."""
    return f"account-address:{_digest(workspace_id, email.strip().lower(), address)}"


def login_rules(settings: Settings, workspace_id: int, email: str, address: str) -> list[Rule]:
    window, lockout = settings.login_failure_window_seconds, settings.login_lockout_seconds
    return [
        Rule(address_key(address), settings.login_max_failures_per_address, window, lockout),
        Rule(account_address_key(workspace_id, email, address), settings.login_max_failures_per_account, window,
             lockout, progressive=True, max_lockout_seconds=settings.login_lockout_max_seconds),
    ]


def _insert(session: Session) -> Any:
    """The dialect's INSERT (both have `on_conflict_do_update`)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _count(session: Session, rule: Rule, now: datetime) -> tuple[int, datetime, datetime | None, int]:
    """Count one attempt on `rule.key` and return (attempts in window, window start, lock, lockouts).

    A key whose lock has ended, or whose window has passed unlocked, starts a new window with this
    attempt. All in one statement: parallel callers each get a distinct count."""
    at = literal(now, UtcDateTime())
    floor = literal(now - timedelta(seconds=rule.window_seconds), UtcDateTime())
    c = THROTTLE.c
    fresh = or_(
        and_(c.locked_until.is_(None), c.window_started_at <= floor),
        and_(c.locked_until.is_not(None), c.locked_until <= at),
    )
    stmt = _insert(session)(THROTTLE).values(key=rule.key, failures=1, window_started_at=now, lockouts=0)
    stmt = stmt.on_conflict_do_update(
        index_elements=[c.key],
        set_={
            "failures": case((fresh, 1), else_=c.failures + 1),
            "window_started_at": case((fresh, at), else_=c.window_started_at),
            "locked_until": case((fresh, null()), else_=c.locked_until),
        },
    ).returning(c.failures, c.window_started_at, c.locked_until, c.lockouts)
    row = session.execute(stmt).one()
    return int(row[0]), as_utc(row[1]), as_utc(row[2]) if row[2] is not None else None, int(row[3] or 0)


def _lock(session: Session, rule: Rule, now: datetime, window_started_at: datetime, lockouts: int) -> datetime:
    """Lock the key (once per window: the first over-limit attempt sets it) and return the lock's end."""
    seconds = rule.lockout_seconds * (2 ** min(lockouts, 20) if rule.progressive else 1)
    seconds = min(seconds, max(rule.max_lockout_seconds, rule.lockout_seconds))
    until = max(now + timedelta(seconds=seconds), window_started_at + timedelta(seconds=rule.window_seconds))
    result = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == rule.key, LoginThrottle.locked_until.is_(None))
        .values(locked_until=until, lockouts=LoginThrottle.lockouts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return until
    current = session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == rule.key))
    return as_utc(current) if current is not None else until


def reserve(session: Session, rules: list[Rule]) -> None:
    """Count this attempt on each rule's key, in order, and commit; 429 (not counted on the later
    keys) as soon as one key is over its limit. Call before evaluating the attempt."""
    now = utcnow()
    refused: tuple[Rule, datetime] | None = None
    for rule in rules:
        attempts, window_started_at, locked_until, lockouts = _count(session, rule, now)
        if attempts > rule.limit:
            refused = (rule, locked_until or _lock(session, rule, now, window_started_at, lockouts))
            break
    session.commit()
    if refused is not None:
        rule, until = refused
        retry_after = max(1, math.ceil((until - now).total_seconds()))
        raise TooManyRequests(rule.message, headers={"Retry-After": str(retry_after)})


def release(session: Session, rules: list[Rule], *, clear: set[str] | None = None) -> None:
    """Give back a successful attempt's reservation; delete the keys in `clear` (with their
    lockout history). The caller commits."""
    keys = [rule.key for rule in rules if not clear or rule.key not in clear]
    if keys:
        session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key.in_(keys), LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1)
            .execution_options(synchronize_session=False)
        )
    if clear:
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(sorted(clear)))
                        .execution_options(synchronize_session=False))
