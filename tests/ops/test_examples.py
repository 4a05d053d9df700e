"""The examples (the seeds' quickstarts on the SDK) run as scripts against a live server."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adplane.client import AdplaneClient
from adplane.client.testing import LiveServer
from adplane.insights.worker import generate_pending
from campaign_helpers import freeze
from test_client import client_clock, live_server, sdk_kwargs, server_settings  # noqa: F401 - fixtures
from test_insights_world import build_world

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example_env(server: LiveServer, creds: dict[str, Any]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ADPLANE_API_")}
    env.update(ADPLANE_API_URL=server.url, ADPLANE_API_CLIENT_ID=creds["clientId"],
               ADPLANE_API_CLIENT_SECRET=creds["clientSecret"], ADPLANE_API_HOST=creds["host"],
               ADPLANE_API_EMAIL=creds["email"], ADPLANE_API_PASSWORD=creds["password"],
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return env


def run_example(name: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *args], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def env(live_server: LiveServer, tenant: dict[str, Any]) -> dict[str, str]:  # noqa: F811
    return example_env(live_server, tenant)


@pytest.fixture
def api(live_server: LiveServer, tenant: dict[str, Any]):  # noqa: ANN201, F811
    with AdplaneClient(now=client_clock, **sdk_kwargs(live_server, tenant)) as client:
        yield client


def create_campaign(env: dict[str, str]) -> tuple[int, int]:
    freeze()  # the server's now: 2025-06-01
    out = run_example("create_io_and_campaign.py", env, "--start", "2025-06-02", "--days", "3")
    io_id = int(re.search(r"insertion order (\d+)", out).group(1))
    campaign_id = int(re.search(r"campaign (\d+): Spring campaign is pending", out).group(1))
    return io_id, campaign_id


def test_seed_003_create_io_and_campaign(env: dict[str, str], api: AdplaneClient, tenant: dict[str, Any]) -> None:
    io_id, campaign_id = create_campaign(env)
    campaign = api.campaigns.get(campaign_id)
    assert campaign["ioId"] == io_id and campaign["status"] == "pending"
    assert campaign["startTime"] == int(datetime(2025, 6, 2, tzinfo=UTC).timestamp())
    assert api.io.get(io_id)["ioTotalBudget"] == 1500  # the IO sums its campaigns' budgets


def test_seed_000_run_a_report(env: dict[str, str], api: AdplaneClient, tenant: dict[str, Any],
                               live_server: LiveServer, tmp_path: Path) -> None:  # noqa: F811
    live_server.app.state.analytics.reset()
    io_id, campaign_id = create_campaign(env)
    creative_id = int(api.campaigns.get(campaign_id)["creativeIds"])
    base = {"ow_id": tenant["owId"], "io_id": io_id, "campaign_id": campaign_id, "creative_id": creative_id,
            "creative_type_id": 11, "media_cost": 0.004}
    events = [{**base, "event_time": f"2025-06-0{day}T16:00:00Z", "event_type": "impression"}
              for day in (3, 4) for _ in range(5 * day)]
    events += [{**base, "event_time": "2025-06-03T16:05:00Z", "event_type": "click", "media_cost": None}]
    api.events.ingest(events)
    out = run_example("run_report.py", env, "--start", "2025-06-02", "--end", "2025-06-04",
                      "--csv", str(tmp_path / "report.csv"))
    line = next(row for row in out.splitlines() if row.startswith(str(campaign_id)))
    assert line.split("\t")[1:4] == ["Spring campaign", "35", "1"]
    rows = list(csv.reader((tmp_path / "report.csv").open()))
    impressions = rows[0].index("Impressions")
    assert rows[1][impressions] == "35" and rows[-1][0] == "Total"
    live_server.app.state.analytics.reset()


def test_seed_000_schedule_a_report(env: dict[str, str], api: AdplaneClient) -> None:
    freeze()
    out = run_example("schedule_report.py", env, "--start", "2025-05-01", "--end", "2025-05-31",
                      "--email", "ops@example.com", "--email", "cfo@example.com", "--until", "2025-12-31")
    assert "Report schedule has been successfully updated." in out
    assert "every MONDAY to ops@example.com, cfo@example.com" in out
    report_id = int(re.search(r"report (\d+) saved", out).group(1))
    assert api.reports.get(report_id)["reportName"] == "Weekly campaign performance"
    api.schedules.delete(report_id)  # it was scheduled: now it can be removed once


def test_seed_002_generate_a_pld_report(env: dict[str, str], live_server: LiveServer, tenant: dict[str, Any],  # noqa: F811
                                        db, tmp_path: Path) -> None:  # noqa: ANN001
    world = build_world(db, live_server.app, tenant["owId"])
    out_file = tmp_path / "pld.csv"
    script = [sys.executable, str(EXAMPLES / "generate_pld_report.py"), "--campaign-id", "1", "--start", "2026-04-06",
              "--end", "2026-06-28", "--out", str(out_file), "--poll-seconds", "0.2", "--timeout-seconds", "120"]
    process = subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    state = live_server.app.state
    while process.poll() is None:  # play the server's background worker while the script waits
        generate_pending(state.db, state.settings, state.analytics)
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    assert process.returncode == 0, stdout + stderr
    assert f"campaign 1: {world.impressions((1,))} impressions" in stdout
    from adplane.insights.export import read_csv_sections

    table = read_csv_sections(out_file.read_text())["Provider Level Data"]
    assert sum(int(row["Impressions"]) for row in table) == world.impressions((1,))
    state.analytics.reset()
