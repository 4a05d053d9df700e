"""ScriptLift (SLS) and Audience Quality Score (AQS) reports, and funds under concurrency."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from adplane.auth.models import Organization
from adplane.core.deps import Principal
from adplane.healthcare.models import AudienceMember, PatientAttribute
from adplane.healthcare.synthetic import AUDIENCE_ID, BRAND_ID, COMPETITOR_IDS
from adplane.insights.export import read_csv_sections, read_xlsx
from adplane.insights.models import KIND_PLD, InsightReport
from adplane.insights.service import Scope, submit
from adplane.insights.worker import generate_pending
from test_insights_world import CAMPAIGN_IDS, IO_ID, STUDY_END, STUDY_START, build_world, ms

SLS_SAMPLE = {
    "ioId": IO_ID, "campaignIds": [1, 2, 3], "slsStartDate": 1722311000, "slsEndDate": 1722315000,
    "slsName": "Dummy SLS Name", "slsLookbackDuration": 3, "conceptGroupId": 202335, "reportTypes": [1, 2, 3],
    "competitorConceptGroupIds": [800214, 800215, 800216],
}
AQS_SAMPLE = {
    "campaignId": 1, "aqsStartDate": 1722311000, "aqsEndDate": 1722315000, "aqsName": "Dummy AQS Name",
    "aqsReportTypeId": 1, "aqsAudienceConceptGroups": {"audienceId": 101, "conceptGroupId": "202335"},
}


def run_worker(app) -> int:  # noqa: ANN001
    return generate_pending(app.state.db, app.state.settings, app.state.analytics)


def sls_study(name: str = "Cardio lift") -> dict:
    return {**SLS_SAMPLE, "slsName": name, "slsStartDate": ms(STUDY_START), "slsEndDate": ms(STUDY_END)}


def fetch(client, url: str) -> bytes:  # noqa: ANN001
    response = client.get("/" + url.split("://", 1)[-1].split("/", 1)[1])
    assert response.status_code == 200, response.text
    return response.content


def test_sls_seed_samples_are_accepted(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    quote = client.post("/api/v3/ins/sls-reports/computation", headers=headers, json=SLS_SAMPLE)
    assert quote.status_code == 200, quote.text
    assert quote.json()["data"]["slsChargeableImps"] == 0 and quote.json()["data"]["slsReportCreated"] is True
    created = client.post("/api/v3/ins/sls-reports", headers=headers, json=SLS_SAMPLE).json()["data"]
    assert created["slsReportCreated"] is True and created["slsName"] == "Dummy SLS Name"
    assert created["competitorConceptGroupIds"] == [800214, 800215, 800216]
    valid = client.get("/api/v3/ins/sls-reports/validate/name?reportName=Fresh name", headers=headers)
    assert valid.json() == {"success": True, "data": "This SLS report name is valid"}
    used = client.get("/api/v3/ins/sls-reports/validate/name?reportName=Dummy SLS Name", headers=headers)
    assert used.status_code == 400 and "already used" in used.json()["data"]
    short = client.get("/api/v3/ins/sls-reports/validate/name?reportName=ab", headers=headers)
    assert short.status_code == 400


@pytest.mark.parametrize("lift", [0.2, 0.0])
def test_sls_finds_the_built_in_effect(client, headers, db, app, tenant, lift):
    build_world(db, app, tenant["owId"], lift=lift, prescribers=400)
    quote = client.post("/api/v3/ins/sls-reports/computation", headers=headers, json=sls_study()).json()["data"]
    assert quote["slsChargeableImps"] > 0 and quote["fundsAvailable"] is True
    assert client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["totalRecords"] == 0
    created = client.post("/api/v3/ins/sls-reports", headers=headers, json=sls_study()).json()["data"]
    assert created["slsChargeableImps"] == quote["slsChargeableImps"]
    assert run_worker(client.app) == 1
    with db.session() as session:
        report = session.get(InsightReport, created["slsId"])
        brand, competitors = report.summary["brand"], report.summary["competitors"]
    assert brand["exposedPrescribers"] > 50
    assert brand["liftCiLow"] <= lift <= brand["liftCiHigh"]
    if lift > 0:
        assert brand["liftCiLow"] > 0 and brand["incrementalCiLow"] > 0
    # No effect was built into the three competitors: their estimates stay far below the brand's
    # built-in 0.2 (each 95% CI may miss 0 by chance, so the check is on the estimate's size).
    assert len(competitors) == 3
    assert all(abs(rival["lift"]) < 0.1 for rival in competitors), [r["lift"] for r in competitors]
    item = client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["slsReportDataList"][0]
    assert item["slsStatusId"] == 2 and item["pdfFileSize"] > 1000 and item["excelFileSize"] > 0
    assert item["slsReportTypeIds"] == [1, 2, 3] and item["campaignIds"] == list(CAMPAIGN_IDS)
    pdf = fetch(client, client.post("/api/v3/ins/sls-reports/download", headers=headers,
                                    json={"fileType": 3, "slsId": created["slsId"]}).json()["data"]["slsReportUrl"])
    assert pdf.startswith(b"%PDF") and len(pdf) == item["pdfFileSize"]
    csv_link = client.post("/api/v3/ins/sls-reports/download", headers=headers,
                           json={"fileType": 2, "slsId": created["slsId"]}).json()["data"]["slsReportUrl"]
    csv_text = fetch(client, csv_link)
    sections = read_csv_sections(csv_text.decode())
    assert float(sections["Brand Lift"][0]["Lift"]) == brand["lift"]
    assert [int(r["Concept Group ID"]) for r in sections["Competitor Lift"]] == list(COMPETITOR_IDS)
    assert len(sections["Weekly Trend"]) > 20


def test_sls_validation(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"])
    cases = [
        ({"slsName": "ab"}, "slsName"),
        ({"conceptGroupId": 999}, "conceptGroupId"),
        ({"competitorConceptGroupIds": [5]}, "competitorConceptGroupIds"),
        ({"reportTypes": [7]}, None),
        ({"campaignIds": []}, "campaignIds"),
        ({"slsEndDate": ms(STUDY_START) - 1}, "slsEndDate"),
        ({"ioId": 999}, "campaignIds"),
    ]
    for change, field in cases:
        response = client.post("/api/v3/ins/sls-reports", headers=headers, json={**sls_study(), **change})
        assert response.status_code == 422, (change, response.text)
        if field:
            assert response.json()["errorObjects"][0]["field"] == field, change
    assert client.get("/api/v3/ins/sls-reports?sortBy=slsNope", headers=headers).status_code == 422
    assert client.post("/api/v3/ins/sls-reports/download", headers=headers,
                       json={"fileType": 5, "slsId": 1}).status_code == 400
    assert client.get("/api/v3/ins/sls-reports", headers=headers).json()["data"]["totalRecords"] == 0


def test_aqs_scores_match_the_reference_data(client, headers, db, app, tenant):
    world = build_world(db, app, tenant["owId"])
    sample = client.post("/api/v3/ins/aqs-reports/computation", headers=headers, json=AQS_SAMPLE)
    assert sample.status_code == 200 and sample.json()["data"]["aqsChargeableImps"] == 0
    body = {**AQS_SAMPLE, "aqsName": "Cardio AQS", "aqsStartDate": int(STUDY_START.timestamp()),
            "aqsEndDate": int(STUDY_END.timestamp())}
    created = client.post("/api/v3/ins/aqs-reports", headers=headers, json=body).json()["data"]
    assert created["aqsReportCreatable"] is True and created["effectiveAqsRate"] == 0.003
    assert created["aqsChargeableImps"] == world.impressions((1,))
    run_worker(client.app)
    item = client.get("/api/v3/ins/aqs-reports", headers=headers).json()["data"]["reportDataList"][0]
    assert item["statusName"] == "Ready" and item["startDate"] == int(STUDY_START.timestamp())
    assert set(item["fileSizeDetails"]) == {"1", "2"}
    users = {e["user_id"] for e in world.events if e["campaign_id"] == 1 and e["event_type"] == "impression"}
    with db.session() as session:
        members = set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == AUDIENCE_ID)))
        matching = set(session.scalars(select(PatientAttribute.user_id).where(
            PatientAttribute.concept_group_id == BRAND_ID)))
    exposed_members = users & members
    url = client.post("/api/v3/ins/aqs-reports/download", headers=headers,
                      json={"fileTypeId": 1, "reportId": item["reportId"]}).json()["data"]["reportUrl"]
    path = Path(client.app.state.settings.data_dir) / "aqs.xlsx"
    path.write_bytes(fetch(client, url))
    row = read_xlsx(path)["Audience Quality"][0]
    assert row["Exposed Users"] == len(exposed_members)
    assert row["Matching Users"] == len(exposed_members & matching)
    assert row["Audience Quality Score (%)"] == round(100 * len(exposed_members & matching) / len(exposed_members), 4)
    exists = client.post("/api/v3/ins/aqs-reports", headers=headers, json=body).json()["data"]
    assert exists["aqsReportCreated"] is False and exists["aqsId"] == item["reportId"]
    name = client.get("/api/v3/ins/aqs-reports/validate/name?reportName=Cardio AQS", headers=headers).json()["data"]
    assert name["available"] is False
    assert client.get("/api/v3/ins/aqs-reports/validate/name?reportName=x", headers=headers).status_code == 422
    assert client.get("/api/v3/ins/aqs-reports/validate/name?reportName=New one",
                      headers=headers).json()["data"]["available"] is True
    bad = client.post("/api/v3/ins/aqs-reports/download", headers=headers, json={"fileTypeId": 4, "reportId": 1})
    assert bad.status_code == 400
    for change in ({"aqsAudienceConceptGroups": {"audienceId": 5, "conceptGroupId": 202335}},
                   {"aqsAudienceConceptGroups": []}, {"aqsReportTypeId": 9}, {"aqsName": "x"}):
        assert client.post("/api/v3/ins/aqs-reports", headers=headers, json={**body, **change}).status_code == 422


def test_funds_never_go_negative_under_concurrent_generations(db, app, tenant, backend):
    if backend != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    world = build_world(db, app, tenant["owId"], funds="0")
    per_report = {cid: world.impressions((cid,)) * Decimal("0.002") for cid in CAMPAIGN_IDS}
    affordable = min(per_report.values()) * 2 + Decimal("0.0001")  # enough for two reports at most
    from adplane.auth.organizations import change_funds

    with db.session() as session:
        change_funds(session, tenant["owId"], affordable, "top_up")
        session.commit()
    principal = Principal(user_id=1, email="a@a.test", ow_id=tenant["owId"], uow_id=tenant["uowId"], role="admin",
                          workspace_id=1, is_workspace_admin=True, token_id=1)
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def attempt(cid: int, offset: int) -> None:
        with db.session() as session:
            start = STUDY_START.replace(day=6 + offset)
            barrier.wait()
            sub = submit(session, app.state.analytics, principal, KIND_PLD, Scope([cid], start, STUDY_END),
                         dry_run=False)
            outcomes.append(sub.outcome)

    threads = [threading.Thread(target=attempt, args=(cid, offset)) for cid in CAMPAIGN_IDS for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.session() as session:
        left = Decimal(session.get(Organization, tenant["owId"]).funds_balance)
        charged = sum(Decimal(r.charged_cost) for r in session.scalars(select(InsightReport)))
    assert left >= 0
    assert left + charged == affordable
    assert "created" in outcomes and ("no_funds" in outcomes or "processing" in outcomes)


def test_parallel_generate_requests_never_overdraw(client, headers, db, app, tenant, backend):
    if backend != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    world = build_world(db, app, tenant["owId"], funds="0")
    cheapest = min(world.impressions((cid,)) for cid in CAMPAIGN_IDS) * Decimal("0.004")
    budget = cheapest * 2 + Decimal("0.0001")  # two SLS quotes at most
    from adplane.auth.organizations import change_funds

    with db.session() as session:
        change_funds(session, tenant["owId"], budget, "top_up")
        session.commit()
    answers: list[dict] = []
    barrier = threading.Barrier(6)

    def post(index: int) -> None:
        body = {**sls_study(f"Parallel {index}"), "campaignIds": [CAMPAIGN_IDS[index % 3]], "reportTypes": [1],
                "competitorConceptGroupIds": [], "slsStartDate": ms(STUDY_START) + index}
        barrier.wait()
        response = client.post("/api/v3/ins/sls-reports", headers=headers, json=body)
        answers.append({"status": response.status_code, **response.json()})

    threads = [threading.Thread(target=post, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a["status"] == 200 for a in answers), answers
    created = [a["data"] for a in answers if a["data"].get("slsReportCreated")]
    with db.session() as session:
        left = Decimal(session.get(Organization, tenant["owId"]).funds_balance)
        charged = sum(Decimal(r.charged_cost) for r in session.scalars(select(InsightReport)))
    assert left >= 0 and left + charged == budget
    assert 1 <= len(created) <= 2
    assert sum(Decimal(str(c["slsChargeableCost"])) for c in created) == charged
