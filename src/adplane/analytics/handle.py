"""One analytics store per process, database and data dir: the app, the in-process background jobs
and the workers share it (DuckDB allows one writer process, and one open store is cheaper anyway).

`store_for(settings)` opens it on first use. Holders that end before the process (an app: `acquire`
at start, `release` at shutdown) count themselves, and the last release closes the store; the next
`store_for` opens it again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from adplane.analytics.store import AnalyticsStore, open_store
from adplane.core.settings import Settings


@dataclass
class _Held:
    store: AnalyticsStore
    holders: int = 0


_held: dict[str, _Held] = {}
_lock = threading.Lock()


def _key(settings: Settings) -> str:
    return f"{settings.resolved_database_url}|{Path(settings.data_dir).resolve()}"


def _open(settings: Settings) -> _Held:
    key = _key(settings)
    if key not in _held:
        _held[key] = _Held(open_store(settings))
    return _held[key]


def store_for(settings: Settings) -> AnalyticsStore:
    """The process's store for these settings (opened on first use)."""
    with _lock:
        return _open(settings).store


def acquire(settings: Settings) -> AnalyticsStore:
    """As `store_for`, for a holder that will `release` it."""
    with _lock:
        held = _open(settings)
        held.holders += 1
        return held.store


def release(settings: Settings) -> None:
    """The last holder's release closes the store."""
    with _lock:
        key = _key(settings)
        held = _held.get(key)
        if held is None:
            return
        held.holders -= 1
        if held.holders <= 0:
            del _held[key]
            held.store.close()
