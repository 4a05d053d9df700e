"""`adplane api` main flows through the entry point against a live server: IOs and campaigns from
flags and JSON files, reports to the terminal, CSV and XLSX, schedules, insight reports."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from adplane.insights.worker import generate_pending
from campaign_helpers import campaign_body, freeze, make_creative
from test_cli_api import cli, cli_errors, config_home, logged_in, login_args  # noqa: F401 - fixtures
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures
from test_insights_world import build_world


def as_json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def flight(cli, logged_in: dict[str, Any], db) -> dict[str, Any]:  # noqa: ANN001, F811
    """An IO made with flags and a campaign made from a JSON file, both through the CLI."""
    freeze()
    io = as_json(cli("api", "ios", "create", "--name", "CLI IO", "--start", "2025-06-02", "--end", "2025-06-30",
                     "--timezone-id", "29", "--set", "isAutoSumIoTotalBudget=true", "--set", "ioBudgetTypeId=1",
                     "--set", "ioBudgetDistributionMethodId=1", "--json"))
    creative_id = make_creative(db, logged_in["owId"])
    return {"io_id": io["ioId"], "creative_id": creative_id, "owId": logged_in["owId"]}


def test_ios_from_flags(cli, flight: dict[str, Any]) -> None:  # noqa: ANN001, F811
    io_id = flight["io_id"]
    shown = as_json(cli("api", "ios", "show", str(io_id), "--json"))
    assert shown["ioName"] == "CLI IO" and shown["ioStartTime"] == 1748822400000 and shown["ioTimeZoneId"] == 29
    updated = cli("api", "ios", "update", str(io_id), "--name", "CLI IO renamed")
    assert updated.exit_code == 0 and "CLI IO renamed saved successfully." in updated.stdout
    assert [row["ioName"] for row in as_json(cli("api", "ios", "list", "--json"))] == ["CLI IO renamed"]
    table = cli("api", "ios", "list")
    assert "CLI IO renamed" in table.stdout and "ioId" in table.stdout
    missing = cli("api", "ios", "show", "999999")
    assert missing.exit_code == 1 and cli_errors(missing)
    invalid = cli("api", "ios", "create", "--name", "")
    assert invalid.exit_code == 2  # nothing to send: refused before calling the API
    bad = cli("api", "ios", "create", "--name", "x", "--start", "2025-06-02", "--end", "2025-06-01")
    assert bad.exit_code == 1 and cli_errors(bad)[0].startswith("error: ")
    assert len(as_json(cli("api", "ios", "list", "--json"))) == 1


def test_campaigns_from_a_json_file(cli, flight: dict[str, Any], tmp_path: Path) -> None:  # noqa: ANN001, F811
    body = tmp_path / "campaign.json"
    body.write_text(json.dumps(campaign_body(flight["io_id"], flight["creative_id"])))
    created = as_json(cli("api", "campaigns", "create", "--file", str(body), "--name", "From file", "--json"))
    campaign_id = created["data"]
    shown = as_json(cli("api", "campaigns", "show", str(campaign_id), "--json"))
    assert shown["campaignName"] == "From file" and shown["ioId"] == flight["io_id"]
    assert cli("api", "campaigns", "update", str(campaign_id), "--max-bid", "7").exit_code == 0
    assert as_json(cli("api", "campaigns", "show", str(campaign_id), "--json"))["maxBid"] == 7
    listed = as_json(cli("api", "campaigns", "list", "--json"))
    assert [row["name"] for row in listed] == ["From file"]
    refused = cli("api", "campaigns", "create", "--file", str(body), "--max-bid", "0.5")
    assert refused.exit_code == 1 and any("maxBid" in line for line in cli_errors(refused))


def test_reports_to_terminal_csv_xlsx_and_a_schedule(cli, flight: dict[str, Any], live_server: LiveServer,  # noqa: ANN001, F811
                                                     logged_in: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    live_server.app.state.analytics.reset()
    body = tmp_path / "campaign.json"
    body.write_text(json.dumps(campaign_body(flight["io_id"], flight["creative_id"])))
    campaign_id = as_json(cli("api", "campaigns", "create", "--file", str(body), "--json"))["data"]
    base = {"ow_id": flight["owId"], "io_id": flight["io_id"], "campaign_id": campaign_id,
            "creative_id": flight["creative_id"], "creative_type_id": 11, "media_cost": 0.01}
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, logged_in)) as api:
        api.events.ingest([{**base, "event_time": "2025-06-03T16:00:00Z", "event_type": "impression"}] * 6)
    report = as_json(cli("api", "reports", "create", "--name", "CLI report", "--start", "2025-06-02", "--end",
                         "2025-06-05", "--dimensions", "campaign", "--column", "campaignName", "--column",
                         "impressions", "--column", "spent", "--request-type", "2", "--timezone-id", "29", "--json"))
    report_id = int(report)
    assert [r["reportName"] for r in as_json(cli("api", "reports", "list", "--json"))] == ["CLI report"]
    assert as_json(cli("api", "reports", "show", str(report_id), "--json"))["id"] == report_id
    table = cli("api", "reports", "run", str(report_id))
    assert table.exit_code == 0, table.output
    assert "NewTest" in table.stdout and "impressions" in table.stdout and "total" in table.stdout
    ran = as_json(cli("api", "reports", "run", str(report_id), "--json"))
    assert [(r["campaignName"], r["impressions"]) for r in ran["data"]] == [("NewTest", 6)]
    assert ran["total"]["impressions"] == 6
    saved = cli("api", "reports", "run", str(report_id), "--csv", str(tmp_path / "r.csv"))
    assert saved.exit_code == 0 and "Wrote 1 rows" in saved.stdout
    rows = list(csv.reader((tmp_path / "r.csv").open()))
    assert rows == [["Campaign", "Impressions", "Total Spent"], ["NewTest", "6", "$0.06"], ["Total", "6", "$0.06"]]
    assert cli("api", "reports", "run", str(report_id), "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0
    sheet = load_workbook(tmp_path / "r.xlsx").active
    assert [c.value for c in sheet[1]] == ["Campaign", "Impressions", "Total Spent"]
    assert [c.value for c in sheet[2]][:2] == ["NewTest", 6]
    adhoc = as_json(cli("api", "reports", "run", "--start", "2025-06-02", "--end", "2025-06-05", "--dimensions",
                        "campaign", "--column", "impressions", "--request-type", "2", "--timezone-id", "29",
                        "--json"))
    assert adhoc["total"]["impressions"] == 6
    scheduled = as_json(cli("api", "reports", "schedule", str(report_id), "--email", "ops@example.com",
                            "--frequency", "weekly", "--weekday", "MONDAY", "--end-date", "2025-12-31",
                            "--file-type", "xlsx", "--json"))
    assert scheduled["scheduledData"]["deliveryFrequency"] == 3 and scheduled["scheduledData"]["fileType"] == 2
    refused = cli("api", "reports", "schedule", str(report_id), "--email", "nobody", "--frequency", "once")
    assert refused.exit_code == 1 and cli_errors(refused)
    assert cli("api", "reports", "unschedule", str(report_id)).exit_code == 0
    live_server.app.state.analytics.reset()


def test_insights_generate_list_download(cli, logged_in: dict[str, Any], live_server: LiveServer, db,  # noqa: ANN001, F811
                                         tmp_path: Path) -> None:
    world = build_world(db, live_server.app, logged_in["owId"])
    created = as_json(cli("api", "insights", "generate", "pld", "--campaign-id", "1", "--start",
                          "2026-04-06", "--end", "2026-06-28T23:59:59", "--json"))
    assert created["pldReportCreated"] is True
    state = live_server.app.state
    generate_pending(state.db, state.settings, state.analytics)
    listed = as_json(cli("api", "insights", "list", "--kind", "pld", "--json"))
    assert [(r["pldId"], r["pldStatusId"]) for r in listed] == [(created["pldId"], 2)]
    shown = as_json(cli("api", "insights", "show", str(created["pldId"]), "--kind", "pld", "--json"))
    assert shown["campaignId"] == 1 and shown["pldStatusId"] == 2
    assert cli("api", "insights", "show", "999999", "--kind", "pld").exit_code == 1
    target = tmp_path / "pld.xlsx"
    done = cli("api", "insights", "download", str(created["pldId"]), "--kind", "pld", "--out", str(target))
    assert done.exit_code == 0, done.output
    assert target.read_bytes()[:2] == b"PK"
    sheet = load_workbook(target)["Provider Level Data"]
    header = [c.value for c in sheet[1]]
    impressions = sum(row[header.index("Impressions")] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert impressions == world.impressions((1,))
    wrong = cli("api", "insights", "download", "999999", "--kind", "pld", "--out", str(tmp_path / "x.xlsx"))
    assert wrong.exit_code == 1 and cli_errors(wrong)
    assert cli("api", "insights", "list", "--kind", "vld").exit_code == 2
    state.analytics.reset()
