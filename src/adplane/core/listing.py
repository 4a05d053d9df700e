"""Sorting and paging as IQM lists do it: `sortBy` is `+col,-col2` over wire column names."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select

from adplane.core.errors import ValidationFailed

T = TypeVar("T")


def parse_sort(sort_by: str | None, allowed: Mapping[str, Any], default: str) -> list[tuple[Any, bool]]:
    """Return [(column, descending)], or a 422 "Invalid sortBy value." for unknown columns."""
    raw = (sort_by or "").strip() or default
    out: list[tuple[Any, bool]] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in allowed:
            raise ValidationFailed("Invalid sortBy value.", field="sortBy")
        out.append((allowed[name], descending))
    if not out:
        raise ValidationFailed("Invalid sortBy value.", field="sortBy")
    return out


def apply_sort(stmt: Select[Any], order: list[tuple[Any, bool]], tiebreak: Any | None = None) -> Select[Any]:
    clauses = [col.desc() if desc else col.asc() for col, desc in order]
    if tiebreak is not None:
        clauses.append(tiebreak.asc())
    return stmt.order_by(*clauses)


def page_offset(page_no: int | None, no_of_entries: int | None, offset: int | None = None) -> tuple[int, int | None]:
    """(offset, limit): an explicit offset wins over pageNo."""
    if no_of_entries is None:
        return (offset or 0, None)
    if offset is not None:
        return (offset, no_of_entries)
    return (((page_no or 1) - 1) * no_of_entries, no_of_entries)


def sort_in_memory(rows: Sequence[T], order: list[tuple[Callable[[T], Any], bool]]) -> list[T]:
    """Stable multi-key sort for rows computed in Python; None sorts first ascending."""
    result = list(rows)
    for key, descending in reversed(order):
        result.sort(key=lambda r, k=key: (k(r) is not None, k(r)), reverse=descending)
    return result
