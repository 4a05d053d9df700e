"""ClickHouse runs the report engine's statements without `aggregate_functions_null_for_empty` (the store sets it so
that a sum of no rows is NULL, as on DuckDB and PostgreSQL): the engine's aggregates are counts and
`coalesce(sum(...), 0)`, which answer the same either way, and plain sums cost ClickHouse less than Nullable ones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adplane.analytics import clickhouse
from adplane.reports import query
from adplane.reports.catalog import find_dimension
from conftest import ANALYTICS_STORES
from test_clickhouse_running_layout import url  # noqa: F401 (the fixture: chDB in-process and over HTTP)
from test_events_store import T0, make_events

pytestmark = pytest.mark.skipif("chdb" not in ANALYTICS_STORES, reason="the ClickHouse store runs on chDB")


@pytest.fixture
def store(url):  # noqa: ANN001, ANN201, F811
    store = clickhouse.ClickHouseStore(url)
    store.append_events(make_events(2000, campaigns=(1, 2, 3)), batch_id="report-statements")
    yield store
    store.reset()
    store.close()


def test_only_report_statements_make_no_nulls_of_empty_sums(store):
    nothing = "SELECT sum(ow_id), count(*) FROM events WHERE campaign_id = ?"
    assert store.query(nothing, [99]) == [(None, 0)]  # the store's own statements: as DuckDB and PostgreSQL
    assert store.query_report(nothing, [99]) == [(0, 0)]
    assert store.query_report("SELECT coalesce(sum(media_cost), 0) FROM events WHERE campaign_id = ?", [99]) == \
        store.query("SELECT coalesce(sum(media_cost), 0) FROM events WHERE campaign_id = ?", [99])


@pytest.mark.parametrize("daily", [True, False])
def test_the_engines_statements_answer_the_same_either_way(store, daily):
    report = query.ReportQuery(ow_id=7, dimensions=[find_dimension("campaign"), find_dimension("state")],
                               start=T0 + timedelta(hours=5), end=T0 + timedelta(days=2, hours=5),
                               zone_name="US/Eastern", daily=daily, backend="clickhouse",
                               bases=["impressions", "clicks", "media_cost"])
    source = query.choose_source(report)
    grouped, params, names = query.grouped_sql(report, source)
    statements = [query.ordered_sql(grouped, [], names[:-3], 5, 0, window_totals=["impressions", "media_cost"])[0],
                  query.count_sql(grouped), query.totals_sql(report, source)[0]]
    for sql in statements:
        rows = store.query_report(sql, params)
        assert rows and rows == store.query(sql, params)
    empty = query.ReportQuery(ow_id=8, dimensions=[], start=report.start, end=report.end, zone_name="US/Eastern",
                              daily=False, backend="clickhouse", bases=["impressions", "media_cost"])
    sql, empty_params, _ = query.totals_sql(empty, query.choose_source(empty))
    assert store.query_report(sql, empty_params) == store.query(sql, empty_params) == [(0, 0)]


def projections(store: clickhouse.ClickHouseStore) -> list[str]:
    return [row[0] for row in store.query("SELECT name FROM system.projections WHERE database = currentDatabase() "
                                          "AND table = 'events'")]


def test_events_are_also_kept_in_time_order(store):
    """A projection ordered by time holds what a running-total report reads of raw events at its edges."""
    assert projections(store) == [clickhouse.TIME_PROJECTION]
    columns = store.dialect.time_projection()
    for name in ("event_time", "event_type", "campaign_id", "state_id", "device_type_id", "media_cost"):
        assert name in columns
    # the retention purge's lightweight DELETE of a cut day rewrites the projection of the parts it touches
    cut = T0 + timedelta(hours=30)
    store.purge_events_before(cut)
    assert store.query("SELECT count(*) FROM events WHERE event_time < ?", [cut]) == [(0,)]
    assert store.query_report("SELECT count(*) FROM events WHERE ow_id = ? AND event_time >= ?", [7, cut]) == \
        store.query("SELECT count(*) FROM events WHERE ow_id = ? AND event_time >= ?", [7, cut])


def test_a_store_made_before_the_projection_gets_it_on_open(url):  # noqa: F811
    store = clickhouse.ClickHouseStore(url)
    try:
        store.append_events(make_events(500), batch_id="before-projection")
        store.execute(f"ALTER TABLE events DROP PROJECTION {clickhouse.TIME_PROJECTION}")
        assert projections(store) == []
    finally:
        store.close()
    store = clickhouse.ClickHouseStore(url)
    try:
        assert projections(store) == [clickhouse.TIME_PROJECTION]
        store.append_events(make_events(500, seed=2), batch_id="after-projection")
        assert store.query("SELECT count(*) FROM events") == [(1000,)]
    finally:
        store.reset()
        store.close()
