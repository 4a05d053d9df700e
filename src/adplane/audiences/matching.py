"""The matching engine of matched audiences: read an uploaded CSV/XLSX in chunks, turn each mapped
identifier cell into the digest the identity store is keyed by, look the chunk up, and write a
result file (one line per row: matched, unmatched or invalid, and by which column).

Exact counts: `rows` (data rows read), `matched_rows` (rows with at least one identifier the store
knows), `invalid_rows` (rows with no usable identifier), and the distinct matched users
(`user_ids`, sorted), which become the audience's members and its reach.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adplane.audiences import catalog, identities

CHUNK_ROWS = 20_000
MAX_HEADER_COLUMNS = 500


class FileProblem(ValueError):
    """The uploaded file cannot be read as the mapping says (the audience fails with this reason)."""


@dataclass(frozen=True)
class MappedColumn:
    """A file column used for matching: its position, identity kind and data format."""

    index: int
    name: str
    kind: int
    data_format: int


@dataclass
class MatchResult:
    rows: int
    matched_rows: int
    invalid_rows: int
    user_ids: np.ndarray  # distinct matched user keys, sorted

    @property
    def reach(self) -> int:
        return len(self.user_ids)

    @property
    def match_rate(self) -> float:
        return round(self.matched_rows * 100 / self.rows, 2) if self.rows else 0.0


def _decode_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        yield from text


def csv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV file (header first), any common delimiter."""
    with path.open("rb") as raw:
        sample = raw.read(64 * 1024).decode("utf-8-sig", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        yield from csv.reader(_decode_lines(path), dialect)
    except csv.Error as exc:
        raise FileProblem(f"The file is not a valid CSV file: {exc}") from None


def xlsx_rows(path: Path) -> Iterator[list[str]]:
    """Rows of the first sheet of an XLSX workbook, cells as text."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad workbook
        raise FileProblem(f"The file is not a valid XLSX workbook ({type(exc).__name__}).") from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                   for v in values]
    finally:
        workbook.close()


def file_rows(path: Path, file_name: str) -> Iterator[list[str]]:
    """Rows of the file at `path`, read as `file_name`'s type says (`path` must carry the same suffix)."""
    return xlsx_rows(path) if file_name.lower().endswith(".xlsx") else csv_rows(path)


def read_header(path: Path, file_name: str) -> list[str]:
    for row in file_rows(path, file_name):
        header = [cell.strip() for cell in row]
        if len(header) > MAX_HEADER_COLUMNS:
            raise FileProblem(f"The file has more than {MAX_HEADER_COLUMNS} columns.")
        if any(header):
            return header
        break
    raise FileProblem("The file is empty: a header row naming its columns is required.")


Lookup = Callable[[int, str, Sequence[bytes]], dict[bytes, int]]


def match_file(path: Path, file_name: str, columns: Sequence[MappedColumn], lookup: Lookup,
               result_path: Path | None = None, *, chunk_rows: int = CHUNK_ROWS) -> MatchResult:
    """Match every data row of the file; `lookup(kind, digest column, digests)` asks the identity store."""
    rows = file_rows(path, file_name)
    header_seen = False
    total = matched = invalid = 0
    found_users: list[np.ndarray] = []
    out = result_path.open("w", newline="", encoding="utf-8") if result_path else None
    writer = csv.writer(out) if out else None
    if writer:
        writer.writerow(["row_number", "status", "matched_by", "identifier_hash"])
    try:
        chunk: list[list[str]] = []
        for row in rows:
            if not header_seen:
                if any(cell.strip() for cell in row):
                    header_seen = True
                continue
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            chunk.append(row)
            if len(chunk) >= chunk_rows:
                m, i, users = _match_chunk(chunk, total, columns, lookup, writer)
                total, matched, invalid = total + len(chunk), matched + m, invalid + i
                found_users.append(users)
                chunk = []
        if chunk:
            m, i, users = _match_chunk(chunk, total, columns, lookup, writer)
            total, matched, invalid = total + len(chunk), matched + m, invalid + i
            found_users.append(users)
    finally:
        if out:
            out.close()
    user_ids = np.unique(np.concatenate(found_users)) if found_users else np.zeros(0, np.int64)
    return MatchResult(total, matched, invalid, user_ids.astype(np.int64))


def _match_chunk(chunk: list[list[str]], first_row: int, columns: Sequence[MappedColumn], lookup: Lookup,
                 writer: csv.Writer | None) -> tuple[int, int, np.ndarray]:  # type: ignore[name-defined]
    """(matched rows, invalid rows, matched user keys) of one chunk; writes its result lines."""
    keys: list[list[bytes | None]] = []
    for col in columns:
        keys.append([identities.digest_of(col.kind, col.data_format, row[col.index])
                     if col.index < len(row) else None for row in chunk])
    known: list[dict[bytes, int]] = []
    for col, col_keys in zip(columns, keys, strict=True):
        present = [k for k in col_keys if k is not None]
        known.append(lookup(col.kind, identities.DIGEST_COLUMN[col.data_format], present) if present else {})
    users = np.zeros(len(chunk), np.int64)
    matched = invalid = 0
    for r in range(len(chunk)):
        status, by, shown = "invalid", "", ""
        for c, col in enumerate(columns):
            key = keys[c][r]
            if key is None:
                continue
            user = known[c].get(key)
            if user is not None:
                status, by, shown = "matched", col.name, key.hex()
                users[r] = user
                break
            if status == "invalid":
                status, shown = "unmatched", key.hex()
        if status == "matched":
            matched += 1
        elif status == "invalid":
            invalid += 1
        if writer is not None:
            writer.writerow([first_row + r + 1, status, by, shown])
    return matched, invalid, users[users > 0]


NO_IDENTIFIER = ("No identifier column is mapped: the identity store matches e-mails, phones, device ids "
                 "and NPIs (names and addresses alone cannot be matched).")


def mapped_columns(header: list[str], mappings: Sequence[tuple[int, str, int | None]], *,
                   require_identifier: bool = True) -> list[MappedColumn]:
    """The identifier columns of a request's `columnMappings` [(columnId, fileColumnName, dataFormatId)],
    in request order; raises ValueError naming the first problem."""
    positions = {name.strip().lower(): i for i, name in reversed(list(enumerate(header)))}
    out: list[MappedColumn] = []
    for column_id, file_column, data_format in mappings:
        column = catalog.MATCH_COLUMNS_BY_ID.get(column_id)
        if column is None:
            raise ValueError(f"Unknown columnId {column_id}.")
        index = positions.get(file_column.strip().lower())
        if index is None:
            raise ValueError(f"The file has no column named '{file_column}'.")
        if column.kind is None:
            continue  # descriptive (name, zip, ...): kept in the file, not matched on
        fmt = data_format or catalog.FORMAT_RAW
        if not column.hashable and fmt != catalog.FORMAT_RAW:
            raise ValueError(f"Column '{file_column}' ({column.display_name}) takes plain values only.")
        if fmt not in catalog.MATCHABLE_FORMATS:
            raise ValueError(f"dataFormatId {fmt} cannot be matched: send plain values or MD5, SHA-1 or "
                             "SHA-256 hashes of the normalised values.")
        out.append(MappedColumn(index, header[index], column.kind, fmt))
    if not out and require_identifier:
        raise ValueError(NO_IDENTIFIER)
    return out
