"""Bulk ingestion of event batches (NDJSON, CSV, Parquet): all or nothing, idempotent by batch id.

Validation is vectorized: the batch is registered in an in-memory DuckDB connection, converted
column by column with TRY_CAST, and every rule is one set-based query (no per-row Python), so
millions of rows validate in seconds. The first `max_errors` problems are reported by row
(1-based record number in the file) and field; a batch with any problem stores nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
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
from adplane.analytics.schema import EVENT_COLUMNS, EVENT_COLUMNS_BY_NAME, EVENT_TYPES, MONEY_PRECISION, MONEY_SCALE
from adplane.analytics.store import AnalyticsStore
from adplane.core import metrics

FORMATS = ("ndjson", "csv", "parquet")
DEFAULT_MAX_ERRORS = 100
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


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


# ----------------------------------------------------------------------------------- reading

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


def read_events(content: bytes, fmt: str) -> pa.Table:
    """Parse a file into an Arrow table (names normalized to snake_case); 422-worthy errors raise ValueError."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    try:
        if fmt == "parquet":
            table = pq.read_table(io.BytesIO(content))
        elif fmt == "csv":
            # Every column as text: the vectorized checks convert and report bad values by row.
            first_line = content.split(b"\n", 1)[0].decode("utf-8-sig").strip("\r")
            names = next(csv.reader([first_line]), [])
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


# ------------------------------------------------------------------------------- validation

_SQL_TYPES = {"timestamp": "TIMESTAMPTZ", "string": "VARCHAR", "int": "BIGINT",
              "decimal": f"DECIMAL({MONEY_PRECISION},{MONEY_SCALE})"}


def _convert_expr(name: str, arrow_type: pa.DataType, logical: str) -> str:
    col = f'"{name}"'
    if logical == "timestamp":
        if pa.types.is_timestamp(arrow_type):
            return f"CAST({col} AS TIMESTAMPTZ)"
        if pa.types.is_integer(arrow_type):  # epoch milliseconds
            return f"CAST(epoch_ms(CAST({col} AS BIGINT)) AS TIMESTAMPTZ)"
        return f"TRY_CAST(CAST({col} AS VARCHAR) AS TIMESTAMPTZ)"
    if logical == "int" and not pa.types.is_integer(arrow_type):
        return f"TRY_CAST(trim(CAST({col} AS VARCHAR)) AS BIGINT)"
    if logical == "string":
        return f"CAST({col} AS VARCHAR)"
    return f"TRY_CAST({col} AS {_SQL_TYPES[logical]})"


def _arrives_typed(arrow_type: pa.DataType, column: Any) -> bool:
    """True when the input column already has the stored type (e.g. Parquet): no cast, no raw copy."""
    if column.type == "timestamp":
        return pa.types.is_timestamp(arrow_type) and arrow_type.tz is not None
    if column.type == "int":
        return pa.types.is_integer(arrow_type)
    if column.type == "string":
        return pa.types.is_string(arrow_type) or (
            pa.types.is_dictionary(arrow_type) and pa.types.is_string(arrow_type.value_type))
    return arrow_type == pa.decimal128(MONEY_PRECISION, MONEY_SCALE)


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


def validate_events(table: pa.Table, campaigns: pa.Table, creatives: pa.Table,
                    max_errors: int = DEFAULT_MAX_ERRORS) -> tuple[pa.Table | None, list[RowError], int]:
    """Convert and check a batch. Returns (canonical table or None, first errors, rows with errors)."""
    unknown = [n for n in table.column_names if n not in EVENT_COLUMNS_BY_NAME]
    if unknown:
        return None, [RowError(None, n, "unknown column") for n in unknown[:max_errors]], table.num_rows
    missing = [c.name for c in EVENT_COLUMNS if c.required and c.name not in table.column_names]
    if missing:
        return None, [RowError(None, n, "required column is missing") for n in missing], table.num_rows
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("batch_in", table)
        con.register("campaign_facts", campaigns)
        con.register("campaign_creatives", creatives)
        select = []
        converted: set[str] = set()
        for c in EVENT_COLUMNS:
            if c.name not in table.column_names:
                select.append(f"CAST(NULL AS {_SQL_TYPES[c.type]}) AS \"{c.name}\"")
                continue
            arrow_type = table.schema.field(c.name).type
            if _arrives_typed(arrow_type, c):
                select.append(f'"{c.name}"')
                continue
            converted.add(c.name)
            select.append(f'"{c.name}" AS "raw_{c.name}"')
            select.append(f"{_convert_expr(c.name, arrow_type, c.type)} AS \"{c.name}\"")
        con.execute(f"CREATE TEMP TABLE typed AS SELECT row_number() OVER () AS rn, {', '.join(select)} "
                    "FROM batch_in")
        con.execute(
            "CREATE TEMP VIEW v AS SELECT t.*, f.id AS c_id, f.ow_id AS c_ow_id, f.io_id AS c_io_id, "
            "f.creative_type_id AS c_creative_type_id, f.start_time AS c_start_time, "
            "coalesce(f.end_time, TIMESTAMPTZ 'infinity') AS c_end_time, cc.creative_id AS cc_creative_id "
            "FROM typed t LEFT JOIN campaign_facts f ON f.id = t.campaign_id "
            "LEFT JOIN (SELECT DISTINCT campaign_id, creative_id FROM campaign_creatives) cc "
            "ON cc.campaign_id = t.campaign_id AND cc.creative_id = t.creative_id"
        )
        checks = _checks(converted)
        # One pass decides; the per-field detail is only computed for a batch that has problems.
        any_bad = " OR ".join(f"coalesce({condition}, false)" for _name, condition, _message in checks)
        (bad_rows,) = con.execute(f"SELECT count(*) FROM v WHERE {any_bad}").fetchall()[0]
        if not bad_rows:
            names = ", ".join(f'"{c.name}"' for c in EVENT_COLUMNS)
            relation = con.sql(f"SELECT {names} FROM typed ORDER BY rn")
            result = relation.to_arrow_table() if hasattr(relation, "to_arrow_table") else relation.arrow()
            return result, [], 0
        parts = [
            f"SELECT rn, '{name}' AS field, CAST(\"{'raw_' if name in converted else ''}{name}\" AS VARCHAR) "
            "AS value, "
            f"'{message.replace(chr(39), chr(39) * 2)}' AS error "
            f"FROM v WHERE {condition}"
            for name, condition, message in checks
        ]
        rows = con.execute(f"SELECT rn, field, value, error FROM ({' UNION ALL '.join(parts)}) p "
                           "ORDER BY rn, field LIMIT ?", [max_errors]).fetchall()
        return None, [RowError(int(r[0]), r[1], r[3], r[2]) for r in rows], int(bad_rows)
    finally:
        con.close()


