"""The analytics store: raw ad-serving events and their rollups, behind one interface.

- `DuckDBStore` (embedded default): `<data dir>/analytics.duckdb`. One process may write; within
  the process, writes are serialized by a lock and reads run on per-call cursors.
- `PostgresStore`: when `ADPLANE_DATABASE_URL` is PostgreSQL, the schema `analytics` of that
  database, so several processes can write and serve reports.

Callers write SQL with `?` placeholders and unqualified table names (`events`, the rollups of
`adplane.analytics.rollups`). Engine-specific SQL lives in `adplane.analytics.dialect`.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from adplane.analytics import pending, running
from adplane.analytics.dialect import BATCHES_TABLE, Dialect, DuckDBDialect, PostgresDialect
from adplane.analytics.rollups import ROLLUPS, Rollup, rollup_derivations
from adplane.analytics.schema import EVENT_COLUMN_NAMES, arrow_schema
from adplane.core import metrics
from adplane.core.clock import utcnow
from adplane.core.settings import Settings

STREAM_CHUNK_ROWS = 10_000  # rows per chunk of `stream`

ArrowInput: TypeAlias = pa.Table | pa.RecordBatch | Iterable[pa.RecordBatch]


@dataclass(frozen=True)
class AppendResult:
    batch_id: str | None
    stored: int  # events stored by this call
    duplicate: bool = False  # the batch id was already stored: nothing was written


@dataclass(frozen=True)
class BatchInfo:
    batch_id: str
    ow_id: int | None
    source: str | None
    event_count: int
    min_event_time: datetime | None
    max_event_time: datetime | None
    received_at: datetime


def _backfill_new_rollups(store: AnalyticsStore, existing: set[str]) -> None:
    """A rollup added to `ROLLUPS` after events were stored starts empty: compute it once from them."""
    if "events" not in existing:
        return
    added = [r for r in ROLLUPS if r.table not in existing]
    if added and store.query("SELECT 1 FROM events LIMIT 1"):
        store.rebuild_rollups(rollups=added)


def _measure_extensions(dialect: Dialect, columns: Mapping[str, set[str]]) -> list[str]:
    """ALTER statements giving the rollup and running-total tables of a store made before some measures
    (`columns`: each existing table's columns) those measures (`Dialect.added_measures_ddl`)."""
    statements = []
    for rollup in ROLLUPS:
        if rollup.table in columns:
            statements += dialect.added_measures_ddl(rollup.table, columns[rollup.table])
    for totals in running.RUNNING_TOTALS:
        if totals.table in columns:
            statements += dialect.added_measures_ddl(totals.table, columns[totals.table], running_totals=True)
    return statements


def _columns_by_table(rows: Iterable[tuple]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _running_fed_by(rollups: Sequence[Rollup]) -> list[str]:
    """Running-total tables whose daily rollup is among `rollups`."""
    tables = {r.table for r in rollups}
    return [r.table for r in running.RUNNING_TOTALS if r.daily.table in tables]


class AnalyticsStore(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    @property
    def backend(self) -> str: ...

    def append_events(self, data: ArrowInput, *, batch_id: str | None = None, source: str | None = None,
                      ow_id: int | None = None, rollups: Sequence[Rollup] = ROLLUPS,
                      build_checkpoints: bool = True, defer: bool = False) -> AppendResult:
        """Store a batch (all or nothing) with its rollups. `build_checkpoints`: build the running-total
        checkpoints it completes when that is cheap (a bulk writer that refreshes once at the end
        passes False). `defer`: an ingested batch may leave its rollups pending (DuckDB only:
        `adplane.analytics.pending`); a writer that reads its totals next (the simulator) does not ask."""
        ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table: ...

    def query_arrow_with(self, sql: str, params: Sequence[Any], tables: Mapping[str, pa.Table]) -> pa.Table:
        """`query_arrow` where `sql` also reads the Arrow `tables` by their names (a caller's set of keys
        joined to the events in one query). The names are the caller's and must not collide with another
        caller's (a uuid suffix); the tables exist for this one query only."""
        ...

    def stream(self, sql: str, params: Sequence[Any] = (), chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
        """The rows of `sql` read `chunk_rows` at a time, never all held at once (large downloads)."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def batch_exists(self, batch_id: str) -> bool: ...

    def batch_info(self, batch_id: str) -> BatchInfo | None: ...

    def compact_rollups(self, since: datetime | None = None) -> None: ...

    def running_state(self) -> dict[str, running.CheckpointState]: ...

    def refresh_running_totals(self, *, max_days: int | None = None) -> int: ...

    def rebuild_rollups(self, start: datetime | None = None, end: datetime | None = None,
                        rollups: Sequence[Rollup] = ROLLUPS) -> None: ...

    def purge_events_before(self, instant: datetime) -> int: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...


def to_event_table(data: ArrowInput) -> pa.Table:
    """Conform Arrow input to the canonical event schema (missing optional columns become NULL)."""
    if isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.Table):
        table = data
    else:
        batches: list[pa.RecordBatch] = list(data)
        table = pa.Table.from_batches(batches) if batches else arrow_schema().empty_table()
    schema = arrow_schema()
    columns = []
    fields = []
    for field in schema:
        if field.name in table.column_names:
            column = table[field.name]
            if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type) \
                    and pa.types.is_string(field.type):
                columns.append(column)  # the engines read dictionaries natively: no string copies
                fields.append(pa.field(field.name, column.type, nullable=field.nullable))
                continue
            columns.append(pc.cast(column, field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
        fields.append(field)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def sql_type_of(dialect: Dialect, data_type: pa.DataType) -> str:
    """The engine's column type for an Arrow type (the input tables of `query_arrow_with`)."""
    if pa.types.is_dictionary(data_type):
        data_type = data_type.value_type
    if pa.types.is_timestamp(data_type):
        return dialect.types["timestamp"]
    if pa.types.is_integer(data_type):
        return dialect.types["int"]
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return dialect.types["string"]
    if pa.types.is_decimal(data_type):
        return dialect.types["decimal"]
    if pa.types.is_boolean(data_type):
        return "Bool" if dialect.name == "clickhouse" else "BOOLEAN"
    if pa.types.is_floating(data_type):
        return "Float64" if dialect.name == "clickhouse" else "DOUBLE PRECISION"
    raise TypeError(f"no column type for Arrow {data_type}")


def _time_range(table: pa.Table) -> tuple[datetime | None, datetime | None]:
    if table.num_rows == 0:
        return None, None
    bounds = pc.min_max(table["event_time"])
    return bounds["min"].as_py(), bounds["max"].as_py()


def _rollup_statements(dialect: Dialect, relation: str, rollups: Sequence[Rollup],
                       event_code: str | None) -> list[str]:
    """The statements that add a staged batch to `rollups`: a rollup others derive from is aggregated once
    into a temp table, inserted from there, and regrouped into them (`rollups.rollup_derivations`)."""
    plan = rollup_derivations(rollups)
    parts = {source: f"_part_{i}" for i, source in enumerate(dict.fromkeys(plan.values()))}
    statements = []
    for rollup in rollups:
        if rollup in plan:
            continue
        if rollup not in parts:
            statements.append(dialect.rollup_from(rollup, relation, event_code=event_code))
            continue
        insert, select = dialect.rollup_from(rollup, relation, event_code=event_code).split("\n", 1)
        statements += [dialect.temp_table_as(parts[rollup], select),
                       f"{insert} SELECT * FROM {parts[rollup]}"]
    statements += [dialect.rollup_regroup(target, parts[source]) for target, source in plan.items()]
    statements += [f"DROP TABLE {name}" for name in parts.values()]
    return statements


# PostgreSQL advisory lock key: appends hold it shared, running-total refreshes exclusively.
_RUNNING_LOCK = 7_140_001


# One lock per DuckDB file in this process: every store object on the same file shares it.
_DUCKDB_LOCKS: dict[str, threading.RLock] = {}
_DUCKDB_LOCKS_GUARD = threading.Lock()


def _duckdb_lock(path: str) -> threading.RLock:
    with _DUCKDB_LOCKS_GUARD:
        return _DUCKDB_LOCKS.setdefault(path, threading.RLock())


# Per DuckDB file in this process: events appended whose rollups are not built yet (`adplane.analytics.pending`).
_PENDING_EVENTS: dict[str, int] = {}


def _set_pending(path: str, events: int) -> None:
    """Record a file's pending events, and publish the process's total (`adplane_rollup_pending_events`)."""
    _PENDING_EVENTS[path] = events
    metrics.ROLLUP_PENDING_EVENTS.labels(DuckDBDialect.name).set(sum(_PENDING_EVENTS.values()))


class _EngineNeutral:
    """What every store does the same way: batch records and running-total checkpoints
    (`adplane.analytics.running`). A store provides `query` and `_refresh_transaction` (its own
    transaction and locking)."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def _refresh_transaction(self, *, max_days: int | None, newest: datetime | None) -> int:
        raise NotImplementedError

    def batch_exists(self, batch_id: str) -> bool:
        return bool(self.query(f"SELECT 1 FROM {BATCHES_TABLE} WHERE batch_id = ?", [batch_id]))

    def batch_info(self, batch_id: str) -> BatchInfo | None:
        rows = self.query(f"SELECT batch_id, ow_id, source, event_count, min_event_time, max_event_time, "
                          f"received_at FROM {BATCHES_TABLE} WHERE batch_id = ?", [batch_id])
        return BatchInfo(*rows[0]) if rows else None

    def running_state(self) -> dict[str, running.CheckpointState]:
        return running.parse_state(self.query(running.read_state_sql()))

    def refresh_running_totals(self, *, max_days: int | None = None) -> int:
        """Build the missing running-total checkpoints."""
        return self._refresh_running(max_days=max_days)

    def _refresh_running(self, *, max_days: int | None = None, newest: datetime | None = None) -> int:
        if newest is not None:  # the common case (the day already has its checkpoint) takes no lock
            midnight = running.utc_midnight(newest)
            if all(s.valid_through is not None and s.valid_through >= midnight for s in self.running_state().values()):
                return 0
        return self._refresh_transaction(max_days=max_days, newest=newest)


class DuckDBStore(_EngineNeutral):
    """Embedded store. Thread-safe: writes take the file's lock; reads use their own cursor."""

    def __init__(self, path: Path | str, *, read_only: bool = False, memory_limit: str | None = None,
                 defer_rollups: bool = True) -> None:
        """`defer_rollups`: an append with a batch id leaves its rollups for later (`adplane.analytics.pending`)."""
        import duckdb

        self.path = str(path)
        self.defer_rollups = defer_rollups and not read_only
        self.dialect: Dialect = DuckDBDialect()
        config: dict[str, Any] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        self._conn = duckdb.connect(self.path, read_only=read_only, config=config)
        # GLOBAL: every cursor (a connection of its own) starts in UTC, without a statement per query
        self._conn.execute("SET GLOBAL TimeZone = 'UTC'")
        self._lock = _duckdb_lock(self.path)
        self._cursor_guard = threading.Lock()
        if not read_only:
            with self._lock:
                existing = {row[0] for row in self._conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                ).fetchall()}
                columns = _columns_by_table(self._conn.execute(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema()").fetchall())
                for stmt in [*_measure_extensions(self.dialect, columns), *self.dialect.schema_ddl()]:
                    self._conn.execute(stmt)
                for sql, params in running.seed_state_sql():
                    self._conn.execute(sql, params)
                self._conn.execute(pending.DDL)
                _set_pending(self.path, int(self._conn.execute(pending.PENDING_EVENTS_SQL).fetchall()[0][0]))
            self._backfill_new_rollups(existing)

    @property
    def backend(self) -> str:
        return "duckdb"

    @property
    def _code_column(self) -> str:
        """The staged batch's `_code` column (`append_staged`): the event type's index in EVENT_TYPES."""
        return f"CAST({self.dialect.event_code_expr()} AS UTINYINT) AS _code"

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._cursor_guard:  # the connection object itself is not thread-safe; its cursors are
            cursor = self._conn.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def _settle_for(self, sql: str) -> None:
        """Build the pending rollups first when `sql` reads a rollup or a running total."""
        if _PENDING_EVENTS.get(self.path) and pending.READS_ROLLUPS.search(sql):
            self.settle_rollups()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        self._settle_for(sql)
        with self._cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        self._settle_for(sql)
        with self._cursor() as cur:
            relation = cur.sql(sql, params=list(params))
            if hasattr(relation, "to_arrow_table"):  # duckdb >= 1.4
                return relation.to_arrow_table()
            return relation.arrow()

    def query_arrow_with(self, sql: str, params: Sequence[Any], tables: Mapping[str, pa.Table]) -> pa.Table:
        """The tables are registered on the query's own cursor (read in place, no copy)."""
        self._settle_for(sql)
        with self._cursor() as cur:
            for name, table in tables.items():
                cur.register(name, table)
            relation = cur.sql(sql, params=list(params))
            return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()

    def stream(self, sql: str, params: Sequence[Any] = (), chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
        """DuckDB's streaming Arrow reader: the relation's result is not materialized."""
        self._settle_for(sql)
        with self._cursor() as cursor:
            for batch in cursor.sql(sql, params=list(params)).to_arrow_reader(chunk_rows):
                yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._settle_for(sql)
        with self._lock, self._cursor() as cur:
            cur.execute(sql, list(params))

    def append_events(self, data: ArrowInput, *, batch_id: str | None = None, source: str | None = None,
                      ow_id: int | None = None, rollups: Sequence[Rollup] = ROLLUPS,
                      build_checkpoints: bool = True, defer: bool = False) -> AppendResult:
        table = to_event_table(data)
        low, high = _time_range(table)

        def stage(cur: Any) -> None:
            # One copy into a temp table (with an integer event code), then every insert and
            # rollup reads that instead of re-reading Arrow.
            cur.register("_arrow", table)
            cur.execute(f"CREATE OR REPLACE TEMP TABLE _staging AS SELECT *, "
                        f"{self._code_column} FROM _arrow")
            cur.unregister("_arrow")

        defer = defer and self._defers(batch_id, rollups, table.num_rows)
        with self._lock, self._cursor() as cur:
            stored = self._append_in(cur, "_staging", table.num_rows, low, high, batch_id=batch_id, source=source,
                                     ow_id=ow_id, rollups=rollups, stage=stage, defer=defer)
        return self._appended(batch_id, stored, high, build_checkpoints and not defer)

    @contextmanager
    def scratch(self) -> Iterator[Any]:
        """A cursor on the store's database (no lock held) where a caller stages a batch in a temp
        table with the engine's own readers and checks, then stores it with `append_staged`. Its temp
        objects vanish with it."""
        with self._cursor() as cur:
            yield cur

    def append_staged(self, cursor: Any, relation: str, *, batch_id: str | None = None, source: str | None = None,
                      ow_id: int | None = None, rollups: Sequence[Rollup] = ROLLUPS,
                      build_checkpoints: bool = True, defer: bool = True) -> AppendResult:
        """`append_events` for a batch already staged in a temp table of a `scratch` cursor: its columns
        are the event columns in their stored types, plus, optionally, `_code` (the index of
        `event_type` in EVENT_TYPES, UTINYINT). Read by the inserts in place: no Arrow, no copy."""
        rows, low, high = cursor.execute(f"SELECT count(*), min(event_time), max(event_time) FROM {relation}"
                                         ).fetchall()[0]
        coded = "_code" in {d[0] for d in cursor.execute(f"SELECT * FROM {relation} LIMIT 0").description}
        defer = defer and self._defers(batch_id, rollups, int(rows))
        with self._lock:
            stored = self._append_in(cursor, relation, int(rows), low, high, batch_id=batch_id, source=source,
                                     ow_id=ow_id, rollups=rollups, event_code="_code" if coded else None, defer=defer)
        return self._appended(batch_id, stored, high, build_checkpoints and not defer)

    def _defers(self, batch_id: str | None, rollups: Sequence[Rollup], rows: int) -> bool:
        """Whether this append leaves its rollups pending: only batches with an id (the pending list names
        them), and once too much is pending, the append first builds it."""
        if not (self.defer_rollups and batch_id is not None and rollups and rows):
            return False
        if _PENDING_EVENTS.get(self.path, 0) + rows > pending.MAX_PENDING_EVENTS:
            self.settle_rollups()
        return True

    def _append_in(self, cur: Any, relation: str, rows: int, low: datetime | None, high: datetime | None, *,
                   batch_id: str | None, source: str | None, ow_id: int | None, rollups: Sequence[Rollup],
                   stage: Any = None, event_code: str | None = "_code", defer: bool = False) -> int | None:
        """One transaction: batch record, events, rollups (or, deferred, the batch's entry in the pending
        list). None when the batch id was already stored."""
        cur.execute("BEGIN TRANSACTION")
        try:
            if batch_id is not None:
                inserted = cur.execute(
                    f"INSERT INTO {BATCHES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                    "RETURNING batch_id",
                    [batch_id, ow_id, source, rows, low, high, utcnow()],
                ).fetchall()
                if not inserted:
                    cur.execute("ROLLBACK")
                    return None
            if rows:
                if stage is not None:
                    stage(cur)
                names = ", ".join(EVENT_COLUMN_NAMES)
                cur.execute(f"INSERT INTO events ({names}, batch_id) SELECT {names}, ? FROM {relation}", [batch_id])
                if defer:
                    cur.execute(pending.INSERT_SQL, [batch_id, pending.tables_of(rollups)])
                else:
                    for sql in _rollup_statements(self.dialect, relation, rollups, event_code):
                        cur.execute(sql)
                    cur.execute(*running.invalidate_sql(low))
                if stage is not None:
                    cur.execute(f"DROP TABLE {relation}")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        if defer and rows:
            _set_pending(self.path, _PENDING_EVENTS.get(self.path, 0) + rows)
        return rows

    def pending_events(self) -> int:
        """Events stored whose rollups are not built yet."""
        return _PENDING_EVENTS.get(self.path, 0)

    def settle_rollups(self) -> int:
        """Add every pending batch to its rollups, in one transaction per call (one aggregation pass per rollup
        over all of them), then build the running-total checkpoints they invalidated. Returns the events rolled up."""
        with self._lock:
            if not _PENDING_EVENTS.get(self.path):
                return 0
            settled = _PENDING_EVENTS[self.path]
            started = time.perf_counter()
            names = ", ".join(EVENT_COLUMN_NAMES)
            with self._cursor() as cur:
                groups = pending.group_pending(cur.execute(pending.READ_SQL).fetchall())
                cur.execute("BEGIN TRANSACTION")
                try:
                    for tables, (ids, low, high) in groups.items():
                        marks = ", ".join("?" for _ in ids)
                        cur.execute(f"CREATE OR REPLACE TEMP TABLE _settling AS SELECT {names}, "
                                    f"{self._code_column} FROM events "
                                    f"WHERE event_time BETWEEN ? AND ? AND batch_id IN ({marks})", [low, high, *ids])
                        for sql in _rollup_statements(self.dialect, "_settling", pending.rollups_of(tables), "_code"):
                            cur.execute(sql)
                        cur.execute("DROP TABLE _settling")
                        cur.execute(f"DELETE FROM {pending.PENDING_TABLE} WHERE batch_id IN ({marks})", ids)
                    if groups:
                        cur.execute(*running.invalidate_sql(min(low for _, low, _ in groups.values())))
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise
            _set_pending(self.path, 0)
        if groups:  # as many checkpoints as the batches' own appends could have built, at most
            batches = sum(len(ids) for ids, _, _ in groups.values())
            self._refresh_running(max_days=running.INLINE_DAYS * batches,
                                  newest=max(high for _, _, high in groups.values()))
        metrics.ROLLUP_SETTLE.labels(self.backend).observe(time.perf_counter() - started)
        return settled

    def _appended(self, batch_id: str | None, stored: int | None, high: datetime | None,
                  build_checkpoints: bool) -> AppendResult:
        if stored is None:
            return AppendResult(batch_id, 0, duplicate=True)
        metrics.EVENT_ROWS.labels(self.backend).inc(stored)
        if stored and build_checkpoints:
            self._refresh_running(max_days=running.INLINE_DAYS, newest=high)
        return AppendResult(batch_id, stored)

    def _refresh_transaction(self, *, max_days: int | None, newest: datetime | None) -> int:
        self.settle_rollups()  # checkpoints accumulate a daily rollup
        with self._lock, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                built = self._refresh_in(cur, max_days=max_days, newest=newest)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return built

    def _refresh_in(self, cur: Any, *, max_days: int | None = None, newest: datetime | None = None) -> int:
        return running.refresh(lambda sql, params: cur.execute(sql, list(params)).fetchall(),
                               self.dialect.measure_types(running_totals=True), self.dialect.cluster_order(),
                               max_days=max_days, newest=newest)

    def compact_rollups(self, since: datetime | None = None) -> None:
        self.settle_rollups()
        with self._lock, self._cursor() as cur:
            for rollup in ROLLUPS:
                cur.execute("BEGIN TRANSACTION")
                try:
                    for stmt in self.dialect.compact_statements(rollup, since is not None):
                        cur.execute(stmt, [since] if since is not None and "?" in stmt else [])
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    raise

    def _backfill_new_rollups(self, existing: set[str]) -> None:
        _backfill_new_rollups(self, existing)

    def rebuild_rollups(self, start: datetime | None = None, end: datetime | None = None,
                        rollups: Sequence[Rollup] = ROLLUPS) -> None:
        """Recompute rollups from the raw events, all time or for whole UTC days around [start, end)."""
        self.settle_rollups()  # else a pending batch would be counted by the rebuild and again when settled
        with self._lock, self._cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                for sql, params in self.dialect.rebuild_statements(rollups, start, end):
                    cur.execute(sql, params)
                if stale := _running_fed_by(rollups):
                    cur.execute(*running.invalidate_sql(start, stale))
                    self._refresh_in(cur)
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def purge_events_before(self, instant: datetime) -> int:
        self.settle_rollups()  # the rollups keep what the raw events no longer do
        with self._lock, self._cursor() as cur:
            (count,) = cur.execute("SELECT count(*) FROM events WHERE event_time < ?", [instant]).fetchall()[0]
            if count:
                cur.execute("DELETE FROM events WHERE event_time < ?", [instant])
            return int(count)

    def reset(self) -> None:
        """Delete every event, batch and rollup row (tests, demos)."""
        with self._lock, self._cursor() as cur:
            for table in ("events", BATCHES_TABLE, pending.PENDING_TABLE, *(r.table for r in ROLLUPS),
                          *running.RUNNING_BY_TABLE):
                cur.execute(f"DELETE FROM {table}")
            cur.execute(*running.invalidate_sql(None))
            _set_pending(self.path, 0)

    def close(self) -> None:
        """Builds what is pending first: the file is whole for whoever opens it next (should that fail, the
        pending list stays in the file and the next process builds it)."""
        try:
            if self.defer_rollups:
                self.settle_rollups()
        finally:
            self._conn.close()


def _arrow_of_cursor(cur: Any) -> pa.Table:
    """A psycopg cursor's result as an Arrow table (column names kept, types inferred)."""
    names = [d.name for d in cur.description]
    rows = cur.fetchall()
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return pa.table({name: pa.array(list(col)) for name, col in zip(names, columns, strict=True)})


class PostgresStore(_EngineNeutral):
    """PostgreSQL store in its own schema; pooled connections, safe across threads and processes."""

    def __init__(self, url: str, *, schema: str = "analytics") -> None:
        from sqlalchemy import create_engine, event

        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.dialect: PostgresDialect = PostgresDialect(schema)
        self._engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
        search_path = self.dialect.search_path()

        @event.listens_for(self._engine, "connect")
        def _session_setup(dbapi_connection: Any, _record: Any) -> None:
            with dbapi_connection.cursor() as cur:
                cur.execute("SET TimeZone TO 'UTC'")
                cur.execute(search_path)
            dbapi_connection.commit()

        with self._raw() as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('adplane.analytics.schema'))")
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
            existing = {row[0] for row in cur.fetchall()}
            cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
                        [schema])
            columns = _columns_by_table(cur.fetchall())
            for stmt in self.dialect.schema_ddl():
                cur.execute(stmt)
            cur.execute(search_path)
            for stmt in _measure_extensions(self.dialect, columns):
                cur.execute(stmt)
            for sql, params in running.seed_state_sql():
                cur.execute(self.dialect.translate(sql), params)
            conn.commit()
        _backfill_new_rollups(self, existing)

    @property
    def backend(self) -> str:
        return "postgresql"

    @contextmanager
    def _raw(self) -> Iterator[Any]:
        conn = self._engine.raw_connection()
        try:
            yield conn.driver_connection
        except BaseException:
            driver = conn.driver_connection
            if driver is not None:
                driver.rollback()
            raise
        finally:
            conn.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._raw() as conn, conn.cursor() as cur:
            cur.execute(self.dialect.translate(sql), list(params))
            rows = cur.fetchall() if cur.description else []
            conn.commit()
            return rows

    def stream(self, sql: str, params: Sequence[Any] = (), chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
        """A server-side (named) cursor: PostgreSQL sends `chunk_rows` at a time."""
        with self._raw() as conn:
            with conn.cursor(name=f"stream_{uuid.uuid4().hex[:12]}") as cursor:
                cursor.itersize = chunk_rows
                cursor.execute(self.dialect.translate(sql), list(params))
                while rows := cursor.fetchmany(chunk_rows):
                    yield from rows
            conn.commit()

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        with self._raw() as conn, conn.cursor() as cur:
            cur.execute(self.dialect.translate(sql), list(params))
            result = _arrow_of_cursor(cur)
            conn.commit()
        return result

    def query_arrow_with(self, sql: str, params: Sequence[Any], tables: Mapping[str, pa.Table]) -> pa.Table:
        """The tables are copied (COPY, CSV) into temp tables of the query's connection, dropped at its commit."""
        with self._raw() as conn, conn.cursor() as cur:
            for name, table in tables.items():
                typed = ", ".join(f'"{f.name}" {sql_type_of(self.dialect, f.type)}' for f in table.schema)
                cur.execute(f'CREATE TEMP TABLE "{name}" ({typed}) ON COMMIT DROP')
                buffer = io.BytesIO()
                pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=True))
                listed = ", ".join(f'"{n}"' for n in table.column_names)
                with cur.copy(f'COPY "{name}" ({listed}) FROM STDIN WITH (FORMAT csv, HEADER true)') as copy:
                    copy.write(buffer.getvalue())
                cur.execute(f'ANALYZE "{name}"')  # the planner sizes the join by it
            cur.execute(self.dialect.translate(sql), list(params))
            result = _arrow_of_cursor(cur)
            conn.commit()
        return result

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._raw() as conn, conn.cursor() as cur:
            cur.execute(self.dialect.translate(sql), list(params))
            conn.commit()

    def append_events(self, data: ArrowInput, *, batch_id: str | None = None, source: str | None = None,
                      ow_id: int | None = None, rollups: Sequence[Rollup] = ROLLUPS,
                      build_checkpoints: bool = True, defer: bool = False) -> AppendResult:
        table = to_event_table(data)
        low, high = _time_range(table)
        with self._raw() as conn, conn.cursor() as cur:
            # appends share this lock; a running-totals refresh takes it alone (see _refresh_running)
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_RUNNING_LOCK])
            if batch_id is not None:
                cur.execute(
                    f"INSERT INTO {BATCHES_TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING "
                    "RETURNING batch_id",
                    [batch_id, ow_id, source, table.num_rows, low, high, utcnow()],
                )
                if cur.fetchone() is None:
                    conn.rollback()
                    return AppendResult(batch_id, 0, duplicate=True)
            if table.num_rows:
                cur.execute(self.dialect.staging_ddl())
                buffer = io.BytesIO()
                pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=True))
                with cur.copy(self.dialect.copy_staging()) as copy:
                    copy.write(buffer.getvalue())
                names = ", ".join(EVENT_COLUMN_NAMES)
                cur.execute(f"INSERT INTO events ({names}, batch_id) SELECT {names}, %s FROM _staging", [batch_id])
                for sql in _rollup_statements(self.dialect, "_staging", rollups, None):
                    cur.execute(self.dialect.translate(sql))
                sql, params = running.invalidate_sql(low)
                cur.execute(self.dialect.translate(sql), params)
            conn.commit()
        metrics.EVENT_ROWS.labels(self.backend).inc(table.num_rows)
        if table.num_rows and build_checkpoints:
            self._refresh_running(max_days=running.INLINE_DAYS, newest=high)
        return AppendResult(batch_id, table.num_rows)

    def _refresh_transaction(self, *, max_days: int | None, newest: datetime | None) -> int:
        with self._raw() as conn, conn.cursor() as cur:
            built = self._refresh_in(cur, max_days=max_days, newest=newest)
            conn.commit()
        if built:  # a day or more of checkpoints (after an append, at most once a day)
            self._vacuum_analyze(list(running.RUNNING_BY_TABLE))
        return built

    def _refresh_in(self, cur: Any, *, max_days: int | None = None, newest: datetime | None = None) -> int:
        """Inside the caller's transaction: waits for in-flight appends, which wait for it."""
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_RUNNING_LOCK])

        def execute(sql: str, params: Sequence[Any]) -> list[tuple]:
            cur.execute(self.dialect.translate(sql), list(params))
            return cur.fetchall() if cur.description else []

        return running.refresh(execute, self.dialect.measure_types(running_totals=True), "", max_days=max_days,
                               newest=newest)

    def compact_rollups(self, since: datetime | None = None) -> None:
        with self._raw() as conn, conn.cursor() as cur:
            for rollup in ROLLUPS:
                for stmt in self.dialect.compact_statements(rollup, since is not None):
                    cur.execute(stmt, [since] if since is not None else [])
                conn.commit()
        self._vacuum_analyze([r.table for r in ROLLUPS])

    def _vacuum_analyze(self, tables: Sequence[str]) -> None:
        """VACUUM (ANALYZE) the tables a bulk operation rewrote (a rebuild, a compaction, new checkpoints),
        and summarize the events' BRIN ranges filled since the last time.

        Autovacuum gets there in time where it runs (it is off on some servers, this project's own machines
        among them). Until then the planner sizes every read from stale statistics: at 2 M events a
        running-total checkpoint of 125,000 rows was estimated at 92, and a day of the hourly rollup was
        read by scanning the whole table, dead rows of the compaction included."""
        with self._raw() as conn:
            conn.rollback()  # the pool's ping may have opened one
            conn.autocommit = True  # VACUUM runs outside a transaction
            try:
                with conn.cursor() as cur:
                    for table in tables:
                        cur.execute(f"VACUUM (ANALYZE) {table}")
                    # the events' BRIN ranges filled since: autosummarize also waits for autovacuum
                    cur.execute("SELECT brin_summarize_new_values('ix_events_time')")
            finally:
                conn.autocommit = False

    def rebuild_rollups(self, start: datetime | None = None, end: datetime | None = None,
                        rollups: Sequence[Rollup] = ROLLUPS) -> None:
        stale = _running_fed_by(rollups)
        with self._raw() as conn, conn.cursor() as cur:
            if stale:  # before the table locks, which appends (holding it shared) wait for
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_RUNNING_LOCK])
            for rollup in rollups:
                cur.execute(f"LOCK TABLE {rollup.table} IN EXCLUSIVE MODE")
            for sql, params in self.dialect.rebuild_statements(rollups, start, end):
                cur.execute(self.dialect.translate(sql), params)
            if stale:
                sql, params = running.invalidate_sql(start, stale)
                cur.execute(self.dialect.translate(sql), params)
                self._refresh_in(cur)
            conn.commit()
        self._vacuum_analyze([*(r.table for r in rollups), *stale])

    def purge_events_before(self, instant: datetime) -> int:
        with self._raw() as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM events WHERE event_time < %s", [instant])
            count = cur.rowcount
            conn.commit()
            return int(count)

    def reset(self) -> None:
        with self._raw() as conn, conn.cursor() as cur:
            tables = ", ".join(("events", BATCHES_TABLE, *(r.table for r in ROLLUPS), *running.RUNNING_BY_TABLE))
            cur.execute(f"TRUNCATE {tables}")
            sql, params = running.invalidate_sql(None)
            cur.execute(self.dialect.translate(sql), params)
            conn.commit()

    def close(self) -> None:
        self._engine.dispose()


def analytics_path(settings: Settings) -> Path:
    return settings.data_dir / "analytics.duckdb"


def open_store(settings: Settings, *, read_only: bool = False) -> AnalyticsStore:
    """The store for these settings: ClickHouse when `analytics_url` says so, else PostgreSQL when the app
    database is, else DuckDB in the data dir."""
    if settings.analytics_url:
        from adplane.analytics.clickhouse import ClickHouseStore

        return ClickHouseStore(settings.analytics_url)
    url = settings.resolved_database_url
    if url.startswith("postgresql"):
        return PostgresStore(url, schema=settings.analytics_schema)
    settings.ensure_dirs()
    return DuckDBStore(analytics_path(settings), read_only=read_only)


def utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
