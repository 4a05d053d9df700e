"""`adplane serve --simulate`: generate delivery for running campaigns as time passes.

A daemon thread simulates each elapsed window [last tick, now) with `simulate_window`, using the
app's database and analytics store, so the data is written by the process that owns the store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import structlog

from adplane.core.clock import utcnow

log = structlog.get_logger("adplane.simulator")

DEFAULT_INTERVAL_SECONDS = 15.0


class RealtimeSimulator:
    def __init__(self, app: Any, *, interval_seconds: float = DEFAULT_INTERVAL_SECONDS, seed: int = 0) -> None:
        self.app = app
        self.interval_seconds = interval_seconds
        self.seed = seed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last: datetime | None = None
        # one tick at a time: the sandbox clock (adplane.sandbox) ticks it too when it moves time
        self.lock = threading.RLock()

    @classmethod
    @contextmanager
    def maybe(cls, app: Any, *, enabled: bool, **kwargs: Any) -> Iterator[RealtimeSimulator | None]:
        """Run the simulator for the duration of the block when `enabled`."""
        if not enabled:
            yield None
            return
        simulator = cls(app, **kwargs)
        simulator.start()
        try:
            yield simulator
        finally:
            simulator.stop()

    def start(self) -> None:
        self._last = utcnow()
        self.app.state.simulator = self
        self._thread = threading.Thread(target=self._loop, name="adplane-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=30)
        if getattr(self.app.state, "simulator", None) is self:
            self.app.state.simulator = None

    def restart_from(self, instant: datetime) -> None:
        """Deliver from `instant` on (the sandbox reset moves time back to the real clock)."""
        with self.lock:
            self._last = instant

    def tick(self) -> None:
        """Deliver the window since the last tick."""
        from adplane.simulator.simulation import simulate_window

        with self.lock:
            now = utcnow()
            if self._last is None or now <= self._last:
                self._last = now
                return
            with self.app.state.db.session() as session:
                summary = simulate_window(session, self.app.state.analytics, self._last, now, seed=self.seed)
            self._last = now
        if summary.events:
            log.info("simulated_delivery", **{k: v for k, v in summary.as_dict().items() if k != "expiredCampaigns"})

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - the simulator must survive one bad tick
                log.exception("simulator_tick_failed")
