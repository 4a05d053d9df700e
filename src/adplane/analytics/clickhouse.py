"""The ClickHouse analytics store: the engine ad serving uses at billions of events a day.

Selected by `ADPLANE_ANALYTICS_URL`:

- `chdb:///path/to/dir?database=analytics`: chDB, the ClickHouse engine in-process (one data
  directory per process; several stores in one process use several databases of it);
- `clickhouse://user:password@host:8123/database` (`clickhouses://` for TLS): a ClickHouse server
  over HTTP (clickhouse-connect).

Layout (`docs/clickhouse.md` has the cluster variant):

- `events`: MergeTree partitioned by UTC day (a retention purge drops whole days), ordered by
  organization, campaign and time (a campaign's events are contiguous).
- `events_ingest`: a Null table, the entry point of appends. Materialized views copy each inserted
  block into `events` and aggregate it into every rollup: a rollup is an AggregatingMergeTree of
  `SimpleAggregateFunction(sum | min | max)` columns, so background merges (and `OPTIMIZE ... FINAL`,
  the compaction) fold partial rows into one per key. Deferred rollups (`rollups=()`) insert into
  `events` directly and `rebuild_rollups` fills them later.
- Exactly once: a batch is inserted with `insert_deduplication_token = batch id`, so a retried
  insert (after a failure between the insert and the batch record) is dropped by the engine in
  `events` and in every view's table alike; the batch record is written last.
- Running-total checkpoints (`adplane.analytics.running`) are plain MergeTree tables ordered by time
  first (every read is of one checkpoint), maintained by the same engine-neutral code as the other
  stores; its state table takes lightweight UPDATEs.

Callers' SQL (`?` placeholders, `count(*) FILTER (WHERE ...)`, `coalesce`, window functions) runs
as it is: placeholders become typed literals here, and the connection settings make ClickHouse
answer like the other engines (aggregates of no rows are NULL, column names win over aliases).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pyarrow as pa
import pyarrow.compute as pc

from adplane.analytics import running
from adplane.analytics.dialect import BATCHES_TABLE, SUM_PRECISION, Dialect
from adplane.analytics.rollups import MEASURES, ROLLUPS, Rollup
from adplane.analytics.schema import EVENT_COLUMNS, EVENT_TYPES, MONEY_PRECISION, MONEY_SCALE
from adplane.analytics.store import (
    STREAM_CHUNK_ROWS,
    AppendResult,
    ArrowInput,
    _columns_by_table,
    _EngineNeutral,
    _measure_extensions,
    _running_fed_by,
    _time_range,
    sql_type_of,
    to_event_table,
)
from adplane.core import metrics
from adplane.core.clock import utcnow

INGEST_TABLE = "events_ingest"
TIMESTAMP = "DateTime64(6, 'UTC')"
# Dedup window of tables fed by inserts carrying a batch id (non-replicated tables keep none by default).
DEDUP_WINDOW = 10_000

TIME_PROJECTION = "events_by_time"
# a lightweight DELETE (the retention purge's cut day) rewrites the projection of the parts it touches
EVENTS_PROJECTION_SETTING = "lightweight_mutation_projection_mode"
# statements whose sums of no rows are coalesced anyway keep ClickHouse's own aggregates (`query_report`)
PLAIN_AGGREGATES = "SETTINGS aggregate_functions_null_for_empty = 0"

# Make ClickHouse answer the store's SQL as DuckDB and PostgreSQL do.
SESSION_SETTINGS: dict[str, Any] = {
    "prefer_column_name_to_alias": 1,  # `sum(x) AS x ... WHERE x > 0` filters the column, not the sum
    "aggregate_functions_null_for_empty": 1,  # min/sum over no rows is NULL, not 0 / 1970-01-01
    "join_use_nulls": 1,  # outer joins fill NULL, not default values
    "session_timezone": "UTC",
    "mutations_sync": 2,  # ALTER ... UPDATE/DELETE returns once applied
    "lightweight_deletes_sync": 2,
    "alter_sync": 2,
    "max_partitions_per_insert_block": 0,  # a backfill spans many days (= partitions) in one insert
    # Tables fed by batches keep a dedup window, and a rebuild's INSERT ... SELECT can write a block equal to one
    # an earlier rebuild wrote (a whole day's partition): only an insert carrying a batch id may be dropped as
    # a repeat (it sets `insert_deduplicate = 1` with its token).
    "insert_deduplicate": 0,
}


def _nullable(kind: str, required: bool) -> str:
    return kind if required else f"Nullable({kind})"


class ClickHouseDialect(Dialect):
    name = "clickhouse"
    types = {
        "timestamp": TIMESTAMP,
        "string": "String",
        "int": "Int64",
        "decimal": f"Decimal({MONEY_PRECISION}, {MONEY_SCALE})",
    }
    count_type = "Int64"
    _LOW_CARDINALITY = frozenset({"event_type", "os"})

    # -- literals ---------------------------------------------------------------------------------
    @staticmethod
    def literal(value: Any) -> str:
        """A typed SQL literal for a parameter (the store binds `?` client side, the same way for
        chDB and the HTTP client)."""
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            scale = max(0, -exponent) if isinstance(exponent, int) else 0
            return f"toDecimal128('{value}', {scale})"
        if isinstance(value, datetime):
            instant = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            return f"toDateTime64('{instant.strftime('%Y-%m-%d %H:%M:%S.%f')}', 6, 'UTC')"
        if isinstance(value, date):
            return f"toDate('{value.isoformat()}')"
        if isinstance(value, str):
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        raise TypeError(f"no ClickHouse literal for {type(value).__name__}")

    def bind(self, sql: str, params: Sequence[Any] = ()) -> str:
        """`?` placeholders (outside string literals and quoted names) replaced by literals; the SQL
        the other engines take rewritten where ClickHouse differs (see `_rewrite`)."""
        values = iter(params)
        out: list[str] = []
        quote: str | None = None
        for ch in sql:
            if quote:
                out.append(ch)
                if ch == quote:
                    quote = None
            elif ch in ("'", '"', "`"):
                quote = ch
                out.append(ch)
            elif ch == "?":
                try:
                    out.append(self.literal(next(values)))
                except StopIteration:
                    raise ValueError("fewer parameters than placeholders") from None
            else:
                out.append(ch)
        if next(values, _END) is not _END:
            raise ValueError("more parameters than placeholders")
        return self._rewrite("".join(out))

    _CONFLICT = re.compile(r"\s+ON\s+CONFLICT\b.*$", re.IGNORECASE | re.DOTALL)
    _DELETE_ALL = re.compile(r"^\s*DELETE\s+FROM\s+(\w+)\s*;?\s*$", re.IGNORECASE)
    _CREATE = re.compile(r"^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TABLE\b", re.IGNORECASE)

    def _rewrite(self, sql: str) -> str:
        """Portable statements of callers outside the store (readiness probe, ingest digests):
        - `INSERT ... ON CONFLICT ...`: the table is a ReplacingMergeTree (below), so an insert is
          the upsert and the latest row wins at merge;
        - `CREATE TABLE` without an engine: ReplacingMergeTree on its primary key, else MergeTree;
        - `DELETE FROM t` (every row; ClickHouse's DELETE needs a WHERE): TRUNCATE;
        - `TIMESTAMPTZ` casts (running-total checkpoints): DateTime64 in UTC."""
        if whole := self._DELETE_ALL.match(sql):
            return f"TRUNCATE TABLE {whole.group(1)}"
        if sql.lstrip()[:6].upper() == "INSERT":
            sql = self._CONFLICT.sub("", sql)
        if self._CREATE.match(sql) and "ENGINE" not in sql.upper():
            keyed = "PRIMARY KEY" in sql.upper()
            sql = sql.rstrip().rstrip(";") + (" ENGINE = ReplacingMergeTree" if keyed
                                              else " ENGINE = MergeTree ORDER BY tuple()")
        return re.sub(r"\bTIMESTAMPTZ\b", TIMESTAMP, sql)

    # -- DDL --------------------------------------------------------------------------------------
    def column_type(self, column: Any) -> str:
        kind = self.types[column.type]
        if column.name in self._LOW_CARDINALITY:
            return f"LowCardinality({_nullable(kind, column.required)})"
        return _nullable(kind, column.required)

    def _event_columns(self) -> str:
        cols = [f"{c.name} {self.column_type(c)}" for c in EVENT_COLUMNS]
        return ",\n  ".join([*cols, "batch_id Nullable(String)"])

    def events_ddl(self) -> str:
        return (f"CREATE TABLE IF NOT EXISTS events (\n  {self._event_columns()},\n  {self.time_projection()}\n"
                ") ENGINE = MergeTree\n"
                "PARTITION BY toDate(event_time) ORDER BY (ow_id, campaign_id, event_time)\n"
                f"SETTINGS non_replicated_deduplication_window = {DEDUP_WINDOW}, "
                f"{EVENTS_PROJECTION_SETTING} = 'rebuild'")

    @staticmethod
    def time_projection() -> str:
        """Events also kept in time order (a projection), with the columns a running-total report reads from
        raw events: the partial days at its edges, every campaign's events of a few hours. In campaign order
        they are spread over every granule of their day. ClickHouse reads the projection where it reads fewer
        granules (and only without `aggregate_functions_null_for_empty`: `query_report`)."""
        columns = dict.fromkeys(("event_time", "event_type"))
        for totals in running.RUNNING_TOTALS:
            columns.update(dict.fromkeys(totals.daily.key_columns[1:]))
        columns.update(dict.fromkeys(m.source for m in MEASURES if m.source))
        return f"PROJECTION {TIME_PROJECTION} (SELECT {', '.join(columns)} ORDER BY (ow_id, event_time))"

    def ingest_ddl(self) -> list[str]:
        names = ", ".join([*(c.name for c in EVENT_COLUMNS), "batch_id"])
        return [f"CREATE TABLE IF NOT EXISTS {INGEST_TABLE} (\n  {self._event_columns()}\n) ENGINE = Null",
                f"CREATE MATERIALIZED VIEW IF NOT EXISTS {INGEST_TABLE}_to_events TO events AS "
                f"SELECT {names} FROM {INGEST_TABLE}"]

    def batches_ddl(self) -> str:
        return (f"CREATE TABLE IF NOT EXISTS {BATCHES_TABLE} (batch_id String, ow_id Nullable(Int64), "
                f"source Nullable(String), event_count Int64, min_event_time Nullable({TIMESTAMP}), "
                f"max_event_time Nullable({TIMESTAMP}), received_at {TIMESTAMP}) "
                "ENGINE = ReplacingMergeTree ORDER BY batch_id")

    def rollup_ddl(self, rollup: Rollup, *, running_totals: bool = False) -> str:
        by_name = {c.name: c for c in EVENT_COLUMNS}
        keys = rollup.key_columns[1:]
        cols = [f"period_start {TIMESTAMP}"]
        cols += [f"{name} {_nullable(self.types[by_name[name].type], by_name[name].required)}" for name in keys]
        for name, kind in self.measure_types(running_totals=running_totals).items():
            cols.append(f"{name} {kind if running_totals else f'SimpleAggregateFunction(sum, {kind})'}")
        if rollup.with_event_times:
            cols += [f"first_event_time SimpleAggregateFunction(min, Nullable({TIMESTAMP}))",
                     f"last_event_time SimpleAggregateFunction(max, Nullable({TIMESTAMP}))"]
        engine = "MergeTree" if running_totals else "AggregatingMergeTree"
        order = self.sorting_key(rollup, running_totals=running_totals)
        body = ",\n  ".join(cols)
        return (f"CREATE TABLE IF NOT EXISTS {rollup.table} (\n  {body}\n) ENGINE = {engine}\n"
                f"PARTITION BY toYYYYMM(period_start) ORDER BY ({order})\n"
                f"SETTINGS allow_nullable_key = 1, non_replicated_deduplication_window = {DEDUP_WINDOW}")

    @staticmethod
    def sorting_key(rollup: Rollup, *, running_totals: bool = False) -> str:
        """A rollup's rows are read by campaign (a campaign's rows are contiguous); a running-total table's
        always by checkpoint, every key of an organization at one instant, so it is ordered by time first:
        a checkpoint is then a few granules instead of a scan of its whole month's partition."""
        keys = rollup.key_columns[1:]
        if running_totals:
            return ", ".join(("period_start", *keys))
        return ", ".join(("ow_id", "campaign_id", "period_start", *(k for k in keys if k not in
                                                                    ("ow_id", "campaign_id"))))

    def added_measures_ddl(self, table: str, columns: set[str], *, running_totals: bool = False) -> list[str]:
        """As for the other engines; a rollup's view (which names the measures it fills) is dropped with it
        and made again by `schema_ddl` with them."""
        added = [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} "
                 f"{kind if running_totals else f'SimpleAggregateFunction(sum, {kind})'} DEFAULT 0"
                 for name, kind in self.measure_types(running_totals=running_totals).items() if name not in columns]
        return [f"DROP VIEW IF EXISTS {table}_mv", *added] if added and not running_totals else added

    def rollup_view_ddl(self, rollup: Rollup) -> str:
        """The materialized view that aggregates each block inserted into `events_ingest`."""
        return (f"CREATE MATERIALIZED VIEW IF NOT EXISTS {rollup.table}_mv TO {rollup.table} AS\n"
                + self.rollup_select(rollup, INGEST_TABLE))

    def state_ddl(self) -> str:
        # lightweight UPDATE (ClickHouse >= 25.7) needs the block number/offset columns
        return (f"CREATE TABLE IF NOT EXISTS {running.STATE_TABLE} (table_name String, "
                f"valid_through Nullable({TIMESTAMP}), generation Int64) ENGINE = MergeTree ORDER BY table_name "
                "SETTINGS enable_block_number_column = 1, enable_block_offset_column = 1")

    def schema_ddl(self) -> list[str]:
        return [self.events_ddl(), *(self.rollup_ddl(r) for r in ROLLUPS),
                *(self.rollup_ddl(r.layout, running_totals=True) for r in running.RUNNING_TOTALS),
                self.batches_ddl(), self.state_ddl(), *self.ingest_ddl(),
                *(self.rollup_view_ddl(r) for r in ROLLUPS)]

    def money_sum_type(self) -> str:
        return f"Decimal({SUM_PRECISION}, {MONEY_SCALE})"

    # -- rollups ----------------------------------------------------------------------------------
    def measure_exprs(self, event_code: str | None = None) -> list[str]:
        exprs = []
        for m in MEASURES:
            if m.source:
                exprs.append(f"CAST(coalesce(sum({m.source}), 0) AS {self.money_sum_type()}) AS {m.name}")
            elif m.event_type and event_code:
                exprs.append(f"toInt64(countIf({event_code} = {EVENT_TYPES.index(m.event_type)})) AS {m.name}")
            elif m.event_type:
                exprs.append(f"toInt64(countIf(event_type = '{m.event_type}')) AS {m.name}")
            else:
                exprs.append(f"toInt64(count()) AS {m.name}")
        return exprs

    def bucket(self, grain: str, column: str = "event_time", day_offset: int = 0) -> str:
        start = {"hour": "toStartOfHour", "day": "toStartOfDay", "week": "toMonday"}[grain]
        if day_offset:
            return f"CAST(addHours({start}(addHours({column}, {day_offset})), {-day_offset}) AS {TIMESTAMP})"
        return f"CAST({start}({column}) AS {TIMESTAMP})"

    def rollup_select(self, rollup: Rollup, source: str, event_code: str | None = None) -> str:
        keys = rollup.key_columns[1:]
        select = [f"{self.bucket(rollup.grain, day_offset=rollup.day_offset)} AS period_start", *keys,
                  *self.measure_exprs(event_code)]
        if rollup.with_event_times:
            select += ["min(event_time) AS first_event_time", "max(event_time) AS last_event_time"]
        where = f" WHERE {rollup.where}" if rollup.where else ""
        return f"SELECT {', '.join(select)} FROM {source}{where} GROUP BY {', '.join(('period_start', *keys))}"

    def rollup_from(self, rollup: Rollup, source: str, event_code: str | None = None,
                    clustered: bool = False) -> str:
        names = ", ".join(("period_start", *rollup.key_columns[1:], *self._measure_names(rollup)))
        return f"INSERT INTO {rollup.table} ({names})\n{self.rollup_select(rollup, source, event_code)}"

    def compact_statements(self, rollup: Rollup, since_placeholder: bool) -> list[str]:
        return [f"OPTIMIZE TABLE {rollup.table} FINAL"]


