"""Insight report lists: search, `sortBy` over wire fields (`+`/`-`), paging.

Lists are per organization and kind and hold a few hundred rows at most, so the wire rows are
built once and searched, sorted and paged in memory (any wire field can be a sort key).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adplane.core.clock import utcnow
from adplane.core.listing import page_offset, parse_sort, sort_in_memory
from adplane.core.tenancy import scoped
from adplane.insights import wire
from adplane.insights.models import KIND_AQS, KIND_PLD, InsightReport

SORTABLE = {
    KIND_PLD: ("pldId", "pldName", "campaignName", "campaignId", "pldStatusId", "startDate", "endDate", "ioId",
               "ioName", "pldCreatedOn"),
    "sls": ("slsId", "slsName", "slsStatusId", "startDate", "endDate", "ioId", "ioName", "slsCreatedOn",
            "pdfFileSize", "excelFileSize"),
    KIND_AQS: ("reportId", "reportName", "campaignName", "campaignId", "statusId", "startDate", "endDate", "ioId",
               "ioName", "reportCreatedOn"),
}
DEFAULT_SORT = {KIND_PLD: "-pldId", "sls": "-slsId", KIND_AQS: "reportId"}
SEARCHED = {
    KIND_PLD: ("pldId", "pldName", "campaignName", "campaignId", "ioName"),
    "sls": ("slsId", "slsName", "campaignIds", "ioName"),
    KIND_AQS: ("reportId", "reportName", "campaignName", "campaignId", "ioName"),
}


def _matches(item: dict[str, Any], fields: tuple[str, ...], needle: str) -> bool:
    for name in fields:
        value = item.get(name)
        values = value if isinstance(value, list) else [value]
        if any(v is not None and needle in str(v).lower() for v in values):
            return True
    return False


def list_reports(session: Session, ow_id: int, kind: str, search: str, page_no: int, no_of_entries: int,
                 sort_by: str | None) -> tuple[int, int, list[dict[str, Any]]]:
    order = parse_sort(sort_by, {f: f for f in SORTABLE[kind]}, DEFAULT_SORT[kind])
    reports = list(session.scalars(
        scoped(InsightReport, ow_id).where(InsightReport.kind == kind, InsightReport.deleted_at.is_(None))))
    lookup = wire.Lookup(session, ow_id, reports)
    now = utcnow()
    items = [wire.list_item(kind, r, lookup, now) for r in reports]
    total = len(items)
    needle = (search or "").strip().lower()
    if needle:
        items = [i for i in items if _matches(i, SEARCHED[kind], needle)]
    keyed = sort_in_memory(items, [(lambda row, f=field: _sort_key(row.get(f)), desc) for field, desc in order])
    offset, limit = page_offset(page_no, no_of_entries)
    return total, len(items), keyed[offset: offset + limit if limit else None]


def _sort_key(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value
