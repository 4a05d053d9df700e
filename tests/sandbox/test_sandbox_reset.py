"""The sandbox reset (issue #14, point 7): `POST /api/v3/adplane/sandbox/reset` and `adplane
sandbox reset` bring the demo workspace back to its first state — demo content, funds, real time —
while logins keep working and other workspaces keep their data; `adplane sandbox clock|advance`
move the clock, handing the work to a running server or doing it on the data dir."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import func, select
from typer.testing import CliRunner

from adplane.analytics.schema import arrow_schema
from adplane.auth.models import Organization
from adplane.campaigns.models import Campaign
from adplane.cli.demo import ensure_demo
from adplane.cli.main import app as cli_app
from adplane.client.testing import LiveServer
from adplane.core.clock import clock, utcnow
from adplane.core.control import advertise
from adplane.core.settings import get_settings
from adplane.insertion_orders.models import InsertionOrder
from adplane.insights.models import InsightReport
from adplane.reports.models import Report
from conftest import login
from test_client import live_server, server_settings  # noqa: F401 - fixtures
from test_sandbox_clock import PREFIX, flight

runner = CliRunner()
DEMO_NAMES = ["Demo daily-budget campaign", "Demo paced campaign", "Demo healthcare campaign (NPI audience)"]


def campaigns_of(db, ow_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.session() as session:
        return [(c.name, c.status) for c in session.scalars(
            select(Campaign).where(Campaign.ow_id == ow_id).order_by(Campaign.id))]


def count(db, model: Any, ow_id: int) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(model.ow_id == ow_id))


def events_of(store, ow_id: int) -> int:  # noqa: ANN001
    return int(store.query("SELECT count(*) FROM events WHERE ow_id = ?", [ow_id])[0][0])


def test_reset_restores_the_demo_and_leaves_other_workspaces_alone(client, settings, db, make_tenant) -> None:  # noqa: ANN001
    settings.sandbox = True
    store = client.app.state.analytics
    store.reset()
    creds = ensure_demo(settings)
    ow_id = creds["owId"]
    headers = login(client, creds)
    other = make_tenant(host="ws1.test", organization="Elsewhere", email="admin@ws1.test")
    other_headers = login(client, other)
    other_campaign = flight(client, other_headers, db, other["owId"], starts_in=timedelta(hours=1),
                            runs=timedelta(days=3))
    store.append_events(pa.Table.from_pylist([{
        "event_time": utcnow(), "event_type": "impression", "ow_id": other["owId"], "io_id": 1,
        "campaign_id": other_campaign, "creative_id": 1, "creative_type_id": 11, "media_cost": Decimal("0.01"),
    }], schema=arrow_schema()), batch_id="elsewhere")
    first = campaigns_of(db, ow_id)
    assert [name for name, _ in first] == DEMO_NAMES
    healthcare = creds["demo"]["healthcareCampaignId"]
    demo_events = events_of(store, ow_id)
    assert demo_events > 0

    # an integration test plays with the demo: a campaign paused, a report saved, a PLD paid, time moved
    client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
               json={"campaignIds": str(healthcare), "status": "paused"})
    client.post("/api/v3/ra/report/add", headers=headers, json={
        "reportName": "Mine", "startDate": "2026-01-01", "endDate": "2026-01-02", "timezoneId": 29,
        "dimensions": json.dumps([{"filter": "campaign"}]), "columns": ["impressions"], "requestType": 2})
    start = creds["demo"]["healthcareSince"]
    pld = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": healthcare, "pldStartDate": int(utcnow().timestamp() * 1000) - 20 * 86400_000,
        "pldEndDate": int(utcnow().timestamp() * 1000)})
    assert pld.status_code == 200 and pld.json()["data"]["pldReportCreated"] is True, (start, pld.text)
    assert client.post(f"{PREFIX}/clock/advance", headers=headers, json={"hours": 5}).status_code == 200
    assert count(db, Report, ow_id) == 1 and count(db, InsightReport, ow_id) == 1

    reset = client.post(f"{PREFIX}/reset", headers=headers)
    assert reset.status_code == 200, reset.text
    answer = reset.json()["data"]
    assert answer["clock"]["realTime"] is True and clock.offset == timedelta(0)
    assert [(name, status) for name, status in campaigns_of(db, ow_id)] == [
        (DEMO_NAMES[0], "pending"), (DEMO_NAMES[1], "pending"), (DEMO_NAMES[2], "running")]
    assert answer["healthcareCampaignId"] == campaigns_of_ids(db, ow_id)[-1]
    assert count(db, Report, ow_id) == 0 and count(db, InsightReport, ow_id) == 0
    with db.session() as session:
        assert session.get(Organization, ow_id).funds_balance == Decimal("5000")
    assert 0 < events_of(store, ow_id) < demo_events * 1.5  # the old delivery went, new history came
    saved = json.loads((settings.data_dir / "demo-credentials.json").read_text())
    assert saved["demo"]["healthcareCampaignId"] == answer["healthcareCampaignId"]

    # logins still work, and the other workspace kept everything
    assert client.get("/api/v3/ua/profile", headers=headers).status_code == 200
    # (the clock is the server's: the five hours started this campaign too, and a reset leaves it so)
    assert campaigns_of(db, other["owId"]) == [("Sandbox campaign", "running")]
    assert count(db, InsertionOrder, other["owId"]) == 1 and events_of(store, other["owId"]) == 1
    store.reset()


def campaigns_of_ids(db, ow_id: int) -> list[int]:  # noqa: ANN001
    with db.session() as session:
        return list(session.scalars(select(Campaign.id).where(Campaign.ow_id == ow_id).order_by(Campaign.id)))


def test_cli_on_the_data_dir(settings, database_url: str, db, tmp_path: Path) -> None:  # noqa: ANN001
    """No server runs: the command does the work itself and keeps the clock for the next `serve`."""
    env = {"ADPLANE_DATA_DIR": str(settings.data_dir), "ADPLANE_DATABASE_URL": database_url,
           "ADPLANE_SECRET_KEY": "test-secret-key"}
    get_settings.cache_clear()
    try:
        missing = runner.invoke(cli_app, ["sandbox", "clock"], env=env)
        assert missing.exit_code == 1 and "adplane serve --demo" in missing.stderr
        creds = ensure_demo(settings)
        moved = runner.invoke(cli_app, ["sandbox", "advance", "--hours", "2", "--json"], env=env)
        assert moved.exit_code == 0, moved.output
        assert json.loads(moved.stdout)["started"] == 2  # the two demo campaigns that start a minute in
        assert json.loads((settings.data_dir / "sandbox-clock.json").read_text())["offsetSeconds"] >= 7200
        shown = json.loads(runner.invoke(cli_app, ["sandbox", "clock", "--json"], env=env).stdout)
        assert shown["realTime"] is False and shown["offsetSeconds"] >= 7200
        bad = runner.invoke(cli_app, ["sandbox", "advance"], env=env)
        assert bad.exit_code == 2
        reset = runner.invoke(cli_app, ["sandbox", "reset", "--json"], env=env)
        assert reset.exit_code == 0, reset.output
        assert json.loads(reset.stdout)["clock"]["realTime"] is True
        assert not (settings.data_dir / "sandbox-clock.json").exists()
        assert [name for name, _ in campaigns_of(db, creds["owId"])] == DEMO_NAMES
    finally:
        get_settings.cache_clear()


def test_cli_hands_the_clock_to_the_running_server(live_server: LiveServer, server_settings, db,  # noqa: ANN001, F811
                                                   make_tenant, tmp_path: Path) -> None:
    make_tenant(host="localhost", organization="Demo Agency", email="demo@adplane.local")
    (server_settings.data_dir / "demo-credentials.json").write_text("{}")
    env = {"ADPLANE_DATA_DIR": str(server_settings.data_dir)}
    get_settings.cache_clear()
    try:
        with advertise(server_settings, live_server.app, live_server.url):
            server_settings.sandbox = False
            refused = runner.invoke(cli_app, ["sandbox", "advance", "--minutes", "30"], env=env)
            assert refused.exit_code == 1 and "not a sandbox" in refused.stderr
            server_settings.sandbox = True
            moved = runner.invoke(cli_app, ["sandbox", "advance", "--minutes", "30", "--json"], env=env)
            assert moved.exit_code == 0, moved.output
            assert clock.offset >= timedelta(minutes=30)  # the server's clock (this process) moved
            later = utcnow() + timedelta(hours=1)
            moved_to = runner.invoke(cli_app, ["sandbox", "clock", "--set", later.isoformat(), "--json"], env=env)
            assert moved_to.exit_code == 0, moved_to.output
            assert json.loads(moved_to.stdout)["offsetSeconds"] > 5390  # 30 min + the hour to `later`
            back = runner.invoke(cli_app, ["sandbox", "clock", "--set", "2001-01-01T00:00:00Z"], env=env)
            assert back.exit_code == 1 and "only moves forward" in back.stderr
    finally:
        server_settings.sandbox = False
        (server_settings.data_dir / "sandbox-clock.json").unlink(missing_ok=True)
        get_settings.cache_clear()
