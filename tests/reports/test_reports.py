"""The report API: catalogue, static lists, definitions, execution with exact numbers, downloads.

Numbers are checked against an independent computation from the raw events (`reports_data`).
Runs on SQLite + DuckDB store and on PostgreSQL + PostgreSQL store (the conftest backends), and on the
ClickHouse store through chDB (`every_analytics_url`).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from test_reports_data import (
    DAY0,
    EASTERN,
    EASTERN_ID,
    expected_groups,
    io_id_of,
    local_day,
    make_campaigns,
    make_events,
    to_arrow,
)

METRIC_COLUMNS = ["impressions", "clicks", "conversions", "bidImpressions", "startCount", "completeCount",
                  "spent", "mediaSpent", "dataCost", "CTR", "CVR", "VCR", "winRate", "eCPM", "eCPC", "eCPCV"]


def ms(instant) -> int:  # noqa: ANN001
    return int(instant.timestamp() * 1000)


@pytest.fixture
def analytics_url(every_analytics_url):  # noqa: ANN001, ANN201
    """Every analytics store: the database's own (DuckDB / PostgreSQL) and ClickHouse (chDB)."""
    return every_analytics_url


@pytest.fixture
def store(client):  # noqa: ANN001, ANN201
    analytics = client.app.state.analytics
    analytics.reset()
    yield analytics
    analytics.reset()


@pytest.fixture
def delivery(client, db, tenant, headers, store) -> dict[str, Any]:  # noqa: ANN001
    """Three campaigns of the tenant with known events; returns ids and the raw rows."""
    campaign_ids = make_campaigns(db, tenant["owId"])
    rows = make_events(tenant["owId"], campaign_ids, io_id_of(db, tenant["owId"]))
    store.append_events(to_arrow(rows), batch_id="reports-test")
    return {"campaign_ids": campaign_ids, "rows": rows, "ow_id": tenant["owId"]}


def definition(**overrides: Any) -> dict[str, Any]:
    body = {
        "reportName": "Campaign by day",
        "startDate": ms(DAY0 + timedelta(hours=3)),
        "endDate": ms(DAY0 + timedelta(days=2, hours=5)),
        "dimensions": json.dumps([{"filter": "campaign"}]),
        "columns": ["campaignId", "campaignName", *METRIC_COLUMNS],
        "requestType": 1,
        "timezoneId": EASTERN_ID,
    }
    body.update(overrides)
    return body


def assert_metrics(actual: dict[str, Any], expected: dict[str, Any], columns: list[str] = METRIC_COLUMNS) -> None:
    for key in columns:
        if isinstance(expected[key], float):
            assert actual[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-12), key
        else:
            assert actual[key] == expected[key], key


