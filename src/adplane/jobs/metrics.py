"""Prometheus gauges of the shared job queues, read from the database at each scrape: the `jobs` table by
kind, and every other table of leased work items a domain registers (`register_leased_table`; the
schedules domain registers its `schedule_occurrences`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select

from adplane.core.clock import as_utc, utcnow
from adplane.jobs.leases import PENDING, RUNNING, claimable
from adplane.jobs.models import PERIODIC_KEY, Job

# queue name -> model of a table with the lease columns of `adplane.jobs.leases`
LEASED_TABLES: dict[str, Any] = {}


def register_leased_table(name: str, model: Any) -> None:
    """Report a domain's own table of leased work items as the queue `name`."""
    LEASED_TABLES[name] = model


def _leased_counts(session: Any, model: Any, now: datetime, *where: Any, group: Any = None) -> list[tuple]:
    """(group, waiting, due, oldest due instant) of a table of leased work items."""
    due = claimable(model, now)
    columns = [
        func.count().filter(model.status.in_((PENDING, RUNNING))),
        func.count().filter(due),
        func.min(case((due, model.available_at))),
    ]
    stmt = select(*(([group] if group is not None else []) + columns)).where(*where)
    if group is not None:
        return [tuple(row) for row in session.execute(stmt.group_by(group))]
    return [(None, *session.execute(stmt).one())]


class QueueCollector(Collector):
    """Depth (items not done), due items and lag (age of the oldest due item) of each job queue:
    scheduled deliveries (`schedule_occurrences`) and each kind queued in the `jobs` table (insight
    generation, ...). Periodic kinds' single bookkeeping rows are not queued work and are left out."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("adplane_job_queue_depth", "Work items not finished yet (waiting or running).",
                                  labels=["queue"])
        due = GaugeMetricFamily("adplane_job_queue_due", "Work items a worker may take now.", labels=["queue"])
        lag = GaugeMetricFamily("adplane_job_queue_lag_seconds",
                                "Age of the oldest work item a worker may take now (0 when none waits).",
                                labels=["queue"])
        up = GaugeMetricFamily("adplane_job_queue_scrape_ok", "1 when the queues could be read.")
        now = utcnow()
        try:
            with self.db.session() as session:
                rows = [(name, *row[1:]) for name, model in LEASED_TABLES.items()
                        for row in _leased_counts(session, model, now)]
                rows += _leased_counts(session, Job, now, Job.key != PERIODIC_KEY, group=Job.kind)
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            up.add_metric([], 0)
            yield up
            return
        for name, waiting, due_count, oldest in rows:
            depth.add_metric([name], waiting or 0)
            due.add_metric([name], due_count or 0)
            lag.add_metric([name], _seconds_since(oldest, now))
        up.add_metric([], 1)
        yield from (depth, due, lag, up)


def _seconds_since(instant: datetime | None, now: datetime) -> float:
    if instant is None:
        return 0.0
    return max(0.0, (now - as_utc(instant)).total_seconds())
