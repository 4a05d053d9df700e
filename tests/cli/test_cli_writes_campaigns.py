"""`adplane api` writes for insertion orders and campaigns, run through the entry point against a live
server and checked through the API: bodies from YAML files and flags, dates in the user's timezone,
'did you mean' for unknown fields, approve/pause/resume/reject/status, and clear usage errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from adplane.core.clock import clock
from campaign_helpers import END_S, START_S, freeze, make_creative
from test_cli_api import cli, cli_errors, config_home, logged_in, login_args  # noqa: F401 - fixtures
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures

NEW_YORK = ZoneInfo("America/New_York")


def as_json(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def epoch_ms(*parts: int, zone: ZoneInfo = NEW_YORK) -> int:
    return int(datetime(*parts, tzinfo=zone).timestamp() * 1000)


@pytest.fixture
def api(live_server: LiveServer, logged_in: dict[str, Any]):  # noqa: ANN201, F811
    """An SDK client of the same user, to see what the commands did."""
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, logged_in)) as client:
        yield client


@pytest.fixture
def io_id(cli, api: AdplaneClient, tmp_path: Path) -> int:  # noqa: ANN001, F811
    freeze()
    spec = tmp_path / "io.yaml"
    spec.write_text("ioName: YAML IO\nioTotalBudget: 10000\nisAutoSumIoTotalBudget: false\n"
                    "ioBudgetTypeId: 1\nioBudgetDistributionMethodId: 1\n")
    created = as_json(cli("api", "ios", "create", "--file", str(spec), "--start", "2025-06-02", "--end",
                          "2025-06-30", "--timezone-id", "29", "--tz", "America/New_York", "--json"))
    return int(created["ioId"])


def test_io_from_a_yaml_file_and_flags_in_the_users_timezone(cli, api: AdplaneClient, io_id: int) -> None:  # noqa: ANN001, F811
    saved = api.io.get(io_id)
    assert saved["ioName"] == "YAML IO" and saved["ioTotalBudget"] == 10000
    assert saved["ioStartTime"] == epoch_ms(2025, 6, 2)  # midnight in New York, not UTC
    assert saved["ioEndTime"] == epoch_ms(2025, 6, 30, 23, 59, 59) + 999  # the end date is included
    updated = cli("api", "ios", "update", str(io_id), "--budget", "15000", "--distribution", "auto",
                  "--no-auto-sum-budget")
    assert updated.exit_code == 0, updated.output
    saved = api.io.get(io_id)
    assert saved["ioTotalBudget"] == 15000 and saved["ioBudgetDistributionMethodId"] == 2
    tokyo = cli("api", "ios", "show", str(io_id), "--tz", "Asia/Tokyo")
    assert "2025-06-02 13:00 JST" in tokyo.stdout  # epoch fields shown as dates in the user's zone
    picked = cli("api", "ios", "list", "--columns", "ioId,ioName,ioTotalBudget")
    assert picked.exit_code == 0 and "ioTotalBudget" in picked.stdout and "ioStartTime" not in picked.stdout
    typo = cli("api", "ios", "list", "--columns", "ioId,ioNmae")
    assert typo.exit_code == 2
    assert cli_errors(typo) == ["error: --columns: unknown column 'ioNmae' (did you mean 'ioName'?)"]
    setting = cli("api", "ios", "list", env={"ADPLANE_API_TZ": "America/New_York"})
    assert "2025-06-02 00:00 EDT" in setting.stdout
    assert as_json(cli("api", "ios", "show", str(io_id), "--json"))["ioStartTime"] == epoch_ms(2025, 6, 2)


def test_io_input_errors_are_clear_and_change_nothing(cli, api: AdplaneClient, io_id: int,  # noqa: ANN001, F811
                                                      tmp_path: Path) -> None:
    typo = tmp_path / "typo.yaml"
    typo.write_text("ioName: Typo IO\nioTotalBudgett: 5\n")
    refused = cli("api", "ios", "create", "--file", str(typo))
    assert refused.exit_code == 2
    assert cli_errors(refused) == ["error: POST /api/v3/cmp/io/add: unknown field 'ioTotalBudgett' "
                                   "(did you mean 'ioTotalBudget'?)"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("ioName: [unclosed\n")
    result = cli("api", "ios", "create", "--file", str(broken))
    assert result.exit_code == 2 and "not valid YAML or JSON" in result.stderr and "line" in result.stderr
    assert "Traceback" not in result.output
    assert cli("api", "ios", "create", "--file", str(tmp_path / "missing.yaml")).exit_code == 2
    missing = cli("api", "ios", "create", "--budget", "10")
    assert missing.exit_code == 2
    assert cli_errors(missing) == ["error: missing ioName: give --name (or put it in --file)"]
    zone = cli("api", "ios", "create", "--name", "x", "--start", "2025-06-02", "--tz", "America/New_Yrok")
    assert zone.exit_code == 2 and "did you mean 'America/New_York'" in zone.stderr
    date = cli("api", "ios", "create", "--name", "x", "--start", "June 2nd")
    assert date.exit_code == 2 and "--start: expected an ISO date" in date.stderr
    choice = cli("api", "ios", "update", str(io_id), "--distribution", "automatic")
    assert choice.exit_code == 2 and "not one of manual, auto" in choice.stderr
    nothing = cli("api", "ios", "update", str(io_id))
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr
    assert [row["ioName"] for row in api.io.iter()] == ["YAML IO"]
    assert api.io.get(io_id)["ioTotalBudget"] == 10000


CAMPAIGN_YAML = """\
campaignName: YAML campaign
budgetTotal: 1500
budgetDay: 50
maxBid: 100
timezone: 29
isAgreementChecked: true
countryId: "30100001"
advertiserDomain: https://iqm.com
totalBudgetPacing: false
publisherAdCategory: ""
exchanges: ""
budgetTypeId: 1
campaignType: 1
"""


def create_campaign(cli, io_id: int, creative_id: int, tmp_path: Path, *extra: str) -> int:  # noqa: ANN001, F811
    spec = tmp_path / "campaign.yml"
    spec.write_text(CAMPAIGN_YAML)
    created = as_json(cli("api", "campaigns", "create", "--file", str(spec), "--io-id", str(io_id),
                          "--creative-type", "image", "--creative-id", str(creative_id), "--start", str(START_S),
                          "--end", str(END_S), *extra, "--json"))
    return int(created["data"])


def test_campaign_from_yaml_then_flags(cli, api: AdplaneClient, io_id: int, db, logged_in: dict[str, Any],  # noqa: ANN001, F811
                                       tmp_path: Path) -> None:
    creative_id = make_creative(db, logged_in["owId"])
    campaign_id = create_campaign(cli, io_id, creative_id, tmp_path, "--name", "Flag name wins")
    saved = api.campaigns.get(campaign_id)
    assert saved["campaignName"] == "Flag name wins" and saved["ioId"] == io_id
    assert saved["creativeType"] == 11 and saved["creativeIds"] == str(creative_id)
    assert saved["startTime"] == START_S and saved["status"] == "pending"
    assert cli("api", "campaigns", "update", str(campaign_id), "--max-bid", "7", "--budget-day", "40",
               "--end", "2025-06-04T20:00", "--tz", "America/New_York").exit_code == 0
    saved = api.campaigns.get(campaign_id)
    assert (saved["maxBid"], saved["budgetDay"]) == (7, 40)
    assert saved["endTime"] == epoch_ms(2025, 6, 4, 20) // 1000
    typo = cli("api", "campaigns", "update", str(campaign_id), "--set", "budgetTotl=900")
    assert typo.exit_code == 2 and "unknown field 'budgetTotl' (did you mean 'budgetTotal'?)" in typo.stderr
    assert api.campaigns.get(campaign_id)["budgetTotal"] == 1500
    refused = cli("api", "campaigns", "update", str(campaign_id), "--max-bid", "0.5")
    assert refused.exit_code == 1 and any("maxBid" in line for line in cli_errors(refused))
    help_text = cli("api", "campaigns", "create", "--help").stdout
    assert "--budget-day" in help_text and "Daily budget in dollars." in help_text


def test_approve_pause_resume_reject_and_status(cli, api: AdplaneClient, io_id: int, db,  # noqa: ANN001, F811
                                                logged_in: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    creative_id = make_creative(db, logged_in["owId"])
    first = create_campaign(cli, io_id, creative_id, tmp_path, "--name", "First")
    second = create_campaign(cli, io_id, creative_id, tmp_path, "--name", "Second")
    resume_pending = cli("api", "campaigns", "resume", str(first))
    assert resume_pending.exit_code == 2 and f"campaign {first} is pending, not paused" in resume_pending.stderr
    clock.set(datetime.fromtimestamp(START_S + 60, tz=UTC))  # past the start: an approved campaign runs
    approved = cli("api", "campaigns", "approve", str(first))
    assert approved.exit_code == 0, approved.output
    assert api.campaigns.get(first)["status"] == "running"
    again = cli("api", "campaigns", "approve", str(first))
    assert again.exit_code == 2 and f"campaign {first} is running, not pending" in again.stderr
    assert cli("api", "campaigns", "pause", str(first)).exit_code == 0
    assert api.campaigns.get(first)["status"] == "paused"
    assert cli("api", "campaigns", "resume", str(first)).exit_code == 0
    assert api.campaigns.get(first)["status"] == "running"
    status = as_json(cli("api", "campaigns", "status", str(first), str(second), "--json"))
    assert [(row["id"], row["status"]) for row in status] == [(first, "running"), (second, "pending")]
    reject_without_reason = cli("api", "campaigns", "reject", str(second))
    assert reject_without_reason.exit_code == 2 and "--reason" in reject_without_reason.stderr
    assert cli("api", "campaigns", "reject", str(second), "--reason", "Landing page is down").exit_code == 0
    rejected = api.campaigns.get(second)
    assert rejected["status"] == "rejected" and rejected["rejectionReason"] == "Landing page is down"
    table = cli("api", "campaigns", "status", str(second))
    assert "Landing page is down" in table.stdout and "rejected" in table.stdout
    pause_rejected = cli("api", "campaigns", "pause", str(second))
    assert pause_rejected.exit_code == 1
    assert cli_errors(pause_rejected) == [
        f"error: campaign {second} (Second): Only running campaigns can be paused (status is rejected)."]
    unknown = cli("api", "campaigns", "status", "999999")
    assert unknown.exit_code == 1 and cli_errors(unknown)
