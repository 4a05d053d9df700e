"""Every piece of engine-specific SQL of the analytics store, in one place.

The store's callers write SQL with `?` positional placeholders and unqualified table names
(`events`, the rollup tables of `adplane.analytics.rollups`); both engines accept the same
aggregate syntax (`count(*) FILTER (WHERE ...)`, `date_trunc`, `sum`). What differs (column
types, placeholders, how a batch is staged, how rollups are compacted) lives here, so a later
engine (ClickHouse) is one more `Dialect`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adplane.analytics import running
from adplane.analytics.rollups import (
    MEASURES,
    ROLLUPS,
    Rollup,
    ceil_to_grain,
    floor_to_grain,
    rollup_derivations,
)
from adplane.analytics.schema import EVENT_COLUMNS, EVENT_TYPES, MONEY_PRECISION, MONEY_SCALE, Column

SUM_PRECISION = 38


def _utc_day_floor(instant: datetime) -> datetime:
    instant = instant.astimezone(UTC)
    return instant.replace(hour=0, minute=0, second=0, microsecond=0)


def _utc_day_ceil(instant: datetime) -> datetime:
    floor = _utc_day_floor(instant)
    return floor if floor == instant.astimezone(UTC) else floor + timedelta(days=1)

BATCHES_TABLE = "ingest_batches"


class Dialect:
    name = "generic"
    types: dict[str, str] = {}
    count_type = "BIGINT"

    # -- placeholders -------------------------------------------------------------------------
    def translate(self, sql: str) -> str:
        """Rewrite `?` placeholders into the driver's style (outside string literals)."""
        return sql

    def temp_table_as(self, name: str, select: str) -> str:
        """CREATE a temp table of this connection from `select` (gone at the end of the transaction at the latest
        where the engine can say so; callers drop it themselves)."""
        return f"CREATE OR REPLACE TEMP TABLE {name} AS {select}"

    # -- DDL -----------------------------------------------------------------------------------
    def column_type(self, column: Column) -> str:
        return self.types[column.type]

    def money_sum_type(self) -> str:
        return self.types["decimal"].split("(")[0] + f"({SUM_PRECISION},{MONEY_SCALE})"

    def events_ddl(self) -> str:
        cols = ",\n  ".join(
            f"{c.name} {self.column_type(c)}{' NOT NULL' if c.required else ''}" for c in EVENT_COLUMNS
        )
        return f"CREATE TABLE IF NOT EXISTS events (\n  {cols},\n  batch_id {self.types['string']}\n)"

    def batches_ddl(self) -> str:
        s, ts = self.types["string"], self.types["timestamp"]
        return (
            f"CREATE TABLE IF NOT EXISTS {BATCHES_TABLE} (batch_id {s} PRIMARY KEY, ow_id {self.types['int']}, "
            f"source {s}, "
            f"event_count {self.count_type} NOT NULL, min_event_time {ts}, max_event_time {ts}, "
            f"received_at {ts} NOT NULL)"
        )

    def rollup_ddl(self, rollup: Rollup, *, running_totals: bool = False) -> str:
        by_name = {c.name: c for c in EVENT_COLUMNS}
        cols = [f"period_start {self.types['timestamp']} NOT NULL"]
        cols += [f"{name} {self.column_type(by_name[name])}" for name in rollup.key_columns[1:]]
        for name, kind in self.measure_types(running_totals=running_totals).items():
            cols.append(f"{name} {kind} NOT NULL")
        if rollup.with_event_times:
            cols += [f"first_event_time {self.types['timestamp']}", f"last_event_time {self.types['timestamp']}"]
        body = ",\n  ".join(cols)
        return f"CREATE TABLE IF NOT EXISTS {rollup.table} (\n  {body}\n)"

    def index_ddl(self) -> list[str]:
        return []

    def schema_ddl(self) -> list[str]:
        return [self.events_ddl(), self.batches_ddl(), *(self.rollup_ddl(r) for r in ROLLUPS),
                *(self.rollup_ddl(r.layout, running_totals=True) for r in running.RUNNING_TOTALS),
                running.state_ddl(self.types),
                *self.index_ddl()]

    def measure_types(self, *, running_totals: bool = False) -> dict[str, str]:
        """Column type of each measure in rollup tables (in running-total tables, money keeps the
        events' 64-bit decimal type: see `adplane.analytics.running`)."""
        money = self.types["decimal"] if running_totals else self.money_sum_type()
        return {m.name: money if m.source else self.count_type for m in MEASURES}

    # -- maintenance ---------------------------------------------------------------------------
    def measure_exprs(self, event_code: str | None = None) -> list[str]:
        """Aggregates of the measures; with `event_code`, a column holding EVENT_TYPES indexes
        (integer compares instead of string compares per measure)."""
        exprs = []
        for m in MEASURES:
            if m.source:
                exprs.append(f"CAST(coalesce(sum({m.source}), 0) AS {self.money_sum_type()}) AS {m.name}")
            elif m.event_type and event_code:
                exprs.append(f"count(*) FILTER (WHERE {event_code} = {EVENT_TYPES.index(m.event_type)}) AS {m.name}")
            elif m.event_type:
                exprs.append(f"count(*) FILTER (WHERE event_type = '{m.event_type}') AS {m.name}")
            else:
                exprs.append(f"count(*) AS {m.name}")
        return exprs

    def event_code_expr(self) -> str:
        cases = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(EVENT_TYPES))
        return f"CASE event_type {cases} END"

    def bucket(self, grain: str, column: str = "event_time", day_offset: int = 0) -> str:
        if day_offset:
            return (f"(date_trunc('{grain}', {column} + INTERVAL '{day_offset} hours') "
                    f"- INTERVAL '{day_offset} hours')")
        return f"date_trunc('{grain}', {column})"

    def cluster_order(self, rollup: Rollup | None = None) -> str:
        """ORDER BY clause for rows (re)written by a rebuild or a compaction (of `rollup`, or of a
        running-total table): empty when the engine finds rows by index rather than by physical order."""
        return ""

    def rollup_from(self, rollup: Rollup, source: str, event_code: str | None = None,
                    clustered: bool = False) -> str:
        """INSERT the partial aggregate of `source` (a table or staged batch) into `rollup`."""
        keys = rollup.key_columns[1:]
        select = [f"{self.bucket(rollup.grain, day_offset=rollup.day_offset)} AS period_start", *keys,
                  *self.measure_exprs(event_code)]
        if rollup.with_event_times:
            select += ["min(event_time) AS first_event_time", "max(event_time) AS last_event_time"]
        where = f" WHERE {rollup.where}" if rollup.where else ""
        group = ", ".join(str(i) for i in range(1, len(keys) + 2))
        return (
            f"INSERT INTO {rollup.table} ({', '.join(('period_start', *keys, *self._measure_names(rollup)))})\n"
            f"SELECT {', '.join(select)} FROM {source}{where} GROUP BY {group}"
            + (f" {self.cluster_order(rollup)}" if clustered and self.cluster_order(rollup) else "")
        )

    def rollup_regroup(self, target: Rollup, source: str, where: str = "", clustered: bool = False) -> str:
        """INSERT into `target` the regrouping of rows of a finer rollup (`source`: its table, or a batch's part of
        it; `where` filters them): sums of sums, and the first and last event times' min and max."""
        keys = target.key_columns[1:]
        bucket = self.bucket(target.grain, "period_start", day_offset=target.day_offset)
        sum_types = self.measure_types()
        measures = [f"CAST(sum({m.name}) AS {sum_types[m.name]}) AS {m.name}" for m in MEASURES]
        if target.with_event_times:
            measures += ["min(first_event_time) AS first_event_time", "max(last_event_time) AS last_event_time"]
        names = ", ".join(("period_start", *keys, *self._measure_names(target)))
        group = ", ".join(str(i) for i in range(1, len(keys) + 2))
        order = f" {self.cluster_order(target)}" if clustered and self.cluster_order(target) else ""
        return (f"INSERT INTO {target.table} ({names}) SELECT {bucket} AS period_start, "
                f"{', '.join((*keys, *measures))} FROM {source}{where} GROUP BY {group}{order}")

    @staticmethod
    def rebuild_range(rollup: Rollup, start: datetime | None,
                      end: datetime | None) -> tuple[datetime | None, datetime | None]:
        """The period a rebuild of [start, end) rewrites in `rollup` (None: unbounded): whole UTC days, whole
        weeks for a weekly rollup, and for a rollup of other days (`day_offset`) its whole days around them."""
        grain = "week" if rollup.grain == "week" else "day"
        lo = floor_to_grain(start, grain) if start is not None else None
        hi = ceil_to_grain(end, grain) if end is not None else None
        if rollup.day_offset:
            lo = lo and floor_to_grain(lo, grain, rollup.day_offset)
            hi = hi and ceil_to_grain(hi, grain, rollup.day_offset)
        return lo, hi

    def rebuild_statements(self, rollups: Sequence[Rollup], start: datetime | None,
                           end: datetime | None) -> list[tuple[str, list[Any]]]:
        """Delete and recompute the rollup rows of [start, end) (all when None; `rebuild_range`). Only the rollups
        nothing else derives from read the events; the others regroup one of those, once it is rebuilt
        (`rollup_derivations`): 10 passes over the events instead of 17. A rollup others regroup is rebuilt over
        their periods too, which may be wider (a week, another day's hours)."""
        plan = rollup_derivations(rollups)
        periods = {rollup: self.rebuild_range(rollup, start, end) for rollup in rollups}
        for target, source in plan.items():
            (lo, hi), (target_lo, target_hi) = periods[source], periods[target]
            periods[source] = (None if lo is None or target_lo is None else min(lo, target_lo),
                               None if hi is None or target_hi is None else max(hi, target_hi))
        statements: list[tuple[str, list[Any]]] = []
        for rollup in sorted(rollups, key=lambda r: r in plan):  # the regrouped ones after their sources
            lo, hi = periods[rollup]
            period_filter, params = self._period_filter("period_start", lo, hi)
            statements.append((f"DELETE FROM {rollup.table}{period_filter}", list(params)))
            if rollup in plan:
                statements.append((self.rollup_regroup(rollup, plan[rollup].table, period_filter, clustered=True),
                                   list(params)))
                continue
            event_filter, _ = self._period_filter("event_time", lo, hi)
            events = f"(SELECT *, {self.event_code_expr()} AS _code FROM events{event_filter}) e"
            statements.append((self.rollup_from(rollup, events, event_code="_code", clustered=True), list(params)))
        return statements

    @staticmethod
    def _period_filter(column: str, lo: datetime | None, hi: datetime | None) -> tuple[str, list[datetime]]:
        """` WHERE column >= ? AND column < ?` for the bounds given, and their parameters."""
        conditions, params = [], []
        if lo is not None:
            conditions.append(f"{column} >= ?")
            params.append(lo)
        if hi is not None:
            conditions.append(f"{column} < ?")
            params.append(hi)
        return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params

    @staticmethod
    def _measure_names(rollup: Rollup) -> list[str]:
        names = [m.name for m in MEASURES]
        if rollup.with_event_times:
            names += ["first_event_time", "last_event_time"]
        return names

    @classmethod
    def _column_list(cls, rollup: Rollup) -> str:
        """Every column of `rollup` by name (a table extended by `added_measures_ddl` has its later measures
        last, after the event times: never insert by position)."""
        return ", ".join((*rollup.key_columns, *cls._measure_names(rollup)))

    def added_measures_ddl(self, table: str, columns: set[str], *, running_totals: bool = False) -> list[str]:
        """ALTER statements adding the measures a table made before them lacks (`columns`: the ones it has).
        0 is exact for them: their events did not exist before."""
        return [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {kind} DEFAULT 0"
                for name, kind in self.measure_types(running_totals=running_totals).items() if name not in columns]

    def merged_select(self, rollup: Rollup, source: str, where: str = "") -> str:
        """One row per key: the sum of the partial aggregates in `source`."""
        keys = rollup.key_columns
        sums = [f"CAST(sum({m.name}) AS {self.money_sum_type() if m.source else self.count_type}) AS {m.name}"
                for m in MEASURES]
        if rollup.with_event_times:
            sums += ["min(first_event_time) AS first_event_time", "max(last_event_time) AS last_event_time"]
        group = ", ".join(str(i) for i in range(1, len(keys) + 1))
        return f"SELECT {', '.join((*keys, *sums))} FROM {source}{where} GROUP BY {group}"

    def compact_statements(self, rollup: Rollup, since_placeholder: bool) -> list[str]:
        raise NotImplementedError


