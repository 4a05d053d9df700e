"""Bulk ingestion of event batches (NDJSON, CSV, Parquet): all or nothing, idempotent by batch id.

The work runs in the engine, set-based, with no Python per row:

1. **Read.** DuckDB's own readers (`read_parquet`, `read_json` newline-delimited, `read_csv`) read
   the file into one temp table `_ingest_batch` in the stored types, with the integer event code
   (`_code`) the rollups group by. CSV and NDJSON are first read with the stored column types
   declared (the fast path); a file with a value those types refuse (a bad number or date, a JSON
   string where a number was expected) is read again with every column as text, and each column is
   converted with TRY_CAST, its input kept beside it (`raw_<name>`) for the report.
2. **Check.** Every rule is one condition; one pass over the batch (joined with the facts of the
   campaigns it names) counts the bad rows. Only a batch with problems runs the per-field query
   that lists the first `max_errors` of them by row (1-based record number in the file: the temp
   table keeps the file's order, so it is the row id + 1) and field; a batch with any problem
   stores nothing.
3. **Store.** On the DuckDB store the temp table lives in a cursor of the store's own database
   (`DuckDBStore.scratch`), so the events insert and every rollup read it in place
   (`DuckDBStore.append_staged`): the file is read once and never leaves the engine. Other stores
   (PostgreSQL, ClickHouse) get the checked batch as Arrow from an in-memory DuckDB and append it
   as before (`append_events`).

Arrow input (`ingest_table`, used by callers holding an Arrow table) runs the same conversions and
checks on the registered table.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from adplane.analytics.dialect import BATCHES_TABLE
from adplane.analytics.schema import (
    EVENT_COLUMNS,
    EVENT_COLUMNS_BY_NAME,
    EVENT_TYPES,
    MONEY_PRECISION,
    MONEY_SCALE,
    Column,
)
from adplane.analytics.store import AnalyticsStore
from adplane.core import metrics

FORMATS = ("ndjson", "csv", "parquet")
DEFAULT_MAX_ERRORS = 100
# NDJSON: the keys of the first records name the columns (every known column is read from every record)
JSON_SAMPLE_RECORDS = 20_480
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
STAGED = "_ingest_batch"


@dataclass
class RowError:
    row: int | None  # 1-based record number; None for a whole-file problem
    field: str | None
    error: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "value": self.value, "error": self.error}


class BatchRejected(Exception):
    """The batch was not stored; `errors` holds the first problems, `rejected_rows` how many rows had one."""

    def __init__(self, batch_id: str, errors: list[RowError], rejected_rows: int, total_rows: int) -> None:
        super().__init__(f"batch {batch_id} rejected: {rejected_rows} of {total_rows} rows have errors")
        self.batch_id = batch_id
        self.errors = errors
        self.rejected_rows = rejected_rows
        self.total_rows = total_rows

    def report(self) -> dict[str, Any]:
        return {"batchId": self.batch_id, "status": "rejected", "rows": self.total_rows,
                "rejectedRows": self.rejected_rows, "errors": [e.as_dict() for e in self.errors]}


@dataclass
class IngestResult:
    batch_id: str
    status: str  # "stored" or "duplicate"
    events: int
    campaign_ids: list[int] = field(default_factory=list)

    def report(self) -> dict[str, Any]:
        message = ("batch stored" if self.status == "stored"
                   else "batch was already stored; nothing new was stored")
        return {"batchId": self.batch_id, "status": self.status, "events": self.events, "message": message}


class _FileProblem(Exception):
    """The file as a whole cannot be a batch (unreadable, unknown or missing columns)."""

    def __init__(self, errors: list[RowError], rows: int = 0) -> None:
        super().__init__("; ".join(e.error for e in errors))
        self.errors, self.rows = errors, rows


# ----------------------------------------------------------------------------------- formats

def detect_format(name: str | None = None, content_type: str | None = None) -> str | None:
    lowered = (name or "").lower()
    for suffix, fmt in ((".ndjson", "ndjson"), (".jsonl", "ndjson"), (".json", "ndjson"), (".csv", "csv"),
                        (".parquet", "parquet"), (".pq", "parquet")):
        if lowered.endswith(suffix):
            return fmt
    ctype = (content_type or "").split(";")[0].strip().lower()
    return {"application/x-ndjson": "ndjson", "application/jsonl": "ndjson", "application/json": "ndjson",
            "text/csv": "csv", "application/vnd.apache.parquet": "parquet",
            "application/x-parquet": "parquet"}.get(ctype)


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name.strip()).lower()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def read_events(content: bytes, fmt: str) -> pa.Table:
    """Parse a file into an Arrow table with pyarrow (names normalized to snake_case); 422-worthy
    errors raise ValueError. For callers that want the batch as Arrow: ingestion itself reads files
    with the engine (`ingest_bytes`, `ingest_file`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    try:
        if fmt == "parquet":
            table = pq.read_table(io.BytesIO(content))
        elif fmt == "csv":
            # Every column as text: the checks convert and report bad values by row.
            names = _csv_header(content)
            table = pacsv.read_csv(io.BytesIO(content), convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in names}, strings_can_be_null=True,
                quoted_strings_can_be_null=False))
        else:
            if not content.strip():
                table = pa.table({})
            else:
                table = pajson.read_json(io.BytesIO(content), read_options=pajson.ReadOptions(block_size=1 << 24))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        raise ValueError(f"file is not valid {fmt.upper()}: {exc}") from None
    return table.rename_columns([_snake(n) for n in table.column_names])


