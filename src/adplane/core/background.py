"""Periodic background work inside `adplane serve` (and `adplane worker`): one thread per task.

A task is a function `(db, settings) -> None`, run every `interval` seconds. Errors are logged
and the loop goes on. Tasks must be safe to run in several processes at once (they claim rows).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from adplane.core.db import Database
from adplane.core.settings import Settings

log = structlog.get_logger("adplane.background")

TaskFn = Callable[[Database, Settings], None]


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    target: str  # "module:function"
    interval_seconds: float

    def resolve(self) -> TaskFn:
        module_name, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module_name), attr)


class BackgroundRunner:
    def __init__(self, db: Database, settings: Settings, tasks: list[PeriodicTask]) -> None:
        self.db = db
        self.settings = settings
        self.tasks = tasks
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for task in self.tasks:
            thread = threading.Thread(target=self._loop, args=(task,), name=f"adplane-{task.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _loop(self, task: PeriodicTask) -> None:
        fn = task.resolve()
        while not self._stop.is_set():
            try:
                fn(self.db, self.settings)
            except Exception:  # noqa: BLE001 - a background loop must survive one bad tick
                log.exception("background_task_failed", task=task.name)
            self._stop.wait(task.interval_seconds)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