_END = object()


# --- connections ----------------------------------------------------------------------------------


class _Connection:
    """One session with the engine: SQL in, Arrow out."""

    def query_arrow(self, sql: str) -> pa.Table:
        raise NotImplementedError

    def command(self, sql: str) -> None:
        raise NotImplementedError

    def insert_arrow(self, table: str, data: pa.Table, settings: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


# chDB runs one embedded server per process, on one data directory.
_CHDB_GUARD = threading.Lock()
_CHDB_OPEN: dict[str, int] = {}


class _ChdbConnection(_Connection):
    def __init__(self, path: str, database: str) -> None:
        import chdb

        with _CHDB_GUARD:
            other = next((p for p, n in _CHDB_OPEN.items() if n and p != path), None)
            if other is not None:
                raise RuntimeError(f"chDB already runs on {other} in this process: one data directory per "
                                   "process (use another ?database= for another store)")
            self._conn = chdb.connect(path)
            _CHDB_OPEN[path] = _CHDB_OPEN.get(path, 0) + 1
        self.path = path
        self._lock = threading.Lock()  # one statement at a time on this connection
        self.command(f"CREATE DATABASE IF NOT EXISTS `{database}`")
        self.command(f"USE `{database}`")
        for name, value in SESSION_SETTINGS.items():
            self.command(f"SET {name} = {ClickHouseDialect.literal(value)}")

    def query_arrow(self, sql: str) -> pa.Table:
        with self._lock:
            result = self._conn.query(sql, "ArrowStream")
        data = result.bytes()
        if not data:
            return pa.table({})
        return pa.ipc.open_stream(pa.BufferReader(data)).read_all()

    def command(self, sql: str) -> None:
        with self._lock:
            self._conn.query(sql, "CSV")

    def insert_arrow(self, table: str, data: pa.Table, settings: dict[str, Any]) -> None:
        names = ", ".join(f"`{n}`" for n in data.column_names)
        clause = ", ".join(f"{k} = {ClickHouseDialect.literal(v)}" for k, v in settings.items())
        arrow_batch = data  # read by the Python() table function from this frame's locals
        sql = (f"INSERT INTO {table} ({names}) " + (f"SETTINGS {clause} " if clause else "")
               + f"SELECT {names} FROM Python(arrow_batch)")
        with self._lock:
            self._conn.query(sql, "CSV")
        del arrow_batch

    def close(self) -> None:
        with _CHDB_GUARD:
            self._conn.close()
            _CHDB_OPEN[self.path] -= 1


class _HttpConnection(_Connection):
    def __init__(self, url: str) -> None:
        import clickhouse_connect

        parsed = urlparse(url)
        secure = parsed.scheme == "clickhouses"
        database = (parsed.path or "/").strip("/") or "default"
        bootstrap = clickhouse_connect.get_client(
            host=parsed.hostname or "localhost", port=parsed.port or (8443 if secure else 8123),
            username=unquote(parsed.username or "default"), password=unquote(parsed.password or ""),
            secure=secure, autogenerate_session_id=False)
        bootstrap.command(f"CREATE DATABASE IF NOT EXISTS `{database}`")
        bootstrap.close()
        self._client = clickhouse_connect.get_client(
            host=parsed.hostname or "localhost", port=parsed.port or (8443 if secure else 8123),
            username=unquote(parsed.username or "default"), password=unquote(parsed.password or ""),
            secure=secure, database=database, autogenerate_session_id=False, settings=SESSION_SETTINGS)

    def query_arrow(self, sql: str) -> pa.Table:
        return self._client.query_arrow(sql, use_strings=True)

    def command(self, sql: str) -> None:
        self._client.command(sql)

    def insert_arrow(self, table: str, data: pa.Table, settings: dict[str, Any]) -> None:
        self._client.insert_arrow(table, data, settings=settings)

    def close(self) -> None:
        self._client.close()


def connect(url: str) -> _Connection:
    parsed = urlparse(url)
    if parsed.scheme == "chdb":
        database = parse_qs(parsed.query).get("database", ["analytics"])[0]
        path = unquote((parsed.netloc + parsed.path) if parsed.netloc else parsed.path)
        if not path:
            raise ValueError("chdb:// needs a data directory, e.g. chdb:///var/lib/adplane/chdb")
        return _ChdbConnection(path, database)
    if parsed.scheme in ("clickhouse", "clickhouses"):
        return _HttpConnection(url)
    raise ValueError(f"not a ClickHouse URL: {parsed.scheme}://")


def _plain_strings(table: pa.Table) -> pa.Table:
    """Dictionary-encoded string columns decoded (both readers of Arrow take plain strings)."""
    columns = [pc.cast(col, col.type.value_type) if pa.types.is_dictionary(col.type) else col
               for col in table.columns]
    return pa.Table.from_arrays(columns, names=table.column_names)


def _rows(table: pa.Table) -> list[tuple]:
    if table.num_columns == 0:
        return []
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


class ClickHouseStore(_EngineNeutral):
    """ClickHouse store (chDB in-process or a server over HTTP). Writes of this process are serialized
    (batch check, insert, batch record, checkpoint state); reads run alongside."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect: ClickHouseDialect = ClickHouseDialect()
        self._conn = connect(url)
        self._lock = threading.RLock()
        with self._lock:
            existing = {row[0] for row in
                        self.query("SELECT name FROM system.tables WHERE database = currentDatabase()")}
            reordered = self._drop_misordered_running_tables()  # before reading columns: made again whole
            if "events" in existing:
                self._add_time_projection()
            columns = _columns_by_table(self.query(
                "SELECT table, name FROM system.columns WHERE database = currentDatabase()"))
            # a rollup extended here has no view until schema_ddl makes it again (appends of other processes
            # in between miss it: extend a server's store while none writes)
            for stmt in [*_measure_extensions(self.dialect, columns), *self.dialect.schema_ddl()]:
                self._conn.command(stmt)
            seeded = {row[0] for row in self.query(f"SELECT table_name FROM {running.STATE_TABLE}")}
            for totals in running.RUNNING_TOTALS:
                if totals.table not in seeded:
                    self.execute(f"INSERT INTO {running.STATE_TABLE} VALUES (?, NULL, 0)", [totals.table])
            if reordered:  # made again empty: nothing is valid until the next refresh builds them
                self.execute(*running.invalidate_sql(None, reordered))
        if "events" in existing:
            added = [r for r in ROLLUPS if r.table not in existing]
            if added and self.query("SELECT 1 FROM events LIMIT 1"):
                self.rebuild_rollups(rollups=added)

    def _add_time_projection(self) -> None:
        """An events table made before the time-ordered projection gets it: new parts carry it, and ClickHouse reads
        older parts in campaign order as before. `ALTER TABLE events MATERIALIZE PROJECTION events_by_time` adds it
        to them (a mutation rewriting every part: docs/clickhouse.md)."""
        found = self.query("SELECT count() FROM system.projections WHERE database = currentDatabase() "
                           "AND table = 'events' AND name = ?", [TIME_PROJECTION])
        if found[0][0]:
            return
        self._conn.command(f"ALTER TABLE events MODIFY SETTING {EVENTS_PROJECTION_SETTING} = 'rebuild'")
        self._conn.command(f"ALTER TABLE events ADD {self.dialect.time_projection()}")

    def _drop_misordered_running_tables(self) -> list[str]:
        """Running-total tables of an older layout (ordered by campaign first), dropped to be made again by
        `schema_ddl`: a sorting key cannot be changed in place, and checkpoints are derived data. (A report
        another process runs at that moment fails on the missing table: upgrade a server's store while none
        serves, as for added measures.)"""
        wanted = {r.table: self.dialect.sorting_key(r.layout, running_totals=True) for r in running.RUNNING_TOTALS}
        marks = ", ".join("?" for _ in wanted)
        rows = self.query("SELECT name, sorting_key FROM system.tables WHERE database = currentDatabase() "
                          f"AND name IN ({marks})", list(wanted))
        stale = [name for name, key in rows if key.replace(" ", "") != wanted[name].replace(" ", "")]
        for name in stale:
            self._conn.command(f"DROP TABLE {name}")
        return stale

    @property
    def backend(self) -> str:
        return "clickhouse"

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return _rows(self._conn.query_arrow(self.dialect.bind(sql, params)))

    def query_arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self._conn.query_arrow(self.dialect.bind(sql, params))

    def query_report(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of a report statement, whose every aggregate is a count or a `coalesce(sum(...), 0)`
        (`adplane.reports.query`): there a sum of no rows is 0 on every engine, so it runs without
        `aggregate_functions_null_for_empty`, whose Nullable sums cost ClickHouse about 15 % of a geography
        report (20 M events, middle 60 days: 124 against 144 ms)."""
        return _rows(self._conn.query_arrow(f"{self.dialect.bind(sql, params)} {PLAIN_AGGREGATES}"))

    def query_arrow_with(self, sql: str, params: Sequence[Any], tables: Mapping[str, pa.Table]) -> pa.Table:
        """The tables are loaded into Memory tables of those names, dropped after the query."""
        created: list[str] = []
        try:
            for name, table in tables.items():
                plain = _plain_strings(table)
                columns = ", ".join(
                    f"`{f.name}` " + (f"Nullable({kind})" if column.null_count else kind)
                    for f, column in zip(plain.schema, plain.columns, strict=True)
                    for kind in [sql_type_of(self.dialect, f.type)])
                self._conn.command(f"CREATE TABLE `{name}` ({columns}) ENGINE = Memory")
                created.append(name)
                self._conn.insert_arrow(name, plain, {})
            return self.query_arrow(sql, params)
        finally:
            for name in created:
                self._conn.command(f"DROP TABLE IF EXISTS `{name}`")

    def stream(self, sql: str, params: Sequence[Any] = (), chunk_rows: int = STREAM_CHUNK_ROWS) -> Iterator[tuple]:
        table = self.query_arrow(sql, params)
        for batch in table.to_batches(max_chunksize=chunk_rows):
            yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)

    def _statement(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Rows of a query, or nothing for another statement (over HTTP, only a query has a result format)."""
        if sql.lstrip()[:6].upper() in ("SELECT", "WITH ("):
            return self.query(sql, params)
        self.execute(sql, params)
        return []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._lock:
            self._conn.command(self.dialect.bind(sql, params))

    # -- appends ----------------------------------------------------------------------------------
    def append_events(self, data: ArrowInput, *, batch_id: str | None = None, source: str | None = None,
                      ow_id: int | None = None, rollups: Sequence[Rollup] = ROLLUPS,
                      build_checkpoints: bool = True, defer: bool = False) -> AppendResult:
        table = _plain_strings(to_event_table(data))
        low, high = _time_range(table)
        with self._lock:
            if batch_id is not None and self.batch_exists(batch_id):
                return AppendResult(batch_id, 0, duplicate=True)
            if table.num_rows:
                rows = table.append_column("batch_id", pa.array([batch_id] * table.num_rows, pa.string()))
                settings: dict[str, Any] = (
                    {"insert_deduplicate": 1, "insert_deduplication_token": batch_id,
                     "deduplicate_blocks_in_dependent_materialized_views": 1}
                    if batch_id is not None else {"insert_deduplicate": 0})
                if set(rollups) == set(ROLLUPS):
                    self._conn.insert_arrow(INGEST_TABLE, rows, settings)  # the views fill every rollup
                else:
                    self._append_with(rows, rollups, settings)
            if batch_id is not None:
                self.execute(f"INSERT INTO {BATCHES_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [batch_id, ow_id, source, table.num_rows, low, high, utcnow()])
            if table.num_rows:
                self._invalidate(low)
        metrics.EVENT_ROWS.labels(self.backend).inc(table.num_rows)
        if table.num_rows and build_checkpoints:
            self._refresh_running(max_days=running.INLINE_DAYS, newest=high)
        return AppendResult(batch_id, table.num_rows)

    def _append_with(self, rows: pa.Table, rollups: Sequence[Rollup], settings: dict[str, Any]) -> None:
        """Events plus only some rollups: staged once in a Memory table, then copied."""
        staging = f"_staging_{uuid.uuid4().hex[:12]}"
        self._conn.command(f"CREATE TABLE {staging} AS events ENGINE = Memory")
        try:
            self._conn.insert_arrow(staging, rows, {})
            clause = ", ".join(f"{k} = {self.dialect.literal(v)}" for k, v in settings.items())
            self._conn.command(f"INSERT INTO events SETTINGS {clause} SELECT * FROM {staging}")
            for rollup in rollups:
                self._conn.command(self.dialect.rollup_from(rollup, staging))
        finally:
            self._conn.command(f"DROP TABLE IF EXISTS {staging}")

    def _invalidate(self, since: datetime | None, tables: Sequence[str] | None = None) -> None:
        """Move the checkpoints' `valid_through` back (an UPDATE only when it has to move)."""
        names = list(tables or running.RUNNING_BY_TABLE)
        state = self.running_state()
        if since is not None:
            midnight = running.utc_midnight(since)
            marks = [s.valid_through for n in names if (s := state.get(n)) is not None]
            if not any(mark is not None and mark > midnight for mark in marks):
                return
        self.execute(*running.invalidate_sql(since, names))

    # -- upkeep -----------------------------------------------------------------------------------
    def _refresh_transaction(self, *, max_days: int | None, newest: datetime | None) -> int:
        with self._lock:
            return running.refresh(self._statement, self.dialect.measure_types(running_totals=True), "",
                                   max_days=max_days, newest=newest)

    def compact_rollups(self, since: datetime | None = None) -> None:
        """Merge every rollup's partial rows (whole months from `since`'s: rollups are partitioned
        by month)."""
        with self._lock:
            for rollup in ROLLUPS:
                if since is None:
                    self._conn.command(f"OPTIMIZE TABLE {rollup.table} FINAL")
                    continue
                months = self.query(f"SELECT DISTINCT toYYYYMM(period_start) FROM {rollup.table} "
                                    "WHERE period_start >= toStartOfMonth(?)", [since])
                for (month,) in months:
                    self._conn.command(f"OPTIMIZE TABLE {rollup.table} PARTITION {int(month)} FINAL")

    def rebuild_rollups(self, start: datetime | None = None, end: datetime | None = None,
                        rollups: Sequence[Rollup] = ROLLUPS) -> None:
        with self._lock:
            for sql, params in self.dialect.rebuild_statements(rollups, start, end):
                self.execute(sql, params)
            if stale := _running_fed_by(rollups):
                self._invalidate(start, stale)
                self._refresh_transaction(max_days=None, newest=None)

    def purge_events_before(self, instant: datetime) -> int:
        """Whole UTC days go by dropping their partitions; the rest of the cut day by a delete."""
        with self._lock:
            (count,) = self.query("SELECT count() FROM events WHERE event_time < ?", [instant])[0]
            if not count:
                return 0
            cut_day = running.utc_midnight(instant).date()
            days = self.query("SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() "
                              "AND table = 'events' AND active")
            for (partition,) in days:
                if date.fromisoformat(str(partition)) < cut_day:
                    self._conn.command(f"ALTER TABLE events DROP PARTITION '{date.fromisoformat(str(partition))}'")
            if self.query("SELECT 1 FROM events WHERE event_time < ? LIMIT 1", [instant]):
                self.execute("DELETE FROM events WHERE event_time < ?", [instant])
            return int(count)

    def reset(self) -> None:
        with self._lock:
            for table in ("events", BATCHES_TABLE, *(r.table for r in ROLLUPS), *running.RUNNING_BY_TABLE):
                self._conn.command(f"TRUNCATE TABLE {table}")
            self.execute(*running.invalidate_sql(None))

    def close(self) -> None:
        self._conn.close()