def _csv_header(content: bytes) -> list[str]:
    first_line = content.split(b"\n", 1)[0].decode("utf-8-sig").strip("\r")
    return next(csv.reader([first_line]), [])


# -------------------------------------------------------------------------------- campaigns

def campaign_facts(session: Session, campaign_ids: Iterable[int],
                   allowed_ow_ids: set[int] | None) -> tuple[pa.Table, pa.Table]:
    """The campaigns the batch names (only the allowed organizations'), and their creatives."""
    from adplane.campaigns.models import Campaign, CampaignCreative

    ids = sorted({int(i) for i in campaign_ids})
    rows: list[Any] = []
    pairs: list[Any] = []
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset: offset + 1000]
        stmt = select(Campaign.id, Campaign.ow_id, Campaign.io_id, Campaign.creative_type_id,
                      Campaign.start_time, Campaign.end_time).where(Campaign.id.in_(chunk))
        if allowed_ow_ids is not None:
            stmt = stmt.where(Campaign.ow_id.in_(sorted(allowed_ow_ids)))
        rows += session.execute(stmt).all()
        pairs += session.execute(select(CampaignCreative.campaign_id, CampaignCreative.creative_id)
                                 .where(CampaignCreative.campaign_id.in_(chunk))).all()
    ts = pa.timestamp("us", tz="UTC")
    campaigns = pa.table({
        "id": pa.array([r[0] for r in rows], pa.int64()),
        "ow_id": pa.array([r[1] for r in rows], pa.int64()),
        "io_id": pa.array([r[2] for r in rows], pa.int64()),
        "creative_type_id": pa.array([r[3] for r in rows], pa.int64()),
        "start_time": pa.array([r[4] for r in rows], ts),
        "end_time": pa.array([r[5] for r in rows], ts),
    })
    creatives = pa.table({"campaign_id": pa.array([p[0] for p in pairs], pa.int64()),
                          "creative_id": pa.array([p[1] for p in pairs], pa.int64())})
    return campaigns, creatives


# ------------------------------------------------------------------------------- conversion

_DECIMAL = f"DECIMAL({MONEY_PRECISION},{MONEY_SCALE})"
_SQL_TYPES = {"timestamp": "TIMESTAMPTZ", "string": "VARCHAR", "int": "BIGINT", "decimal": _DECIMAL}
# integer types every value of which is a BIGINT
_EXACT_INTS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"})
_ANY_INTS = _EXACT_INTS | {"UBIGINT", "HUGEINT", "UHUGEINT"}
# epoch milliseconds that are a timestamp (microseconds fit in BIGINT)
_MAX_EPOCH_MS = 9_000_000_000_000_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ms_to_timestamp(expr: str) -> str:
    return (f"CASE WHEN {expr} BETWEEN -{_MAX_EPOCH_MS} AND {_MAX_EPOCH_MS} "
            f"THEN make_timestamptz(CAST({expr} AS BIGINT) * 1000) END")


