"""Insights: PLD, SLS and AQS reports over synthetic healthcare data and real delivery events."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from adplane.auth.models import FundsLedgerEntry, Organization
from adplane.insights.export import read_csv_sections, read_xlsx
from adplane.insights.worker import generate_pending
from test_insights_world import (
    CAMPAIGN_IDS,
    IO_ID,
    PLD_SAMPLE_CAMPAIGN,
    STUDY_END,
    STUDY_START,
    World,
    append,
    build_world,
    event,
    ms,
)

PLD_RATE = Decimal("0.002")


@pytest.fixture
def world(db, app, tenant, headers) -> World:  # noqa: ANN001
    return build_world(db, app, tenant["owId"])


def run_worker(app) -> int:  # noqa: ANN001
    return generate_pending(app.state.db, app.state.settings, app.state.analytics)


def balance(db, ow_id: int) -> Decimal:  # noqa: ANN001
    with db.session() as session:
        return Decimal(session.get(Organization, ow_id).funds_balance)


def fetch(client, url: str) -> bytes:  # noqa: ANN001
    path = url.split("://", 1)[-1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200, response.text
    return response.content


def pld(client, headers, **body):  # noqa: ANN001, ANN003, ANN201
    return client.post("/api/v3/ins/pld-report", headers=headers, json=body)


# --- PLD ---------------------------------------------------------------------------------------


def test_pld_seed_request_sample_is_accepted(client, headers, world, db, tenant):
    response = pld(client, headers, campaignId=PLD_SAMPLE_CAMPAIGN, pldStartDate=1722311000, pldEndDate=1722315000)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["pldReportCreated"] is True
    assert data["campaignId"] == PLD_SAMPLE_CAMPAIGN and data["campaignStatus"] == "running"
    assert data["pldStartDate"] == 1722311000 * 1000  # the sample's seconds read as seconds, answered in ms
    assert data["pldChargeableImps"] == 0 and data["fundsAvailable"] is True
    run_worker(client.app)
    items = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"]
    assert items[0]["pldStatusId"] == 3  # no delivery in 2024: failed with a reason
    assert "exposed" in items[0]["failureReason"] or "reached" in items[0]["failureReason"]


def test_pld_generate_charges_and_reads_back(client, headers, world, db, tenant):
    ow_id = tenant["owId"]
    before = balance(db, ow_id)
    response = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END))
    data = response.json()["data"]
    imps = world.impressions((1,))
    assert data["pldReportCreated"] is True
    assert data["pldChargeableImps"] == imps and data["pldChargedImps"] == 0
    assert Decimal(str(data["pldChargeableCost"])) == imps * PLD_RATE
    assert balance(db, ow_id) == before - imps * PLD_RATE
    with db.session() as session:
        ledger = session.scalars(select(FundsLedgerEntry).where(FundsLedgerEntry.kind == "insight_charge")).all()
        assert [Decimal(e.amount) for e in ledger] == [-imps * PLD_RATE]

    assert run_worker(client.app) == 1
    listing = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]
    item = listing["pldReportDataList"][0]
    assert item["pldStatusId"] == 2 and item["campaignName"] == "Cardio campaign 1" and item["ioId"] == IO_ID
    assert item["startDate"] == ms(STUDY_START) and item["isCampaignEligible"] is True

    xlsx_url = client.post("/api/v3/ins/pld-report/download", headers=headers,
                           json={"fileType": 1, "pldId": data["pldId"]}).json()["data"]["pldReportUrl"]
    csv_url = client.post("/api/v3/ins/pld-report/download", headers=headers,
                          json={"fileType": 2, "pldId": data["pldId"]}).json()["data"]["pldReportUrl"]
    tmp = Path(client.app.state.settings.data_dir) / "readback.xlsx"
    tmp.write_bytes(fetch(client, xlsx_url))
    sheet = read_xlsx(tmp)["Provider Level Data"]
    csv_rows = read_csv_sections(fetch(client, csv_url).decode())["Provider Level Data"]
    expected: dict[str, list[int]] = {}
    for e in world.events:
        if e["campaign_id"] == 1:
            counts = expected.setdefault(e["npi"], [0, 0, 0])
            counts[("impression", "click", "video_complete").index(e["event_type"])] += 1
    assert {r["NPI"]: [r["Impressions"], r["Clicks"], r["Video Completions"]] for r in sheet} == expected
    assert {r["NPI"]: [int(r["Impressions"]), int(r["Clicks"]), int(r["Video Completions"])]
            for r in csv_rows} == expected
    assert all(r["Specialty"] and len(r["State"]) == 2 and r["City"] for r in sheet)


def test_pld_regeneration_charges_only_new_impressions(client, headers, world, db, tenant):
    ow_id = tenant["owId"]
    first = pld(client, headers, campaignId=2, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    pld_id, imps = first["pldId"], first["pldChargeableImps"]
    again = pld(client, headers, pldId=pld_id).json()["data"]
    assert again == {"pldReportCreated": False, "message": (
        "PLD Insights can't be generated for this campaign at the moment as another insight with overlapping "
        "date range is processing")}
    overlap = pld(client, headers, campaignId=2, pldStartDate=ms(STUDY_START + timedelta(days=3)),
                  pldEndDate=ms(STUDY_END)).json()["data"]
    assert overlap["pldReportCreated"] is False
    run_worker(client.app)
    same = pld(client, headers, campaignId=2, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    assert same["pldReportCreated"] is False and same["pldId"] == pld_id and same["pldStatusId"] == 2

    npi = world.by_campaign[2][0]
    late = [event(ow_id, 2, "impression", STUDY_START + timedelta(days=30, hours=h), npi, "hcu-1") for h in range(7)]
    append(client.app.state.analytics, late)
    before = balance(db, ow_id)
    regen = pld(client, headers, pldId=pld_id).json()["data"]
    assert regen["pldReportCreated"] is True
    assert regen["pldChargeableImps"] == 7 and regen["pldChargedImps"] == imps
    assert Decimal(str(regen["pldChargedCost"])) == imps * PLD_RATE
    assert balance(db, ow_id) == before - 7 * PLD_RATE
    run_worker(client.app)
    free = pld(client, headers, pldId=pld_id).json()["data"]
    assert free["pldChargeableImps"] == 0 and free["pldChargedImps"] == imps + 7
    assert balance(db, ow_id) == before - 7 * PLD_RATE


def test_pld_insufficient_funds_creates_nothing(client, headers, db, app, tenant):
    build_world(db, app, tenant["owId"], funds="0.01")
    before = balance(db, tenant["owId"])
    data = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    assert data["pldReportCreated"] is False and data["fundsAvailable"] is False
    assert balance(db, tenant["owId"]) == before
    assert client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["totalRecords"] == 0


def test_failed_report_is_refunded_and_deletable(client, headers, world, db, tenant):
    ow_id = tenant["owId"]
    before = balance(db, ow_id)
    # Impressions without NPIs: chargeable, but no prescriber reached, so the report fails.
    append(client.app.state.analytics, [event(ow_id, 3, "impression", datetime(2026, 3, 31, 9, tzinfo=UTC), None, None)
                                        for _ in range(4)])
    data = pld(client, headers, campaignId=3, pldStartDate=ms(datetime(2026, 3, 31, tzinfo=UTC)),
               pldEndDate=ms(datetime(2026, 4, 1, tzinfo=UTC))).json()["data"]
    assert data["pldChargeableImps"] == 4
    assert balance(db, ow_id) == before - 4 * PLD_RATE
    run_worker(client.app)
    assert balance(db, ow_id) == before
    item = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["pldReportDataList"][0]
    assert item["pldStatusId"] == 3 and item["failureReason"]
    url = client.post("/api/v3/ins/pld-report/download", headers=headers, json={"fileType": 1, "pldId": item["pldId"]})
    assert url.status_code == 422
    assert url.json()["errorObjects"][0]["error"] == f"The provided PLD ID: {item['pldId']} is not in the ready state."
    ok = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    run_worker(client.app)
    refused = client.delete(f"/api/v3/ins/pld-reports?pldIds={ok['pldId']}", headers=headers)
    assert refused.status_code == 422
    deleted = client.delete(f"/api/v3/ins/pld-reports?pldIds={item['pldId']}", headers=headers)
    assert deleted.json() == {"success": True, "data": {"message": f"{item['pldName']} deleted successfully"}}
    again = client.delete(f"/api/v3/ins/pld-reports?pldIds={item['pldId']}", headers=headers)
    assert again.status_code == 422
    assert client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["totalRecords"] == 1


def test_pld_lists_search_sort_and_columns(client, headers, world):
    for cid in CAMPAIGN_IDS:
        pld(client, headers, campaignId=cid, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END))
    listing = client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]
    ids = [i["pldId"] for i in listing["pldReportDataList"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3
    ascending = client.get("/api/v3/ins/pld-reports?sortBy=%2BpldId&noOfEntries=2&pageNo=2", headers=headers)
    assert [i["pldId"] for i in ascending.json()["data"]["pldReportDataList"]] == [max(ids)]
    found = client.get("/api/v3/ins/pld-reports?searchField=campaign 2", headers=headers).json()["data"]
    assert found["filteredRecords"] == 1 and found["totalRecords"] == 3
    bad = client.get("/api/v3/ins/pld-reports?sortBy=-nope", headers=headers)
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["error"] == "Invalid sortBy value."
    columns = client.get("/api/v3/ins/pld-reports/columns", headers=headers).json()["data"]
    assert columns["ioId"] is False and columns["id"] is True
    saved = client.post("/api/v3/ins/pld-reports/columns", headers=headers, json={"ioId": True, "ioName": False})
    assert saved.json()["data"]["ioId"] is True
    assert client.get("/api/v3/ins/pld-reports/columns", headers=headers).json()["data"]["ioName"] is False
    assert client.post("/api/v3/ins/pld-reports/columns", headers=headers, json={"bogus": True}).status_code == 422
    assert client.post("/api/v3/ins/pld-reports/columns", headers=headers, json={"ioId": "yes"}).status_code == 422


def test_eligible_campaigns_and_static_lists(client, headers, world):
    data = client.get("/api/v3/ins/pld-reports/campaigns", headers=headers).json()["data"]
    assert sorted(c["campaignId"] for c in data["running"]) == sorted([*CAMPAIGN_IDS, PLD_SAMPLE_CAMPAIGN])
    assert data["paused"] == [] and data["expired"] == []
    assert data["running"][0]["campaignPldTimezoneId"] == 29
    statuses = client.get("/api/v3/ins/static/insights/status/list", headers=headers).json()["data"]
    assert [s["name"] for s in statuses["insightsStatusData"]] == ["processing", "ready", "failed"]
    types = client.get("/api/v3/ins/static/aqs-reports/report-types", headers=headers).json()["data"]
    assert types["totalRecords"] == 2 and types["reportTypeData"][0]["name"] == "audience"
    assert client.get("/api/v3/ins/static/insights/type/list", headers=headers).json()["data"]["totalRecords"] == 1


def test_pld_validation_errors(client, headers, world):
    assert pld(client, headers, pldStartDate=1, pldEndDate=2).status_code == 422
    reverse = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_END), pldEndDate=ms(STUDY_START))
    assert reverse.status_code == 422 and reverse.json()["errorObjects"][0]["field"] == "pldEndDate"
    assert pld(client, headers, campaignId="x", pldStartDate=1, pldEndDate=2).status_code == 422
    assert pld(client, headers, campaignId=99999999999, pldStartDate=1, pldEndDate=2).status_code == 422
    assert pld(client, headers, campaignId=777, pldStartDate=1, pldEndDate=2).status_code == 404
    unsupported = client.post("/api/v3/ins/pld-report/download", headers=headers, json={"fileType": 9, "pldId": 1})
    assert unsupported.status_code == 400
    assert unsupported.json()["errorObjects"][0]["error"] == (
        "Unsupported file type provided. Please use fileType 1 for XLSX or 2 for CSV.")
    assert client.delete("/api/v3/ins/pld-reports?pldIds=a,b", headers=headers).status_code == 422
    assert client.get("/api/v3/ins/pld-reports?pageNo=0", headers=headers).status_code == 422


def test_email_sends_the_file_to_the_outbox(client, headers, world):
    data = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    run_worker(client.app)
    bad = client.post("/api/v3/ins/pld-report/email", headers=headers,
                      json={"fileType": 2, "pldId": data["pldId"], "emailIds": ["not-an-address"]})
    assert bad.status_code == 422
    sent = client.post("/api/v3/ins/pld-report/email", headers=headers,
                       json={"fileType": 2, "pldId": data["pldId"], "emailIds": ["user1@email.com"]})
    assert sent.json() == {"success": True, "data": {"message": "PLD report e-mail sent successfully."}}
    outbox = list((Path(client.app.state.settings.data_dir) / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    import email

    message = email.message_from_bytes(outbox[0].read_bytes())
    attachments = [p for p in message.walk() if p.get_filename()]
    assert attachments and attachments[0].get_filename().endswith(".csv")
    text = attachments[0].get_payload(decode=True).decode()
    assert sum(int(r["Impressions"]) for r in read_csv_sections(text)["Provider Level Data"]) == world.impressions((1,))


def test_other_organizations_see_nothing(client, headers, other_headers, world):
    data = pld(client, headers, campaignId=1, pldStartDate=ms(STUDY_START), pldEndDate=ms(STUDY_END)).json()["data"]
    run_worker(client.app)
    pld_id = data["pldId"]
    assert pld(client, other_headers, campaignId=1, pldStartDate=ms(STUDY_START),
               pldEndDate=ms(STUDY_END)).status_code == 404
    assert pld(client, other_headers, pldId=pld_id).status_code == 404
    assert client.get("/api/v3/ins/pld-reports", headers=other_headers).json()["data"]["totalRecords"] == 0
    assert client.get("/api/v3/ins/pld-reports/campaigns", headers=other_headers).json()["data"]["running"] == []
    assert client.post("/api/v3/ins/pld-report/download", headers=other_headers,
                       json={"fileType": 1, "pldId": pld_id}).status_code == 404
    assert client.post("/api/v3/ins/pld-report/email", headers=other_headers,
                       json={"fileType": 1, "pldId": pld_id, "emailIds": ["someone@example.com"]}).status_code == 404
    assert client.delete(f"/api/v3/ins/pld-reports?pldIds={pld_id}", headers=other_headers).status_code == 404
    sls = {"campaignIds": [1], "slsStartDate": ms(STUDY_START), "slsEndDate": ms(STUDY_END), "slsName": "Other",
           "conceptGroupId": 202335, "reportTypes": [1]}
    assert client.post("/api/v3/ins/sls-reports", headers=other_headers, json=sls).status_code == 404
    assert client.post("/api/v3/ins/sls-reports/computation", headers=other_headers, json=sls).status_code == 404
    aqs = {"campaignId": 1, "aqsStartDate": int(STUDY_START.timestamp()), "aqsEndDate": int(STUDY_END.timestamp()),
           "aqsName": "Other", "aqsAudienceConceptGroups": {"audienceId": 101, "conceptGroupId": "202335"}}
    assert client.post("/api/v3/ins/aqs-reports", headers=other_headers, json=aqs).status_code == 404
    assert client.post("/api/v3/ins/aqs-reports/computation", headers=other_headers, json=aqs).status_code == 404
    for path in ("sls-reports", "aqs-reports"):
        assert client.get(f"/api/v3/ins/{path}", headers=other_headers).json()["data"]["totalRecords"] == 0
        assert client.get(f"/api/v3/ins/{path}/campaigns", headers=other_headers).json()["data"]["running"] == []
    assert client.get("/api/v3/ins/pld-reports", headers=headers).json()["data"]["totalRecords"] == 1


def test_csv_sections_round_trip():
    text = "# A\nx,y\n1,2\n\n# B\nz\n3\n\n"
    assert read_csv_sections(text) == {"A": [{"x": "1", "y": "2"}], "B": [{"z": "3"}]}
    assert io.StringIO(text).read() == text