def _qmark_to_pyformat(sql: str) -> str:
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
            continue
        if ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class DuckDBDialect(Dialect):
    name = "duckdb"
    types = {
        "timestamp": "TIMESTAMPTZ",
        "string": "VARCHAR",
        "int": "BIGINT",
        "decimal": f"DECIMAL({MONEY_PRECISION},{MONEY_SCALE})",
    }

    _GRAIN_US = {"hour": 3_600_000_000, "day": 86_400_000_000, "week": 7 * 86_400_000_000}
    _MONDAY_US = 4 * 86_400_000_000  # 1970-01-05, the first Monday: ISO weeks start there

    def bucket(self, grain: str, column: str = "event_time", day_offset: int = 0) -> str:
        # UTC buckets by integer arithmetic: several times faster than ICU's date_trunc on TIMESTAMPTZ.
        size = self._GRAIN_US[grain]
        if day_offset:
            shift = day_offset * 3_600_000_000
            return f"make_timestamptz(((epoch_us({column}) + {shift}) // {size}) * {size} - {shift})"
        if grain == "week":
            shift = self._MONDAY_US
            return f"make_timestamptz(((epoch_us({column}) - {shift}) // {size}) * {size} + {shift})"
        return f"make_timestamptz((epoch_us({column}) // {size}) * {size})"

    def cluster_order(self, rollup: Rollup | None = None) -> str:
        # Rows of one campaign end up in one or two row groups, so a campaign's report reads only
        # those (DuckDB skips row groups by their min/max: zone maps). Hourly rollups are read by
        # time instead (a daily report's edge hours and DST day, over every campaign; a day's
        # counters), and ingestion appends them in time order anyway: kept in time order, such a
        # read touches one row group instead of all.
        if rollup is not None and rollup.grain == "hour":
            return "ORDER BY period_start, ow_id, campaign_id"
        return "ORDER BY ow_id, campaign_id, period_start"

    def compact_statements(self, rollup: Rollup, since_placeholder: bool) -> list[str]:
        # Run under the store's single-writer lock, inside one transaction.
        where = " WHERE period_start >= ?" if since_placeholder else ""
        return [
            "DROP TABLE IF EXISTS _compact",
            f"CREATE TEMP TABLE _compact AS {self.merged_select(rollup, rollup.table, where)}",
            f"DELETE FROM {rollup.table}{where}",
            f"INSERT INTO {rollup.table} ({self._column_list(rollup)}) SELECT {self._column_list(rollup)} "
            f"FROM _compact {self.cluster_order(rollup)}",
            "DROP TABLE _compact",
        ]


