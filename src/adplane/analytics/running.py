"""Running totals: for each UTC midnight, per key, the sums of every event before it ("checkpoints").

A long aggregated report over dense data reads one rollup row per key and period: a 90-day
campaign x state x device report reads 12 weekly and a few daily rows per key. With running
totals the sums over [a, b) are `checkpoint(b) - checkpoint(a)`: two rows per key, whatever the
length. The edges of a period that do not fall on midnights are added (or subtracted) from finer
sources by the report engine (`adplane.reports.query`).

- A checkpoint row carries forward every key ever seen (a key without events since the previous
  midnight keeps its sums), so a difference never misses a key.
- Checkpoints are built from their daily rollup, not raw events (purging raw events keeps them):
  `checkpoint(D) = checkpoint(D - 1 day) + daily rows of the day before D`.
- `running_totals_state` holds, per table, `valid_through` (every checkpoint at or before it is
  exact; later rows are stale and ignored until a refresh rewrites them) and `generation`,
  bumped whenever `valid_through` moves back. An appended batch with events before
  `valid_through` moves it back to the midnight before its first event, in the batch's own
  transaction. A reader that planned with one generation and sees another after its queries ran
  asks again (`adplane.reports.service`).
- Refreshing extends checkpoints up to the midnight that starts the latest day with data (the
  day in progress never gets a checkpoint after it). Appends extend inline when it costs at most
  `INLINE_DAYS` checkpoints (time-ordered delivery: one per day); the periodic maintenance task and
  rollup rebuilds do the rest.

Storage: one row per key ever seen per day (as large as the daily rollup on dense delivery; more
on sparse delivery, where keys stop). Only `rollup_geo_device_daily` has running totals: it is the
rollup whose long reports read the most rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from adplane.analytics.rollups import MEASURES, ROLLUPS_BY_TABLE, Rollup, floor_to_grain
from adplane.core.clock import as_utc

STATE_TABLE = "running_totals_state"
DAY = timedelta(days=1)
INLINE_DAYS = 2  # an append may build at most this many checkpoints itself


@dataclass(frozen=True)
class RunningTotals:
    table: str
    daily: Rollup  # the daily rollup the checkpoints accumulate

    @property
    def layout(self) -> Rollup:
        """The table's columns: the daily rollup's, under this table's name."""
        return replace(self.daily, table=self.table)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.daily.key_columns[1:]

    def covers(self, columns: set[str] | frozenset[str]) -> bool:
        return self.daily.covers(columns, "day")


RUNNING_TOTALS: tuple[RunningTotals, ...] = (
    RunningTotals("running_geo_device", ROLLUPS_BY_TABLE["rollup_geo_device_daily"]),
)
RUNNING_BY_TABLE = {r.table: r for r in RUNNING_TOTALS}


@dataclass(frozen=True)
class CheckpointState:
    valid_through: datetime | None  # None: no checkpoint is built yet
    generation: int


def utc_midnight(instant: datetime) -> datetime:
    return floor_to_grain(instant, "day")


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


# --- SQL ------------------------------------------------------------------------------------------


def state_ddl(types: dict[str, str]) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (table_name {types['string']} PRIMARY KEY, "
            f"valid_through {types['timestamp']}, generation BIGINT NOT NULL)")


def seed_state_sql() -> list[tuple[str, list[Any]]]:
    return [(f"INSERT INTO {STATE_TABLE} (table_name, valid_through, generation) VALUES (?, NULL, 0) "
             "ON CONFLICT DO NOTHING", [r.table]) for r in RUNNING_TOTALS]


def read_state_sql() -> str:
    return f"SELECT table_name, valid_through, generation FROM {STATE_TABLE}"


def parse_state(rows: Sequence[tuple]) -> dict[str, CheckpointState]:
    return {name: CheckpointState(_utc_or_none(valid), int(generation)) for name, valid, generation in rows}