def add(client, headers, **overrides: Any) -> int:  # noqa: ANN001
    response = client.post("/api/v3/ra/report/add", headers=headers, json=definition(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]


# --------------------------------------------------------------------------------------------
# Catalogue and static lists
# --------------------------------------------------------------------------------------------


def test_catalogue_lists_dimensions_and_metrics_as_the_spec(client, headers):
    response = client.get("/api/v3/ra/report/dimension-metrics/detail", headers=headers)
    assert response.status_code == 200
    data = response.json()["data"]
    metrics = {m["key"]: m for group in data["metrics"] for entries in group.values() for m in entries}
    dimensions = {d["key"]: d for group in data["dimensions"] for entries in group.values() for d in entries}
    for key in ("impressions", "clicks", "conversions", "CTR", "CVR", "spent", "mediaSpent", "dataCost", "eCPM",
                "eCPC", "eCPCV", "startCount", "firstQuartileCount", "midPointCount", "thirdQuartileCount",
                "completeCount", "VCR", "winRate", "reach", "frequency", "budgetDay", "budgetTotal", "maxBid",
                "startTime", "endTime", "status", "campaignType", "campaignTimezone"):
        assert key in metrics, key
    assert metrics["impressions"]["id"] == 5 and metrics["impressions"]["dependentDimensions"] is None
    assert metrics["budgetDay"]["dependentDimensions"] == [1, 2]
    assert {"id", "label", "order", "fieldDataType", "aggregationType", "defaultEnabled", "key",
            "dependentDimensions", "description"} <= set(metrics["CTR"])
    assert dimensions["country"]["id"] == 34 and dimensions["state"]["id"] == 35
    assert {"id", "label", "order", "isFilterSupported", "isRowToColumn", "isCustomerDependent", "fieldDataType",
            "description", "groupId", "key"} <= set(dimensions["campaign"])
    assert client.get("/api/v3/ra/report/dimension-metrics/detail").status_code == 401


def test_static_lists(client, headers):
    assert client.get("/api/v3/rb/static/report-request-type", headers=headers).json()["data"] == [
        {"name": "daily", "id": 1, "label": "Daily"}, {"name": "total", "id": 2, "label": "Aggregated"}]
    assert client.get("/api/v3/rb/static/report-file-type", headers=headers).json()["data"] == [
        {"name": "csv", "id": 1, "label": "CSV"}, {"name": "xlsx", "id": 2, "label": "XLS"}]
    frequencies = client.get("/api/v3/rb/static/report-delivery-frequency", headers=headers).json()["data"]
    assert [f["id"] for f in frequencies] == [1, 2, 3, 4]
    assert client.get("/api/v3/rb/static/report-file-type").status_code == 401


# --------------------------------------------------------------------------------------------
# Definitions
# --------------------------------------------------------------------------------------------


def test_definition_crud_list_and_duplicate(client, db, tenant, headers):
    make_campaigns(db, tenant["owId"])
    report_id = add(client, headers, dimensions=json.dumps([{"filter": "campaign", "value": [1, 2]},
                                                            {"filter": "device_type", "value": [11, 13]}]),
                    columns=["campaignName", "deviceType", "impressions", "dailyBudget"])
    got = client.get(f"/api/v3/ra/report/{report_id}", headers=headers).json()["data"]
    assert got["reportName"] == "Campaign by day"
    assert json.loads(got["dimensions"]) == [{"filter": "campaign", "value": [1, 2]},
                                             {"filter": "deviceType", "value": [11, 13]}]
    assert got["columns"] == ["campaignName", "deviceType", "impressions", "budgetDay"]
    assert got["timezoneId"] == EASTERN_ID and got["timezoneName"] == "US/Eastern" and got["requestType"] == 1
    assert got["startDate"] == ms(DAY0 + timedelta(hours=3))
    assert got["reportSchedulingEventDetails"] == {}

    response = client.patch(f"/api/v3/ra/report/{report_id}", headers=headers,
                            json={"reportName": "Renamed", "requestType": 2})
    assert response.json() == {"success": True, "data": f"Report with id {report_id} updated successfully"}
    got = client.get(f"/api/v3/ra/report/{report_id}", headers=headers).json()["data"]
    assert got["reportName"] == "Renamed" and got["requestType"] == 2 and got["reportAggregated"] == "1"
    assert got["columns"] == ["campaignName", "deviceType", "impressions", "budgetDay"]

    second = add(client, headers, reportName="Zeta report")
    response = client.post("/api/v3/ra/report/duplicate", headers=headers, json={"id": second, "reportName": "Copy"})
    copy_id = int(response.json()["data"].rsplit(" ", 1)[1])
    assert response.json()["data"] == f"Report duplicated successfully with id {copy_id}"
    copy = client.get(f"/api/v3/ra/report/{copy_id}", headers=headers).json()["data"]
    assert copy["reportName"] == "Copy" and copy["columns"] == definition()["columns"]

    listed = client.post("/api/v3/ra/reports/list", headers=headers,
                         json={"sortBy": "+name", "pageNo": 1, "noOfEntries": 2}).json()["data"]
    assert listed["totalRecords"] == 3 and listed["filteredRecords"] == 3
    assert [r["reportName"] for r in listed["data"]] == ["Copy", "Renamed"]
    page2 = client.post("/api/v3/ra/reports/list", headers=headers,
                        json={"sortBy": "+name", "pageNo": 2, "noOfEntries": 2}).json()["data"]
    assert [r["reportName"] for r in page2["data"]] == ["Zeta report"]
    searched = client.get("/api/v3/ra/reports/list", headers=headers, params={"searchField": "zeta"}).json()["data"]
    assert [r["id"] for r in searched["data"]] == [second] and searched["filteredRecords"] == 1
    bad_sort = client.get("/api/v3/ra/reports/list", headers=headers, params={"sortBy": "+nope"})
    assert bad_sort.status_code == 422 and bad_sort.json()["errorObjects"][0]["field"] == "sortBy"

    response = client.delete(f"/api/v3/ra/report/{second}", headers=headers)
    assert response.json()["data"] == f"Report with id {second} deleted successfully"
    assert client.get(f"/api/v3/ra/report/{second}", headers=headers).status_code == 404
    assert client.delete(f"/api/v3/ra/report/{second}", headers=headers).status_code == 404
    assert client.post("/api/v3/ra/reports/list", headers=headers, json={}).json()["data"]["totalRecords"] == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reportName": ""}, "reportName"),
        ({"dimensions": "not json"}, "dimensions"),
        ({"dimensions": json.dumps([{"filter": "planet"}])}, "dimensions"),
        ({"dimensions": json.dumps([{"filter": d} for d in
                                    ("campaign", "state", "gender", "os", "deviceType", "exchange")])}, "dimensions"),
        ({"dimensions": json.dumps([{"filter": "gender", "value": [123]}]), "columns": ["impressions"]}, "dimensions"),
        ({"dimensions": json.dumps([{"filter": "campaign", "value": ["x"]}])}, "dimensions"),
        ({"columns": []}, "columns"),
        ({"columns": ["impressions", "happiness"]}, "columns"),
        ({"dimensions": json.dumps([{"filter": "state"}]), "columns": ["maxBid"]}, "columns"),
        ({"timezoneId": 999999999}, "timezoneId"),
        ({"requestType": 7}, "requestType"),
        ({"startDate": "yesterday"}, "startDate"),
        ({"endDate": ms(DAY0 - timedelta(days=1))}, "endDate"),
        ({"filters": {"campaignStatuses": ["sleeping"]}}, "filters.campaignStatuses"),
        ({"filters": {"campaignIds": [77777]}}, "filters.campaignIds"),
    ],
)
def test_invalid_definitions_are_422_naming_the_field(client, db, tenant, headers, overrides, field):
    make_campaigns(db, tenant["owId"])
    response = client.post("/api/v3/ra/report/add", headers=headers, json=definition(**overrides))
    assert response.status_code == 422, response.text
    assert response.json()["success"] is False
    assert response.json()["errorObjects"][0]["field"] == field
    assert client.post("/api/v3/ra/reports/list", headers=headers, json={}).json()["data"]["totalRecords"] == 0


