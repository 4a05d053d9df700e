"""SQL of the reports domain; every statement starts from the caller's organization."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from adplane.core.errors import NotFound
from adplane.core.listing import count, fetch_page, where_search
from adplane.core.tenancy import scoped
from adplane.reports.models import Report

MISSING = "Report does not exists for the given id"


def live(ow_id: int) -> Select[Report]:
    return scoped(Report, ow_id).where(Report.deleted_at.is_(None))


def get_report(session: Session, ow_id: int, report_id: int, *, field: str = "reportId") -> Report:
    """The caller's live report, or 404 (another organization's id looks missing)."""
    report = session.scalar(live(ow_id).where(Report.id == report_id))
    if report is None:
        raise NotFound(MISSING, field=field)
    return report


SORT_COLUMNS: dict[str, Any] = {
    "id": Report.id,
    "name": Report.name,
    "reportName": Report.name,
    "startDate": Report.start_date,
    "endDate": Report.end_date,
    "modifyDate": Report.updated_at,
    "createDate": Report.created_at,
}


def list_reports(session: Session, ow_id: int, *, search: str | None, order: list[tuple[Any, bool]],
                 offset: int, limit: int | None) -> tuple[list[Report], int, int]:
    """(page, total records of the organization, records matching the search)."""
    base = live(ow_id)
    rows, matching = fetch_page(session, where_search(base, search, [Report.name], Report.id), order,
                                tiebreak=Report.id, offset=offset, limit=limit)
    return rows, count(session, base), matching
