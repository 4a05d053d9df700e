"""`adplane api reports`: CSV/XLSX files laid out like the server's report files (labels, currency,
a Total row) and 'did you mean' when a report names a column or dimension the API does not know."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from campaign_helpers import campaign_body
from test_cli_api import cli, cli_errors, config_home, logged_in, login_args  # noqa: F401 - fixtures
from test_cli_api_flows import flight  # noqa: F401 - fixtures
from test_cli_writes_campaigns import as_json
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures


def test_csv_and_xlsx_have_labels_and_a_total_row(cli, flight: dict[str, Any], live_server: LiveServer,  # noqa: ANN001, F811
                                                   logged_in: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    live_server.app.state.analytics.reset()
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, logged_in)) as api:
        second_id = api.campaigns.add(campaign_body(flight["io_id"], flight["creative_id"], campaignName="Second"))
        first_id = api.campaigns.add(campaign_body(flight["io_id"], flight["creative_id"], campaignName="First"))
        base = {"ow_id": flight["owId"], "io_id": flight["io_id"], "creative_id": flight["creative_id"],
                "creative_type_id": 11, "media_cost": 0.5, "event_type": "impression",
                "event_time": "2025-06-03T16:00:00Z"}
        api.events.ingest([{**base, "campaign_id": first_id["data"]}] * 3
                          + [{**base, "campaign_id": second_id["data"]}] * 2)
    args = ("api", "reports", "run", "--start", "2025-06-02", "--end", "2025-06-05", "--dimensions", "campaign",
            "--column", "campaignName", "--column", "impressions", "--column", "spent", "--request-type", "2",
            "--timezone-id", "29")
    saved = cli(*args, "--csv", str(tmp_path / "r.csv"))
    assert saved.exit_code == 0, saved.output
    rows = list(csv.reader((tmp_path / "r.csv").open()))
    assert rows[0] == ["Campaign", "Impressions", "Total Spent"]
    body = sorted(rows[1:-1])
    assert [row[:2] for row in body] == [["First", "3"], ["Second", "2"]]
    assert all(row[2].startswith("$") for row in body)
    assert rows[-1][:2] == ["Total", "5"] and rows[-1][2].startswith("$")
    assert cli(*args, "--xlsx", str(tmp_path / "r.xlsx")).exit_code == 0
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Campaign", "Impressions", "Total Spent"]
    assert values[-1][:2] == ["Total", 5] and isinstance(values[-1][2], float)
    live_server.app.state.analytics.reset()


def test_unknown_columns_get_a_suggestion(cli, flight: dict[str, Any]) -> None:  # noqa: ANN001, F811
    base = ("api", "reports", "run", "--start", "2025-06-02", "--end", "2025-06-05", "--request-type", "2",
            "--timezone-id", "29")
    column = cli(*base, "--dimensions", "campaign", "--column", "impresions")
    assert column.exit_code == 1
    assert cli_errors(column) == ["error: Unknown column: impresions. (did you mean 'impressions'?) [field: columns]"]
    dimension = cli(*base, "--dimensions", "campain", "--column", "impressions")
    assert dimension.exit_code == 1 and "(did you mean 'campaign'?)" in dimension.stderr
    created = cli("api", "reports", "create", "--name", "Typo", *base[3:], "--dimensions", "campaign",
                  "--column", "spnt")
    assert created.exit_code == 1 and "did you mean 'spent'" in created.stderr
    assert as_json(cli("api", "reports", "list", "--json")) == []
