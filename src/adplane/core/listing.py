"""The list toolkit every list endpoint uses: id lists, `sortBy`, search and paging as IQM lists do them.

- `parse_ids`: `"1,2,3"`, `3` or `[1, 2, 3]` → distinct ids, bounded (`MAX_ID_LIST`); bad input is a 422 naming
  the field.
- `parse_sort`: `sortBy` is `+col,-col2` over wire column names (or `col` with `order=asc|desc`); it maps the
  wire names through `allowed` to SQL columns (`apply_sort`) or to row keys (`sort_in_memory`).
- `search_condition`: a case-insensitive "contains" over text columns, or the id when the needle is one; `lower()
  LIKE` with escaped wildcards, so SQLite and PostgreSQL answer alike.
- `page_offset` + `fetch_page`: COUNT, ORDER BY, LIMIT and OFFSET in SQL, never loading more than one page.

Lists over rows computed in Python (static catalogs, metrics from the analytics store) use `sort_in_memory` and
`page_rows` with the same parsed sort and paging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Row,
    Select,
    SmallInteger,
    case,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from adplane.core.errors import ValidationFailed
from adplane.core.schemas import MAX_DB_INT, MAX_ID_LIST, db_id_or_none

T = TypeVar("T")

# --------------------------------------------------------------------------- id lists


def parse_ids(value: Any, field: str, *, required: bool = False) -> list[int]:
    """`"1,2,3"`, `3` or `[1, 2, 3]` as distinct ids in the order given; blank parts are skipped.

    An id is 1..MAX_DB_INT (so it can be bound against an integer column); more than `MAX_ID_LIST` ids, anything
    else, or nothing at all when `required`, is a 422 naming `field`."""
    if value is None:
        items: list[Any] = []
    elif isinstance(value, bool):
        raise ValidationFailed(f"{field} must be a comma separated list of ids.", field=field)
    elif isinstance(value, int):
        items = [value]
    elif isinstance(value, str):
        items = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValidationFailed(f"{field} must be a comma separated list of ids.", field=field)
    if len(items) > MAX_ID_LIST:
        raise ValidationFailed(f"{field} has too many ids (at most {MAX_ID_LIST}).", field=field)
    ids: dict[int, None] = {}
    for item in items:
        number = _as_id(item)
        if number is None:
            raise ValidationFailed(f"{field} contains an invalid id: {item!r}.", field=field)
        ids[number] = None
    if not ids and required:
        raise ValidationFailed(f"{field} is required.", field=field)
    return list(ids)


def _as_id(item: Any) -> int | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    if isinstance(item, int):
        return item if 1 <= item <= MAX_DB_INT else None
    if isinstance(item, str):
        return db_id_or_none(item)
    return None


def parse_ids_filter(value: Any, field: str) -> list[int] | None:
    """Like `parse_ids`, but None when nothing is given: "no filter" rather than "nothing matches"."""
    ids = parse_ids(value, field)
    return ids or None


def in_ids(column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`, leaving out ids the column's integer type cannot hold (they match nothing, and
    PostgreSQL refuses to bind them: a SMALLINT status compared with 46775808 is an error, not a miss)."""
    low, high = _int_range(column)
    usable = [i for i in ids if low <= i <= high]
    return column.in_(usable) if usable else false()


def _int_range(column: Any) -> tuple[int, int]:
    type_ = getattr(column, "type", None)
    if isinstance(type_, SmallInteger):
        return -32768, 32767
    if isinstance(type_, BigInteger):
        return -(2**63), 2**63 - 1
    if isinstance(type_, Integer):
        return -(2**31), 2**31 - 1
    return -(2**63), 2**63 - 1


# --------------------------------------------------------------------------- sorting


def parse_sort(sort_by: str | None, allowed: Mapping[str, Any], default: str, *, order: str | None = None,
               default_order: str = "asc") -> list[tuple[Any, bool]]:
    """Return [(allowed[name], descending)], or a 422 "Invalid sortBy value." for unknown columns.

    A part without `+`/`-` sorts by `order` (`asc`/`desc`, else `default_order`); a bad `order` is a 422."""
    if order is not None and order.strip().lower() not in ("asc", "desc"):
        raise ValidationFailed("order must be 'asc' or 'desc'.", field="order")
    unsigned_descending = (order or default_order).strip().lower() == "desc"
    raw = (sort_by or "").strip() or default
    out: list[tuple[Any, bool]] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        descending = part[0] == "-" if part[0] in "+-" else unsigned_descending
        name = part.lstrip("+-").strip()
        if name not in allowed:
            raise ValidationFailed("Invalid sortBy value.", field="sortBy")
        out.append((allowed[name], descending))
    if not out:
        raise ValidationFailed("Invalid sortBy value.", field="sortBy")
    return out


def apply_sort(stmt: Select[Any], order: list[tuple[Any, bool]], tiebreak: Any | None = None) -> Select[Any]:
    """ORDER BY the parsed sort; a key may be a tuple of columns (e.g. `nulls_low`), each sorted the key's way."""
    clauses = [col.desc() if desc else col.asc()
               for key, desc in order for col in (key if isinstance(key, tuple) else (key,))]
    if tiebreak is not None:
        clauses.append(tiebreak.asc())
    return stmt.order_by(*clauses)


