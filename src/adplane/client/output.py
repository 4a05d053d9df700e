"""How the command line shows results: JSON for scripts, rich tables for people, CSV/XLSX files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table


def plain(value: Any) -> Any:
    """Pydantic models and nested values as JSON-ready data in wire names."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def to_json(value: Any) -> str:
    return json.dumps(plain(value), indent=2, default=str)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, default=str)
    return str(value)


def columns_of(rows: Sequence[dict[str, Any]], preferred: Sequence[str] | None = None) -> list[str]:
    if preferred:
        return [name for name in preferred if any(name in row for row in rows)] or list(preferred)
    names: list[str] = []
    for row in rows:
        names.extend(key for key in row if key not in names and not isinstance(row[key], dict | list))
    return names


def rows_table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, title: str | None = None) -> Table:
    names = columns_of(rows, columns)
    table = Table(title=title, show_lines=False)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(name)) for name in names))
    return table


def record_table(record: dict[str, Any], title: str | None = None) -> Table:
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in record.items():
        table.add_row(key, cell(value))
    return table


def show(console: Console, value: Any, *, as_json: bool, columns: Sequence[str] | None = None,
         title: str | None = None) -> None:
    data = plain(value)
    if as_json:
        console.file.write(to_json(data) + "\n")
    elif isinstance(data, list):
        console.print(rows_table([row for row in data if isinstance(row, dict)], columns, title))
    elif isinstance(data, dict):
        console.print(record_table(data, title))
    else:
        console.print(cell(data))


def write_csv(path: Path, rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> int:
    count = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(name)) for name in columns])
            count += 1
    return count


def write_xlsx(path: Path, rows: Iterable[dict[str, Any]], columns: Sequence[str], sheet: str = "Report") -> int:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, list(columns), bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        worksheet.write_row(count, 0, [row.get(name) if isinstance(row.get(name), int | float) else cell(row.get(name))
                                       for name in columns])
    workbook.close()
    return count
