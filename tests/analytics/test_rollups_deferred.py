"""Deferred rollups of the embedded store (`adplane.analytics.pending`): an append with a batch id is committed
with its events and an entry in the pending list; the rollups and running totals are built later, and any read
of them builds what is pending first. Every figure is compared with a store that builds them in the append."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from prometheus_client import REGISTRY

from adplane.analytics import pending, running
from adplane.analytics import store as store_module
from adplane.analytics.counters import delivery_by_campaign
from adplane.analytics.rollups import MEASURE_NAMES, ROLLUPS
from adplane.analytics.store import DuckDBStore
from test_events_store import T0, make_events

BATCHES = [(f"b{i}", make_events(700, seed=60 + i, start=T0 + timedelta(days=i), hours=30)) for i in range(4)]


def rollup_sums(store: DuckDBStore, table: str, keys: tuple[str, ...]) -> list[tuple]:
    """A rollup's measures per key (partial rows of several appends summed)."""
    measures = ", ".join(f"sum({m})" for m in MEASURE_NAMES)
    names = ", ".join(keys)
    return store.query(f"SELECT {names}, {measures} FROM {table} GROUP BY {names} ORDER BY {names}")


def every_rollup(store: DuckDBStore) -> dict[str, list[tuple]]:
    tables = {r.table: r.key_columns for r in ROLLUPS}
    tables |= {r.table: r.daily.key_columns for r in running.RUNNING_TOTALS}
    return {table: rollup_sums(store, table, keys) for table, keys in tables.items()}


def pending_ids(store: DuckDBStore) -> list[str]:
    return [r[0] for r in store.query(f"SELECT batch_id FROM {pending.PENDING_TABLE} ORDER BY batch_id")]


@pytest.fixture
def stores(tmp_path: Path):  # noqa: ANN201
    deferred, immediate = DuckDBStore(tmp_path / "deferred.duckdb"), DuckDBStore(tmp_path / "immediate.duckdb",
                                                                                 defer_rollups=False)
    yield deferred, immediate
    deferred.close()
    immediate.close()


def test_appends_are_acknowledged_before_their_rollups_and_reads_see_them_exactly(stores):
    deferred, immediate = stores
    for batch_id, events in BATCHES:
        assert deferred.append_events(events, batch_id=batch_id, defer=True).stored == 700
        immediate.append_events(events, batch_id=batch_id)
    assert deferred.pending_events() == 2800 and pending_ids(deferred) == ["b0", "b1", "b2", "b3"]
    assert deferred.query("SELECT count(*) FROM events") == [(2800,)]  # raw reads need not wait
    assert deferred.pending_events() == 2800
    assert deferred.query("SELECT count(*) FROM rollup_campaign_hourly")[0][0] > 0  # a rollup read settles all
    assert deferred.pending_events() == 0 and pending_ids(deferred) == []
    assert every_rollup(deferred) == every_rollup(immediate)
    assert deferred.running_state() == immediate.running_state()
    # an append without a batch id (nothing to name it by in the list) builds its rollups itself, and so does
    # one that does not ask (the simulator's, which reads the totals next)
    deferred.append_events(make_events(50, seed=70), defer=True)
    deferred.append_events(make_events(50, seed=71), batch_id="simulated")
    assert deferred.pending_events() == 0


def test_counters_and_checkpoints_read_through_the_pending_list(stores):
    deferred, immediate = stores
    for batch_id, events in BATCHES:
        deferred.append_events(events, batch_id=batch_id, defer=True)
        immediate.append_events(events, batch_id=batch_id)
    start, end = T0 + timedelta(hours=5, minutes=30), T0 + timedelta(days=2, hours=7)
    assert delivery_by_campaign(deferred, [1, 2, 3], start=start, end=end) == delivery_by_campaign(
        immediate, [1, 2, 3], start=start, end=end)
    assert deferred.pending_events() == 0
    valid = deferred.running_state()["running_geo_device"].valid_through
    assert valid is not None and valid == immediate.running_state()["running_geo_device"].valid_through


def test_the_pending_list_survives_a_crash(tmp_path: Path):
    path = tmp_path / "crash.duckdb"
    first = DuckDBStore(path)
    first.append_events(BATCHES[0][1], batch_id="before-crash", defer=True)
    first._conn.close()  # the process dies: no settling on close
    store_module._PENDING_EVENTS[str(path)] = 0  # a new process knows nothing of it
    reopened = DuckDBStore(path)
    try:
        assert reopened.pending_events() == 700 and pending_ids(reopened) == ["before-crash"]
        assert reopened.query("SELECT sum(events), sum(media_cost) FROM rollup_campaign_daily") == reopened.query(
            "SELECT count(*), sum(media_cost) FROM events")
        assert pending_ids(reopened) == []
    finally:
        reopened.close()


