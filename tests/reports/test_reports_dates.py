"""Report dates mean what the user means (issue #14, point 2): a calendar day — an ISO date in the
report API, the CLI's `--start/--end`, a `date` in the SDK — is that whole day in the report's
timezone, end day included, and today's report shows today's delivery. The zone is US/Eastern, so a
UTC reading of a day would be visibly off by five hours."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from adplane.cli.main import app as cli_app
from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from test_cli_api import login_args, runner
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures
from test_reports import definition, delivery, ms, store  # noqa: F401 - fixtures
from test_reports_data import DAY0, EASTERN, EASTERN_ID, io_id_of, local_day, make_campaigns, to_arrow

SECOND_DAY = (DAY0 + timedelta(days=1)).date().isoformat()  # 2026-03-03, a day of the test events


def impressions_on(rows: list[dict[str, Any]], days: set[str]) -> int:
    return sum(1 for r in rows if r["event_type"] == "impression" and local_day(r) in days)


def execute(client, headers, **overrides: Any) -> Any:  # noqa: ANN001
    body = definition(columns=["impressions"], dimensions=json.dumps([{"filter": "campaign"}]), **overrides)
    return client.post("/api/v3/ra/report/execute", headers=headers, json=body)


def test_an_iso_day_is_that_whole_local_day(client, headers, delivery) -> None:  # noqa: ANN001, F811
    answer = execute(client, headers, startDate=SECOND_DAY, endDate=SECOND_DAY)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert {row["date"] for row in data["data"]} == {SECOND_DAY}
    assert data["total"]["impressions"] == impressions_on(delivery["rows"], {SECOND_DAY})
    # two days: the end day is included
    first = DAY0.date().isoformat()
    both = execute(client, headers, startDate=first, endDate=SECOND_DAY, requestType=2).json()["data"]
    assert both["total"]["impressions"] == impressions_on(delivery["rows"], {first, SECOND_DAY})


def test_saved_iso_days_read_back_as_local_midnight_and_the_days_last_millisecond(client, headers,  # noqa: ANN001
                                                                               delivery) -> None:  # noqa: F811
    added = client.post("/api/v3/ra/report/add", headers=headers,
                        json=definition(startDate=SECOND_DAY, endDate=SECOND_DAY))
    assert added.status_code == 200, added.text
    saved = client.get(f"/api/v3/ra/report/{added.json()['data']}", headers=headers).json()["data"]
    midnight = datetime(2026, 3, 3, tzinfo=EASTERN)
    assert saved["startDate"] == ms(midnight)
    assert saved["endDate"] == ms(midnight + timedelta(days=1)) - 1
    ran = client.post("/api/v3/ra/report/execute", headers=headers,
                      json={"id": added.json()["data"], "columns": ["impressions"]}).json()["data"]
    assert ran["total"]["impressions"] == impressions_on(delivery["rows"], {SECOND_DAY})


def test_epoch_text_and_local_date_times(client, headers, delivery) -> None:  # noqa: ANN001, F811
    midnight = datetime(2026, 3, 3, tzinfo=EASTERN)
    as_text = execute(client, headers, startDate=str(ms(midnight)), endDate=str(ms(midnight + timedelta(hours=23))))
    assert as_text.status_code == 200, as_text.text
    local = execute(client, headers, startDate="2026-03-03T00:00:00", endDate="2026-03-03T23:00:00")
    assert local.json()["data"]["total"] == as_text.json()["data"]["total"]
    assert as_text.json()["data"]["total"]["impressions"] == impressions_on(delivery["rows"], {SECOND_DAY})


def test_bad_dates_are_refused_naming_the_field(client, headers, delivery) -> None:  # noqa: ANN001, F811
    for field, value in (("startDate", "March 3rd"), ("endDate", "2026-02-30"), ("startDate", True)):
        answer = client.post("/api/v3/ra/report/add", headers=headers, json=definition(**{field: value}))
        assert answer.status_code == 422, answer.text
        assert answer.json()["errorObjects"][0]["field"] == field
    backwards = client.post("/api/v3/ra/report/add", headers=headers,
                            json=definition(startDate=SECOND_DAY, endDate=DAY0.date().isoformat()))
    assert backwards.status_code == 422 and backwards.json()["errorObjects"][0]["field"] == "endDate"
    listed = client.get("/api/v3/ra/reports/list", headers=headers).json()["data"]
    assert listed["totalRecords"] == 0


# --- today, through the CLI and the SDK ----------------------------------------------------------


def todays_delivery(db, analytics, ow_id: int) -> tuple[datetime, int]:  # noqa: ANN001
    """Now is 22:00 in New York (03:00 UTC the next day): impressions earlier this local day, some of
    them already on the next UTC day, plus one of yesterday."""
    now = datetime(2026, 3, 4, 3, 0, tzinfo=UTC)
    clock.set(now)
    campaign_ids = make_campaigns(db, ow_id, count=1)
    io_id = io_id_of(db, ow_id)
    base = {"event_type": "impression", "ow_id": ow_id, "io_id": io_id, "campaign_id": campaign_ids[0],
            "creative_id": 900, "creative_type_id": 11, "media_cost": Decimal("0.002"), "data_cost": Decimal(0),
            "platform_margin": Decimal(0)}
    today = [now - timedelta(hours=h) for h in (0.5, 2, 3.5, 6, 21)]  # 21:30 ... 01:00 New York time
    rows = [{**base, "event_time": at} for at in [*today, now - timedelta(hours=23)]]
    analytics.append_events(to_arrow([{**_blank(), **row} for row in rows]), batch_id="today")
    return now, len(today)


def _blank() -> dict[str, Any]:
    return {name: None for name in ("exchange_id", "device_type_id", "os", "traffic_type_id", "publisher",
                                    "country_id", "state_id", "city", "zip", "dma_id", "gender_id",
                                    "age_range_id", "npi", "user_id", "bid_price")}


def test_todays_report_from_the_cli_shows_todays_delivery(live_server: LiveServer, tenant, db, tmp_path) -> None:  # noqa: ANN001, F811
    analytics = live_server.app.state.analytics
    analytics.reset()
    try:
        _now, expected = todays_delivery(db, analytics, tenant["owId"])
        env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "200"}
        assert runner.invoke(cli_app, login_args(live_server, tenant), env=env).exit_code == 0
        common = ["--dimensions", "campaign", "--column", "impressions", "--timezone-id", str(EASTERN_ID), "--json"]
        today = runner.invoke(cli_app, ["api", "reports", "run", "--start", "today", "--end", "today",
                                        "--request-type", "2", *common], env=env)
        assert today.exit_code == 0, today.output
        assert json.loads(today.stdout)["total"]["impressions"] == expected
        by_date = runner.invoke(cli_app, ["api", "reports", "run", "--start", "2026-03-03", "--end", "2026-03-03",
                                          "--request-type", "1", *common], env=env)
        answer = json.loads(by_date.stdout)
        assert {row["date"] for row in answer["data"]} == {"2026-03-03"}
        assert answer["total"]["impressions"] == expected
        saved = runner.invoke(cli_app, ["api", "reports", "create", "--name", "Yesterday", "--start", "yesterday",
                                        "--end", "yesterday", "--dimensions", "campaign", "--column", "impressions",
                                        "--timezone-id", str(EASTERN_ID), "--json"], env=env)
        report_id = int(json.loads(saved.stdout))
        moved = runner.invoke(cli_app, ["api", "reports", "update", str(report_id), "--start", "today",
                                        "--end", "today"], env=env)
        assert moved.exit_code == 0, moved.output
        shown = json.loads(runner.invoke(cli_app, ["api", "reports", "show", str(report_id), "--json"],
                                         env=env).stdout)
        assert shown["startDate"] == ms(datetime(2026, 3, 3, tzinfo=EASTERN))
        bad = runner.invoke(cli_app, ["api", "reports", "run", "--start", "soon", *common], env=env)
        assert bad.exit_code == 2 and "--start" in bad.stderr
    finally:
        analytics.reset()


def test_the_sdk_takes_dates(live_server: LiveServer, tenant, db) -> None:  # noqa: ANN001, F811
    analytics = live_server.app.state.analytics
    analytics.reset()
    try:
        _now, expected = todays_delivery(db, analytics, tenant["owId"])
        with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, tenant)) as api:
            answer = api.reports.execute(start_date=date(2026, 3, 3), end_date=date(2026, 3, 3),
                                         dimensions=[{"filter": "campaign"}], columns=["impressions"],
                                         timezone_id=EASTERN_ID, request_type=2)
        assert answer["total"]["impressions"] == expected
    finally:
        analytics.reset()


def test_insight_days_are_days_of_the_campaigns_timezone(live_server: LiveServer, tenant, db, tmp_path) -> None:  # noqa: ANN001, F811
    from test_insights_world import build_world

    build_world(db, live_server.app, tenant["owId"])  # campaign 1 runs in US/Eastern
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "COLUMNS": "200"}
    assert runner.invoke(cli_app, login_args(live_server, tenant), env=env).exit_code == 0
    made = runner.invoke(cli_app, ["api", "insights", "generate", "pld", "--campaign-id", "1", "--start", "2026-04-06",
                                   "--end", "2026-06-28", "--json"], env=env)
    assert made.exit_code == 0, made.output
    answer = json.loads(made.stdout)
    assert answer["pldStartDate"] == ms(datetime(2026, 4, 6, tzinfo=EASTERN))
    assert answer["pldEndDate"] == ms(datetime(2026, 6, 29, tzinfo=EASTERN)) - 1  # the end day included
    live_server.app.state.analytics.reset()
