"""A store made before a measure existed (a data dir of an earlier adplane) keeps working once the measure is
added: opening it adds the column to every rollup and running-total table (0 is exact: the measure's events did
not exist), new batches count it, compaction and rebuilds keep every sum, and reports read it. On every store:
DuckDB / PostgreSQL (the database's own) and ClickHouse through chDB, whose rollup views are made again."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

from adplane.analytics import clickhouse, dialect, running
from adplane.analytics.counters import delivery_by_campaign
from adplane.analytics.rollups import MEASURE_NAMES, MEASURES, ROLLUPS
from adplane.analytics.store import open_store
from adplane.core.settings import Settings
from test_events_ingest import make_campaign
from test_events_store import make_events

ADDED = ("attributed_views", "attributed_clicks")
OLD_MEASURES = tuple(m for m in MEASURES if m.name not in ADDED)
T0 = datetime(2026, 3, 1, tzinfo=UTC)
REPORT_DAY = datetime(2026, 3, 10, 4, tzinfo=UTC)  # midnight of a day of timezone 29 (US/Eastern, EDT)
ATTRIBUTED_KEYS = ("totalAttributedConversion", "totalAttributedViewThroughConversion",
                   "totalAttributedClickThroughConversion", "costPerAttributedConversion",
                   "totalAttributedConversionRate")


@pytest.fixture
def analytics_url(every_analytics_url):  # noqa: ANN001, ANN201
    return every_analytics_url


@pytest.fixture
def settings(tmp_path, database_url: str, analytics_url: str | None) -> Iterator[Settings]:  # noqa: ANN001
    """The test's settings with a PostgreSQL analytics schema of its own: the store is made from nothing, as
    the earlier build made it."""
    schema = f"analytics_old_{uuid.uuid4().hex[:10]}"
    yield Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret-key",
                   run_background_jobs=False, analytics_url=analytics_url, analytics_schema=schema)
    if database_url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def open_as_before(settings: Settings, monkeypatch: pytest.MonkeyPatch, campaign: dict):  # noqa: ANN201
    """The store as the build before the attributed measures made it (their columns and views absent), with
    events of then: of campaigns 1-3 of organization 7, and 200 impressions of `campaign` (a report's)."""
    with monkeypatch.context() as before:
        for module in (dialect, clickhouse, running):
            before.setattr(module, "MEASURES", OLD_MEASURES)
        old = open_store(settings)
        old.append_events(make_events(1500, seed=41), batch_id="before")
        old.append_events(pa.Table.from_pylist([
            {"event_time": REPORT_DAY + timedelta(minutes=5 * i), "event_type": "impression",
             "ow_id": campaign["ow_id"], "io_id": campaign["io_id"], "campaign_id": campaign["campaign_id"],
             "creative_id": campaign["creative_id"], "creative_type_id": 11, "media_cost": Decimal("0.002")}
            for i in range(200)]), batch_id="before-report")
        return old


def measure_columns(store, table: str) -> set[str]:  # noqa: ANN001
    if store.backend == "clickhouse":
        sql = "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = ?"
    elif store.backend == "postgresql":
        sql = "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
        return {r[0] for r in store.query(sql, [store.dialect.schema, table])} & set(MEASURE_NAMES)
    else:
        sql = ("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
               "AND table_name = ?")
    return {r[0] for r in store.query(sql, [table])} & set(MEASURE_NAMES)


def markers(n: int, start: datetime) -> pa.Table:
    rows = [{"event_time": start + timedelta(minutes=37 * i), "event_type": kind, "ow_id": 7, "io_id": 10 * c,
             "campaign_id": c, "creative_id": 100 * c, "creative_type_id": 11, "exchange_id": 1 + i % 4,
             "state_id": 1 + i % 3, "os": "iOS", "user_id": f"u{i}"}
            for i in range(n) for c in [1 + i % 3]
            for kind in ["conversion", "attributed_click" if i % 3 == 0 else "attributed_view"]]
    return pa.Table.from_pylist(rows)


def assert_rollups_equal_raw(store) -> None:  # noqa: ANN001
    sums = ", ".join(f"sum({m})" for m in MEASURE_NAMES)
    raw = [e.rsplit(" AS ", 1)[0] for e in store.dialect.measure_exprs()]
    for rollup in ROLLUPS:
        where = f" WHERE {rollup.where}" if rollup.where else ""
        got = [int(v) if v is not None else 0 for v in store.query(f"SELECT {sums} FROM {rollup.table}")[0]]
        want = [int(v) if v is not None else 0 for v in store.query(f"SELECT {', '.join(raw)} FROM events{where}")[0]]
        assert got == want, rollup.table


def test_an_existing_store_gets_the_added_measures(request, settings, db, tenant, monkeypatch):
    campaign = make_campaign(db, tenant["owId"], start=REPORT_DAY - timedelta(days=2))
    old = open_as_before(settings, monkeypatch, campaign)
    tables = [*(r.table for r in ROLLUPS), *running.RUNNING_BY_TABLE]
    assert all(measure_columns(old, t) == set(MEASURE_NAMES) - set(ADDED) for t in tables)
    old.close()

    store = open_store(settings)
    try:
        assert all(measure_columns(store, t) == set(MEASURE_NAMES) for t in tables)
        for rollup in ROLLUPS:  # the rows written before: 0, exactly what their (absent) events make
            assert store.query(f"SELECT count(*), sum(attributed_views), sum(attributed_clicks) "
                               f"FROM {rollup.table}")[0][1:] == (0, 0), rollup.table
        store.append_events(markers(60, T0 + timedelta(hours=2)), batch_id="after")
        assert store.query("SELECT sum(attributed_views), sum(attributed_clicks) FROM rollup_campaign_hourly") == [
            (40, 20)]
        assert_rollups_equal_raw(store)
        store.compact_rollups()  # rewrites every row: columns by name, the added ones last in the old tables
        assert_rollups_equal_raw(store)
        store.rebuild_rollups(start=T0, end=T0 + timedelta(days=1))
        assert_rollups_equal_raw(store)
        store.refresh_running_totals()
        got = store.query("SELECT sum(attributed_views), sum(attributed_clicks), sum(impressions) "
                          "FROM running_geo_device WHERE period_start = ?", [T0 + timedelta(days=3)])[0]
        raw = store.query("SELECT count(*) FILTER (WHERE event_type = 'attributed_view'), count(*) FILTER "
                          "(WHERE event_type = 'attributed_click'), count(*) FILTER (WHERE event_type = "
                          "'impression') FROM events WHERE event_time < ?", [T0 + timedelta(days=3)])[0]
        assert tuple(int(v) for v in got) == tuple(int(v) for v in raw)
        totals = delivery_by_campaign(store, [1, 2, 3])
        assert sum(t.attributed_views for t in totals.values()) == 40
        assert sum(t.attributed_clicks for t in totals.values()) == 20
    finally:
        store.close()
    again = open_store(settings)  # a second open finds nothing to add
    try:
        assert all(measure_columns(again, t) == set(MEASURE_NAMES) for t in tables)
        again.append_events(markers(3, T0 + timedelta(hours=50)), batch_id="later")
        assert_rollups_equal_raw(again)
    finally:
        again.close()

    # the app opens the same store; a report of attributed figures reads them (before: 0s), after: the markers
    headers, client = request.getfixturevalue("headers"), request.getfixturevalue("client")
    body = {"reportName": "r", "startDate": int(REPORT_DAY.timestamp() * 1000),
            "endDate": int((REPORT_DAY + timedelta(days=1)).timestamp() * 1000),
            "dimensions": json.dumps([{"filter": "campaign"}]), "requestType": 2, "timezoneId": 29,
            "columns": ["campaignId", "impressions", *ATTRIBUTED_KEYS]}
    data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    assert [(r["campaignId"], r["impressions"], *(r[k] for k in ATTRIBUTED_KEYS)) for r in data["data"]] == [
        (campaign["campaign_id"], 200, 0, 0, 0, 0.0, 0.0)]
    kinds = ["attributed_view", "attributed_click", "attributed_view"]
    client.app.state.analytics.append_events(pa.Table.from_pylist([
        {"event_time": REPORT_DAY + timedelta(hours=3 + i), "event_type": kind, "ow_id": campaign["ow_id"],
         "io_id": campaign["io_id"], "campaign_id": campaign["campaign_id"], "creative_id": campaign["creative_id"],
         "creative_type_id": 11} for i, kind in enumerate(kinds)]), batch_id="report-markers")
    data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    row = data["data"][0]
    assert (row["impressions"], *(row[k] for k in ATTRIBUTED_KEYS)) == (
        200, 3, 2, 1, pytest.approx(0.4 / 3), pytest.approx(1.5))
    assert data["total"]["totalAttributedConversion"] == 3