def _conversion(src: str, duck_type: str, column: Column) -> tuple[str, str | None]:
    """(expression of `src` in the stored type, expression of the input as text when the conversion
    can fail: a value that is present but does not convert is reported as not valid)."""
    kind = duck_type.upper()
    text = f"CAST({src} AS VARCHAR)"
    if column.type == "timestamp":
        if kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            return src, None
        if kind.startswith("TIMESTAMP") or kind == "DATE":  # no zone: UTC
            return f"CAST({src} AS TIMESTAMPTZ)", None
        if kind in _ANY_INTS:  # epoch milliseconds
            return _ms_to_timestamp(src), text
        if kind == "JSON":  # NDJSON read as text: integers are epoch milliseconds, strings ISO 8601
            value = f"json_extract_string({src}, '$')"
            return (f"CASE WHEN json_type({src}) IN ('BIGINT', 'UBIGINT') "
                    f"THEN {_ms_to_timestamp(f'TRY_CAST({value} AS BIGINT)')} "
                    f"ELSE TRY_CAST({value} AS TIMESTAMPTZ) END"), value
        return f"TRY_CAST({text} AS TIMESTAMPTZ)", text
    if column.type == "int":
        if kind in _EXACT_INTS:
            return f"CAST({src} AS BIGINT)", None
        return f"TRY_CAST(trim({text}) AS BIGINT)", text
    if column.type == "string":
        return (src, None) if kind == "VARCHAR" else (text, None)
    if kind == _DECIMAL:
        return src, None
    return f"TRY_CAST({src} AS {_DECIMAL})", text


def _stage_sql(source: str, columns: dict[str, list[tuple[str, str]]]) -> tuple[str, set[str]]:
    """The SELECT that turns `source` into the staged batch: every event column in its stored type
    (NULL when the file has none), `raw_<name>` for the conversions that can fail, and `_code`.

    `columns`: event column -> [(source column name, DuckDB type)], several for several spellings
    (snake_case and camelCase keys of NDJSON records: the first non-NULL wins)."""
    select: list[str] = []
    converted: set[str] = set()
    event_type = "CAST(NULL AS VARCHAR)"
    for c in EVENT_COLUMNS:
        sources = columns.get(c.name)
        if not sources:
            select.append(f"CAST(NULL AS {_SQL_TYPES[c.type]}) AS {_quote(c.name)}")
            continue
        typed_parts, raw_parts = [], []
        for name, duck_type in sources:
            typed, raw = _conversion(_quote(name), duck_type, c)
            typed_parts.append(typed)
            raw_parts.append(raw if raw is not None else f"CAST({_quote(name)} AS VARCHAR)")
            if raw is not None:
                converted.add(c.name)
        typed = typed_parts[0] if len(typed_parts) == 1 else f"coalesce({', '.join(typed_parts)})"
        if c.name in converted:
            raw = raw_parts[0] if len(raw_parts) == 1 else f"coalesce({', '.join(raw_parts)})"
            select.append(f"{raw} AS {_quote('raw_' + c.name)}")
        select.append(f"{typed} AS {_quote(c.name)}")
        if c.name == "event_type":
            event_type = typed
    cases = " ".join(f"WHEN {_literal(t)} THEN {i}" for i, t in enumerate(EVENT_TYPES))
    select.append(f"CAST(CASE {event_type} {cases} END AS UTINYINT) AS _code")
    return f"SELECT {', '.join(select)} FROM {source}", converted


def _column_problems(names: Iterable[str], max_errors: int) -> list[RowError]:
    """Unknown columns, else missing required ones (whole-file problems)."""
    present = list(names)
    unknown = [n for n in present if n not in EVENT_COLUMNS_BY_NAME]
    if unknown:
        return [RowError(None, n, "unknown column") for n in unknown[:max_errors]]
    return [RowError(None, c.name, "required column is missing") for c in EVENT_COLUMNS
            if c.required and c.name not in present]


# ---------------------------------------------------------------------------- engine readers

def _first_line(message: str) -> str:
    return message.strip().split("\n", 1)[0]


def _csv_reader(path: str, header: list[str], types: list[str]) -> str:
    columns = ", ".join(f"{_literal(n)}: {_literal(t)}" for n, t in zip(header, types, strict=True))
    return (f"read_csv({_literal(path)}, header = true, auto_detect = false, delim = ',', quote = '\"', "
            f"escape = '\"', allow_quoted_nulls = false, columns = {{{columns}}})")


def _json_reader(path: str, columns: dict[str, str]) -> str:
    declared = ", ".join(f"{_literal(n)}: {_literal(t)}" for n, t in columns.items())
    return f"read_json({_literal(path)}, format = 'newline_delimited', columns = {{{declared}}})"


