"""A report page names its rows from the application DB: only the page's ids are read, never another
organization's names, and an id the organization does not know is shown as itself."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from adplane.reports.catalog import find_dimension
from adplane.reports.labels import Labels
from test_reports_data import io_id_of, make_campaigns


@contextmanager
def _statements(db: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_page_reads_the_names_of_its_own_ids_only(db, make_tenant):
    ow_id = make_tenant()["owId"]
    other = make_tenant(organization="Org B", email="admin@b.test")["owId"]
    ours = make_campaigns(db, ow_id, count=3, first_id=1)
    theirs = make_campaigns(db, other, count=2, first_id=10)
    our_io, their_io = io_id_of(db, ow_id), io_id_of(db, other)
    campaign, io = find_dimension("campaign"), find_dimension("insertionOrder")
    with _statements(db) as statements, db.session() as session:
        labels = Labels(session, ow_id)
        labels.prefetch(campaign, [ours[0], ours[2], theirs[0], None])
        labels.prefetch(io, [our_io, their_io])
        prefetches = list(statements)
        assert labels.label(campaign, ours[0]) == f"Campaign A of {ow_id}"
        assert labels.label(campaign, ours[2]) == f"Campaign C of {ow_id}"
        assert labels.label(campaign, theirs[0]) == str(theirs[0])  # another organization's: not named
        assert labels.label(campaign, None) == "Unknown"
        assert labels.label(io, our_io) == f"IO {ow_id}"
        assert labels.label(io, their_io) == str(their_io)
        assert labels.attributes(ours[0])["budgetDay"] == 100.5
        assert labels.attributes(theirs[0]) == {}
        assert len(statements) == len(prefetches) + 1  # the attributes of an id the organization lacks
        # an id not prefetched: the organization's whole list, still its own only
        assert labels.label(campaign, ours[1]) == f"Campaign B of {ow_id}"
        assert labels.label(campaign, theirs[1]) == str(theirs[1])
    # one read per dimension, each for the page's ids only
    assert len(prefetches) == 2
    assert all(" IN (" in s for s in prefetches)