def test_rebuild_purge_and_reset_build_what_is_pending_first(stores):
    deferred, immediate = stores
    for batch_id, events in BATCHES[:2]:
        deferred.append_events(events, batch_id=batch_id, defer=True)
        immediate.append_events(events, batch_id=batch_id)
    deferred.rebuild_rollups()  # not counted twice: the rebuild's rows and again when settled
    assert every_rollup(deferred) == every_rollup(immediate)
    batch_id, events = BATCHES[2]
    deferred.append_events(events, batch_id=batch_id, defer=True)
    immediate.append_events(events, batch_id=batch_id)
    cutoff = T0 + timedelta(days=10)
    assert deferred.purge_events_before(cutoff) == 2100  # the rollups keep what the events no longer do
    immediate.purge_events_before(cutoff)
    assert every_rollup(deferred) == every_rollup(immediate)
    deferred.append_events(BATCHES[3][1], batch_id=BATCHES[3][0], defer=True)
    deferred.reset()
    assert deferred.pending_events() == 0 and pending_ids(deferred) == []
    assert deferred.query("SELECT count(*) FROM rollup_campaign_hourly") == [(0,)]


def test_close_leaves_the_file_whole(tmp_path: Path):
    path = tmp_path / "closed.duckdb"
    store = DuckDBStore(path)
    store.append_events(BATCHES[1][1], batch_id="one", defer=True)
    store.close()
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(f"SELECT count(*) FROM {pending.PENDING_TABLE}").fetchall() == [(0,)]
        assert con.execute("SELECT sum(events) FROM rollup_campaign_hourly").fetchall() == [(700,)]


def test_the_file_ingestion_defers_and_its_figures_are_exact(db, tenant, tmp_path: Path):
    from adplane.events.ingest import ingest_file
    from test_events_ingest import make_campaign

    campaign = make_campaign(db, tenant["owId"], start=T0 - timedelta(days=1))
    rows = [{"event_time": T0 + timedelta(minutes=7 * i), "event_type": "impression" if i % 5 else "click",
             "ow_id": campaign["ow_id"], "io_id": campaign["io_id"], "campaign_id": campaign["campaign_id"],
             "creative_id": campaign["creative_id"], "creative_type_id": 11, "media_cost": Decimal("0.002")}
            for i in range(500)]
    path = tmp_path / "batch.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    store = DuckDBStore(tmp_path / "ingest.duckdb")
    try:
        with db.session() as session:
            result = ingest_file(session, store, path, ow_id=tenant["owId"])
        assert result.events == 500 and store.pending_events() == 500
        totals = delivery_by_campaign(store, [campaign["campaign_id"]])[campaign["campaign_id"]]
        assert (totals.impressions, totals.clicks) == (400, 100)
        assert totals.first_event_time == T0 and store.pending_events() == 0
    finally:
        store.close()


def test_deferred_appends_and_reads_from_many_threads(stores):
    """Reads that settle race appends that defer: every read sees whole batches, and nothing is counted twice."""
    from concurrent.futures import ThreadPoolExecutor

    deferred, immediate = stores
    batches = [(f"t{i}", make_events(300, seed=100 + i)) for i in range(8)]

    def read(_i: int) -> int:
        return delivery_by_campaign(deferred, [1, 2, 3])[1].events

    with ThreadPoolExecutor(max_workers=6) as pool:
        writes = [pool.submit(deferred.append_events, events, batch_id=batch_id, defer=True)
                  for batch_id, events in batches]
        reads = [pool.submit(read, i) for i in range(16)]
        assert sum(f.result().stored for f in writes) == 2400
        seen = [f.result() for f in reads]
    per_batch = {batch_id: sum(1 for c in events["campaign_id"].to_pylist() if c == 1) for batch_id, events in batches}
    whole_batches = {0}  # the counts a read can see: sums of whole batches
    for count in per_batch.values():
        whole_batches |= {n + count for n in whole_batches}
    assert all(n in whole_batches for n in seen)
    for batch_id, events in batches:
        immediate.append_events(events, batch_id=batch_id)
    assert every_rollup(deferred) == every_rollup(immediate)
    assert deferred.pending_events() == 0


def test_which_statements_wait_for_the_pending_rollups():
    names = [r.table for r in ROLLUPS] + [r.table for r in running.RUNNING_TOTALS] + [running.STATE_TABLE]
    assert all(pending.READS_ROLLUPS.search(f"SELECT * FROM {name} WHERE ow_id = ?") for name in names)
    for sql in ("SELECT count(*) FROM events", f"SELECT * FROM {pending.PENDING_TABLE}",
                "INSERT INTO ingest_digests VALUES (?, ?, ?)", "SELECT * FROM ingest_batches"):
        assert not pending.READS_ROLLUPS.search(sql), sql


def test_operators_see_the_pending_events_and_the_time_to_build_them(stores):
    """`adplane_rollup_pending_events` is the process's events awaiting their rollups; each build that had work
    is one observation of `adplane_rollup_settle_duration_seconds`."""
    def sample(name: str) -> float:
        return REGISTRY.get_sample_value(name, {"backend": "duckdb"}) or 0.0

    deferred, _ = stores
    builds = sample("adplane_rollup_settle_duration_seconds_count")
    deferred.append_events(BATCHES[0][1], batch_id=BATCHES[0][0], defer=True)
    deferred.append_events(BATCHES[1][1], batch_id=BATCHES[1][0], defer=True)
    assert sample("adplane_rollup_pending_events") == 1400
    assert deferred.settle_rollups() == 1400
    assert sample("adplane_rollup_pending_events") == 0
    assert sample("adplane_rollup_settle_duration_seconds_count") == builds + 1
    assert deferred.settle_rollups() == 0  # nothing pending: not a build
    assert sample("adplane_rollup_settle_duration_seconds_count") == builds + 1
