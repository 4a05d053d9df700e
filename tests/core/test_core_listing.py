"""The list toolkit: id lists, sortBy, search and paging, the SQL parts on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from adplane.core.errors import ValidationFailed
from adplane.core.listing import (
    fetch_page,
    ids_first,
    page_offset,
    page_rows,
    parse_ids,
    parse_ids_filter,
    parse_sort,
    put_first,
    sort_in_memory,
    text_matches,
    where_search,
)
from adplane.core.schemas import MAX_DB_INT, MAX_ID_LIST


def _field_of(call) -> str:  # noqa: ANN001 - a zero-argument callable expected to raise
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert caught.value.status_code == 422
    return caught.value.error_objects[0]["field"]


def test_parse_ids_accepts_text_numbers_and_lists_in_order_without_repeats():
    assert parse_ids("3, 1,,3 ,2", "ioIds") == [3, 1, 2]
    assert parse_ids(7, "ioIds") == [7]
    assert parse_ids([5, "4", 5.0], "ioIds") == [5, 4]
    assert parse_ids(None, "ioIds") == [] and parse_ids(" , ", "ioIds") == []
    assert parse_ids_filter("", "ioIds") is None and parse_ids_filter("2", "ioIds") == [2]
    assert parse_ids(str(MAX_DB_INT), "ioIds") == [MAX_DB_INT]
    assert len(parse_ids(list(range(1, MAX_ID_LIST + 1)), "ioIds")) == MAX_ID_LIST


@pytest.mark.parametrize("value", ["x", "1,x", "0", "-3", "1.5", "²", str(MAX_DB_INT + 1), "99999999999", True,
                                   [True], [0], [1.5], {"a": 1}, list(range(1, MAX_ID_LIST + 2))])
def test_parse_ids_rejects_bad_input_naming_the_field(value):
    assert _field_of(lambda: parse_ids(value, "campaignIds")) == "campaignIds"


def test_parse_ids_required():
    assert _field_of(lambda: parse_ids("", "pldIds", required=True)) == "pldIds"


def test_parse_sort_signs_order_and_defaults():
    allowed = {"id": "ID", "name": "NAME"}
    assert parse_sort("-name,+id", allowed, "id") == [("NAME", True), ("ID", False)]
    assert parse_sort(None, allowed, "-id") == [("ID", True)]
    assert parse_sort("name", allowed, "id", order="desc") == [("NAME", True)]
    assert parse_sort("name,+id", allowed, "id", order="DESC") == [("NAME", True), ("ID", False)]
    assert parse_sort(None, allowed, "id", default_order="desc") == [("ID", True)]
    for bad in ("nope", "+", "id,-", ","):
        assert _field_of(lambda bad=bad: parse_sort(bad, allowed, "id")) == "sortBy"
    assert _field_of(lambda: parse_sort("id", allowed, "id", order="sideways")) == "order"


def test_paging_and_in_memory_helpers():
    assert page_offset(3, 10) == (20, 10)
    assert page_offset(3, 10, offset=5) == (5, 10)
    assert page_offset(None, None, offset=4) == (4, None)
    assert page_rows(list(range(10)), 8, 5) == [8, 9] and page_rows(list(range(4)), 1, None) == [1, 2, 3]
    rows = [{"id": 1, "n": "b"}, {"id": 2, "n": None}, {"id": 3, "n": "A"}]
    ordered = sort_in_memory(rows, [(lambda r: (r["n"] or "").lower() or None, False)])
    assert [r["id"] for r in ordered] == [2, 3, 1]
    assert [r["id"] for r in put_first(ordered, [1], lambda r: r["id"])] == [1, 2, 3]
    assert text_matches(" a ", ["xAy"]) and text_matches("", []) and text_matches("7", [None, [5, 17]])
    assert not text_matches("q", ["abc", None, [1]])


@pytest.fixture
def things(db) -> Iterator[Table]:  # noqa: ANN001 - the database fixture
    metadata = MetaData()
    table = Table("listing_things", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))
    metadata.create_all(db.engine)
    names = ["Alpha", "beta 100%", "Gamma_1", "gammax1", "delta", "EPSILON", "zeta", "eta 12", "theta", "iota"]
    with db.engine.begin() as conn:
        conn.execute(table.insert(), [{"id": i, "name": name} for i, name in enumerate(names, start=1)])
    yield table
    metadata.drop_all(db.engine)


def _names(db, table: Table, search: str | None, *, order=None, offset=0, limit=None, first=None):  # noqa: ANN001, ANN202
    stmt = where_search(select(table.c.name), search, [table.c.name], table.c.id)
    sort = ids_first(table.c.id, first) + (order or [(table.c.id, False)])
    with db.session() as session:
        rows, matching = fetch_page(session, stmt, sort, tiebreak=table.c.id, offset=offset, limit=limit)
    return rows, matching


def test_search_is_case_insensitive_with_literal_wildcards_and_matches_ids(db, things):
    assert _names(db, things, "GAMMA") == (["Gamma_1", "gammax1"], 2)
    assert _names(db, things, "a_1") == (["Gamma_1"], 1)  # `_` is a character, not "any one"
    assert _names(db, things, "%") == (["beta 100%"], 1)
    assert _names(db, things, "12") == (["eta 12"], 1)  # in the name; no row has id 12
    assert _names(db, things, "6") == (["EPSILON"], 1)  # the id
    assert _names(db, things, "  ")[1] == 10


def test_fetch_page_counts_sorts_and_pages_in_sql(db, things):
    rows, matching = _names(db, things, "a", order=[(things.c.name, True)], offset=1, limit=3)
    assert matching == 9 and rows == ["theta", "iota", "gammax1"]
    rows, matching = _names(db, things, None, offset=2, limit=3, first=[9, 1])
    assert matching == 10 and rows == ["beta 100%", "Gamma_1", "gammax1"]
    rows, _ = _names(db, things, None, limit=3, first=[9, 4])
    assert rows == ["gammax1", "theta", "Alpha"]
