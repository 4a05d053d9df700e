"""The registry of job kinds: name -> one pass of work + how often to run it.

Both the in-process runner of `adplane serve` and `adplane worker [--kind K ...]` run what is
registered here (`adplane.job_kinds` registers the built-in kinds). A kind is one of:

- `queued(name, handle, ...)`: jobs queued in the `jobs` table with `adplane.jobs.queue.enqueue`;
  a pass claims due rows of that kind under a lease and calls `handle` for each.
- `periodic(name, fn, ...)`: `fn(db, settings)` runs once per interval across all processes (its
  single `jobs` row is claimed like a queued job).
- `JobKind(name, run, interval_seconds)`: a kind with a work table of its own (scheduled
  deliveries); `run(ctx)` claims its rows with `adplane.jobs.leases` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs import queue


@dataclass
class JobContext:
    """What a pass of any kind gets: the database, settings, this worker's lease name, and the
    analytics store to use (None: the kind opens the process's shared one)."""

    db: Database
    settings: Settings
    worker: str
    store: Any = None
    lease_seconds_override: float | None = None

    @property
    def lease_seconds(self) -> float:
        return self.lease_seconds_override or self.settings.job_lease_seconds

    @property
    def max_attempts(self) -> int:
        return self.settings.job_max_attempts

    @property
    def retry_base_seconds(self) -> float:
        return self.settings.job_retry_base_seconds


# One pass over a kind's due work; returns outcome counts ({} or all zero: nothing was due).
RunFn = Callable[[JobContext], dict[str, int]]


@dataclass(frozen=True)
class JobKind:
    name: str
    run: RunFn
    interval_seconds: float  # between passes (a queued kind: how soon new work is seen)
    description: str = ""


def queued(name: str, handle: queue.Handler, *, interval_seconds: float, on_failure: queue.FailureHook | None = None,
           batch: int = 10, description: str = "") -> JobKind:
    """A kind whose jobs are rows of the `jobs` table (see `adplane.jobs.queue.drain`)."""
    return JobKind(name, partial(_drain, name, handle, on_failure, batch), interval_seconds, description)


def _drain(name: str, handle: queue.Handler, on_failure: queue.FailureHook | None, batch: int,
           ctx: JobContext) -> dict[str, int]:
    return queue.drain(ctx, name, handle, on_failure, batch=batch)


def periodic(name: str, fn: queue.PeriodicFn, *, interval_seconds: float, lease_seconds: float | None = None,
             description: str = "") -> JobKind:
    """A kind that runs `fn(db, settings)` once per interval (see `adplane.jobs.queue.run_periodic`)."""
    return JobKind(name, partial(_periodic, name, fn, interval_seconds, lease_seconds), interval_seconds, description)


def _periodic(name: str, fn: queue.PeriodicFn, interval_seconds: float, lease_seconds: float | None,
              ctx: JobContext) -> dict[str, int]:
    return queue.run_periodic(ctx, name, fn, interval_seconds=interval_seconds, lease_seconds=lease_seconds)


class UnknownKind(KeyError):
    pass


class Registry:
    """Job kinds by name, in registration order."""

    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}
        self._lock = threading.Lock()

    def register(self, kind: JobKind, *, replace: bool = False) -> JobKind:
        with self._lock:
            if kind.name in self._kinds and not replace and self._kinds[kind.name] != kind:
                raise ValueError(f"job kind {kind.name!r} is already registered")
            self._kinds[kind.name] = kind
        return kind

    def unregister(self, name: str) -> None:
        with self._lock:
            self._kinds.pop(name, None)

    def names(self) -> list[str]:
        return list(self._kinds)

    def get(self, name: str) -> JobKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise UnknownKind(name) from None

    def select(self, names: Iterable[str] | None = None) -> list[JobKind]:
        """The named kinds (all when `names` is None or empty); `UnknownKind` for a name not registered."""
        wanted = list(dict.fromkeys(names or []))
        if not wanted:
            return list(self._kinds.values())
        return [self.get(name) for name in wanted]


registry = Registry()
