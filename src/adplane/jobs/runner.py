"""Running registered job kinds: one pass of each (`run_once`), or a thread per kind that repeats
its pass every `interval_seconds` until stopped (`BackgroundRunner`, used by `adplane serve` and
`adplane worker`). Errors are logged and the loop goes on; every kind claims its work, so several
processes may run the same kinds at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import structlog

from adplane.core.db import Database
from adplane.core.settings import Settings
from adplane.jobs.leases import worker_name
from adplane.jobs.registry import JobContext, JobKind

log = structlog.get_logger("adplane.jobs")

ResultHook = Callable[[str, dict[str, int]], None]


def did_work(result: dict[str, int]) -> bool:
    return any(result.values())


def run_pass(ctx: JobContext, kind: JobKind, on_result: ResultHook | None = None) -> dict[str, int]:
    """One pass of `kind`; an exception is logged and counted as {"error": 1}."""
    try:
        result = kind.run(ctx) or {}
    except Exception:  # noqa: BLE001 - a background loop must survive one bad pass
        log.exception("job_pass_failed", kind=kind.name)
        result = {"error": 1}
    if did_work(result):
        log.info("job_pass", kind=kind.name, **result)
        if on_result is not None:
            on_result(kind.name, result)
    return result


def run_once(ctx: JobContext, kinds: Sequence[JobKind], on_result: ResultHook | None = None) -> dict[str, dict]:
    """One pass of each kind, in order; returns each kind's outcome counts."""
    return {kind.name: run_pass(ctx, kind, on_result) for kind in kinds}


class BackgroundRunner:
    """A daemon thread per kind: pass, wait `interval_seconds` (or `interval_override`), repeat."""

    def __init__(self, db: Database, settings: Settings, kinds: Sequence[JobKind], *, worker: str | None = None,
                 lease_seconds: float | None = None, interval_override: float | None = None,
                 on_result: ResultHook | None = None) -> None:
        self.ctx = JobContext(db, settings, worker or worker_name(), lease_seconds_override=lease_seconds)
        self.kinds = list(kinds)
        self.interval_override = interval_override
        self.on_result = on_result
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for kind in self.kinds:
            thread = threading.Thread(target=self._loop, args=(kind,), name=f"adplane-{kind.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self, kind: JobKind) -> None:
        while not self._stop.is_set():
            run_pass(self.ctx, kind, self.on_result)
            self._stop.wait(self.interval_override or kind.interval_seconds)

    def wait(self) -> None:
        """Block until `stop` is called (from a signal handler or another thread)."""
        while not self._stop.wait(1.0):
            pass

    def request_stop(self) -> None:
        """Ask every loop to end after its current pass (safe in a signal handler)."""
        self._stop.set()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
