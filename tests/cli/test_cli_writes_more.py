"""`adplane api` writes for creatives, report schedules and insight reports, through the entry point
against a live server and checked through the API: uploads, schedules that take only the options
their frequency uses, and PLD/SLS/AQS each generated with its own fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from adplane.healthcare.synthetic import AUDIENCE_ID, BRAND_ID, COMPETITOR_IDS
from campaign_helpers import freeze
from test_cli_api import cli, cli_errors, config_home, logged_in, login_args  # noqa: F401 - fixtures
from test_cli_writes_campaigns import api, as_json  # noqa: F401 - fixtures
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures
from test_client_creatives import png
from test_insights_world import build_world


def test_creatives_upload_files_and_urls(cli, api: AdplaneClient, tmp_path: Path) -> None:  # noqa: ANN001, F811
    banner = tmp_path / "banner.png"
    banner.write_bytes(png(300, 250))
    uploaded = as_json(cli("api", "creatives", "upload", str(banner), "https://cdn.example.com/square.png",
                           "--click-url", "https://www.example.com", "--width", "250", "--height", "250",
                           "--json"))
    ids = {Path(row["file"]).name: int(row["creativeId"]) for row in uploaded["created"]}
    assert set(ids) == {"banner.png", "square.png"} and uploaded["failed"] == {}
    saved = api.creatives.get(ids["banner.png"])
    assert saved["creativeName"] == "banner.png" and saved["platformCreativeTypeId"] == 11
    assert saved["imageDetails"]["creativeWidth"] == 300
    assert api.download(saved["creativeSource"]) == banner.read_bytes()
    square = api.creatives.get(ids["square.png"])
    assert square["creativeSourceType"].upper() == "URL" and square["imageDetails"]["creativeWidth"] == 250
    listed = cli("api", "creatives", "list")
    assert listed.exit_code == 0 and "banner.png" in listed.stdout
    unknown_type = cli("api", "creatives", "upload", str(tmp_path / "notes.xyz"), "--click-url", "https://a.b")
    assert unknown_type.exit_code == 2 and "give --type" in unknown_type.stderr
    typo = cli("api", "creatives", "upload", str(banner), "--type", "imgae", "--click-url", "https://a.b")
    assert typo.exit_code == 2 and "did you mean 'image'" in typo.stderr
    missing = cli("api", "creatives", "upload", str(tmp_path / "gone.png"), "--click-url", "https://a.b")
    assert missing.exit_code == 2 and "gone.png" in missing.stderr and "Traceback" not in missing.output
    refused = cli("api", "creatives", "upload", str(banner), "--click-url", "not a url")
    assert refused.exit_code == 1 and any("banner.png" in line for line in cli_errors(refused))
    assert len(list(api.creatives.iter())) == 2


@pytest.fixture
def report_id(api: AdplaneClient) -> int:  # noqa: F811
    freeze()
    return int(api.reports.add(report_name="Scheduled", start_date="2025-06-02", end_date="2025-06-05",
                               dimensions=[{"filter": "campaign"}], columns=["impressions"], timezone_id=29,
                               request_type=1))


def schedule_of(api: AdplaneClient, report_id: int) -> dict[str, Any]:  # noqa: F811
    return api.reports.get(report_id).get("reportSchedulingEventDetails") or {}


def test_schedules_take_only_what_their_frequency_uses(cli, api: AdplaneClient, report_id: int) -> None:  # noqa: ANN001, F811
    base = ("api", "schedules", "create", str(report_id), "--email", "ops@example.com")
    daily_with_day = cli(*base, "--frequency", "daily", "--weekday", "MONDAY")
    assert daily_with_day.exit_code == 2
    assert cli_errors(daily_with_day) == ["error: --weekday does not apply to daily delivery (daily sends every day)"]
    weekly_without = cli(*base, "--frequency", "weekly", "--end-date", "2025-12-31")
    assert cli_errors(weekly_without) == ["error: weekly delivery needs --weekday (MONDAY ... SUNDAY)"]
    weekly_month_day = cli(*base, "--frequency", "weekly", "--day-of-month", "3")
    assert weekly_month_day.exit_code == 2 and "--day-of-month does not apply to weekly" in weekly_month_day.stderr
    monthly_bad = cli(*base, "--frequency", "monthly", "--day-of-month", "31")
    assert monthly_bad.exit_code == 2 and "first, last or a day 1-29" in monthly_bad.stderr
    weekday_typo = cli(*base, "--frequency", "weekly", "--weekday", "MONDYA")
    assert weekday_typo.exit_code == 2 and "did you mean 'MONDAY'" in weekday_typo.stderr
    frequency_typo = cli(*base, "--frequency", "dayly")
    assert frequency_typo.exit_code == 2 and "did you mean 'daily'" in frequency_typo.stderr
    assert schedule_of(api, report_id).get("deliveryFrequency") in (None, 0)  # nothing was saved

    no_end = cli(*base, "--frequency", "daily")
    assert cli_errors(no_end) == ["error: daily delivery needs --end-date (the last day of deliveries)"]
    daily = cli(*base, "--frequency", "daily", "--file-type", "xlsx", "--end-date", "2025-12-31")
    assert daily.exit_code == 0, daily.output
    saved = schedule_of(api, report_id)
    assert saved["deliveryFrequency"] == 2 and saved["fileType"] == 2
    assert saved["subscriberEmails"] == ["ops@example.com"]
    assert cli("api", "schedules", "update", str(report_id), "--frequency", "monthly", "--day-of-month",
               "last").exit_code == 0
    saved = schedule_of(api, report_id)
    assert (saved["deliveryFrequency"], saved["deliveryDay"]) == (4, "Last")
    assert cli("api", "schedules", "update", str(report_id), "--frequency", "weekly", "--weekday",
               "friday").exit_code == 0
    assert schedule_of(api, report_id)["deliveryDay"] == "FRIDAY"
    assert cli("api", "schedules", "delete", str(report_id)).exit_code == 0
    assert not schedule_of(api, report_id).get("deliveryFrequency")


def test_insights_generate_each_kind_with_its_fields(cli, api: AdplaneClient, logged_in: dict[str, Any],  # noqa: ANN001, F811
                                                     live_server: LiveServer, db) -> None:  # noqa: ANN001, F811
    build_world(db, live_server.app, logged_in["owId"])
    pld = as_json(cli("api", "insights", "generate", "pld", "--campaign-id", "1", "--start", "2026-04-06",
                      "--end", "2026-06-28", "--json"))
    assert pld["pldReportCreated"] is True and pld["campaignId"] == 1
    sls_args = ("--campaign-id", "1", "--campaign-id", "2", "--start", "2026-04-06", "--end", "2026-06-28",
                "--concept-group-id", str(BRAND_ID), "--name", "CLI lift")
    quote = as_json(cli("api", "insights", "cost", "sls", *sls_args, "--json"))
    assert "slsId" not in quote and quote["campaignIds"] == [1, 2]
    needs_competitors = cli("api", "insights", "generate", "sls", *sls_args, "--report-type", "2")
    assert needs_competitors.exit_code == 2 and "--competitor-concept-group-id" in needs_competitors.stderr
    sls = as_json(cli("api", "insights", "generate", "sls", *sls_args, "--report-type", "1", "--report-type", "2",
                      "--competitor-concept-group-id", str(COMPETITOR_IDS[0]), "--json"))
    assert sls["slsName"] == "CLI lift" and sls["reportTypes"] == [1, 2]
    assert sls["competitorConceptGroupIds"] == [COMPETITOR_IDS[0]]
    missing = cli("api", "insights", "generate", "aqs", "--campaign-id", "1", "--start", "2026-04-06",
                  "--end", "2026-06-28")
    assert missing.exit_code == 2 and cli_errors(missing) == [
        "error: a new AQS report needs --audience (or --regenerate ID)"]
    bad_pair = cli("api", "insights", "generate", "aqs", "--audience", "101")
    assert bad_pair.exit_code == 2 and "AUDIENCE_ID:CONCEPT_GROUP_ID" in bad_pair.stderr
    aqs = as_json(cli("api", "insights", "generate", "aqs", "--campaign-id", "1", "--start", "2026-04-06",
                      "--end", "2026-06-28", "--audience", f"{AUDIENCE_ID}:{BRAND_ID}", "--name", "CLI AQS",
                      "--json"))
    assert aqs.get("aqsReportCreated") is not False
    listed = {kind: [row for row in getattr(api.insights, kind).iter()] for kind in ("pld", "sls", "aqs")}
    assert len(listed["pld"]) == 1 and len(listed["sls"]) == 1 and len(listed["aqs"]) == 1
    assert listed["sls"][0].get("slsName", listed["sls"][0].get("reportName")) == "CLI lift"
    live_server.app.state.analytics.reset()