# ----------------------------------------------------------------------------------- ingest

def content_batch_id(content: bytes) -> str:
    """The default batch id: the SHA-256 of the file, so sending the same file again is a no-op."""
    return "sha256:" + hashlib.sha256(content).hexdigest()


def scoped_batch_id(batch_id: str, ow_id: int | None) -> str:
    """Batch ids of an organization live in its own namespace (another org cannot see or block them)."""
    return batch_id if ow_id is None else f"ow{ow_id}:{batch_id}"


def ingest_table(session: Session, store: AnalyticsStore, table: pa.Table, *, batch_id: str,
                 source: str | None = None, ow_id: int | None = None,
                 max_errors: int = DEFAULT_MAX_ERRORS) -> IngestResult:
    """Validate and store one batch; raise BatchRejected (nothing stored) on any bad row.

    With `ow_id`, only that organization's campaigns are known (others' look unknown)."""
    key = scoped_batch_id(batch_id, ow_id)
    if store.batch_exists(key):
        metrics.EVENT_BATCHES.labels("duplicate").inc()
        return IngestResult(batch_id, "duplicate", 0)
    if table.num_rows == 0:
        metrics.EVENT_BATCHES.labels("rejected").inc()
        raise BatchRejected(batch_id, [RowError(None, None, "the batch has no events")], 0, 0)
    ids = (table["campaign_id"] if "campaign_id" in table.column_names else pa.array([], pa.int64()))
    campaign_ids = _int_values(ids)
    campaigns, creatives = campaign_facts(session, campaign_ids, {ow_id} if ow_id is not None else None)
    canonical, errors, bad_rows = validate_events(table, campaigns, creatives, max_errors)
    if canonical is None:
        metrics.EVENT_BATCHES.labels("rejected").inc()
        metrics.EVENT_ROWS_REJECTED.inc(table.num_rows)
        raise BatchRejected(batch_id, errors, bad_rows, table.num_rows)
    appended = store.append_events(canonical, batch_id=key, source=source, ow_id=ow_id)
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


def ingest_bytes(session: Session, store: AnalyticsStore, content: bytes, fmt: str, *,
                 batch_id: str | None = None, source: str | None = None, ow_id: int | None = None,
                 max_errors: int = DEFAULT_MAX_ERRORS, allow_duplicate_content: bool = False) -> IngestResult:
    """Validate and store `content` as one batch. Its SHA-256 is recorded with the batch: the same bytes
    under another batch id raise DuplicateContent unless `allow_duplicate_content`."""
    digest = content_batch_id(content)
    batch_id = batch_id or digest
    key = scoped_batch_id(batch_id, ow_id)
    if not allow_duplicate_content and not store.batch_exists(key):
        existing = batch_with_content(store, ow_id, digest)
        if existing is not None:
            raise DuplicateContent(batch_id, existing, digest)
    try:
        table = read_events(content, fmt)
    except ValueError as exc:
        raise BatchRejected(batch_id, [RowError(None, None, str(exc))], 0, 0) from None
    result = ingest_table(session, store, table, batch_id=batch_id, source=source, ow_id=ow_id,
                          max_errors=max_errors)
    if result.status == "stored":
        _ensure_digests(store)
        store.execute(f"INSERT INTO {DIGESTS_TABLE} VALUES (?, ?, ?) ON CONFLICT (batch_id) DO NOTHING",
                      [key, _digest_scope(ow_id), digest])
    return result


def ingest_file(session: Session, store: AnalyticsStore, path: Path, *, fmt: str | None = None,
                batch_id: str | None = None, ow_id: int | None = None,
                max_errors: int = DEFAULT_MAX_ERRORS, allow_duplicate_content: bool = False) -> IngestResult:
    fmt = fmt or detect_format(path.name)
    content = path.read_bytes()
    if fmt is None:
        raise BatchRejected(batch_id or content_batch_id(content),
                            [RowError(None, None, f"cannot tell the format of {path.name}: use --format")], 0, 0)
    return ingest_bytes(session, store, content, fmt, batch_id=batch_id, source=str(path), ow_id=ow_id,
                        max_errors=max_errors, allow_duplicate_content=allow_duplicate_content)