def _count(con: Any, source: str) -> int:
    try:
        return int(con.execute(f"SELECT count(*) FROM {source}").fetchall()[0][0])
    except duckdb.Error:
        return 0


def _stage_file(con: Any, path: str, fmt: str, max_errors: int) -> set[str]:
    """Read the file into the temp table STAGED of `con` with the engine's reader; the columns that
    were converted (they have `raw_<name>`). Raises _FileProblem."""
    if fmt == "parquet":
        source = f"read_parquet({_literal(path)})"
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        except duckdb.Error as exc:
            raise _FileProblem([RowError(None, None, f"file is not valid PARQUET: {_first_line(str(exc))}")]) \
                from None
        names = [(str(r[0]), str(r[1])) for r in described]
        if problems := _column_problems((_snake(n) for n, _ in names), max_errors):
            raise _FileProblem(problems, _count(con, source))
        columns: dict[str, list[tuple[str, str]]] = {}
        for name, duck_type in names:
            columns.setdefault(_snake(name), []).append((name, duck_type))
        return _create_staged(con, _stage_sql(source, columns), None, fmt)

    if fmt == "csv":
        with open(path, "rb") as handle:
            head = handle.read(1 << 20)
        if not head.strip():
            raise _FileProblem([RowError(None, None, "file is not valid CSV: the file is empty (no header row)")])
        try:
            header = _csv_header(head)
        except UnicodeDecodeError as exc:
            raise _FileProblem([RowError(None, None, f"file is not valid CSV: {exc}")]) from None
        snake = [_snake(n) for n in header]
        fast_reader = _csv_reader(path, header, [_SQL_TYPES[EVENT_COLUMNS_BY_NAME[n].type]
                                                 if n in EVENT_COLUMNS_BY_NAME else "VARCHAR" for n in snake])
        text_reader = _csv_reader(path, header, ["VARCHAR"] * len(header))
        if problems := _column_problems(snake, max_errors):
            raise _FileProblem(problems, _count(con, text_reader))
        fast = {s: [(n, _SQL_TYPES[EVENT_COLUMNS_BY_NAME[s].type])] for n, s in zip(header, snake, strict=True)}
        text = {s: [(n, "VARCHAR")] for n, s in zip(header, snake, strict=True)}
        return _create_staged(con, _stage_sql(fast_reader, fast), _stage_sql(text_reader, text), fmt)

    # NDJSON: the keys of the first records; every known column is read under both spellings
    objects = f"(SELECT json FROM read_ndjson_objects({_literal(path)}) LIMIT {JSON_SAMPLE_RECORDS})"
    try:
        keys = [str(r[0]) for r in con.execute(
            f"SELECT DISTINCT unnest(json_keys(json)) FROM {objects}").fetchall()]
    except duckdb.Error as exc:
        raise _FileProblem([RowError(None, None, f"file is not valid NDJSON: {_first_line(str(exc))}")]) from None
    if not keys and not _count(con, objects):
        raise _FileProblem([RowError(None, None, "the batch has no events")])
    if problems := _column_problems(dict.fromkeys(_snake(k) for k in keys), max_errors):
        raise _FileProblem(problems, _count(con, f"read_ndjson_objects({_literal(path)})"))
    spellings: dict[str, list[str]] = {}
    for c in EVENT_COLUMNS:
        seen = [k for k in keys if _snake(k) == c.name]
        spellings[c.name] = list(dict.fromkeys([*seen, c.name, _camel(c.name)]))
    time_key = next((k for k in spellings["event_time"] if k in keys), "event_time")
    kinds = {str(r[0]) for r in con.execute(
        f"SELECT DISTINCT json_type(json -> {_literal('$.' + _quote(time_key))}) FROM {objects}").fetchall()}
    epoch_ms = bool(kinds) and kinds <= {"BIGINT", "UBIGINT", "NULL", "None"}
    fast_types = {c.name: ("BIGINT" if c.name == "event_time" and epoch_ms else _SQL_TYPES[c.type])
                  for c in EVENT_COLUMNS}
    text_types = {c.name: ("JSON" if c.type == "timestamp" else "VARCHAR") for c in EVENT_COLUMNS}
    fast_decl = {k: fast_types[c] for c, ks in spellings.items() for k in ks}
    text_decl = {k: text_types[c] for c, ks in spellings.items() for k in ks}
    fast = {c: [(k, fast_decl[k]) for k in ks] for c, ks in spellings.items()}
    text = {c: [(k, text_decl[k]) for k in ks] for c, ks in spellings.items()}
    return _create_staged(con, _stage_sql(_json_reader(path, fast_decl), fast),
                          _stage_sql(_json_reader(path, text_decl), text), fmt)


