"""Search, id filters, "ids first", sorting and paging over the in-memory catalog lists."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from adplane.core.errors import ValidationFailed
from adplane.core.listing import sort_in_memory

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 500


def parse_id_list(raw: str | None, field_name: str) -> list[int] | None:
    """`"1,2, 3"` → [1, 2, 3]; None/blank → None; anything else is a 422 naming the field."""
    if raw is None or not raw.strip():
        return None
    ids: list[int] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ValidationFailed(f"invalid arguments {field_name}!", field=field_name)
        ids.append(int(part))
    return ids


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


def _sort_spec(sort_by: str | None, order: str | None, default: str) -> list[tuple[str, bool]]:
    """`sortBy=name&order=desc`, or IQM's `sortBy=-name,+id` form."""
    if order is not None and order.lower() not in ("asc", "desc"):
        raise ValidationFailed("order must be 'asc' or 'desc'.", field="order")
    descending_default = (order or "asc").lower() == "desc"
    raw = (sort_by or "").strip() or default
    spec: list[tuple[str, bool]] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if part[0] in "+-":
            spec.append((part[1:].strip(), part[0] == "-"))
        else:
            spec.append((part, descending_default))
    return spec


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
        needle = query.search.strip().lower()
        rows = [row for row in rows if needle in str(id_of(row)) or needle in search_text(row).lower()]

    order: list[tuple[Callable[[T], Any], bool]] = []
    for name, descending in _sort_spec(query.sort_by, query.order, default_sort):
        key = sort_fields.get(name)
        if key is None:
            raise ValidationFailed("Invalid sortBy value.", field="sortBy")
        order.append((_casefold(key), descending))
    rows = sort_in_memory(rows, order)
    if query.ids_first:
        first = set(query.ids_first)
        rows = [row for row in rows if id_of(row) in first] + [row for row in rows if id_of(row) not in first]

    filtered = len(rows)
    if paged or query.no_of_entries is not None:
        size = query.no_of_entries or DEFAULT_PAGE_SIZE
        start = ((query.page_no or 1) - 1) * size
        rows = rows[start : start + size]
    return ListResult(rows, total, filtered)


def _casefold(key: Callable[[T], Any]) -> Callable[[T], Any]:
    def wrapped(row: T) -> Any:
        value = key(row)
        return value.lower() if isinstance(value, str) else value

    return wrapped
