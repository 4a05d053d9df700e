"""Running totals (`adplane.analytics.running`): checkpoints equal the raw sums before each UTC midnight,
stay exact through late events, rebuilds and resets, and reports that subtract them match raw events.

Runs on both analytics backends (the conftest backends).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from adplane.analytics.running import DAY, RUNNING_BY_TABLE
from adplane.master.catalog import timezone_by_name
from adplane.reports import service
from adplane.reports.catalog import find_dimension
from adplane.reports.query import ReportQuery, choose_source
from test_reports import analytics_url, assert_metrics, definition, ms, store  # noqa: F401 (fixtures)
from test_reports_data import DAY0, expected_groups, io_id_of, local_day, make_campaigns, make_events, to_arrow

TABLE = "running_geo_device"
CHECK = ["impressions", "clicks", "conversions", "spent", "mediaSpent", "dataCost", "CTR", "eCPM", "winRate",
         "VCR"]
GEO = json.dumps([{"filter": "campaign"}, {"filter": "state"}, {"filter": "deviceType"}])
DAYS = 20


def _query(start: datetime, end: datetime, valid_through: datetime | None, dims: tuple[str, ...] = (
        "campaign", "state", "deviceType")) -> ReportQuery:
    return ReportQuery(ow_id=1, dimensions=[find_dimension(d) for d in dims], start=start, end=end,
                       zone_name="US/Eastern", daily=False,
                       checkpoints={TABLE: valid_through} if valid_through else {})


def _parts(source: Any) -> list[tuple[str, datetime, datetime, int]]:
    return [(p.table, p.start, p.end, p.sign) for p in source.parts]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- planning -------------------------------------------------------------------------------------


def test_a_long_period_is_two_checkpoints_and_the_nearest_edges():
    start, end = utc(2026, 3, 1, 5), utc(2026, 3, 31, 4)  # US/Eastern midnights
    source = choose_source(_query(start, end, utc(2026, 4, 10)))
    assert _parts(source) == [
        ("events", utc(2026, 3, 1), start, -1),  # 5 hours subtracted rather than 19 added
        (TABLE, utc(2026, 3, 1), utc(2026, 3, 2), -1),
        (TABLE, utc(2026, 3, 31), utc(2026, 4, 1), 1),
        ("events", utc(2026, 3, 31), end, 1),
    ]
    assert source.running_tables == {TABLE}
    # a local midnight late in the UTC day: the next checkpoint, minus the end of the day
    kolkata_end = utc(2026, 3, 30, 18, 30)
    source = choose_source(_query(start, kolkata_end, utc(2026, 4, 10)))
    assert _parts(source)[-2:] == [(TABLE, utc(2026, 3, 31), utc(2026, 4, 1), 1),
                                   ("events", kolkata_end, utc(2026, 3, 31), -1)]


def test_checkpoints_are_used_only_up_to_the_valid_one():
    start, end = utc(2026, 3, 1, 5), utc(2026, 3, 31, 4)
    source = choose_source(_query(start, end, utc(2026, 3, 20)))
    assert _parts(source) == [
        ("events", utc(2026, 3, 1), start, -1),
        (TABLE, utc(2026, 3, 1), utc(2026, 3, 2), -1),
        (TABLE, utc(2026, 3, 20), utc(2026, 3, 21), 1),
        ("rollup_geo_device_daily", utc(2026, 3, 20), utc(2026, 3, 23), 1),  # [Mar 20, end) added
        ("rollup_geo_device_weekly", utc(2026, 3, 23), utc(2026, 3, 30), 1),
        ("rollup_geo_device_daily", utc(2026, 3, 30), utc(2026, 3, 31), 1),
        ("events", utc(2026, 3, 31), end, 1),
    ]
    # no valid checkpoint, or a short period, or dimensions no running table covers: weeks and days
    for source in (choose_source(_query(start, end, None)),
                   choose_source(_query(start, start + timedelta(days=6), utc(2026, 4, 10))),
                   choose_source(_query(start, end, utc(2026, 4, 10), ("campaign", "city")))):
        assert not source.running_tables and all(p.sign == 1 for p in source.parts)


# --- the store ------------------------------------------------------------------------------------


def _raw_before(analytics: Any, ow_id: int, instant: datetime) -> dict[tuple, tuple]:
    rows = analytics.query(
        "SELECT campaign_id, state_id, device_type_id, count(*), "
        "count(*) FILTER (WHERE event_type = 'impression'), sum(media_cost), sum(platform_margin) "
        "FROM events WHERE ow_id = ? AND event_time < ? GROUP BY 1, 2, 3", [ow_id, instant])
    return {tuple(r[:3]): (int(r[3]), int(r[4]), Decimal(r[5]), Decimal(r[6])) for r in rows}


def _checkpoint(analytics: Any, ow_id: int, instant: datetime) -> dict[tuple, tuple]:
    rows = analytics.query(
        f"SELECT campaign_id, state_id, device_type_id, sum(events), sum(impressions), sum(media_cost), "
        f"sum(platform_margin) FROM {TABLE} WHERE ow_id = ? AND period_start = ? GROUP BY 1, 2, 3",
        [ow_id, instant])
    return {tuple(r[:3]): (int(r[3]), int(r[4]), Decimal(r[5]), Decimal(r[6])) for r in rows}


def assert_checkpoints_exact(analytics: Any, ow_id: int) -> datetime:
    """Every valid checkpoint holds exactly the raw sums before it; returns the latest valid one."""
    valid = analytics.running_state()[TABLE].valid_through
    assert valid is not None
    (first,) = analytics.query("SELECT min(event_time) FROM events WHERE ow_id = ?", [ow_id])[0]
    day = datetime.combine(first.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)
    while day <= valid:
        assert _checkpoint(analytics, ow_id, day) == _raw_before(analytics, ow_id, day), day
        day += DAY
    return valid


def _batches_by_utc_day(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    by_day: dict[Any, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["event_time"]):
        by_day.setdefault(row["event_time"].astimezone(UTC).date(), []).append(row)
    return list(by_day.values())


def _deliver(db: Any, tenant: dict[str, Any], analytics: Any) -> list[dict[str, Any]]:
    """Twenty days of delivery appended day by day, as it happens (appends build checkpoints)."""
    ow_id = tenant["owId"]
    campaign_ids = make_campaigns(db, ow_id)
    rows = make_events(ow_id, campaign_ids, io_id_of(db, ow_id), days=DAYS, per_day=50)
    for n, batch in enumerate(_batches_by_utc_day(rows)):
        analytics.append_events(to_arrow(batch), batch_id=f"day-{n}")
    return rows


def test_appends_in_time_order_build_exact_checkpoints(db, tenant, store):  # noqa: F811
    rows = _deliver(db, tenant, store)
    valid = assert_checkpoints_exact(store, tenant["owId"])
    last = max(r["event_time"] for r in rows).astimezone(UTC)
    assert valid == datetime.combine(last.date(), datetime.min.time(), tzinfo=UTC)  # not after the last day
    assert store.refresh_running_totals() == 0  # nothing left for maintenance


def test_late_events_move_checkpoints_back_until_a_refresh(db, tenant, store):  # noqa: F811
    _deliver(db, tenant, store)
    before = store.running_state()[TABLE]
    late = make_events(tenant["owId"], [1, 2], io_id_of(db, tenant["owId"]), days=1, per_day=30, seed=99)
    store.append_events(to_arrow(late), batch_id="late")  # DAY0's events: checkpoints after it are stale
    after = store.running_state()[TABLE]
    first_late = min(r["event_time"] for r in late).astimezone(UTC)
    assert after.valid_through == datetime.combine(first_late.date(), datetime.min.time(), tzinfo=UTC)
    assert after.generation > before.generation
    assert_checkpoints_exact(store, tenant["owId"])
    assert store.refresh_running_totals() > 0
    assert store.running_state()[TABLE].valid_through == before.valid_through
    assert_checkpoints_exact(store, tenant["owId"])


def test_rebuild_and_reset(db, tenant, store):  # noqa: F811
    _deliver(db, tenant, store)
    valid = store.running_state()[TABLE].valid_through
    store.rebuild_rollups()
    assert store.running_state()[TABLE].valid_through == valid
    assert_checkpoints_exact(store, tenant["owId"])
    store.rebuild_rollups(start=DAY0 + timedelta(days=4), end=DAY0 + timedelta(days=5))
    assert_checkpoints_exact(store, tenant["owId"])
    store.reset()
    assert store.running_state()[TABLE].valid_through is None
    assert not store.query(f"SELECT 1 FROM {TABLE} LIMIT 1")


def test_concurrent_appends_and_refreshes_keep_checkpoints_exact(db, tenant, store):  # noqa: F811
    ow_id = tenant["owId"]
    campaign_ids = make_campaigns(db, ow_id)
    rows = make_events(ow_id, campaign_ids, io_id_of(db, ow_id), days=DAYS, per_day=40)
    batches = _batches_by_utc_day(rows)
    errors: list[BaseException] = []

    def append(indexes: range) -> None:
        try:
            for n in indexes:  # out of time order across threads: late batches all the time
                store.append_events(to_arrow(batches[n]), batch_id=f"c-{n}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    def refresh() -> None:
        try:
            for _ in range(5):
                store.refresh_running_totals()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    workers = [threading.Thread(target=append, args=(range(k, len(batches), 3),)) for k in range(3)]
    workers.append(threading.Thread(target=refresh))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    store.refresh_running_totals()
    assert_checkpoints_exact(store, ow_id)


# --- reports ----------------------------------------------------------------------------------------


def _execute(client: Any, headers: dict[str, str], zone_name: str, first: datetime, last: datetime) -> dict:
    body = definition(dimensions=GEO, columns=["campaignName", "state", "deviceType", *CHECK], requestType=2,
                      noOfEntries=1000, timezoneId=timezone_by_name(zone_name).id, sortBy="-impressions",
                      startDate=ms(first), endDate=ms(last))
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _assert_report_exact(client: Any, headers: dict[str, str], rows: list[dict[str, Any]],
                         zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    first, last = DAY0 + timedelta(days=1), DAY0 + timedelta(days=DAYS - 2)
    data = _execute(client, headers, zone_name, first, last)
    a, b = first.date().isoformat(), last.date().isoformat()

    def keep(r: dict[str, Any]) -> bool:
        return a <= local_day(r, zone) <= b

    expected = expected_groups(rows, lambda r: (r["campaign_id"], r["state_id"], r["device_type_id"]), keep)
    assert data["totalRecords"] == len(expected) == len(data["data"]), zone_name
    for row in data["data"]:
        assert_metrics(row, expected[(row["campaignId"], row["stateId"], row["deviceTypeId"])], CHECK)
    assert_metrics(data["total"], expected_groups(rows, lambda r: "all", keep)["all"], CHECK)


def _edge_only_events(ow_id: int, io_id: int) -> list[dict[str, Any]]:
    """Events of groups that exist only in a subtracted edge (outside every tested period): a report
    must not show them as zero rows."""
    template = make_events(ow_id, [1], io_id, days=1, per_day=1)[0]
    out = []
    for n, (zone, day) in enumerate((("US/Eastern", 1), ("Asia/Kolkata", DAYS - 2))):
        local_midnight = datetime.combine((DAY0 + timedelta(days=day)).date(), datetime.min.time(),
                                          tzinfo=ZoneInfo(zone))
        # Eastern: 2 h before the period's first local midnight (its UTC day's start is subtracted);
        # Kolkata: 2 h after the end (the rest of that UTC day is subtracted from the next checkpoint)
        at = local_midnight - timedelta(hours=2) if day == 1 else local_midnight + timedelta(days=1, hours=2)
        out.append({**template, "event_time": at.astimezone(UTC), "event_type": "impression",
                    "state_id": 30200040 + n, "media_cost": Decimal("0.002000")})
    return out


def test_reports_from_running_totals_match_raw_events(client, db, tenant, headers, store):  # noqa: F811
    rows = _deliver(db, tenant, store)
    edge_rows = _edge_only_events(tenant["owId"], io_id_of(db, tenant["owId"]))
    store.append_events(to_arrow(edge_rows), batch_id="edges")
    store.refresh_running_totals()
    rows += edge_rows
    with db.session() as session:
        prepared = service.prepare(session, _definition(tenant["owId"]), backend=store.backend,
                                   checkpoints=store.running_state())
    assert prepared.source.running_tables == {TABLE}
    assert any(p.sign < 0 for p in prepared.source.parts)
    for zone_name in ("US/Eastern", "Asia/Kolkata", "UTC"):
        _assert_report_exact(client, headers, rows, zone_name)
    # downloads read the same parts
    body = definition(dimensions=GEO, columns=["campaignName", "state", "deviceType", "impressions"],
                      requestType=2, startDate=ms(DAY0 + timedelta(days=1)),
                      endDate=ms(DAY0 + timedelta(days=DAYS - 2)), fileType=1)
    response = client.post("/api/v3/ra/report/download", headers=headers, json=body)
    assert response.status_code == 200, response.text


def _definition(ow_id: int) -> Any:
    from adplane.reports.definition import Definition, DimensionChoice

    return Definition(ow_id=ow_id, name="geo", dimensions=[DimensionChoice(find_dimension(d)) for d in
                                                           ("campaign", "state", "deviceType")],
                      columns=["impressions"], request_type=2, start_date=DAY0 + timedelta(days=1),
                      end_date=DAY0 + timedelta(days=DAYS - 2), timezone_id=29, timezone_name="US/Eastern")


def test_reports_stay_exact_after_late_events(client, db, tenant, headers, store):  # noqa: F811
    rows = _deliver(db, tenant, store)
    late = make_events(tenant["owId"], [1, 2, 3], io_id_of(db, tenant["owId"]), days=DAYS - 1, per_day=5, seed=5)
    store.append_events(to_arrow(late), batch_id="late")
    rows += late
    _assert_report_exact(client, headers, rows, "US/Eastern")  # checkpoints before the late day only
    store.refresh_running_totals()
    _assert_report_exact(client, headers, rows, "US/Eastern")


class _MovingCheckpoints:
    """A store whose checkpoints move back between every two looks (late data all the time)."""

    def __init__(self, analytics: Any) -> None:
        self._store = analytics
        self.looks = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def running_state(self) -> dict[str, Any]:
        self.looks += 1
        from dataclasses import replace

        return {t: replace(s, generation=s.generation + self.looks) for t, s in self._store.running_state().items()}


def test_a_report_whose_checkpoints_moved_while_it_ran_is_asked_again(db, tenant, store):  # noqa: F811
    rows = _deliver(db, tenant, store)
    moving = _MovingCheckpoints(store)
    with db.session() as session:
        result = service.execute_report(session, moving, _definition(tenant["owId"]), page_size=1000)
    # two attempts with running totals (each looked twice), then one without
    assert moving.looks == 4
    a, b = (DAY0 + timedelta(days=1)).date().isoformat(), (DAY0 + timedelta(days=DAYS - 2)).date().isoformat()
    expected = expected_groups(rows, lambda r: (r["campaign_id"], r["state_id"], r["device_type_id"]),
                               lambda r: a <= local_day(r) <= b)
    assert {(r["campaignId"], r["stateId"], r["deviceTypeId"]): r["impressions"] for r in result.rows} == {
        k: v["impressions"] for k, v in expected.items()}
    assert RUNNING_BY_TABLE[TABLE].covers({"campaign_id", "state_id", "device_type_id"})


def test_a_daily_report_does_not_ask_for_the_checkpoints_it_never_reads(db, tenant, store):  # noqa: F811
    from dataclasses import replace

    rows = _deliver(db, tenant, store)
    counting = _MovingCheckpoints(store)
    daily = replace(_definition(tenant["owId"]), request_type=1)
    with db.session() as session:
        prepared = service.prepare(session, daily, backend=store.backend,
                                   checkpoints=service.checkpoint_states(store))
        assert not prepared.source.running_tables  # even with every checkpoint valid
        result = service.execute_report(session, counting, daily, page_size=1000)
    assert counting.looks == 0
    a, b = (DAY0 + timedelta(days=1)).date().isoformat(), (DAY0 + timedelta(days=DAYS - 2)).date().isoformat()
    expected = expected_groups(rows, lambda r: (local_day(r), r["campaign_id"], r["state_id"], r["device_type_id"]),
                               lambda r: a <= local_day(r) <= b)
    assert sum(r["impressions"] for r in result.rows) == sum(v["impressions"] for v in expected.values())
    assert result.total_records == len(expected)


def test_maintenance_builds_what_a_bulk_load_left(db, tenant, store, settings):  # noqa: F811
    from adplane.analytics.maintenance import run_maintenance

    ow_id = tenant["owId"]
    rows = make_events(ow_id, make_campaigns(db, ow_id), io_id_of(db, ow_id), days=DAYS, per_day=20)
    store.append_events(to_arrow(rows), batch_id="bulk")  # twenty days at once: too many to build inline
    assert store.running_state()[TABLE].valid_through is None
    result = run_maintenance(store, settings)
    assert result["checkpointsBuilt"] >= DAYS - 1
    assert_checkpoints_exact(store, ow_id)
    assert run_maintenance(store, settings)["checkpointsBuilt"] == 0