def nulls_low(column: Any) -> tuple[Any, Any]:
    """A sort key under which nulls rank below every value in both directions, as in `sort_in_memory`
    (SQLite and PostgreSQL otherwise disagree on where NULL sorts)."""
    return (case((column.is_(None), literal(0)), else_=literal(1)), column)


def ids_first(column: Any, ids: Sequence[int] | None) -> list[tuple[Any, bool]]:
    """A leading sort term that puts the rows whose `column` is in `ids` on top (IQM's `ids` parameter)."""
    if not ids:
        return []
    return [(case((column.in_(list(ids)), literal(0)), else_=literal(1)), False)]


def _none_first(key: Callable[[T], Any]) -> Callable[[T], tuple[bool, Any]]:
    return lambda row: (key(row) is not None, key(row))


def sort_in_memory(rows: Sequence[T], order: list[tuple[Callable[[T], Any], bool]]) -> list[T]:
    """Stable multi-key sort for rows computed in Python; None sorts first ascending."""
    result = list(rows)
    for key, descending in reversed(order):
        result.sort(key=_none_first(key), reverse=descending)
    return result


def casefold(key: Callable[[T], Any]) -> Callable[[T], Any]:
    """A sort key comparing text case-insensitively, as the database's lower() ordering would."""

    def wrapped(row: T) -> Any:
        value = key(row)
        return value.lower() if isinstance(value, str) else value

    return wrapped


def field_key(name: str) -> Callable[[Mapping[str, Any]], Any]:
    """Sort key of a wire row's field (text case-insensitive)."""
    return casefold(lambda row: row.get(name))


def put_first(rows: Sequence[T], ids: Iterable[int] | None, id_of: Callable[[T], int]) -> list[T]:
    """Rows whose id is in `ids` first, each group keeping its order (the in-memory `ids_first`)."""
    wanted = set(ids or ())
    if not wanted:
        return list(rows)
    return [r for r in rows if id_of(r) in wanted] + [r for r in rows if id_of(r) not in wanted]


# --------------------------------------------------------------------------- search


def search_condition(search: str | None, text_columns: Sequence[Any],
                     id_column: Any | None = None) -> ColumnElement[bool] | None:
    """Rows whose text columns contain `search` (case-insensitive, `%`/`_` literal), or whose id is it; None when
    the search is blank (no filter)."""
    needle = (search or "").strip()
    if not needle:
        return None
    conditions: list[ColumnElement[bool]] = [
        func.lower(column).contains(needle.lower(), autoescape=True) for column in text_columns
    ]
    if id_column is not None and (wanted := db_id_or_none(needle)) is not None:
        conditions.append(id_column == wanted)
    return or_(*conditions)


def where_search(stmt: Select[Any], search: str | None, text_columns: Sequence[Any],
                 id_column: Any | None = None) -> Select[Any]:
    condition = search_condition(search, text_columns, id_column)
    return stmt if condition is None else stmt.where(condition)


def text_matches(search: str | None, texts: Iterable[Any]) -> bool:
    """The in-memory `search_condition`: any of `texts` (lists are looked into) contains the needle."""
    needle = (search or "").strip().lower()
    if not needle:
        return True
    for value in texts:
        values = value if isinstance(value, list) else [value]
        if any(v is not None and needle in str(v).lower() for v in values):
            return True
    return False


# --------------------------------------------------------------------------- paging


def page_offset(page_no: int | None, no_of_entries: int | None, offset: int | None = None) -> tuple[int, int | None]:
    """(offset, limit): an explicit offset wins over pageNo; no page size means every row from the offset."""
    if no_of_entries is None:
        return (offset or 0, None)
    if offset is not None:
        return (offset, no_of_entries)
    return (((page_no or 1) - 1) * no_of_entries, no_of_entries)


def count(session: Session, stmt: Select[Any]) -> int:
    """COUNT(*) of a query's rows, in SQL."""
    return int(session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)


def fetch_page(session: Session, stmt: Select[Any], order: list[tuple[Any, bool]], *, tiebreak: Any | None,
               offset: int, limit: int | None) -> tuple[list[Any], int]:
    """(one page of rows, how many rows the query matches): sorted, counted and paged in SQL."""
    matching = count(session, stmt)
    return list(session.scalars(_paged(stmt, order, tiebreak, offset, limit))), matching


def fetch_counted_page(session: Session, stmt: Select[*tuple[Any, ...]], order: list[tuple[Any, bool]], *,
                       tiebreak: Any | None, offset: int, limit: int | None) -> tuple[list[Row[Any]], int]:
    """As `fetch_page`, in one statement: each row of the page carries the count of every matching row
    (`count(*) OVER ()`, as its last column); only a page past the end counts again. The rows are the
    statement's own (columns, not entities). Not under DISTINCT: the window would count the rows before
    they are made distinct."""
    counted = stmt.add_columns(func.count().over().label("matching_rows"))
    rows = list(session.execute(_paged(counted, order, tiebreak, offset, limit)).all())
    if rows:
        return rows, int(rows[0][-1])
    return [], count(session, stmt) if offset else 0


def _paged(stmt: Select[Any], order: list[tuple[Any, bool]], tiebreak: Any | None, offset: int,
           limit: int | None) -> Select[Any]:
    page = apply_sort(stmt, order, tiebreak).offset(offset)
    return page if limit is None else page.limit(limit)


def page_rows(rows: Sequence[T], offset: int, limit: int | None) -> list[T]:
    """The in-memory page of rows computed in Python."""
    return list(rows[offset: offset + limit] if limit is not None else rows[offset:])
