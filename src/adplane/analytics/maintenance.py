"""Store upkeep: merge the rollups' partial rows, build running-total checkpoints and purge raw events
past their retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from adplane.analytics.store import AnalyticsStore, open_store
from adplane.core.clock import utcnow
from adplane.core.db import Database
from adplane.core.settings import Settings

log = structlog.get_logger("adplane.analytics")


def run_maintenance(store: AnalyticsStore, settings: Settings) -> dict[str, Any]:
    cutoff = utcnow() - timedelta(days=settings.event_retention_days)
    purged = store.purge_events_before(cutoff)
    store.compact_rollups(since=utcnow() - timedelta(days=2))
    checkpoints = store.refresh_running_totals()
    return {"purgedEvents": purged, "retentionDays": settings.event_retention_days, "checkpointsBuilt": checkpoints}


def periodic_maintenance(db: Database, settings: Settings) -> None:
    """Background task. With DuckDB only the process that can open the file for writing (the
    server) does the work; another process just skips."""
    del db
    try:
        store = open_store(settings)
    except Exception as exc:  # noqa: BLE001 - DuckDB file held by another process
        log.debug("analytics_maintenance_skipped", reason=type(exc).__name__)
        return
    try:
        result = run_maintenance(store, settings)
        if result["purgedEvents"] or result["checkpointsBuilt"]:
            log.info("analytics_maintenance", **result)
    finally:
        store.close()