def _create_staged(con: Any, fast: tuple[str, set[str]], text: tuple[str, set[str]] | None, fmt: str) -> set[str]:
    """CREATE the staged batch with the typed reader; on a value it refuses, again from the text reader."""
    for attempt in (fast, text):
        if attempt is None:
            continue
        sql, converted = attempt
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS {sql}")
            return converted
        except duckdb.Error as exc:
            if attempt is text or text is None:
                raise _FileProblem([RowError(None, None, f"file is not valid {fmt.upper()}: "
                                                         f"{_first_line(str(exc))}")]) from None
    raise AssertionError("unreachable")


def _stage_arrow(con: Any, table: pa.Table) -> set[str]:
    """The staged batch from an Arrow table (names already snake_case)."""
    con.register("_ingest_arrow", table)
    described = con.execute("DESCRIBE SELECT * FROM _ingest_arrow").fetchall()
    columns = {str(r[0]): [(str(r[0]), str(r[1]))] for r in described}
    sql, converted = _stage_sql("_ingest_arrow", columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED} AS {sql}")
    con.unregister("_ingest_arrow")
    return converted


# ------------------------------------------------------------------------------- validation

def _checks(converted: set[str]) -> list[tuple[str, str, str]]:
    """(field, SQL condition on view `v` that marks a bad row, message). Columns in `converted`
    were cast from another type (their input is kept as `raw_<name>`); the others arrived typed."""
    checks: list[tuple[str, str, str]] = []
    for c in EVENT_COLUMNS:
        typed = f'"{c.name}"'
        raw = f'"raw_{c.name}"' if c.name in converted else typed
        if c.required:
            checks.append((c.name, f"{raw} IS NULL", "is required"))
        if c.name in converted:
            checks.append((c.name, f"{raw} IS NOT NULL AND {typed} IS NULL", f"is not a valid {c.type}"))
        if c.type == "int":
            checks.append((c.name, f"{typed} <= 0", "must be a positive integer"))
        if c.type == "decimal":
            checks.append((c.name, f"{typed} < 0", "must not be negative"))
    types = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    checks += [
        ("event_type", f"event_type IS NOT NULL AND event_type NOT IN ({types})",
         f"must be one of {', '.join(EVENT_TYPES)}"),
        ("npi", "npi IS NOT NULL AND NOT regexp_full_match(npi, '[0-9]{10}')", "must be 10 digits"),
        ("campaign_id", "campaign_id IS NOT NULL AND c_id IS NULL", "unknown campaign"),
        ("ow_id", "c_id IS NOT NULL AND ow_id <> c_ow_id", "is not the organization of the campaign"),
        ("io_id", "c_id IS NOT NULL AND io_id <> c_io_id", "is not the insertion order of the campaign"),
        ("creative_type_id", "c_id IS NOT NULL AND creative_type_id <> c_creative_type_id",
         "is not the creative type of the campaign"),
        ("creative_id", "c_id IS NOT NULL AND creative_id IS NOT NULL AND cc_creative_id IS NULL",
         "is not a creative of the campaign"),
        ("event_time", "c_id IS NOT NULL AND (c_start_time IS NULL OR event_time < c_start_time "
         "OR event_time > c_end_time)", "is outside the campaign's flight"),
    ]
    return checks


def staged_campaign_ids(con: Any) -> list[int]:
    return [int(r[0]) for r in con.execute(
        f"SELECT DISTINCT campaign_id FROM {STAGED} WHERE campaign_id > 0").fetchall()]