def test_date_range_three_months_or_one_year_for_campaign_only(client, db, tenant, headers):
    make_campaigns(db, tenant["owId"])
    start = DAY0
    three_months = {"startDate": ms(start), "endDate": ms(start + timedelta(days=92))}
    by_state = json.dumps([{"filter": "campaign"}, {"filter": "state"}])
    response = client.post("/api/v3/ra/report/add", headers=headers,
                           json=definition(**three_months, dimensions=by_state))
    assert response.status_code == 422
    assert "three months" in response.json()["errorObjects"][0]["error"]
    ok = client.post("/api/v3/ra/report/add", headers=headers,
                     json=definition(startDate=ms(start), endDate=ms(start + timedelta(days=60)), dimensions=by_state))
    assert ok.status_code == 200
    # the campaign dimension alone may span a year, not more
    assert client.post("/api/v3/ra/report/add", headers=headers, json=definition(**three_months)).status_code == 200
    too_long = client.post("/api/v3/ra/report/add", headers=headers,
                           json=definition(startDate=ms(start), endDate=ms(start + timedelta(days=366))))
    assert too_long.status_code == 422 and "one year" in too_long.json()["errorObjects"][0]["error"]
    executed = client.post("/api/v3/ra/report/execute", headers=headers,
                           json=definition(**three_months, dimensions=by_state))
    assert executed.status_code == 422


def test_filter_values_must_belong_to_the_organization(client, db, tenant, headers, make_tenant):
    other = make_tenant(organization="Org B", email="admin@b.test")
    make_campaigns(db, tenant["owId"])
    make_campaigns(db, other["owId"], first_id=50)
    foreign = json.dumps([{"filter": "campaign", "value": [50]}])
    response = client.post("/api/v3/ra/report/add", headers=headers, json=definition(dimensions=foreign))
    assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == "dimensions"


# --------------------------------------------------------------------------------------------
# Execution: exact numbers
# --------------------------------------------------------------------------------------------


def test_execute_daily_by_campaign_matches_raw_events(client, headers, delivery):
    report_id = add(client, headers)
    response = client.post("/api/v3/ra/report/execute", headers=headers,
                           json={"id": report_id, "noOfEntries": 500})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()
    in_period = lambda r: first_day <= local_day(r) <= last_day  # noqa: E731
    expected = expected_groups(delivery["rows"], lambda r: (local_day(r), r["campaign_id"]), in_period)
    assert data["totalRecords"] == len(expected) == len(data["data"])
    for row in data["data"]:
        assert_metrics(row, expected[(row["date"], row["campaignId"])])
        assert row["campaignName"] == f"Campaign {chr(64 + row['campaignId'])} of {delivery['ow_id']}"
    # default order: by day, then impressions descending
    keys = [(r["date"], -r["impressions"]) for r in data["data"]]
    assert keys == sorted(keys)
    totals = expected_groups(delivery["rows"], lambda r: "all", in_period)["all"]
    assert_metrics(data["total"], totals)
    assert data["total"]["totalRecords"] == len(expected) and data["total"]["campaignName"] is None


