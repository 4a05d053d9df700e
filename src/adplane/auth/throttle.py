"""Brute-force protection: failed logins counted per account and per client address.

Counters live in the application database so every API replica sees the same ones. A locked
key answers 429 with Retry-After; a successful login clears its account counter and is never
delayed.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.orm import Session

from adplane.auth.models import LoginThrottle
from adplane.core.clock import as_utc, utcnow
from adplane.core.errors import TooManyRequests
from adplane.core.settings import Settings


def account_key(workspace_id: int, email: str) -> str:
    return f"account:{workspace_id}:{email.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


def ensure_not_locked(session: Session, keys: list[str]) -> None:
    now = utcnow()
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and as_utc(row.locked_until) > now:
            retry_after = max(1, math.ceil((as_utc(row.locked_until) - now).total_seconds()))
            raise TooManyRequests(
                "Too many failed login attempts. Try again later.",
                headers={"Retry-After": str(retry_after)},
            )


def record_failure(session: Session, settings: Settings, key: str, limit: int) -> None:
    now = utcnow()
    window = timedelta(seconds=settings.login_failure_window_seconds)
    row = session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_started_at=now)
        session.add(row)
    if now - as_utc(row.window_started_at) > window:
        row.failures = 0
        row.window_started_at = now
        row.locked_until = None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + timedelta(seconds=settings.login_lockout_seconds)


def clear(session: Session, key: str) -> None:
    row = session.get(LoginThrottle, key)
    if row is not None:
        session.delete(row)
