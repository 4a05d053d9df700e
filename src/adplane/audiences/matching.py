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
from itertools import islice
from pathlib import Path
from typing import TextIO

import numpy as np

from adplane.audiences import catalog, identities

CHUNK_ROWS = 100_000
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


def csv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a CSV file (header first), any common delimiter."""
    with path.open("rb") as raw:
        sample = raw.read(64 * 1024).decode("utf-8-sig", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        try:
            yield from csv.reader(text, dialect)
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
    for row in rows:  # the header: the first row with something in it
        if "".join(row).strip():
            break
    data = (row for row in rows if "".join(row).strip())  # blank lines are not rows
    total = matched = invalid = 0
    found_users: list[np.ndarray] = []
    out = result_path.open("w", newline="", encoding="utf-8") if result_path else None
    try:
        if out:
            out.write("row_number,status,matched_by,identifier_hash\r\n")
        while chunk := list(islice(data, chunk_rows)):
            m, i, users = _match_chunk(chunk, total, columns, lookup, out)
            total, matched, invalid = total + len(chunk), matched + m, invalid + i
            found_users.append(users)
    finally:
        if out:
            out.close()
    user_ids = np.unique(np.concatenate(found_users)) if found_users else np.zeros(0, np.int64)
    return MatchResult(total, matched, invalid, user_ids.astype(np.int64))


def _csv_field(value: str) -> str:
    """`value` as a field of the result file (quoted as the csv module quotes it)."""
    line = io.StringIO()
    csv.writer(line).writerow([value, ""])
    return line.getvalue()[:-len(",\r\n")]


def _match_chunk(chunk: list[list[str]], first_row: int, columns: Sequence[MappedColumn], lookup: Lookup,
                 out: TextIO | None) -> tuple[int, int, np.ndarray]:
    """(matched rows, invalid rows, matched user keys) of one chunk; writes its result lines (CSV: row number,
    status, matched by, identifier hash).

    Column by column: the digests of all its cells at once (`identities.digests_of`), one lookup of them, then
    the rows' outcome with array operations: matched by the first column (in mapping order) whose identifier
    the store knows; else unmatched, showing the first usable identifier; else invalid."""
    n = len(chunk)
    keys: list[list[bytes | None]] = []
    matched_col = np.full(n, -1, np.int64)
    first_present = np.full(n, -1, np.int64)
    users = np.zeros(n, np.int64)
    for c, col in enumerate(columns):
        cells = [row[col.index] if col.index < len(row) else None for row in chunk]
        col_keys = identities.digests_of(col.kind, col.data_format, cells)
        keys.append(col_keys)
        present = np.fromiter((k is not None for k in col_keys), bool, n)
        known = lookup(col.kind, identities.DIGEST_COLUMN[col.data_format],
                       [k for k in col_keys if k is not None]) if present.any() else {}
        if known:
            found = np.fromiter((k is not None and k in known for k in col_keys), bool, n)
            user_of = np.fromiter((known.get(k, 0) if k is not None else 0 for k in col_keys), np.int64, n)
            newly = found & (matched_col < 0)
            matched_col[newly] = c
            users[newly] = user_of[newly]
        first_present[present & (first_present < 0)] = c
    is_matched = matched_col >= 0
    is_invalid = first_present < 0
    if out is not None:
        status = np.where(is_matched, "matched", np.where(is_invalid, "invalid", "unmatched")).tolist()
        names = [_csv_field(col.name) for col in columns] + [""]  # [-1]: not matched
        shown_col = np.where(is_matched, matched_col, first_present).tolist()
        out.write("".join([
            f"{number},{state},{names[by]},{'' if shown < 0 else keys[shown][r].hex()}\r\n"
            for r, (number, state, by, shown) in enumerate(zip(range(first_row + 1, first_row + n + 1), status,
                                                               matched_col.tolist(), shown_col, strict=True))]))
    return int(is_matched.sum()), int(is_invalid.sum()), users[is_matched & (users > 0)]


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
