"""Deferred rollups of the embedded store: what an append leaves for later, and when a read must wait for it.

A batch ingested into DuckDB is acknowledged once its events and batch record are committed; the ten
aggregations that add it to the rollups (and the running totals fed by them) run later, in one pass over
every batch still pending. Their part of an ingest is more than the events insert itself (docs/events.md),
so deferring them is what lets a file's ingestion run near the engine's own insert rate.

Exactness never depends on the timing: the list of pending batches is written in the events' own
transaction, and any statement that reads a rollup or a running total first builds what is pending
(`READS_ROLLUPS`). Raw-event reads need not wait: the events are already there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from adplane.analytics.dialect import BATCHES_TABLE
from adplane.analytics.rollups import ROLLUPS_BY_TABLE, Rollup

PENDING_TABLE = "rollups_pending"

# A statement naming a rollup (`rollup_...`) or a running-total table (`running_...`) reads what is pending.
READS_ROLLUPS = re.compile(r"\b(?:rollup|running)_\w")

# Pending events above which an append first builds what is pending (bounds the catch-up's work and memory).
MAX_PENDING_EVENTS = 5_000_000

DDL = f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (batch_id VARCHAR PRIMARY KEY, rollup_tables VARCHAR NOT NULL)"

INSERT_SQL = f"INSERT INTO {PENDING_TABLE} VALUES (?, ?)"

PENDING_EVENTS_SQL = (f"SELECT coalesce(sum(b.event_count), 0) FROM {PENDING_TABLE} p "
                      f"JOIN {BATCHES_TABLE} b ON b.batch_id = p.batch_id")

READ_SQL = (f"SELECT p.batch_id, p.rollup_tables, b.min_event_time, b.max_event_time FROM {PENDING_TABLE} p "
            f"JOIN {BATCHES_TABLE} b ON b.batch_id = p.batch_id ORDER BY p.batch_id")


def tables_of(rollups: Sequence[Rollup]) -> str:
    return ",".join(r.table for r in rollups)


def rollups_of(tables: str) -> list[Rollup]:
    """The rollups a pending batch was appended for (a rollup dropped since is skipped)."""
    return [ROLLUPS_BY_TABLE[name] for name in tables.split(",") if name in ROLLUPS_BY_TABLE]


def group_pending(rows: Sequence[tuple]) -> dict[str, tuple[list[str], datetime, datetime]]:
    """Pending batches by their rollup set: (batch ids, earliest event, latest event)."""
    groups: dict[str, tuple[list[str], datetime, datetime]] = {}
    for batch_id, tables, low, high in rows:
        if tables in groups:
            ids, first, last = groups[tables]
            groups[tables] = ([*ids, batch_id], min(first, low), max(last, high))
        else:
            groups[tables] = ([batch_id], low, high)
    return groups
