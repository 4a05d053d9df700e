"""The analytics store (DuckDB, PostgreSQL and ClickHouse through chDB), its rollups and the delivery counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pytest

from adplane.analytics.counters import delivery_by_campaign, delivery_by_io, spend_today
from adplane.analytics.rollups import MEASURE_NAMES, ROLLUPS, smallest_covering

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture
def analytics_url(every_store_url):  # noqa: ANN001, ANN201
    """Every analytics store: the database's own (DuckDB / PostgreSQL), ClickHouse in-process (chDB) and
    ClickHouse over HTTP (clickhouse-connect against tests/chdb_http.py)."""
    return every_store_url


TYPES = ["impression", "impression", "impression", "click", "video_start", "video_complete", "conversion", "bid"]


def make_events(n: int, seed: int = 1, campaigns=(1, 2, 3), start: datetime = T0, hours: int = 72) -> pa.Table:
    rng = np.random.default_rng(seed)
    campaign = rng.choice(np.array(campaigns), n)
    offsets = rng.integers(0, hours * 3600 * 1_000_000, n)
    times = np.datetime64(start.replace(tzinfo=None), "us") + offsets.astype("timedelta64[us]")
    media = np.round(rng.uniform(0.0005, 0.004, n), 6)
    return pa.table({
        "event_time": pa.array(times, pa.timestamp("us", tz="UTC")),
        "event_type": pa.array(rng.choice(np.array(TYPES), n)),
        "ow_id": pa.array(np.full(n, 7)),
        "io_id": pa.array(campaign * 10),
        "campaign_id": pa.array(campaign),
        "creative_id": pa.array(campaign * 100 + rng.integers(0, 3, n)),
        "creative_type_id": pa.array(np.full(n, 11)),
        "exchange_id": pa.array(rng.integers(1, 5, n)),
        "state_id": pa.array(rng.choice(np.array([1, 2, 3]), n)),
        "os": pa.array(rng.choice(np.array(["iOS", "Android"]), n)),
        "npi": pa.array([None if i % 3 else f"{1000000000 + i}" for i in range(n)], pa.string()),
        "media_cost": pa.array(media),
        "data_cost": pa.array(np.round(media * 0.1, 6)),
        "platform_margin": pa.array(np.round(media * 0.25, 6)),
    })


def raw_totals(store, campaign_id, start=None, end=None):
    sql = ("SELECT count(*) FILTER (WHERE event_type = 'impression'), count(*) FILTER (WHERE event_type = 'click'),"
           " coalesce(sum(media_cost + data_cost + platform_margin), 0), min(event_time), max(event_time)"
           " FROM events WHERE campaign_id = ?")
    params = [campaign_id]
    if start:
        sql += " AND event_time >= ?"
        params.append(start)
    if end:
        sql += " AND event_time < ?"
        params.append(end)
    return store.query(sql, params)[0]


def test_append_is_idempotent_by_batch_id(store):
    events = make_events(500)
    first = store.append_events(events, batch_id="batch-1", source="test")
    again = store.append_events(events, batch_id="batch-1", source="test")
    assert (first.stored, first.duplicate) == (500, False)
    assert (again.stored, again.duplicate) == (0, True)
    assert store.query("SELECT count(*) FROM events") == [(500,)]
    assert store.batch_exists("batch-1") and not store.batch_exists("batch-2")
    for rollup in ROLLUPS:
        if rollup.where is None:
            assert store.query(f"SELECT sum(events) FROM {rollup.table}")[0][0] == 500


def test_counters_equal_sums_over_raw_events_whatever_the_range(store):
    store.append_events(make_events(3000, seed=2), batch_id="a")
    store.append_events(make_events(2000, seed=3), batch_id="b")
    ranges = [
        (None, None),
        (T0 + timedelta(hours=5), T0 + timedelta(hours=29)),  # whole hours: rollups only
        (T0 + timedelta(hours=5, minutes=30), T0 + timedelta(hours=29, minutes=30)),  # Asia/Kolkata day
        (T0 + timedelta(hours=3, minutes=10), T0 + timedelta(hours=3, minutes=50)),  # inside one hour
    ]
    for start, end in ranges:
        totals = delivery_by_campaign(store, [1, 2, 3, 99], start=start, end=end)
        assert totals[99].impressions == 0 and totals[99].spend == Decimal(0)
        for campaign_id in (1, 2, 3):
            impressions, clicks, spend, first, last = raw_totals(store, campaign_id, start, end)
            got = totals[campaign_id]
            assert (got.impressions, got.clicks, got.spend) == (impressions, clicks, Decimal(spend))
            assert got.first_event_time == first and got.last_event_time == last
    day = (T0 + timedelta(hours=5), T0 + timedelta(hours=29))
    assert spend_today(store, [2], *day)[2] == Decimal(raw_totals(store, 2, *day)[2])
    by_io = delivery_by_io(store, [10, 20])
    assert by_io[10].impressions == raw_totals(store, 1)[0]


def test_compaction_merges_partial_rows_and_keeps_the_sums(store):
    for i in range(4):
        store.append_events(make_events(400, seed=10 + i), batch_id=f"p{i}")
    before = {r.table: store.query(f"SELECT {', '.join(f'sum({m})' for m in MEASURE_NAMES)} FROM {r.table}")
              for r in ROLLUPS}
    store.compact_rollups(since=T0 + timedelta(hours=24))
    store.compact_rollups()
    for rollup in ROLLUPS:
        keys = ", ".join(rollup.key_columns)
        dupes = store.query(f"SELECT count(*) FROM (SELECT {keys} FROM {rollup.table} GROUP BY {keys} "
                            "HAVING count(*) > 1) d")
        assert dupes == [(0,)]
        after = store.query(f"SELECT {', '.join(f'sum({m})' for m in MEASURE_NAMES)} FROM {rollup.table}")
        assert after == before[rollup.table]


def test_rollups_by_dimension_equal_raw_group_by(store):
    store.append_events(make_events(2000, seed=5), batch_id="x")
    from_rollup = store.query("SELECT state_id, sum(impressions), sum(media_cost) FROM rollup_region_daily "
                              "GROUP BY state_id ORDER BY state_id")
    from_raw = store.query("SELECT state_id, count(*) FILTER (WHERE event_type = 'impression'), sum(media_cost) "
                           "FROM events GROUP BY state_id ORDER BY state_id")
    assert [(a, b, Decimal(c)) for a, b, c in from_rollup] == [(a, b, Decimal(c)) for a, b, c in from_raw]
    npi = store.query("SELECT count(DISTINCT npi), sum(events) FROM rollup_npi_daily")
    assert npi == store.query("SELECT count(DISTINCT npi), count(*) FROM events WHERE npi IS NOT NULL")
    store.rebuild_rollups()
    assert store.query("SELECT sum(events) FROM rollup_campaign_hourly") == [(2000,)]


def test_purge_keeps_rollups(store):
    store.append_events(make_events(1000, seed=6), batch_id="old")
    cutoff = T0 + timedelta(hours=36)
    expected = store.query("SELECT count(*) FROM events WHERE event_time < ?", [cutoff])[0][0]
    assert store.purge_events_before(cutoff) == expected
    assert store.query("SELECT count(*) FROM events WHERE event_time < ?", [cutoff]) == [(0,)]
    assert store.query("SELECT sum(events) FROM rollup_campaign_hourly") == [(1000,)]


def test_query_arrow_and_placeholders_inside_literals(store):
    store.append_events(make_events(50, seed=7), batch_id="q")
    table = store.query_arrow("SELECT campaign_id, count(*) AS n FROM events WHERE os LIKE '%O%' "
                              "AND campaign_id >= ? GROUP BY campaign_id ORDER BY campaign_id", [1])
    assert table.column_names == ["campaign_id", "n"]
    assert sum(table["n"].to_pylist()) == store.query("SELECT count(*) FROM events WHERE os = 'iOS'")[0][0]


def test_registry_picks_the_smallest_covering_rollup():
    assert smallest_covering({"campaign_id"}, "hour").table == "rollup_campaign_hourly"
    assert smallest_covering({"campaign_id", "creative_id"}, "hour").table == "rollup_creative_hourly"
    assert smallest_covering({"state_id"}, "day").table == "rollup_region_daily"
    assert smallest_covering({"state_id"}, "hour") is None
    assert smallest_covering({"zip", "gender_id"}, "day") is None
    assert smallest_covering({"npi", "campaign_id"}, "day").table == "rollup_npi_daily"


def test_the_app_opens_the_store(app):
    assert app.state.analytics.backend in ("duckdb", "postgresql", "clickhouse")


def test_rollups_can_be_deferred_and_rebuilt_for_a_range(store):
    store.append_events(make_events(800, seed=8), batch_id="early")
    store.append_events(make_events(600, seed=9, start=T0 + timedelta(days=5), hours=24), batch_id="late",
                        rollups=())
    assert store.query("SELECT sum(events) FROM rollup_campaign_hourly") == [(800,)]
    store.rebuild_rollups(T0 + timedelta(days=5, hours=3), T0 + timedelta(days=5, hours=4))  # whole UTC days
    for rollup in ROLLUPS:
        if rollup.where is None:
            assert store.query(f"SELECT sum(events), sum(media_cost) FROM {rollup.table}") == store.query(
                "SELECT count(*), sum(media_cost) FROM events")


def test_reads_and_writes_from_many_threads(store):
    from concurrent.futures import ThreadPoolExecutor

    def write(i: int) -> int:
        return store.append_events(make_events(300, seed=100 + i), batch_id=f"t{i}").stored

    def read(_i: int) -> int:
        return delivery_by_campaign(store, [1, 2, 3])[1].events

    with ThreadPoolExecutor(max_workers=6) as pool:
        writes = [pool.submit(write, i) for i in range(6)]
        reads = [pool.submit(read, i) for i in range(12)]
        assert sum(f.result() for f in writes) == 1800
        assert all(f.result() >= 0 for f in reads)
    assert store.query("SELECT count(*) FROM events") == [(1800,)]
    assert store.query("SELECT sum(events) FROM rollup_campaign_hourly") == [(1800,)]


def test_a_rebuild_rewrites_every_rollup_row_as_the_appends_built_it(store):
    """Rebuilt rollups regroup others where they can (the campaign days of every offset from the hours, the
    geo weeks from the geo days); every row, per key, is the one the appends built, for a range that crosses
    a week and for all time, and a batch appended without rollups gets exactly its share. (The running totals'
    checkpoints are another matter: a rebuild builds them all, appends a few days' worth.)"""
    from test_rollups_deferred import rollup_sums

    def every_rollup(store) -> dict[str, list[tuple]]:  # noqa: ANN001
        return {r.table: rollup_sums(store, r.table, r.key_columns) for r in ROLLUPS}

    store.append_events(make_events(1500, seed=12, start=T0 - timedelta(days=6), hours=24 * 16), batch_id="weeks")
    built = every_rollup(store)
    store.rebuild_rollups(T0 + timedelta(days=3, hours=20), T0 + timedelta(days=4, hours=2))
    assert every_rollup(store) == built
    store.rebuild_rollups()
    assert every_rollup(store) == built
    late = make_events(400, seed=13, start=T0 + timedelta(days=2), hours=30)
    store.append_events(late, batch_id="late", rollups=())
    store.rebuild_rollups(T0 + timedelta(days=2), T0 + timedelta(days=3, hours=6))
    rebuilt = every_rollup(store)
    store.rebuild_rollups()
    assert every_rollup(store) == rebuilt != built


def test_postgresql_bulk_operations_leave_planner_statistics(store):
    """A rebuild, a compaction and new checkpoints VACUUM (ANALYZE) what they rewrote: the planner must not
    size a 125,000-row checkpoint as 92 rows until an autovacuum that may be off comes by."""
    if store.backend != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    from adplane.analytics.running import RUNNING_BY_TABLE

    def estimated(table: str) -> float:
        # reltuples: -1 until a table is first vacuumed or analyzed, then its row count as last measured
        return store.query("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", [table])[0][0]

    def rows(table: str) -> int:
        return store.query(f"SELECT count(*) FROM {table}")[0][0]

    hourly, geo = "rollup_campaign_hourly", next(iter(RUNNING_BY_TABLE))
    store.append_events(make_events(3000, seed=5), batch_id="a")
    store.rebuild_rollups()
    assert estimated(hourly) == rows(hourly) > 0
    assert estimated(geo) == rows(geo) > 0
    store.append_events(make_events(3000, seed=6, start=T0 + timedelta(days=1)), batch_id="b", build_checkpoints=False)
    store.compact_rollups()
    assert estimated(hourly) == rows(hourly)
    assert store.refresh_running_totals() > 0
    assert estimated(geo) == rows(geo)