def test_execute_aggregated_with_campaign_fields_sort_paging_and_filters(client, headers, delivery):
    columns = ["campaignId", "campaignName", "budgetDay", "budgetTotal", "maxBid", "startTime", "endTime", "status",
               "campaignType", "campaignTimezone", "budgetPacing", *METRIC_COLUMNS]
    body = definition(requestType=2, columns=columns, sortBy="-clicks", pageNo=1, noOfEntries=2)
    data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()
    in_period = lambda r: first_day <= local_day(r) <= last_day  # noqa: E731
    expected = expected_groups(delivery["rows"], lambda r: r["campaign_id"], in_period)
    assert data["totalRecords"] == 3 and len(data["data"]) == 2
    ranked = sorted(expected, key=lambda c: (-expected[c]["clicks"], c))
    assert [r["campaignId"] for r in data["data"]] == ranked[:2]
    row = data["data"][0]
    assert_metrics(row, expected[row["campaignId"]])
    assert "date" not in row
    campaign_c = next(r for r in client.post("/api/v3/ra/report/execute", headers=headers,
                                             json={**body, "pageNo": 1, "noOfEntries": 10}).json()["data"]["data"]
                      if r["campaignId"] == 3)
    assert campaign_c["budgetDay"] == 102.5 and campaign_c["budgetTotal"] == 5002.0 and campaign_c["maxBid"] == 4.25
    assert campaign_c["startTime"] == int((DAY0 - timedelta(days=5)).timestamp())
    assert campaign_c["status"] == "expired" and campaign_c["campaignType"] == "cpv"
    assert campaign_c["campaignTimezone"] == "US/Eastern" and campaign_c["budgetPacing"] is False
    page2 = client.post("/api/v3/ra/report/execute", headers=headers, json={**body, "pageNo": 2}).json()["data"]
    assert [r["campaignId"] for r in page2["data"]] == ranked[2:]
    # sort by a rate (computed from sums) and by a campaign field
    by_ctr = client.post("/api/v3/ra/report/execute", headers=headers,
                         json={**body, "sortBy": "+CTR", "noOfEntries": 10}).json()["data"]["data"]
    assert [r["CTR"] for r in by_ctr] == sorted(r["CTR"] for r in by_ctr)
    by_name = client.post("/api/v3/ra/report/execute", headers=headers,
                          json={**body, "sortBy": "-campaignName", "noOfEntries": 10}).json()["data"]["data"]
    assert [r["campaignId"] for r in by_name] == [3, 2, 1]
    # filters: statuses and ids; search by campaign name
    filtered = client.post("/api/v3/ra/report/execute", headers=headers,
                           json={**body, "filters": {"campaignStatuses": ["running", "paused"], "campaignIds": [2, 3]},
                                 "noOfEntries": 10}).json()["data"]
    assert [r["campaignId"] for r in filtered["data"]] == [2]
    assert_metrics(filtered["total"], expected[2])
    searched = client.post("/api/v3/ra/report/execute", headers=headers,
                           json={**body, "searchField": "campaign c", "noOfEntries": 10}).json()["data"]
    assert [r["campaignId"] for r in searched["data"]] == [3] and searched["totalRecords"] == 1
    nothing = client.post("/api/v3/ra/report/execute", headers=headers,
                          json={**body, "searchField": "no such thing"}).json()["data"]
    assert nothing["data"] == [] and nothing["totalRecords"] == 0 and nothing["total"]["impressions"] == 0
    bad_sort = client.post("/api/v3/ra/report/execute", headers=headers, json={**body, "sortBy": "-mood"})
    assert bad_sort.status_code == 422 and bad_sort.json()["errorObjects"][0]["field"] == "sortBy"


def test_execute_by_several_dimensions_with_values_and_reach(client, headers, delivery):
    dims = json.dumps([{"filter": "campaign"}, {"filter": "state", "value": [30200001, 30200002]},
                       {"filter": "deviceType"}, {"filter": "os", "value": ["iOS"]}])
    columns = ["campaignName", "state", "deviceType", "os", "impressions", "clicks", "spent", "CTR", "eCPM",
               "reach", "frequency"]
    body = definition(dimensions=dims, columns=columns, requestType=2, noOfEntries=1000, sortBy="+campaignId")
    data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()

    def keep(r: dict[str, Any]) -> bool:
        return first_day <= local_day(r) <= last_day and r["state_id"] in (30200001, 30200002) and r["os"] == "iOS"

    expected = expected_groups(delivery["rows"], lambda r: (r["campaign_id"], r["state_id"], r["device_type_id"]),
                               keep)
    assert data["totalRecords"] == len(expected)
    check = ["impressions", "clicks", "spent", "CTR", "eCPM", "reach", "frequency"]
    for row in data["data"]:
        assert row["os"] == "iOS" and row["stateId"] in (30200001, 30200002) and row["deviceType"]
        assert_metrics(row, expected[(row["campaignId"], row["stateId"], row["deviceTypeId"])], check)
    assert_metrics(data["total"], expected_groups(delivery["rows"], lambda r: 0, keep)[0], check)