class PostgresDialect(Dialect):
    name = "postgresql"
    types = {
        "timestamp": "timestamptz",
        "string": "text",
        "int": "bigint",
        "decimal": f"numeric({MONEY_PRECISION},{MONEY_SCALE})",
    }

    def __init__(self, schema: str = "analytics") -> None:
        self.schema = schema

    def translate(self, sql: str) -> str:
        return _qmark_to_pyformat(sql)

    def temp_table_as(self, name: str, select: str) -> str:
        return f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}"

    def schema_ddl(self) -> list[str]:
        return [f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"', *super().schema_ddl()]

    def index_ddl(self) -> list[str]:
        stmts = ["CREATE INDEX IF NOT EXISTS ix_events_campaign_time ON events (campaign_id, event_time)",
                 "CREATE INDEX IF NOT EXISTS ix_events_time ON events USING brin (event_time)",
                 # A BRIN range is summarized only by a vacuum, and until then matches every query: a bulk load
                 # left 100 M events unsummarized and a 4-hour read scanned them all. With autosummarize each
                 # range is queued for summarizing as soon as it is full.
                 "ALTER INDEX ix_events_time SET (autosummarize = on)"]
        for rollup in ROLLUPS:
            stmts.append(f"CREATE INDEX IF NOT EXISTS ix_{rollup.table}_campaign "
                         f"ON {rollup.table} (campaign_id, period_start)")
            # a report over every campaign reads a period (an hourly edge, a day of checkpoint building): without
            # this, each such read scanned the rollup's whole history (one day of 1.3 M hourly rows: 135 ms)
            stmts.append(f"CREATE INDEX IF NOT EXISTS ix_{rollup.table}_period ON {rollup.table} (period_start)")
        for totals in running.RUNNING_TOTALS:  # a report reads whole checkpoints
            stmts.append(f"CREATE INDEX IF NOT EXISTS ix_{totals.table}_period ON {totals.table} (period_start)")
        return stmts

    def added_measures_ddl(self, table: str, columns: set[str], *, running_totals: bool = False) -> list[str]:
        # NOT NULL as in a new table: with a constant default, PostgreSQL adds it without rewriting the table
        return [f"{stmt} NOT NULL" for stmt in super().added_measures_ddl(table, columns,
                                                                          running_totals=running_totals)]

    def search_path(self) -> str:
        return f'SET search_path TO "{self.schema}", public'

    def staging_ddl(self) -> str:
        cols = ", ".join(f"{c.name} {self.column_type(c)}" for c in EVENT_COLUMNS)
        return f"CREATE TEMP TABLE IF NOT EXISTS _staging ({cols}) ON COMMIT DELETE ROWS"

    def copy_staging(self) -> str:
        names = ", ".join(c.name for c in EVENT_COLUMNS)
        return f"COPY _staging ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)"

    def compact_statements(self, rollup: Rollup, since_placeholder: bool) -> list[str]:
        # One statement: rows appended concurrently by other processes are not in its snapshot
        # and are left alone.
        where = " WHERE period_start >= %s" if since_placeholder else ""
        return [
            f"WITH moved AS (DELETE FROM {rollup.table}{where} RETURNING *)\n"
            f"INSERT INTO {rollup.table} ({self._column_list(rollup)}) {self.merged_select(rollup, 'moved')}"
        ]
