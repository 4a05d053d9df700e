"""Report rows written as the server writes its report files: column labels as headers, money as
currency, rates as percentages, times in a timezone, and a `Total` row; labels and data types come
from the API's own catalogue (GET /api/v3/ra/report/dimension-metrics/detail). Also 'did you mean'
for a column or dimension the API did not know."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from adplane.cli.apikit.suggest import did_you_mean
from adplane.client import AdplaneClient, ApiError

TOTAL_LABEL = "Total"
DATE_KEY = "date"
FINE_CURRENCY_KEYS = frozenset(("eCPM", "mediaECPM", "eCPC", "eCPCV", "CPA", "maxBid"))
"""Unit costs and bids keep four decimals, as in the server's files."""
UNKNOWN = re.compile(r"^Unknown (column|dimension): (?P<name>.+?)\.?$")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    data_type: str  # the catalogue's fieldDataType


def catalogue(client: AdplaneClient) -> dict[str, Column]:
    """Every dimension and metric of the API's catalogue by key (and lower-case key)."""
    answer = client.reports.dimension_metrics()
    found: dict[str, Column] = {}
    for part in ("dimensions", "metrics"):
        for group in (answer or {}).get(part) or []:
            for items in (group or {}).values():
                for item in items or []:
                    if isinstance(item, dict) and item.get("key"):
                        column = Column(str(item["key"]), str(item.get("label") or item["key"]),
                                        str(item.get("fieldDataType") or "text"))
                        found.setdefault(column.key, column)
                        found.setdefault(column.key.lower(), column)
    return found


def column_of(key: str, known: dict[str, Column], labels: dict[str, str] | None = None) -> Column:
    """The column's label (the execute answer's, else the catalogue's) and data type (the catalogue's)."""
    if key == DATE_KEY:
        return Column(key, (labels or {}).get(key, "Date"), "date")
    found = known.get(key) or known.get(key.lower()) or Column(key, key, "integer" if key.endswith("Id") else "text")
    return Column(key, (labels or {}).get(key) or found.label, found.data_type)


def answer_labels(answer: Any) -> dict[str, str]:
    """Labels of an execute answer's `columns` ([{key, label}]), as the server's own files use them."""
    columns = answer.get("columns") if isinstance(answer, dict) else None
    return {str(c["key"]): str(c["label"]) for c in columns or [] if isinstance(c, dict) and c.get("key")
            and c.get("label")}


def _rounded(value: Any, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def formatted(column: Column, value: Any, zone: ZoneInfo) -> str:
    """How a value reads in a CSV cell of the server's report files."""
    if value is None or value == "":
        return ""
    kind = column.data_type
    try:
        if kind == "currencyUSD":
            decimals = 4 if column.key in FINE_CURRENCY_KEYS else 2
            amount = _rounded(value, decimals)
            return f"{'-' if amount < 0 else ''}${abs(amount):,.{decimals}f}"
        if kind == "percentage":
            return f"{_rounded(value, 4):.4f}%"
        if kind == "decimal":
            return f"{_rounded(value, 4):.4f}"
        if kind == "dateTime" and isinstance(value, int | float):
            seconds = value / 1000 if value >= 100_000_000_000 else value
            return datetime.fromtimestamp(seconds, tz=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    except (ArithmeticError, ValueError, OverflowError):
        return str(value)
    if kind == "boolean":
        return "Yes" if value else "No"
    return str(value)


def _total_cells(names: Sequence[str], totals: dict[str, Any] | None) -> list[Any]:
    totals = totals or {}
    return [TOTAL_LABEL if index == 0 and totals.get(name) is None else totals.get(name)
            for index, name in enumerate(names)]


def write_csv(path: Path, rows: list[dict[str, Any]], names: Sequence[str], totals: dict[str, Any] | None,
              known: dict[str, Column], zone: ZoneInfo, labels: dict[str, str] | None = None) -> int:
    columns = [column_of(name, known, labels) for name in names]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in columns])
        for row in rows:
            writer.writerow([formatted(c, row.get(c.key), zone) for c in columns])
        writer.writerow([cell if cell == TOTAL_LABEL and index == 0 else formatted(c, cell, zone)
                         for index, (c, cell) in enumerate(zip(columns, _total_cells(names, totals), strict=True))])
    return len(rows)


def write_xlsx(path: Path, rows: list[dict[str, Any]], names: Sequence[str], totals: dict[str, Any] | None,
              known: dict[str, Column], zone: ZoneInfo, labels: dict[str, str] | None = None) -> int:
    """Labels and a bold Total row; numbers stay numbers (money with a currency format)."""
    import xlsxwriter

    columns = [column_of(name, known, labels) for name in names]
    workbook = xlsxwriter.Workbook(str(path))
    try:
        sheet = workbook.add_worksheet("Report")
        bold = workbook.add_format({"bold": True})
        money = {False: workbook.add_format({"num_format": "$#,##0.00"}),
                 True: workbook.add_format({"num_format": "$#,##0.00", "bold": True})}
        sheet.write_row(0, 0, [c.label for c in columns], bold)

        def put(row_index: int, values: list[Any], is_total: bool) -> None:
            for col, (column, value) in enumerate(zip(columns, values, strict=True)):
                if isinstance(value, int | float) and not isinstance(value, bool) and column.data_type != "dateTime":
                    fmt = money[is_total] if column.data_type == "currencyUSD" else (bold if is_total else None)
                    sheet.write_number(row_index, col, value, fmt)
                else:
                    text = value if (is_total and value == TOTAL_LABEL) else formatted(column, value, zone)
                    sheet.write_string(row_index, col, text, bold if is_total else None)

        for index, row in enumerate(rows, start=1):
            put(index, [row.get(name) for name in names], False)
        put(len(rows) + 1, _total_cells(names, totals), True)
    finally:
        workbook.close()
    return len(rows)


@contextmanager
def column_hints(client: AdplaneClient) -> Iterator[None]:
    """When the API refuses an unknown column or dimension, add the catalogue's closest names."""
    try:
        yield
    except ApiError as exc:
        wanted = [obj for obj in exc.error_objects if UNKNOWN.match(str(obj.get("error") or ""))]
        if wanted:
            try:
                keys = {column.key for column in catalogue(client).values()}
            except ApiError:
                keys = set()
            for obj in wanted:
                match = UNKNOWN.match(str(obj["error"]))
                assert match is not None
                hint = did_you_mean(match.group("name"), keys)
                if hint:
                    obj["error"] = f"{obj['error']}{hint}"
        raise
