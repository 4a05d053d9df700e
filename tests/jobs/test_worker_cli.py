"""`adplane worker` does all claimed background work: scheduled deliveries and insight generation."""

from __future__ import annotations

from typer.testing import CliRunner

from adplane.cli.main import app as cli
from adplane.core.settings import get_settings
from test_insights_world import STUDY_END, STUDY_START, build_world, ms


def test_worker_once_generates_waiting_insight_reports(client, headers, db, app, tenant, settings, database_url,
                                                       monkeypatch):
    build_world(db, app, tenant["owId"])
    created = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": 1, "pldStartDate": ms(STUDY_START), "pldEndDate": ms(STUDY_END)})
    assert created.status_code == 200, created.text
    pld_id = created.json()["data"]["pldId"]
    listing = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"]
    assert [(i["pldId"], i["pldStatusId"]) for i in listing] == [(pld_id, 1)]  # processing

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["worker", "--once"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    listing = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"]
    assert [(i["pldId"], i["pldStatusId"]) for i in listing] == [(pld_id, 2)]  # ready