def invalidate_sql(since: datetime | None, tables: Sequence[str] | None = None) -> tuple[str, list[Any]]:
    """Move `valid_through` back to `since`'s midnight (None: nothing is valid) where it is later."""
    names = list(tables or RUNNING_BY_TABLE)
    marks = ", ".join("?" for _ in names)
    if since is None:
        return (f"UPDATE {STATE_TABLE} SET valid_through = NULL, generation = generation + 1 "
                f"WHERE table_name IN ({marks})", names)
    midnight = utc_midnight(since)
    return (f"UPDATE {STATE_TABLE} SET valid_through = ?, generation = generation + 1 "
            f"WHERE valid_through > ? AND table_name IN ({marks})", [midnight, midnight, *names])


def checkpoint_sql(running: RunningTotals, sum_types: dict[str, str], order: str) -> str:
    """INSERT checkpoint ?1 = checkpoint ?2 (the previous midnight) + the daily rows of day ?3 (= ?2).

    `sum_types`: the column type of each measure (money is kept as an event's money type, 64-bit:
    at most $10^12 per key, and summed about twice as fast as 128-bit decimals)."""
    keys = ", ".join(running.keys)
    measures = [m.name for m in MEASURES]
    sums = ", ".join(f"CAST(sum({m}) AS {sum_types[m]}) AS {m}" for m in measures)
    both = ", ".join((*running.keys, *measures))
    group = ", ".join(str(i) for i in range(2, len(running.keys) + 2))
    return (
        f"INSERT INTO {running.table} (period_start, {both})\n"
        f"SELECT CAST(? AS TIMESTAMPTZ) AS period_start, {keys}, {sums} FROM (\n"
        f"  SELECT {both} FROM {running.table} WHERE period_start = ?\n"
        f"  UNION ALL SELECT {both} FROM {running.daily.table} WHERE period_start = ?\n"
        f") s GROUP BY {group}" + (f" {order}" if order else "")
    )


# --- refresh --------------------------------------------------------------------------------------


Execute = Callable[[str, Sequence[Any]], list[tuple]]


def refresh(execute: Execute, sum_types: dict[str, str], order: str, *,
            max_days: int | None = None, newest: datetime | None = None) -> int:
    """Build missing checkpoints, inside the caller's transaction (which must exclude concurrent
    appends and refreshes). Returns how many checkpoints were built; with `max_days`, builds none
    when more would be needed (the maintenance task builds them). `newest` (the latest event just
    appended) lets an append skip the work when its day already has its checkpoint."""
    built = 0
    states = parse_state(execute(read_state_sql(), []))
    for running in RUNNING_TOTALS:
        state = states.get(running.table)
        if state is None:
            continue
        if newest is not None and state.valid_through is not None \
                and state.valid_through >= utc_midnight(newest):
            continue
        low, high = execute(f"SELECT min(period_start), max(period_start) FROM {running.daily.table}", [])[0]
        low, high = _utc_or_none(low), _utc_or_none(high)
        if high is None or low is None:
            continue
        target = utc_midnight(high)  # the latest day with data may still be filling: no checkpoint after it
        valid = state.valid_through if state.valid_through is not None else utc_midnight(low)
        if valid >= target:
            continue
        if max_days is not None and (target - valid) / DAY > max_days:
            continue
        if state.valid_through is None:  # whatever is there predates the last invalidation
            execute(f"DELETE FROM {running.table}", [])
        else:
            execute(f"DELETE FROM {running.table} WHERE period_start > ?", [valid])
        sql = checkpoint_sql(running, sum_types, order)
        checkpoint = valid + DAY
        while checkpoint <= target:
            previous = checkpoint - DAY
            execute(sql, [checkpoint, previous, previous])
            checkpoint += DAY
            built += 1
        execute(f"UPDATE {STATE_TABLE} SET valid_through = ? WHERE table_name = ?", [target, running.table])
    return built
