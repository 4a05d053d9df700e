"""Search, id filters, "ids first", sorting and paging over the in-memory catalog lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from adplane.core.listing import casefold, page_offset, page_rows, parse_sort, put_first, sort_in_memory, text_matches

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 500


@dataclass
class ListQuery:
    search: str | None = None
    only_ids: list[int] | None = None
    ids_first: list[int] = field(default_factory=list)
    sort_by: str | None = None
    order: str | None = None
    page_no: int | None = None
    no_of_entries: int | None = None


@dataclass
class ListResult(Generic[T]):
    items: list[T]
    total_records: int
    filtered_records: int


def run_list(
    items: Sequence[T],
    query: ListQuery,
    *,
    id_of: Callable[[T], int],
    search_text: Callable[[T], str],
    sort_fields: Mapping[str, Callable[[T], Any]],
    default_sort: str,
    paged: bool = True,
) -> ListResult[T]:
    """Filter by ids and search, sort, put `ids_first` on top, then page."""
    rows = list(items)
    total = len(rows)
    if query.only_ids is not None:
        wanted = set(query.only_ids)
        rows = [row for row in rows if id_of(row) in wanted]
    if query.search and query.search.strip():
        rows = [row for row in rows if text_matches(query.search, (id_of(row), search_text(row)))]
    order = parse_sort(query.sort_by, {name: casefold(key) for name, key in sort_fields.items()}, default_sort,
                       order=query.order)
    rows = put_first(sort_in_memory(rows, order), query.ids_first, id_of)

    filtered = len(rows)
    if paged or query.no_of_entries is not None:
        offset, limit = page_offset(query.page_no, query.no_of_entries or DEFAULT_PAGE_SIZE)
        rows = page_rows(rows, offset, limit)
    return ListResult(rows, total, filtered)
