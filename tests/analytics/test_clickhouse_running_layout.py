"""ClickHouse keeps running-total checkpoints ordered by time first: every read of them asks for one instant
(a report's two checkpoints, a refresh's previous one), which is then a few granules instead of a scan of the
month's partition. A store made when they were ordered by campaign first gets the table made again on open,
its checkpoints marked invalid (no report reads them meanwhile) and built again by the next refresh."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from adplane.analytics import clickhouse, dialect, running
from adplane.analytics.rollups import MEASURES
from conftest import ANALYTICS_STORES
from test_events_store import make_events
from test_store_added_measures import OLD_MEASURES

pytestmark = pytest.mark.skipif("chdb" not in ANALYTICS_STORES, reason="the ClickHouse store runs on chDB")
TABLE = "running_geo_device"
OLD_KEY = "ow_id, campaign_id, period_start, io_id, creative_type_id, state_id, device_type_id"


@pytest.fixture(params=["chdb", "clickhouse-http"])
def url(request: pytest.FixtureRequest, chdb_dir: Path) -> Iterator[str]:
    """The store in-process, and through the network client (clickhouse-connect) against tests/chdb_http.py."""
    database = f"t_{uuid.uuid4().hex[:12]}"
    if request.param == "chdb":
        yield f"chdb://{chdb_dir}?database={database}"
    else:
        yield f"clickhouse://default@127.0.0.1:{request.getfixturevalue('chdb_http').port}/{database}"
    conn = clickhouse.connect(f"chdb://{chdb_dir}?database={database}")
    try:
        conn.command(f"DROP DATABASE IF EXISTS {database}")
    finally:
        conn.close()


def sorting_key(store: clickhouse.ClickHouseStore) -> str:
    return store.query("SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = ?",
                       [TABLE])[0][0]


def order_by_campaign_first(patch: pytest.MonkeyPatch) -> None:
    """Make running-total tables as the earlier build did (rollups keep their order)."""
    current = clickhouse.ClickHouseDialect.sorting_key
    patch.setattr(clickhouse.ClickHouseDialect, "sorting_key", staticmethod(
        lambda rollup, *, running_totals=False: OLD_KEY if running_totals else current(rollup)))


def checkpoints_match_raw(store: clickhouse.ClickHouseStore) -> int:
    """Every checkpoint's sums equal the raw events before it; returns how many were compared."""
    instants = [row[0] for row in store.query(f"SELECT DISTINCT period_start FROM {TABLE} ORDER BY 1")]
    for instant in instants:
        got = store.query(f"SELECT sum(events), sum(impressions), sum(media_cost) FROM {TABLE} "
                          "WHERE period_start = ?", [instant])[0]
        want = store.query("SELECT count(*), count(*) FILTER (WHERE event_type = 'impression'), sum(media_cost) "
                           "FROM events WHERE event_time < ?", [instant])[0]
        assert (int(got[0]), int(got[1]), round(float(got[2]), 6)) == \
            (int(want[0]), int(want[1]), round(float(want[2]), 6)), instant
    return len(instants)


def test_checkpoints_are_ordered_by_time_first(url):
    store = clickhouse.ClickHouseStore(url)
    try:
        assert sorting_key(store).replace(" ", "").startswith("period_start,ow_id,")
        store.append_events(make_events(900, seed=5, hours=24 * 5), batch_id="b1")
        assert store.refresh_running_totals() > 0
        assert checkpoints_match_raw(store) >= 4
    finally:
        store.close()


def test_a_store_ordered_by_campaign_first_gets_its_checkpoints_made_again(url, monkeypatch):
    with monkeypatch.context() as before:
        order_by_campaign_first(before)
        old = clickhouse.ClickHouseStore(url)
        old.append_events(make_events(900, seed=6, hours=24 * 5), batch_id="b1")
        assert old.refresh_running_totals() > 0
        assert sorting_key(old).replace(" ", "") == OLD_KEY.replace(" ", "")
        generation = old.running_state()[TABLE].generation
        old.close()

    store = clickhouse.ClickHouseStore(url)
    try:
        assert sorting_key(store).replace(" ", "").startswith("period_start,ow_id,")
        state = store.running_state()[TABLE]
        assert state.valid_through is None and state.generation > generation  # readers planned before ask again
        assert store.query(f"SELECT count(*) FROM {TABLE}") == [(0,)]
        assert store.query("SELECT count(*) FROM events") == [(900,)]  # only the derived table was made again
        assert store.refresh_running_totals() > 0
        assert checkpoints_match_raw(store) >= 4
        newest = store.query("SELECT max(event_time) FROM events")[0][0]
        assert store.running_state()[TABLE].valid_through == running.utc_midnight(newest)
    finally:
        store.close()

    again = clickhouse.ClickHouseStore(url)  # the new layout is kept, checkpoints and all
    try:
        assert again.running_state()[TABLE].valid_through is not None
        assert checkpoints_match_raw(again) >= 4
    finally:
        again.close()


def test_a_store_of_the_old_order_and_without_the_newer_measures_opens(url, monkeypatch):
    """Both upgrades at once: the running-total table is made again with every measure, and the rollups get the
    measures they lack."""
    with monkeypatch.context() as before:
        order_by_campaign_first(before)
        for module in (dialect, clickhouse, running):
            before.setattr(module, "MEASURES", OLD_MEASURES)
        old = clickhouse.ClickHouseStore(url)
        old.append_events(make_events(600, seed=7, hours=24 * 4), batch_id="b1")
        assert old.refresh_running_totals() > 0
        old.close()

    store = clickhouse.ClickHouseStore(url)
    try:
        assert sorting_key(store).replace(" ", "").startswith("period_start,ow_id,")
        columns = {row[0] for row in store.query("SELECT name FROM system.columns WHERE database = currentDatabase() "
                                                 "AND table = ?", [TABLE])}
        assert {m.name for m in MEASURES} <= columns
        assert store.refresh_running_totals() > 0
        assert checkpoints_match_raw(store) >= 3
    finally:
        store.close()