def test_execute_in_other_timezones_cuts_days_there(client, headers, delivery):
    """UTC (daily rollups), Eastern (hourly rollups) and Kolkata (+05:30: raw events) agree with the raw rows."""
    from zoneinfo import ZoneInfo

    from adplane.master.catalog import timezone_by_name

    for zone_name in ("UTC", "Asia/Kolkata"):
        zone = ZoneInfo(zone_name)
        dims = json.dumps([{"filter": "deviceType"}])
        body = definition(dimensions=dims, columns=["deviceType", "impressions", "spent", "CTR"],
                          timezoneId=timezone_by_name(zone_name).id, noOfEntries=1000,
                          startDate=ms(DAY0 + timedelta(days=1)), endDate=ms(DAY0 + timedelta(days=1)))
        data = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
        day = (DAY0 + timedelta(days=1)).astimezone(zone).date().isoformat()
        expected = expected_groups(delivery["rows"], lambda r, z=zone: (local_day(r, z), r["device_type_id"]),
                                   lambda r, z=zone, d=day: local_day(r, z) == d)
        assert {(r["date"], r["deviceTypeId"]) for r in data["data"]} == set(expected)
        for row in data["data"]:
            assert_metrics(row, expected[(row["date"], row["deviceTypeId"])], ["impressions", "spent", "CTR"])


def test_query_source_is_the_smallest_covering_rollup():
    from datetime import UTC, datetime

    from adplane.reports.catalog import find_dimension
    from adplane.reports.query import ReportQuery, choose_source

    def source(dims: list[str], zone: str, *, reach: bool = False, start_hour: int = 0) -> str:
        start = datetime(2026, 3, 2, start_hour, tzinfo=UTC)
        q = ReportQuery(ow_id=1, dimensions=[find_dimension(d) for d in dims], start=start,
                        end=start + timedelta(days=3), zone_name=zone, daily=True, with_reach=reach)
        return choose_source(q).table

    assert source(["campaign"], "UTC") == "rollup_campaign_daily"
    assert source(["deviceType"], "UTC") == "rollup_device_daily"
    assert source(["deviceType"], "US/Eastern", start_hour=5) == "events"  # no hourly rollup has devices
    # US/Eastern days in winter are the days of UTC-5
    assert source(["campaign"], "US/Eastern", start_hour=5) == "rollup_campaign_daily_utc_m5"
    assert source(["campaign"], "Asia/Kolkata") == "events"
    assert source(["campaign"], "UTC", reach=True) == "events"


def test_group_bound_is_days_times_filtered_values():
    from datetime import UTC, datetime

    from adplane.reports.catalog import find_dimension
    from adplane.reports.query import ReportQuery, group_bound

    def bound(dims: list[str], filters: dict[str, list[Any]], *, daily: bool, days: int = 3,
              start: datetime = datetime(2026, 3, 2, 5, tzinfo=UTC)) -> int | None:
        q = ReportQuery(ow_id=1, dimensions=[find_dimension(d) for d in dims], start=start,
                        end=start + timedelta(days=days), zone_name="US/Eastern", daily=daily, value_filters=filters)
        return group_bound(q)

    assert bound(["campaign"], {"campaign_id": [7]}, daily=True) == 3
    winter = datetime(2026, 1, 5, 5, tzinfo=UTC)  # Eastern midnight
    assert bound(["campaign"], {"campaign_id": [7, 8, 8]}, daily=True, days=30, start=winter) == 60
    # across the spring change, 90 UTC days from Eastern midnight end at 01:00 of a 91st local day
    assert bound(["campaign"], {"campaign_id": [7]}, daily=True, days=90, start=winter) == 91
    assert bound(["campaign", "state"], {"campaign_id": [7, 8], "state_id": [1, 2, 3]}, daily=False) == 6
    assert bound([], {}, daily=True) == 3
    assert bound([], {}, daily=False) == 1
    assert bound(["campaign"], {}, daily=True) is None  # any number of campaigns
    assert bound(["campaign", "state"], {"campaign_id": [7]}, daily=False) is None
    # a period cut mid-day counts the local days it touches: 23:00 to 01:00 Eastern is two days
    assert bound([], {}, daily=True, days=0, start=datetime(2026, 3, 3, 4, tzinfo=UTC)) == 1
    two_hours = ReportQuery(ow_id=1, dimensions=[], start=datetime(2026, 3, 3, 4, tzinfo=UTC),
                            end=datetime(2026, 3, 3, 6, tzinfo=UTC), zone_name="US/Eastern", daily=True)
    assert group_bound(two_hours) == 2