def _check_staged(con: Any, campaigns: pa.Table, creatives: pa.Table, converted: set[str],
                  max_errors: int) -> tuple[list[RowError], int, int]:
    """(first errors, rows with errors, rows) of the staged batch: one pass decides; the per-field
    detail is only computed for a batch that has problems."""
    con.register("_ingest_campaigns", campaigns)
    con.register("_ingest_creatives", creatives)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP VIEW _ingest_checked AS SELECT t.rowid + 1 AS rn, t.*, f.id AS c_id, "
            "f.ow_id AS c_ow_id, f.io_id AS c_io_id, f.creative_type_id AS c_creative_type_id, "
            "f.start_time AS c_start_time, coalesce(f.end_time, TIMESTAMPTZ 'infinity') AS c_end_time, "
            f"cc.creative_id AS cc_creative_id FROM {STAGED} t LEFT JOIN _ingest_campaigns f "
            "ON f.id = t.campaign_id "
            "LEFT JOIN (SELECT DISTINCT campaign_id, creative_id FROM _ingest_creatives) cc "
            "ON cc.campaign_id = t.campaign_id AND cc.creative_id = t.creative_id"
        )
        checks = _checks(converted)
        any_bad = " OR ".join(f"coalesce({condition}, false)" for _name, condition, _message in checks)
        bad_rows, rows = con.execute(f"SELECT count(*) FILTER (WHERE {any_bad}), count(*) FROM _ingest_checked"
                                     ).fetchall()[0]
        if not bad_rows:
            return [], 0, int(rows)
        parts = [
            f"SELECT rn, '{name}' AS field, CAST(\"{'raw_' if name in converted else ''}{name}\" AS VARCHAR) "
            "AS value, "
            f"'{message.replace(chr(39), chr(39) * 2)}' AS error "
            f"FROM _ingest_checked WHERE {condition}"
            for name, condition, message in checks
        ]
        found = con.execute(f"SELECT rn, field, value, error FROM ({' UNION ALL '.join(parts)}) p "
                            "ORDER BY rn, field LIMIT ?", [max_errors]).fetchall()
        return [RowError(int(r[0]), r[1], r[3], r[2]) for r in found], int(bad_rows), int(rows)
    finally:
        con.execute("DROP VIEW IF EXISTS _ingest_checked")
        con.unregister("_ingest_campaigns")
        con.unregister("_ingest_creatives")


def _staged_arrow(con: Any) -> pa.Table:
    names = ", ".join(_quote(c.name) for c in EVENT_COLUMNS)
    relation = con.sql(f"SELECT {names} FROM {STAGED}")
    return relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()


@contextmanager
def _memory_engine() -> Iterator[Any]:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()


def validate_events(table: pa.Table, campaigns: pa.Table, creatives: pa.Table,
                    max_errors: int = DEFAULT_MAX_ERRORS) -> tuple[pa.Table | None, list[RowError], int]:
    """Convert and check an Arrow batch. Returns (canonical table or None, first errors, rows with errors)."""
    if problems := _column_problems(table.column_names, max_errors):
        return None, problems, table.num_rows
    with _memory_engine() as con:
        converted = _stage_arrow(con, table)
        errors, bad_rows, _rows = _check_staged(con, campaigns, creatives, converted, max_errors)
        if bad_rows:
            return None, errors, bad_rows
        return _staged_arrow(con), [], 0


# ----------------------------------------------------------------------------------- ingest

