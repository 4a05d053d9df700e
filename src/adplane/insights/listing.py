"""Insight report lists: search, `sortBy` over wire fields (`+`/`-`), paging (`core.listing`).

Lists are per organization and kind and hold a few hundred rows at most, and their sort keys
include names looked up elsewhere (campaign, IO) and computed figures, so the wire rows are built
once and searched, sorted and paged in memory; which fields sort and search is the kind's
description (`insights.kinds`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adplane.core.clock import utcnow
from adplane.core.listing import field_key, page_offset, page_rows, parse_sort, sort_in_memory, text_matches
from adplane.core.tenancy import scoped
from adplane.insights import wire
from adplane.insights.kinds import BY_KIND
from adplane.insights.models import InsightReport


def list_reports(session: Session, ow_id: int, kind: str, search: str, page_no: int, no_of_entries: int,
                 sort_by: str | None) -> tuple[int, int, list[dict[str, Any]]]:
    spec = BY_KIND[kind]
    order = parse_sort(sort_by, {f: field_key(f) for f in spec.sortable}, spec.default_sort)
    reports = list(session.scalars(
        scoped(InsightReport, ow_id).where(InsightReport.kind == kind, InsightReport.deleted_at.is_(None))))
    lookup = wire.Lookup(session, ow_id, reports)
    now = utcnow()
    items = [wire.list_item(kind, r, lookup, now) for r in reports]
    total = len(items)
    items = [i for i in items if text_matches(search, [i.get(f) for f in spec.searched])]
    offset, limit = page_offset(page_no, no_of_entries)
    return total, len(items), page_rows(sort_in_memory(items, order), offset, limit)