def test_small_results_are_paged_counted_and_summed_as_the_engine_does(client, headers, delivery, monkeypatch):
    """A report whose filters allow few groups reads them all and pages them in Python; every page, count
    and total equals the engine's windowed page of the same report."""
    from adplane.reports import service

    ids = delivery["campaign_ids"]
    daily = definition(dimensions=json.dumps([{"filter": "campaign", "value": ids}]), noOfEntries=4)
    by_state = definition(dimensions=json.dumps([{"filter": "campaign", "value": ids[:2]},
                                                 {"filter": "state", "value": [30200001, 30200002]}]),
                          columns=["campaignName", "state", "impressions", "clicks", "spent", "CTR", "reach",
                                   "frequency"], requestType=2, noOfEntries=3)
    bodies = [daily, {**daily, "pageNo": 2}, {**daily, "pageNo": 99}, {**daily, "sortBy": "-clicks", "pageNo": 2},
              by_state, {**by_state, "sortBy": "+CTR"}, {**by_state, "pageNo": 2, "sortBy": "-campaignName"},
              {**daily, "searchField": "no such thing"}]
    def answers() -> list[dict[str, Any]]:
        out = []
        for body in bodies:
            response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
            assert response.status_code == 200, response.text
            out.append(response.json()["data"])
        return out

    small = answers()
    monkeypatch.setattr(service, "SMALL_RESULT_GROUPS", 0)
    assert answers() == small
    assert small[0]["totalRecords"] == 9 and len(small[0]["data"]) == 4 and len(small[1]["data"]) == 4
    assert small[2]["data"] == [] and small[2]["totalRecords"] == 9 and small[2]["total"]["impressions"] > 0
    assert small[4]["totalRecords"] == 4 and small[4]["total"]["reach"] > 0
    assert small[7]["totalRecords"] == 0 and small[7]["total"]["impressions"] == 0


def test_clickhouse_runs_the_report_statements_with_plain_aggregates(client, headers, delivery, monkeypatch):
    """The page, count and totals statements go through `query_report` (tests/analytics/
    test_clickhouse_report_statements.py); the exactness tests above hold with it."""
    store_type = type(client.app.state.analytics)
    if not hasattr(store_type, "query_report"):
        pytest.skip("ClickHouse only")
    original = store_type.query_report
    statements: list[str] = []

    def counted(self, sql: str, params=()):  # noqa: ANN001, ANN202
        statements.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(store_type, "query_report", counted)
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=definition(pageNo=99))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["totalRecords"] > 0
    assert len(statements) >= 3  # the page (past its end), the count, the totals


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def _fetch(client, url: str):  # noqa: ANN001, ANN202
    path = url.split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path)