def content_batch_id(content: bytes) -> str:
    """The default batch id: the SHA-256 of the file, so sending the same file again is a no-op."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def file_batch_id(path: Path) -> str:
    """`content_batch_id` of a file, read in chunks."""
    with open(path, "rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def scoped_batch_id(batch_id: str, ow_id: int | None) -> str:
    """Batch ids of an organization live in its own namespace (another org cannot see or block them)."""
    return batch_id if ow_id is None else f"ow{ow_id}:{batch_id}"


def ingest_table(session: Session, store: AnalyticsStore, table: pa.Table, *, batch_id: str,
                 source: str | None = None, ow_id: int | None = None,
                 max_errors: int = DEFAULT_MAX_ERRORS) -> IngestResult:
    """Validate and store one Arrow batch; raise BatchRejected (nothing stored) on any bad row.

    With `ow_id`, only that organization's campaigns are known (others' look unknown)."""
    key = scoped_batch_id(batch_id, ow_id)
    if store.batch_exists(key):
        metrics.EVENT_BATCHES.labels("duplicate").inc()
        return IngestResult(batch_id, "duplicate", 0)
    if table.num_rows == 0:
        _rejected(0)
        raise BatchRejected(batch_id, [RowError(None, None, "the batch has no events")], 0, 0)
    ids = (table["campaign_id"] if "campaign_id" in table.column_names else pa.array([], pa.int64()))
    campaigns, creatives = campaign_facts(session, _int_values(ids), {ow_id} if ow_id is not None else None)
    canonical, errors, bad_rows = validate_events(table, campaigns, creatives, max_errors)
    if canonical is None:
        _rejected(table.num_rows)
        raise BatchRejected(batch_id, errors, bad_rows, table.num_rows)
    appended = store.append_events(canonical, batch_id=key, source=source, ow_id=ow_id, defer=True)
    return _result(batch_id, appended, campaigns)


def _rejected(rows: int) -> None:
    metrics.EVENT_BATCHES.labels("rejected").inc()
    metrics.EVENT_ROWS_REJECTED.inc(rows)


def _result(batch_id: str, appended: Any, campaigns: pa.Table) -> IngestResult:
    if appended.duplicate:
        metrics.EVENT_BATCHES.labels("duplicate").inc()
        return IngestResult(batch_id, "duplicate", 0)
    metrics.EVENT_BATCHES.labels("stored").inc()
    return IngestResult(batch_id, "stored", appended.stored, sorted(campaigns["id"].to_pylist()))


def _int_values(column: pa.ChunkedArray | pa.Array) -> list[int]:
    """The distinct integer values of a column of any type (bad values are reported by validation)."""
    out = []
    for value in pc.unique(column).to_pylist():
        try:
            out.append(int(str(value).strip()))
        except (TypeError, ValueError):
            continue
    return [v for v in out if 0 < v < 2**63]


@contextmanager
def _engine_for(store: AnalyticsStore) -> Iterator[tuple[Any, bool]]:
    """(DuckDB connection to stage in, True when the store appends from it in place)."""
    scratch = getattr(store, "scratch", None)
    if scratch is not None and hasattr(store, "append_staged"):
        with scratch() as cursor:
            try:
                yield cursor, True
            finally:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGED}")
        return
    with _memory_engine() as con:
        yield con, False


@contextmanager
def _as_file(content: bytes | None, path: Path | None, fmt: str) -> Iterator[str]:
    """A path the engine's readers open: the caller's file, or the content spilled to a temp file."""
    if path is not None:
        yield str(path)
        return
    handle, name = tempfile.mkstemp(prefix="adplane-batch-", suffix=f".{fmt}")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content or b"")
        yield name
    finally:
        os.unlink(name)


def _ingest_file_engine(session: Session, store: AnalyticsStore, file: str, fmt: str, *, batch_id: str,
                        source: str | None, ow_id: int | None, max_errors: int) -> IngestResult:
    """Read, check and store one file with the engine (module docstring)."""
    key = scoped_batch_id(batch_id, ow_id)
    with _engine_for(store) as (con, in_place):
        try:
            converted = _stage_file(con, file, fmt, max_errors)
        except _FileProblem as problem:
            _rejected(problem.rows)
            raise BatchRejected(batch_id, problem.errors, problem.rows, problem.rows) from None
        campaigns, creatives = campaign_facts(session, staged_campaign_ids(con),
                                              {ow_id} if ow_id is not None else None)
        errors, bad_rows, rows = _check_staged(con, campaigns, creatives, converted, max_errors)
        if rows == 0:
            _rejected(0)
            raise BatchRejected(batch_id, [RowError(None, None, "the batch has no events")], 0, 0)
        if bad_rows:
            _rejected(rows)
            raise BatchRejected(batch_id, errors, bad_rows, rows)
        if in_place:
            appended = store.append_staged(con, STAGED, batch_id=key, source=source,  # type: ignore[attr-defined]
                                           ow_id=ow_id)
        else:
            appended = store.append_events(_staged_arrow(con), batch_id=key, source=source, ow_id=ow_id)
    return _result(batch_id, appended, campaigns)


DIGESTS_TABLE = "ingest_digests"


class DuplicateContent(Exception):
    """The same bytes were already stored as another batch of the organization (refused unless allowed)."""

    def __init__(self, batch_id: str, existing_batch_id: str, digest: str) -> None:
        super().__init__(f"batch {batch_id}: the same content was already stored as batch {existing_batch_id}")
        self.batch_id, self.existing_batch_id, self.digest = batch_id, existing_batch_id, digest

    def report(self) -> dict[str, Any]:
        return {"batchId": self.batch_id, "status": "duplicate-content", "existingBatchId": self.existing_batch_id,
                "contentDigest": self.digest, "events": 0,
                "message": f"{self}; nothing stored (allow it with --allow-duplicate-content / "
                           "allowDuplicateContent=true)"}


def _digest_scope(ow_id: int | None) -> str:
    return "*" if ow_id is None else f"ow{ow_id}"


def _ensure_digests(store: AnalyticsStore) -> None:
    if not getattr(store, "_digests_ready", False):
        store.execute(f"CREATE TABLE IF NOT EXISTS {DIGESTS_TABLE} (batch_id VARCHAR PRIMARY KEY, "
                      "scope VARCHAR NOT NULL, digest VARCHAR NOT NULL)")
        store._digests_ready = True  # type: ignore[attr-defined]


def batch_with_content(store: AnalyticsStore, ow_id: int | None, digest: str) -> str | None:
    """The (unscoped) id of a stored batch of this organization with this content digest, if any."""
    _ensure_digests(store)
    rows = store.query(f"SELECT d.batch_id FROM {DIGESTS_TABLE} d JOIN {BATCHES_TABLE} b ON b.batch_id = d.batch_id "
                       "WHERE d.scope = ? AND d.digest = ? ORDER BY d.batch_id LIMIT 1", [_digest_scope(ow_id), digest])
    if not rows:
        return None
    key = str(rows[0][0])
    prefix = f"ow{ow_id}:"
    return key[len(prefix):] if ow_id is not None and key.startswith(prefix) else key


def _ingest(session: Session, store: AnalyticsStore, fmt: str, *, content: bytes | None, path: Path | None,
            digest: str, batch_id: str | None, source: str | None, ow_id: int | None, max_errors: int,
            allow_duplicate_content: bool) -> IngestResult:
    batch_id = batch_id or digest
    key = scoped_batch_id(batch_id, ow_id)
    if not allow_duplicate_content and not store.batch_exists(key):
        existing = batch_with_content(store, ow_id, digest)
        if existing is not None:
            raise DuplicateContent(batch_id, existing, digest)
    if fmt not in FORMATS:
        raise BatchRejected(batch_id, [RowError(None, None, f"format must be one of {', '.join(FORMATS)}")], 0, 0)
    if store.batch_exists(key):  # a batch sent again is not read again
        metrics.EVENT_BATCHES.labels("duplicate").inc()
        return IngestResult(batch_id, "duplicate", 0)
    with _as_file(content, path, fmt) as file:
        result = _ingest_file_engine(session, store, file, fmt, batch_id=batch_id, source=source, ow_id=ow_id,
                                     max_errors=max_errors)
    if result.status == "stored":
        _ensure_digests(store)
        store.execute(f"INSERT INTO {DIGESTS_TABLE} VALUES (?, ?, ?) ON CONFLICT (batch_id) DO NOTHING",
                      [key, _digest_scope(ow_id), digest])
    return result


def ingest_bytes(session: Session, store: AnalyticsStore, content: bytes, fmt: str, *,
                 batch_id: str | None = None, source: str | None = None, ow_id: int | None = None,
                 max_errors: int = DEFAULT_MAX_ERRORS, allow_duplicate_content: bool = False) -> IngestResult:
    """Validate and store `content` as one batch. Its SHA-256 is recorded with the batch: the same bytes
    under another batch id raise DuplicateContent unless `allow_duplicate_content`."""
    return _ingest(session, store, fmt, content=content, path=None, digest=content_batch_id(content),
                   batch_id=batch_id, source=source, ow_id=ow_id, max_errors=max_errors,
                   allow_duplicate_content=allow_duplicate_content)


def ingest_file(session: Session, store: AnalyticsStore, path: Path, *, fmt: str | None = None,
                batch_id: str | None = None, ow_id: int | None = None,
                max_errors: int = DEFAULT_MAX_ERRORS, allow_duplicate_content: bool = False) -> IngestResult:
    """`ingest_bytes` of a file, read by the engine where it lies."""
    fmt = fmt or detect_format(path.name)
    digest = file_batch_id(path)
    if fmt is None:
        raise BatchRejected(batch_id or digest,
                            [RowError(None, None, f"cannot tell the format of {path.name}: use --format")], 0, 0)
    return _ingest(session, store, fmt, content=None, path=path, digest=digest, batch_id=batch_id,
                   source=str(path), ow_id=ow_id, max_errors=max_errors,
                   allow_duplicate_content=allow_duplicate_content)
