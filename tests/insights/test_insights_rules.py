"""Insights rules: rates, campaign eligibility, regenerating failed reports, AQS by campaign, the
background task and the operators' CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import update

from adplane.auth.models import Organization
from adplane.campaigns.models import Campaign
from adplane.insights.pricing import set_rate
from adplane.insights.worker import generate_pending
from adplane.job_kinds import load_job_kinds
from adplane.jobs.registry import JobContext
from test_insights_world import NOW, PLD_SAMPLE_CAMPAIGN, STUDY_END, STUDY_START, append, build_world, event, ms


def run_worker(app) -> int:  # noqa: ANN001
    return generate_pending(app.state.db, app.state.settings, app.state.analytics)


def sls_quote(client, headers, **change):  # noqa: ANN001, ANN003, ANN201
    body = {"campaignIds": [1], "slsStartDate": ms(STUDY_START), "slsEndDate": ms(STUDY_END),
            "conceptGroupId": 202335, "reportTypes": [1], **change}
    return client.post("/api/v3/ins/sls-reports/computation", headers=headers, json=body)


def test_rates_organization_over_workspace_default(client, headers, db, app, tenant):
    world = build_world(db, app, tenant["owId"])
    imps = world.impressions((1,))
    assert sls_quote(client, headers).json()["data"]["slsChargeableCost"] == float(imps * Decimal("0.004"))
    with db.session() as session:
        workspace_id = session.get(Organization, tenant["owId"]).workspace_id
        set_rate(session, workspace_id, None, "sls", Decimal("0.01"))
        session.commit()
    assert sls_quote(client, headers).json()["data"]["slsChargeableCost"] == float(imps * Decimal("0.01"))
    with db.session() as session:
        set_rate(session, workspace_id, tenant["owId"], "sls", Decimal("0.0005"))
        set_rate(session, workspace_id, None, "sls", Decimal("0.02"))  # updates the default row
        session.commit()
    data = sls_quote(client, headers).json()["data"]
    assert data["slsChargeableCost"] == float(imps * Decimal("0.0005")) and data["slsChargedImps"] == 0
    aqs = {"campaignId": 1, "aqsStartDate": int(STUDY_START.timestamp()), "aqsEndDate": int(STUDY_END.timestamp()),
           "aqsAudienceConceptGroups": [{"audienceId": 101, "conceptGroupId": 202335}]}
    assert client.post("/api/v3/ins/aqs-reports/computation", headers=headers,
                       json=aqs).json()["data"]["effectiveAqsRate"] == 0.003
    assert client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["totalRecords"] == 0


def test_campaign_eligibility_rules(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    with db.session() as session:
        session.execute(update(Campaign).where(Campaign.id == 1).values(
            status="paused", modified_at=NOW - timedelta(days=100)))
        session.execute(update(Campaign).where(Campaign.id == 2).values(
            status="expired", end_time=NOW - timedelta(days=10), modified_at=NOW - timedelta(days=10)))
        session.execute(update(Campaign).where(Campaign.id == 3).values(
            start_time=datetime(2026, 7, 1, tzinfo=UTC), end_time=datetime(2026, 7, 2, tzinfo=UTC)))
        session.execute(update(Campaign).where(Campaign.id == PLD_SAMPLE_CAMPAIGN).values(status="draft"))
        session.commit()
    for path in ("pld-reports", "sls-reports", "aqs-reports"):
        data = client.get(f"/api/v3/ins/{path}/campaigns", headers=headers).json()["data"]
        assert data["running"] == [] and data["paused"] == []
        assert [c["campaignId"] for c in data["expired"]] == [2]
    refused = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": 1, "pldStartDate": ms(STUDY_START), "pldEndDate": ms(STUDY_END)})
    assert refused.status_code == 422 and "paused more than 90 days ago" in refused.json()["errorObjects"][0]["error"]
    short = sls_quote(client, headers, campaignIds=[2, 3])
    assert short.status_code == 422 and "shorter than 3 days" in short.json()["errorObjects"][0]["error"]
    with db.session() as session:  # not healthcare: no NPI audience
        from adplane.healthcare.audiences import set_campaign_npis

        set_campaign_npis(session, tenant["owId"], 2, [])
        session.commit()
    assert "not a healthcare campaign" in sls_quote(client, headers, campaignIds=[2]).json()["errorObjects"][0]["error"]


def test_failed_report_regenerates_and_charges_again(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    ow_id = tenant["owId"]
    day = datetime(2026, 3, 31, tzinfo=UTC)
    append(app.state.analytics, [event(ow_id, 3, "impression", day + timedelta(hours=9), None, None)])
    body = {"campaignId": 3, "pldStartDate": ms(day), "pldEndDate": ms(day + timedelta(days=1))}
    first = client.post("/api/v3/ins/pld-report", headers=headers, json=body).json()["data"]
    run_worker(app)
    again = client.post("/api/v3/ins/pld-report", headers=headers, json={"pldId": first["pldId"]}).json()["data"]
    assert again["pldReportCreated"] is True and again["pldChargeableImps"] == 1 and again["pldChargedImps"] == 0
    # Now a prescriber is reached in that range: the regenerated report is ready.
    append(app.state.analytics, [event(ow_id, 3, "impression", day + timedelta(hours=10), "1234567893", "u")])
    run_worker(app)
    item = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"][0]
    assert item["pldStatusId"] == 2 and item["failureReason"] is None


def test_aqs_by_campaign_counts_every_exposed_user(client, headers, db, app, tenant):
    world = build_world(db, app, tenant["owId"])
    ow_id = tenant["owId"]
    append(app.state.analytics, [event(ow_id, 1, "impression", STUDY_START + timedelta(days=2), None, "stranger")])
    body = {"campaignId": 1, "aqsStartDate": int(STUDY_START.timestamp()), "aqsEndDate": int(STUDY_END.timestamp()),
            "aqsName": "By campaign", "aqsReportTypeId": 2,
            "aqsAudienceConceptGroups": [{"audienceId": 101, "conceptGroupId": 202335},
                                         {"audienceId": 101, "conceptGroupId": 300101}]}
    created = client.post("/api/v3/ins/aqs-reports", headers=headers, json=body).json()["data"]
    assert created["aqsChargeableImps"] == world.impressions((1,)) + 1
    run_worker(app)
    url = client.post("/api/v3/ins/aqs-reports/download", headers=headers,
                      json={"fileTypeId": 2, "reportId": created["aqsId"]}).json()["data"]["reportUrl"]
    from adplane.insights.export import read_csv_sections

    text = client.get("/" + url.split("://", 1)[-1].split("/", 1)[1]).text
    rows = read_csv_sections(text)["Campaign Quality"]
    users = {e["user_id"] for e in world.events if e["campaign_id"] == 1} | {"stranger"}
    assert [int(r["Exposed Users"]) for r in rows] == [len(users), len(users)]
    assert [int(r["Concept Group ID"]) for r in rows] == [202335, 300101]
    assert all(0 < float(r["Audience Quality Score (%)"]) < 100 for r in rows)


def test_background_task_generates_waiting_reports(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    created = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": 1, "pldStartDate": ms(STUDY_START), "pldEndDate": ms(STUDY_END)}).json()["data"]
    # the registered "insights" job kind: what `adplane serve` and `adplane worker` run
    ctx = JobContext(app.state.db, app.state.settings, "test-worker", store=app.state.analytics)
    assert load_job_kinds().get("insights").run(ctx) == {"done": 1}
    listing = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"]
    assert [(i["pldId"], i["pldStatusId"]) for i in listing] == [(created["pldId"], 2)]


def test_cli_set_rate(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from adplane.cli.main import app as cli

    monkeypatch.setenv("ADPLANE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ADPLANE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    boot = runner.invoke(cli, ["admin", "bootstrap", "--host", "h.test", "--email", "a@example.com",
                               "--password", "Secret-Passw0rd!", "--organization", "Org", "--json"])
    assert boot.exit_code == 0, boot.output
    default = runner.invoke(cli, ["insights", "set-rate", "--kind", "pld", "--rate", "0.01",
                                  "--workspace-host", "h.test", "--json"])
    assert default.exit_code == 0, default.output
    own = runner.invoke(cli, ["insights", "set-rate", "--kind", "pld", "--rate", "0.003", "--ow-id", "200001",
                              "--json"])
    assert own.exit_code == 0 and '"rate": "0.003' in own.output
    assert runner.invoke(cli, ["insights", "set-rate", "--kind", "xyz", "--rate", "1", "--ow-id", "200001"]
                         ).exit_code == 2
    assert runner.invoke(cli, ["insights", "set-rate", "--kind", "pld", "--rate", "abc", "--ow-id", "200001"]
                         ).exit_code == 2
    assert runner.invoke(cli, ["insights", "set-rate", "--kind", "pld", "--rate", "1", "--ow-id", "999"]
                         ).exit_code == 2
    generated = runner.invoke(cli, ["insights", "generate", "--json"])
    assert generated.exit_code == 0 and '"generated": 0' in generated.output


def test_deleting_a_failed_report_frees_its_name_and_emails_work_for_every_kind(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    early = {"campaignIds": [1], "slsStartDate": ms(datetime(2026, 3, 30, tzinfo=UTC)),
             "slsEndDate": ms(datetime(2026, 4, 2, tzinfo=UTC)), "slsName": "Early study", "conceptGroupId": 202335}
    failed = client.post("/api/v3/ins/sls-reports", headers=headers, json=early).json()["data"]
    run_worker(app)
    item = client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["slsReportDataList"][0]
    assert item["slsStatusId"] == 3 and "exposed" in item["failureReason"]
    assert client.get("/api/v3/ins/sls-reports/validate/name?reportName=Early study",
                      headers=headers).status_code == 400
    client.delete(f"/api/v3/ins/sls-reports?slsIds={failed['slsId']}", headers=headers)
    assert client.get("/api/v3/ins/sls-reports/validate/name?reportName=Early study",
                      headers=headers).json()["data"] == "This SLS report name is valid"

    study = {**early, "slsStartDate": ms(STUDY_START), "slsEndDate": ms(STUDY_END), "reportTypes": [1, 3]}
    sls = client.post("/api/v3/ins/sls-reports", headers=headers, json=study).json()["data"]
    aqs = client.post("/api/v3/ins/aqs-reports", headers=headers, json={
        "campaignId": 2, "aqsStartDate": ms(STUDY_START), "aqsEndDate": ms(STUDY_END),  # ms read leniently
        "aqsName": "Quality", "aqsAudienceConceptGroups": {"audienceId": 101, "conceptGroupId": "300101"}}).json()
    assert aqs["data"]["aqsStartDate"] == int(STUDY_START.timestamp())
    run_worker(app)
    sent = client.post("/api/v3/ins/sls-reports/email", headers=headers,
                       json={"fileType": 3, "slsId": sls["slsId"], "emailIds": ["x@example.com"]})
    assert sent.json()["data"]["message"] == "SLS report e-mail sent successfully."
    sent = client.post("/api/v3/ins/aqs-reports/email", headers=headers,
                       json={"fileTypeId": 1, "reportId": aqs["data"]["aqsId"], "emailIds": ["y@example.com"]})
    assert sent.json()["data"]["message"] == "AQS report e-mail sent successfully."
    outbox = sorted((app.state.settings.data_dir / "outbox").glob("*.eml"))
    assert len(outbox) == 2
    regen = client.post("/api/v3/ins/aqs-reports", headers=headers, json={"aqsId": aqs["data"]["aqsId"]}).json()
    assert regen["data"]["aqsReportCreated"] is True and regen["data"]["aqsChargeableImps"] == 0
    assert regen["data"]["aqsChargedImps"] == aqs["data"]["aqsChargeableImps"]


def test_malformed_requests_are_4xx_never_500(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    bad_bodies = [
        ("/api/v3/ins/pld-report", {"campaignId": 1, "pldStartDate": -5, "pldEndDate": 10}),
        ("/api/v3/ins/pld-report", {"campaignId": [1], "pldStartDate": 1, "pldEndDate": 10}),
        ("/api/v3/ins/pld-report", {"pldId": 0}),
        ("/api/v3/ins/pld-report", {"pldId": 987654}),
        ("/api/v3/ins/pld-report", "not an object"),
        ("/api/v3/ins/sls-reports", {"campaignIds": "1,2", "slsStartDate": 1, "slsEndDate": 2}),
        ("/api/v3/ins/sls-reports", {"campaignIds": [0], "slsStartDate": 1, "slsEndDate": 2}),
        ("/api/v3/ins/sls-reports", {"campaignIds": [1], "slsStartDate": 1, "slsEndDate": 2, "conceptGroupId": "x"}),
        ("/api/v3/ins/sls-reports", {"campaignIds": [1], "slsStartDate": 1, "slsEndDate": 2, "slsName": "ok name",
                                     "conceptGroupId": 202335, "slsLookbackDuration": 0}),
        ("/api/v3/ins/sls-reports/computation", {"slsId": 2_147_483_648}),
        ("/api/v3/ins/aqs-reports", {"campaignId": 1, "aqsAudienceConceptGroups": "x"}),
        ("/api/v3/ins/aqs-reports", {"campaignId": 1, "aqsStartDate": 1, "aqsEndDate": 2, "aqsName": "abc",
                                     "aqsAudienceConceptGroups": [{"audienceId": 101}]}),
        ("/api/v3/ins/aqs-reports/computation", {"aqsId": 55}),
        ("/api/v3/ins/pld-report/download", {"fileType": "xlsx", "pldId": 1}),
        ("/api/v3/ins/pld-report/download", {"fileType": 1}),
        ("/api/v3/ins/sls-reports/email", {"fileType": 1, "slsId": 1, "emailIds": "a@example.com"}),
        ("/api/v3/ins/aqs-reports/email", {"fileTypeId": 1, "reportId": 1, "emailIds": []}),
        ("/api/v3/ins/pld-reports/columns", ["id"]),
    ]
    for path, body in bad_bodies:
        response = client.post(path, headers=headers, json=body)
        assert 400 <= response.status_code < 500, (path, body, response.status_code, response.text)
        assert response.json()["success"] is False
    for query in ("pldIds=", "pldIds=1,,x", "pldIds=99999999999", "pldIds=-3"):
        response = client.delete(f"/api/v3/ins/pld-reports?{query}", headers=headers)
        assert 400 <= response.status_code < 500, (query, response.text)
    for query in ("sortBy=%2B", "sortBy=pldId,-", "noOfEntries=0", "pageNo=x", "searchField=" + "x" * 300):
        response = client.get(f"/api/v3/ins/pld-reports?{query}", headers=headers)
        assert 400 <= response.status_code < 500, (query, response.text)
    assert client.get("/api/v3/ins/pld-reports").status_code == 401
    assert client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["totalRecords"] == 0


def test_generic_date_and_id_names_of_the_specification(client, headers, db, app, tenant):
    world = build_world(db, app, tenant["owId"])
    created = client.post("/api/v3/ins/pld-report", headers=headers, json={
        "campaignId": 1, "startDate": ms(STUDY_START), "endDate": ms(STUDY_END)}).json()["data"]
    assert created["pldReportCreated"] is True and created["pldChargeableImps"] == world.impressions((1,))
    again = client.post("/api/v3/ins/pld-report", headers=headers, json={"id": created["pldId"]}).json()["data"]
    assert again["pldReportCreated"] is False  # still processing
