"""CSV and XLSX report files formatted for a person, written row by row from an iterator.

Headers are labels; dates are days of the report's timezone; campaign times are local times of the
report's timezone; money is currency and rates are percentages. XLSX uses xlsxwriter's
`constant_memory` mode (each row is flushed as written), CSV the csv module over the iterator,
so neither holds all rows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from adplane.reports import catalog

TOTAL_LABEL = "Total"
# Unit costs and bids need more than cents to be useful (eCPCV of $0.0215).
FINE_CURRENCY_KEYS = frozenset(("eCPM", "mediaECPM", "eCPC", "eCPCV", "CPA", "maxBid"))


@dataclass(frozen=True)
class ColumnFormat:
    key: str
    label: str
    kind: str  # text, day, datetime, integer, decimal, currency, percent, boolean
    decimals: int = 2


def _kind(key: str) -> tuple[str, int]:
    if key == catalog.DATE_KEY:
        return "day", 0
    metric = catalog.METRICS_BY_KEY.get(key.lower())
    if metric is None:
        return ("integer", 0) if key.endswith("Id") else ("text", 0)
    data_type = metric.field_data_type
    if data_type == "currencyUSD":
        return "currency", 4 if metric.key in FINE_CURRENCY_KEYS else 2
    if data_type == "percentage":
        return "percent", 4
    if data_type == "dateTime":
        return "datetime", 0
    return {"integer": ("integer", 0), "decimal": ("decimal", 4), "boolean": ("boolean", 0)}.get(data_type, ("text", 0))


@dataclass(frozen=True)
class Layout:
    columns: tuple[ColumnFormat, ...]
    zone: ZoneInfo
    title: str

    @classmethod
    def for_report(cls, keys: list[str], labels: dict[str, str], zone_name: str, title: str) -> Layout:
        formats = []
        for key in keys:
            kind, decimals = _kind(key)
            formats.append(ColumnFormat(key, labels.get(key, key), kind, decimals))
        return cls(tuple(formats), ZoneInfo(zone_name), title)

    def local_time(self, epoch_seconds: int) -> datetime:
        return datetime.fromtimestamp(epoch_seconds, tz=UTC).astimezone(self.zone)


def _rounded(value: Any, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_text(column: ColumnFormat, value: Any, layout: Layout) -> str:
    """How a value reads in a CSV cell."""
    if value is None:
        return ""
    if column.kind == "currency":
        amount = _rounded(value, column.decimals)
        sign = "-" if amount < 0 else ""
        return f"{sign}${abs(amount):,.{column.decimals}f}"
    if column.kind == "percent":
        return f"{_rounded(value, column.decimals):.{column.decimals}f}%"
    if column.kind == "integer" and isinstance(value, int):
        return str(value)
    if column.kind == "decimal":
        return f"{_rounded(value, column.decimals):.{column.decimals}f}"
    if column.kind == "datetime" and isinstance(value, int):
        return layout.local_time(value).strftime("%Y-%m-%d %H:%M %Z")
    if column.kind == "boolean":
        return "Yes" if value else "No"
    return str(value)


def _totals_cells(layout: Layout, totals: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for index, column in enumerate(layout.columns):
        value = totals.get(column.key)
        cells.append(TOTAL_LABEL if index == 0 and value is None else value)
    return cells


def write_csv(path: Path, layout: Layout, rows: Iterable[dict[str, Any]], totals: dict[str, Any]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in layout.columns])
        for row in rows:
            writer.writerow([format_text(c, row.get(c.key), layout) for c in layout.columns])
        total_cells = _totals_cells(layout, totals)
        writer.writerow([
            cell if cell == TOTAL_LABEL and i == 0 else format_text(c, cell, layout)
            for i, (c, cell) in enumerate(zip(layout.columns, total_cells, strict=True))
        ])


class _XlsxFormats:
    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#E7EEF7", "border": 1})
        self.total_label = workbook.add_format({"bold": True, "top": 1})
        self._workbook = workbook
        self._cache: dict[tuple[str, int, bool], Any] = {}

    def for_column(self, column: ColumnFormat, bold: bool = False) -> Any:
        key = (column.kind, column.decimals, bold)
        if key not in self._cache:
            num_format = {
                "day": "yyyy-mm-dd",
                "datetime": "yyyy-mm-dd hh:mm",
                "integer": "#,##0",
                "decimal": "0." + "0" * column.decimals,
                "currency": "$#,##0." + "0" * column.decimals,
                "percent": "0." + "0" * column.decimals + "%",
            }.get(column.kind)
            props: dict[str, Any] = {"num_format": num_format} if num_format else {}
            if bold:
                props.update(bold=True, top=1)
            self._cache[key] = self._workbook.add_format(props)
        return self._cache[key]


def _write_xlsx_cell(sheet: Any, row: int, col: int, column: ColumnFormat, value: Any, layout: Layout,
                     cell_format: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, cell_format)
    elif column.kind == "day":
        sheet.write_datetime(row, col, date.fromisoformat(value), cell_format)
    elif column.kind == "datetime" and isinstance(value, int):
        sheet.write_datetime(row, col, layout.local_time(value).replace(tzinfo=None), cell_format)
    elif column.kind == "percent":
        sheet.write_number(row, col, float(value) / 100, cell_format)
    elif column.kind in ("currency", "integer", "decimal") and isinstance(value, int | float | Decimal):
        sheet.write_number(row, col, float(value), cell_format)
    elif column.kind == "boolean":
        sheet.write_string(row, col, "Yes" if value else "No", cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def write_xlsx(path: Path, layout: Layout, rows: Iterable[dict[str, Any]], totals: dict[str, Any]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    try:
        sheet = workbook.add_worksheet("Report")
        formats = _XlsxFormats(workbook)
        for col, column in enumerate(layout.columns):
            width = max(12, min(40, len(column.label) + 4))
            sheet.set_column(col, col, 30 if column.kind == "text" else width)
            sheet.write_string(0, col, column.label, formats.header)
        sheet.freeze_panes(1, 0)
        row_index = 0
        for row_index, row in enumerate(rows, start=1):
            for col, column in enumerate(layout.columns):
                _write_xlsx_cell(sheet, row_index, col, column, row.get(column.key), layout,
                                 formats.for_column(column))
        total_row = row_index + 1
        for col, (column, value) in enumerate(zip(layout.columns, _totals_cells(layout, totals), strict=True)):
            if col == 0 and value == TOTAL_LABEL:
                sheet.write_string(total_row, col, TOTAL_LABEL, formats.total_label)
            else:
                _write_xlsx_cell(sheet, total_row, col, column, value, layout, formats.for_column(column, bold=True))
    finally:
        workbook.close()
