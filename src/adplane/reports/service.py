"""Rules of the reports domain: validating definitions, executing them, exporting files.

Contract used by other domains (schedules):

- `execute_report(session, store, report, *, start, end, ...) -> ReportResult`: the rows, the
  totals row and the column labels of a report (a saved `Report` or an inline definition) for the
  period [start, end).
- `export_report(session, store, settings, report, *, start, end, file_type) -> Path`: writes the
  same rows as execution to a CSV (file_type 1) or XLSX (file_type 2) file formatted for a person
  and returns its path (under the data dir's `files/reports/<owId>/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from adplane.core.settings import Settings
from adplane.reports.models import Report

FILE_TYPE_CSV = 1
FILE_TYPE_XLSX = 2


@dataclass
class ReportResult:
    """What a report execution yields.

    `columns` are catalogue keys in display order; `labels` maps each key to its header label.
    `rows` are dicts keyed by column key (plus the dimension id keys such as `campaignId`, `date`);
    `totals` is the totals row over every matching row (not only the page); `total_records` is the
    number of rows before paging. `daily_totals` is [(date 'YYYY-MM-DD', totals row)] for daily
    reports (the trend), empty for aggregated ones.
    """

    columns: list[str]
    labels: dict[str, str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    total_records: int
    daily_totals: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def execute_report(
    session: Session,
    store: Any,
    report: Report,
    *,
    start: datetime,
    end: datetime,
    sort_by: str | None = None,
    search: str | None = None,
    page_no: int | None = None,
    page_size: int | None = None,
) -> ReportResult:
    """Run `report` over [start, end) against the analytics store."""
    raise NotImplementedError("report execution lands with the analytics store")


def export_report(
    session: Session,
    store: Any,
    settings: Settings,
    report: Report,
    *,
    start: datetime,
    end: datetime,
    file_type: int,
) -> Path:
    """Write the report for [start, end) to a CSV (1) or XLSX (2) file and return its path."""
    raise NotImplementedError("report export lands with the analytics store")
