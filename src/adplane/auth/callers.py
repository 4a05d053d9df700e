"""Resolved callers, cached per (access token, organization) for as long as the auth epoch stands.

Resolving a bearer token to a `Principal` reads the token, the membership, the organization, the user and
the workspace owner's membership: five to seven queries that every authenticated request used to pay. A
cached entry answers instead while (a) the auth epoch (`adplane.auth.epoch`) is the one it was resolved
under, so a logout, a deactivation, a hold or an application grant anywhere is seen on the very next
request, and (b) the token has not expired. Only successful resolutions are cached; refusals are
recomputed every time, so their messages never go stale. The application check (`auth.apps`) runs on
every request against the cached grant, because it depends on the path.

One cache per database engine (tests hold many databases in one process), bounded and thread-safe: sync
dependencies run in a thread pool."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from adplane.core.deps import Principal

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class CachedCaller:
    principal: Principal
    epoch: int
    access_expires_at: datetime
    allowed_app_ids: frozenset[int] | None  # None: not restricted to some applications


class CallerCache:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, int | None], CachedCaller] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, int | None], epoch: int, now: datetime) -> CachedCaller | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.epoch != epoch or entry.access_expires_at <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, int | None], entry: CachedCaller) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


_caches: weakref.WeakKeyDictionary[Engine, CallerCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(engine: Engine) -> CallerCache:
    with _caches_lock:
        cache = _caches.get(engine)
        if cache is None:
            cache = _caches[engine] = CallerCache()
        return cache
