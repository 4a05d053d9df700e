"""Aggregated reports read whole UTC days from daily rollups and only the edges from hourly rollups
or raw events (`adplane.reports.query._split_by_utc_days`); the numbers must not change.

Runs on both analytics backends (the conftest backends), against the raw rows of `reports_data`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from adplane.reports.catalog import find_dimension
from adplane.reports.query import ReportQuery, choose_source, day_source
from test_reports import analytics_url, assert_metrics, definition, delivery, ms, store  # noqa: F401 (fixtures)
from test_reports_data import DAY0, expected_groups, io_id_of, local_day, make_campaigns, make_events, to_arrow

CHECK = ["impressions", "clicks", "conversions", "spent", "mediaSpent", "dataCost", "CTR", "eCPM", "winRate",
         "VCR"]


def _query(dims: list[str], zone: str, start: datetime, end: datetime, *, daily: bool = False) -> ReportQuery:
    return ReportQuery(ow_id=1, dimensions=[find_dimension(d) for d in dims], start=start, end=end,
                       zone_name=zone, daily=daily)


def test_split_source_parts_cover_the_period_exactly():
    start = datetime(2026, 3, 2, 5, tzinfo=UTC)
    end = datetime(2026, 3, 9, 4, tzinfo=UTC)
    source = choose_source(_query(["campaign", "state", "deviceType"], "US/Eastern", start, end))
    assert [(p.table, p.start, p.end) for p in source.parts] == [
        ("events", start, datetime(2026, 3, 3, tzinfo=UTC)),
        ("rollup_geo_device_daily", datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)),
        ("events", datetime(2026, 3, 9, tzinfo=UTC), end),
    ]
    # campaign only: whole days from the daily rollup, the edges from the hourly one
    by_campaign = choose_source(_query(["campaign"], "US/Eastern", start, end))
    assert [(p.table, p.start, p.end) for p in by_campaign.parts] == [
        ("rollup_campaign_hourly", start, datetime(2026, 3, 3, tzinfo=UTC)),
        ("rollup_campaign_daily", datetime(2026, 3, 3, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC)),
        ("rollup_campaign_hourly", datetime(2026, 3, 9, tzinfo=UTC), end),
    ]
    # edges that an hourly rollup covers are read from it (creatives have no daily rollup: hourly throughout)
    by_creative = choose_source(_query(["creative"], "US/Eastern", start, end))
    assert by_creative.table == "rollup_creative_hourly"
    # daily reports cut local days: no split; per-day totals of an aggregated report neither
    assert choose_source(_query(["state"], "US/Eastern", start, end, daily=True)).table == "events"
    assert day_source(_query(["state"], "US/Eastern", start, end)).table == "events"
    # less than one whole UTC day: nothing to split
    short = choose_source(_query(["state"], "US/Eastern", start, start + timedelta(hours=20)))
    assert short.table == "events" and not short.parts


def test_few_campaigns_read_one_hourly_rollup_on_clickhouse_only():
    """ClickHouse keeps a rollup's rows by campaign: a few campaigns' hours are one cheap read there, cheaper than
    three parts. DuckDB and PostgreSQL keep the parts (their rollups are in time order), as do reports of
    every campaign or of more campaign hours than FEW_CAMPAIGN_HOURS."""
    from adplane.reports.query import FEW_CAMPAIGN_HOURS

    start = datetime(2026, 1, 1, 5, tzinfo=UTC)
    end = datetime(2026, 4, 1, 4, tzinfo=UTC)  # a US/Eastern quarter across the DST change (2,159 hours)
    hours = int((end - start) / timedelta(hours=1))

    def source(backend: str, campaigns: list[int] | None, *, daily: bool = True) -> Any:
        query = _query(["campaign"], "US/Eastern", start, end, daily=daily)
        query.backend = backend
        if campaigns is not None:
            query.value_filters["campaign_id"] = campaigns
        return choose_source(query)

    for daily in (True, False):
        one = source("clickhouse", [7], daily=daily)
        assert (one.table, one.parts) == ("rollup_campaign_hourly", ()), daily
        assert len(source("duckdb", [7], daily=daily).parts) == 3
        assert len(source("postgresql", [7], daily=daily).parts) == 3
        assert len(source("clickhouse", None, daily=daily).parts) == 3
    most = FEW_CAMPAIGN_HOURS // hours
    assert source("clickhouse", list(range(most))).table == "rollup_campaign_hourly"
    assert len(source("clickhouse", list(range(most + 1))).parts) == 3


def test_daily_reports_of_a_few_campaigns_match_raw_events(client, db, tenant, headers, store):  # noqa: F811
    """Two of three campaigns by US/Eastern day across the DST change: equal to the raw rows on every store
    (ClickHouse reads them from the hourly rollup alone, the others from daily rollups and hours)."""
    from adplane.master.catalog import timezone_by_name

    campaign_ids = make_campaigns(db, tenant["owId"])
    rows = make_events(tenant["owId"], campaign_ids, io_id_of(db, tenant["owId"]), days=12, per_day=60)
    store.append_events(to_arrow(rows), batch_id="few-campaigns")
    start, end = DAY0 + timedelta(days=1), DAY0 + timedelta(days=10)
    chosen = campaign_ids[:2]
    zone = ZoneInfo("US/Eastern")
    body = definition(columns=["campaignName", *CHECK], noOfEntries=1000,
                      dimensions=json.dumps([{"filter": "campaign", "value": chosen}]),
                      timezoneId=timezone_by_name("US/Eastern").id, startDate=ms(start), endDate=ms(end))
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    first_day, last_day = start.astimezone(zone).date().isoformat(), end.astimezone(zone).date().isoformat()

    def keep(r) -> bool:  # noqa: ANN001
        return r["campaign_id"] in chosen and first_day <= local_day(r, zone) <= last_day

    expected = expected_groups(rows, lambda r: (local_day(r, zone), r["campaign_id"]), keep)
    assert data["totalRecords"] == len(expected) == len(data["data"]) > 0
    for row in data["data"]:
        assert_metrics(row, expected[(row["date"], row["campaignId"])], CHECK)
    assert_metrics(data["total"], expected_groups(rows, lambda r: "all", keep)["all"], CHECK)


def test_aggregated_reports_from_split_sources_match_raw_events(client, headers, delivery):  # noqa: F811
    from adplane.master.catalog import timezone_by_name

    dims = json.dumps([{"filter": "campaign"}, {"filter": "state"}, {"filter": "deviceType"}])
    columns = ["campaignName", "state", "deviceType", *CHECK]
    for zone_name in ("US/Eastern", "Asia/Kolkata", "UTC"):
        zone = ZoneInfo(zone_name)
        body = definition(dimensions=dims, columns=columns, requestType=2, noOfEntries=1000,
                          timezoneId=timezone_by_name(zone_name).id, sortBy="-impressions")
        response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()

        def keep(r, z=zone, a=first_day, b=last_day) -> bool:  # noqa: ANN001
            return a <= local_day(r, z) <= b

        expected = expected_groups(delivery["rows"],
                                   lambda r: (r["campaign_id"], r["state_id"], r["device_type_id"]), keep)
        assert data["totalRecords"] == len(expected) == len(data["data"]), zone_name
        for row in data["data"]:
            assert_metrics(row, expected[(row["campaignId"], row["stateId"], row["deviceTypeId"])], CHECK)
        impressions = [row["impressions"] for row in data["data"]]
        assert impressions == sorted(impressions, reverse=True)
        totals = expected_groups(delivery["rows"], lambda r: "all", keep)["all"]
        assert_metrics(data["total"], totals, CHECK)


def test_long_periods_read_weeks_then_days_then_raw_edges():
    start = datetime(2026, 3, 1, 5, tzinfo=UTC)  # a Sunday, local midnight in US/Eastern
    end = datetime(2026, 3, 31, 4, tzinfo=UTC)
    source = choose_source(_query(["campaign", "state", "deviceType"], "US/Eastern", start, end))
    assert [(p.table, p.start, p.end) for p in source.parts] == [
        ("events", start, datetime(2026, 3, 2, tzinfo=UTC)),
        ("rollup_geo_device_weekly", datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC)),
        ("rollup_geo_device_daily", datetime(2026, 3, 30, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)),
        ("events", datetime(2026, 3, 31, tzinfo=UTC), end),
    ]


def test_weeks_days_and_edges_add_up_to_raw_events(client, db, tenant, headers, store):  # noqa: F811
    """Three weeks of events (DST starts inside): weekly, daily and raw parts agree with the raw rows."""
    campaign_ids = make_campaigns(db, tenant["owId"])
    rows = make_events(tenant["owId"], campaign_ids, io_id_of(db, tenant["owId"]), days=20, per_day=60)
    store.append_events(to_arrow(rows[: len(rows) // 2]), batch_id="weeks-1")
    store.append_events(to_arrow(rows[len(rows) // 2:]), batch_id="weeks-2")
    store.compact_rollups()
    dims = json.dumps([{"filter": "campaign"}, {"filter": "state"}, {"filter": "deviceType"}])
    body = definition(dimensions=dims, columns=["campaignName", "state", "deviceType", *CHECK], requestType=2,
                      noOfEntries=1000, startDate=ms(DAY0), endDate=ms(DAY0 + timedelta(days=18)))
    data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=18)).date().isoformat()

    def keep(r) -> bool:  # noqa: ANN001
        return first_day <= local_day(r) <= last_day

    expected = expected_groups(rows, lambda r: (r["campaign_id"], r["state_id"], r["device_type_id"]), keep)
    assert data["totalRecords"] == len(expected) == len(data["data"])
    for row in data["data"]:
        assert_metrics(row, expected[(row["campaignId"], row["stateId"], row["deviceTypeId"])], CHECK)
    assert_metrics(data["total"], expected_groups(rows, lambda r: "all", keep)["all"], CHECK)


def test_daily_reports_in_shifted_zones_read_utc_days_and_move_hours(client, db, tenant, headers, store):  # noqa: F811
    """A daily campaign report in a zone off UTC reads whole days of a daily rollup (UTC, UTC-5 or UTC-8) and
    moves only the hours that belong to another local day (from the hourly rollup); across a DST change
    (US/Eastern and US/Pacific, 2026-03-08) and east of UTC (Asia/Tokyo), every (day, campaign) equals the
    raw rows."""
    from adplane.master.catalog import timezone_by_name

    campaign_ids = make_campaigns(db, tenant["owId"])
    rows = make_events(tenant["owId"], campaign_ids, io_id_of(db, tenant["owId"]), days=12, per_day=60)
    store.append_events(to_arrow(rows[: len(rows) // 2]), batch_id="shifted-1")
    store.append_events(to_arrow(rows[len(rows) // 2:]), batch_id="shifted-2")
    start, end = DAY0 + timedelta(days=1), DAY0 + timedelta(days=10)
    eastern = choose_source(_query(["campaign"], "US/Eastern", start, end, daily=True))
    # days of UTC-5, from March 9 days of UTC-4; the day of the change (23 hours) from hours
    assert [(p.table, p.start, p.end) for p in eastern.parts] == [
        ("rollup_campaign_daily_utc_m5", start, DAY0 + timedelta(days=6)),
        ("rollup_campaign_hourly", DAY0 + timedelta(days=6), DAY0 + timedelta(days=7)),
        ("rollup_campaign_daily_utc_m4", DAY0 + timedelta(days=7), end),
    ]
    # Tokyo (UTC+9): UTC days, their last nine hours moved to the next day
    tokyo = choose_source(_query(["campaign"], "Asia/Tokyo", start, end, daily=True))
    assert [(p.table, p.sign, p.utc_hours) for p in tokyo.parts][1:4] == [
        ("rollup_campaign_daily", 1, ()), ("rollup_campaign_hourly", -1, tuple(range(15, 24))),
        ("rollup_campaign_hourly", 1, tuple(range(15, 24)))]
    for zone_name in ("US/Eastern", "US/Pacific", "Asia/Tokyo"):
        zone = ZoneInfo(zone_name)
        body = definition(columns=["campaignName", *CHECK], noOfEntries=1000,
                          timezoneId=timezone_by_name(zone_name).id, startDate=ms(start), endDate=ms(end))
        response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        first_day = start.astimezone(zone).date().isoformat()
        last_day = end.astimezone(zone).date().isoformat()

        def keep(r, z=zone, a=first_day, b=last_day) -> bool:  # noqa: ANN001
            return a <= local_day(r, z) <= b

        expected = expected_groups(rows, lambda r, z=zone: (local_day(r, z), r["campaign_id"]), keep)
        assert data["totalRecords"] == len(expected) == len(data["data"]), zone_name
        for row in data["data"]:
            assert_metrics(row, expected[(row["date"], row["campaignId"])], CHECK)
        assert_metrics(data["total"], expected_groups(rows, lambda r: "all", keep)["all"], CHECK)