def test_download_csv_and_xlsx_same_rows_as_execute(client, headers, delivery):
    columns = ["campaignName", "impressions", "clicks", "spent", "CTR", "eCPM", "maxBid", "startTime"]
    report_id = add(client, headers, columns=columns)
    executed = client.post("/api/v3/ra/report/execute", headers=headers,
                           json={"id": report_id, "noOfEntries": 1000}).json()["data"]

    response = client.post("/api/v3/ra/report/download", headers=headers, json={"id": report_id, "fileType": 1})
    assert response.status_code == 200, response.text
    url = response.json()["data"]["url"]
    fetched = _fetch(client, url)  # no bearer token
    assert fetched.status_code == 200 and fetched.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(fetched.text)))
    assert lines[0] == ["Date", "Campaign", "Impressions", "Clicks", "Total Spent", "CTR", "eCPM", "Max Bid",
                        "Start Time"]
    body = lines[1:-1]
    assert len(body) == executed["totalRecords"]
    for line, row in zip(body, executed["data"], strict=True):
        assert line[0] == row["date"] and line[1] == row["campaignName"]
        assert int(line[2]) == row["impressions"] and int(line[3]) == row["clicks"]
        assert line[4] == f"${row['spent']:,.2f}"
        assert float(line[5].rstrip("%")) == pytest.approx(row["CTR"], abs=5e-5)
        assert line[7] == "$4.2500"
        assert line[8] == (DAY0 - timedelta(days=5)).strftime("%Y-%m-%d %H:%M EST")
    assert lines[-1][0] == "Total" and int(lines[-1][2]) == executed["total"]["impressions"]

    tampered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")
    assert _fetch(client, tampered).status_code == 403

    response = client.post("/api/v3/ra/report/download", headers=headers, json={"id": report_id, "fileType": 2})
    fetched = _fetch(client, response.json()["data"]["url"])
    assert fetched.status_code == 200
    sheet = load_workbook(io.BytesIO(fetched.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Date", "Campaign", "Impressions")
    assert len(values) == executed["totalRecords"] + 2
    for cells, row in zip(values[1:-1], executed["data"], strict=True):
        assert cells[0].date().isoformat() == row["date"] and cells[1] == row["campaignName"]
        assert cells[2] == row["impressions"] and cells[4] == pytest.approx(row["spent"], abs=1e-9)
        assert cells[5] == pytest.approx(row["CTR"] / 100, abs=1e-12)
        assert cells[7] == 4.25 and cells[8] == (DAY0 - timedelta(days=5)).replace(tzinfo=None)
    assert values[-1][0] == "Total" and values[-1][2] == executed["total"]["impressions"]
    fmt = sheet.cell(row=2, column=5).number_format
    assert "$" in fmt and "%" in sheet.cell(row=2, column=6).number_format


def test_download_link_expires(client, headers, delivery):
    from adplane.core.clock import clock

    report_id = add(client, headers)
    url = client.post("/api/v3/ra/report/download", headers=headers,
                      json={"id": report_id, "fileType": 1}).json()["data"]["url"]
    assert _fetch(client, url).status_code == 200
    clock.advance(timedelta(days=2))
    assert _fetch(client, url).status_code == 404


def test_download_validation(client, headers, delivery):
    report_id = add(client, headers)
    bad_type = client.post("/api/v3/ra/report/download", headers=headers, json={"id": report_id, "fileType": 9})
    assert bad_type.status_code == 422 and bad_type.json()["errorObjects"][0]["field"] == "fileType"
    no_columns = client.post("/api/v3/ra/report/download", headers=headers,
                             json={"startDate": ms(DAY0), "endDate": ms(DAY0), "dimensions": '[{"filter":"campaign"}]',
                                   "timezoneId": EASTERN_ID})
    assert no_columns.status_code == 422 and no_columns.json()["errorObjects"][0]["field"] == "columns"


# --------------------------------------------------------------------------------------------
# Isolation
# --------------------------------------------------------------------------------------------


def test_other_organizations_reports_and_data_are_invisible(client, db, headers, other_headers, delivery):
    report_id = add(client, headers)
    other_ow = int(other_headers["X-IAA-OW-ID"])
    for method, path, body in (
        ("get", f"/api/v3/ra/report/{report_id}", None),
        ("patch", f"/api/v3/ra/report/{report_id}", {"reportName": "Mine now"}),
        ("delete", f"/api/v3/ra/report/{report_id}", None),
        ("post", "/api/v3/ra/report/duplicate", {"id": report_id}),
        ("post", "/api/v3/ra/report/execute", {"id": report_id}),
        ("post", "/api/v3/ra/report/download", {"id": report_id, "fileType": 1}),
    ):
        response = client.request(method.upper(), path, headers=other_headers, json=body)
        assert response.status_code == 404, (path, response.text)
    assert client.post("/api/v3/ra/reports/list", headers=other_headers, json={}).json()["data"]["totalRecords"] == 0
    # the other organization's own inline report sees none of this tenant's events
    make_campaigns(db, other_ow, first_id=60)
    data = client.post("/api/v3/ra/report/execute", headers=other_headers,
                       json=definition(columns=["campaignName", "impressions"])).json()["data"]
    assert data["data"] == [] and data["total"]["impressions"] == 0
    # and cannot name this tenant's campaigns as filters
    response = client.post("/api/v3/ra/report/execute", headers=other_headers,
                           json=definition(dimensions='[{"filter":"campaign","value":[1]}]'))
    assert response.status_code == 422
    assert client.get(f"/api/v3/ra/report/{report_id}", headers=headers).json()["data"]["reportName"] == \
        "Campaign by day"


def test_out_of_range_ids_are_422_not_500(client, headers):
    assert client.get("/api/v3/ra/report/99999999999", headers=headers).status_code == 422
    response = client.post("/api/v3/ra/report/execute", headers=headers, json={"id": "abc"})
    assert response.status_code == 422


def test_service_contract_for_schedules(client, db, tenant, headers, delivery, settings):
    """execute_report / export_report as the scheduling domain calls them."""
    from openpyxl import load_workbook as load

    from adplane.reports import service
    from adplane.reports.models import Report

    report_id = add(client, headers, requestType=1, columns=["campaignName", "impressions", "spent"])
    store = client.app.state.analytics
    start = DAY0.astimezone(EASTERN)
    end = start + timedelta(days=1)
    with db.session() as session:
        report = session.get(Report, report_id)
        result = service.execute_report(session, store, report, start=start, end=end)
        path = service.export_report(session, store, settings, report, start=start, end=end, file_type=2)
    day = DAY0.date().isoformat()
    expected = expected_groups(delivery["rows"], lambda r: 0, lambda r: local_day(r) == day)[0]
    assert result.totals["impressions"] == expected["impressions"]
    assert result.daily_totals and result.daily_totals[0][0] == day
    assert result.daily_totals[0][1]["spent"] == pytest.approx(expected["spent"], abs=1e-12)
    assert result.labels["spent"] == "Total Spent" and result.columns[0] == "date"
    rows = list(load(path).active.iter_rows(values_only=True))
    assert rows[-1][0] == "Total" and rows[-1][2] == expected["impressions"]


def test_add_with_scheduling_details_saves_the_schedule_in_one_call(client, db, tenant, headers):
    from adplane.core.clock import clock

    clock.set(DAY0 + timedelta(days=3))
    make_campaigns(db, tenant["owId"])
    details = {"runningTotalEnabled": 0, "deliveryFrequency": 3, "deliveryDay": "Friday", "fileType": 2,
               "subscriberEmails": ["demoUser1@gmail.com"], "eventEndDate": ms(DAY0 + timedelta(days=60))}
    report_id = add(client, headers, reportSchedulingEventDetails=details)
    got = client.get(f"/api/v3/ra/report/{report_id}", headers=headers).json()["data"]
    schedule = got["reportSchedulingEventDetails"]
    assert schedule["deliveryFrequency"] == 3 and schedule["fileType"] == 2
    assert schedule["subscriberEmails"] == ["demoUser1@gmail.com"]
    # a bad schedule rejects the whole call: no report is saved
    bad = client.post("/api/v3/ra/report/add", headers=headers,
                      json=definition(reportName="Other", reportSchedulingEventDetails={**details, "fileType": 9}))
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "fileType"
    assert client.post("/api/v3/ra/reports/list", headers=headers, json={}).json()["data"]["totalRecords"] == 1
    # deleting the report removes its schedule
    assert client.delete(f"/api/v3/ra/report/{report_id}", headers=headers).status_code == 200
    from adplane.schedules.service import schedule_summary

    with db.session() as session:
        assert schedule_summary(session, report_id) is None


def test_spec_sample_execute_body_shape(client, headers, delivery):
    """The specification's execute sample (ids adapted): sortBy + order, filters, searchField, reach."""
    body = {
        "startDate": ms(DAY0), "endDate": ms(DAY0 + timedelta(days=2)),
        "dimensions": json.dumps([{"filter": "campaign"}, {"filter": "gender", "value": [10200002]},
                                  {"filter": "deviceType", "value": [11, 13]}]),
        "columns": ["campaignId", "campaignName", "deviceType", "completeCount", "gender", "startTime", "endTime",
                    "maxBid", "budgetDay", "VCR", "eCPC", "budgetTotal", "impressions", "clicks", "winRate", "reach"],
        "customerIds": [201353, 201352],
        "filters": {"campaignIds": [1, 2, 3], "creativeTypeIds": [11], "campaignStatuses": ["expired", "running"]},
        "searchField": "Campaign A", "requestType": 1, "reportAggregated": "0", "timezoneId": EASTERN_ID,
        "timezoneName": "US/Eastern", "order": "desc", "sortBy": "impressions", "noOfEntries": 50, "pageNo": 1,
    }
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    first_day, last_day = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()

    def keep(r: dict[str, Any]) -> bool:
        return (first_day <= local_day(r) <= last_day and r["gender_id"] == 10200002
                and r["device_type_id"] in (11, 13) and r["campaign_id"] == 1 and r["creative_type_id"] == 11)

    expected = expected_groups(delivery["rows"], lambda r: (local_day(r), r["device_type_id"]), keep)
    assert data["totalRecords"] == len(expected) > 0
    assert [r["impressions"] for r in data["data"]] == sorted((r["impressions"] for r in data["data"]), reverse=True)
    for row in data["data"]:
        assert row["campaignId"] == 1 and row["gender"] == "Female" and row["deviceType"] in ("Mobile", "Desktop")
        assert_metrics(row, expected[(row["date"], row["deviceTypeId"])],
                       ["completeCount", "VCR", "eCPC", "impressions", "clicks", "winRate", "reach"])
    assert_metrics(data["total"], expected_groups(delivery["rows"], lambda r: 0, keep)[0],
                   ["impressions", "clicks", "reach", "winRate"])


def test_rows_stream_in_chunks_equal_to_one_query(client, store, delivery):
    from adplane.reports.stream import stream_rows

    sql = "SELECT campaign_id, event_type, count(*) AS n FROM events WHERE ow_id = ? GROUP BY 1, 2 ORDER BY 1, 2"
    params = [delivery["ow_id"]]
    streamed = [tuple(row) for row in stream_rows(store, sql, params, chunk_rows=4)]
    assert len(streamed) > 8
    assert streamed == [tuple(row) for row in store.query(sql, params)]
