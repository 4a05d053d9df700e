"""Audience insights: the distributions equal an independent computation over the same events and identities;
reports are stored, regenerated, downloaded (XLSX/PDF) and e-mailed; another organization sees none of it."""

from __future__ import annotations

import io
import random
from urllib.parse import urlsplit

import pandas as pd
import pytest
from openpyxl import load_workbook

from adplane.audiences import catalog
from adplane.audiences.models import Audience
from adplane.master import catalog as master
from audience_helpers import seed, users_with
from derived_helpers import append, audience, events
from test_events_ingest import make_campaign

MEMBERS = list(range(1, 61))


def modal(rows: list[dict], ow: int, column: str) -> dict[int, int]:
    df = pd.DataFrame(rows)
    df = df[(df["ow_id"] == ow) & df["event_type"].isin(["impression", "click"])].copy()
    df["user"] = df["user_id"].astype(int)
    counts = df.groupby(["user", column]).size().reset_index(name="n")
    best = counts.sort_values(["user", "n", column], ascending=[True, False, True]).groupby("user").head(1)
    return dict(zip(best["user"], best[column], strict=True))


@pytest.fixture
def world(app, db, tenant, other_headers):
    rng = random.Random(9)
    ow = tenant["owId"]
    campaign = make_campaign(db, ow)
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]))
    rows = events(campaign, rng, list(range(1, 201)), 1500, types=("impression", "click"))
    rows += events(foreign, rng, list(range(1, 61)), 500)  # another organization's view of the same users
    append(app, rows, "insights-world")
    seed(db, range(1, 41))  # identities for members 1..40 only
    return {"ow": ow, "rows": rows, "audience": audience(db, ow, [*MEMBERS, 9999], name="new hcp 1")}


def test_insights_match_an_independent_computation(client, db, headers, world):
    answer = client.get(f"/api/v3/audience/audience-insights/{world['audience']}", headers=headers)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["audienceId"] == str(world["audience"]) and data["audienceName"] == "new hcp 1"
    widgets = {w["title"]: w for w in data["widgets"]}
    summary = {r["key"]: r["value"] for r in widgets["Audience Summary"]["data"]}
    assert summary == {"Total People": 61, "Total Emails": len(users_with(catalog.KIND_EMAIL, range(1, 41))),
                       "Total Phones": len(users_with(catalog.KIND_PHONE, range(1, 41))),
                       "Total Devices": len(users_with(catalog.KIND_DEVICE, range(1, 41)))}
    states = modal(world["rows"], world["ow"], "state_id")
    expected = pd.Series([master.STATES_BY_ID[states[u]].name for u in MEMBERS]).value_counts().to_dict()
    got = {r["state"]: int(r["audienceValue(Absolute)"]) for r in widgets["state"]["data"]}
    assert got == {**expected, "Unknown": 1}  # 9999 was never served
    population = pd.Series(list(states.values())).value_counts(normalize=True)
    for row in widgets["state"]["data"]:
        if row["state"] != "Unknown":
            state_id = next(s.id for s in master.STATES if s.name == row["state"] and s.id in population.index)
            assert row["nationalAvg(%)"] == round(population[state_id] * 100, 2)
            assert row["audienceValue(%)"] == round(expected[row["state"]] * 100 / 61, 2)
    genders = modal(world["rows"], world["ow"], "gender_id")
    assert {r["gender"]: int(r["audienceValue(Absolute)"]) for r in widgets["gender"]["data"]} == {
        **pd.Series([master.GENDERS_BY_ID[genders[u]].name for u in MEMBERS]).value_counts().to_dict(), "Unknown": 1}
    guide = client.get(f"/api/v3/audience/{world['audience']}/insights", headers=headers).json()["data"]
    assert guide["audience_id"] == str(world["audience"]) and guide["widgets"][0]["data"][0] == {
        "Sr no.": 1, "Key": "Total People", "Audience Value": "61"}


def test_insight_reports_files_and_mail(client, db, headers, world, settings):
    pending = audience(db, world["ow"], [1], status=catalog.STATUS_PROCESSING)
    added = client.post(f"/api/v3/audience/insights/add?audienceIds={world['audience']},{pending}", headers=headers)
    assert added.status_code == 200, added.text
    data = added.json()["data"]
    assert data["invalidSourceIds"] == [pending]
    [row] = data["insightsData"]
    assert row["statusId"] == 2 and row["sourceId"] == world["audience"] and row["name"] == "new hcp 1_insights"
    assert client.post("/api/v3/audience/insights/add", headers=headers).status_code == 422
    assert client.post(f"/api/v3/audience/ins/insights/regenerate/{row['id']}", headers=headers).json()[
        "data"] == "Insights regenerated successfully."
    detailed = client.get("/api/v2/audience/detailed/list", headers=headers).json()["responseObject"]
    assert detailed["insightDetails"][str(world["audience"])] == {"statusId": 2, "id": row["id"]}

    url = client.post(f"/api/v3/audience/ins/insights/download?audienceId={world['audience']}&fileType=xlsx",
                      headers=headers).json()["data"]["insightsReportUrl"]
    book = load_workbook(io.BytesIO(client.get(urlsplit(url).path).content))
    assert {"Audience Summary", "state", "deviceType", "age", "gender"} <= set(book.sheetnames)
    assert [c.value for c in book["Audience Summary"][2]] == [1, "Total People", 61]
    pdf = client.post(f"/api/v3/audience/ins/insights/download?audienceId={world['audience']}&fileType=pdf",
                      headers=headers).json()["data"]["insightsReportUrl"]
    assert client.get(urlsplit(pdf).path).content.startswith(b"%PDF")
    assert client.post(f"/api/v3/audience/ins/insights/download?audienceId={world['audience']}&fileType=doc",
                       headers=headers).status_code == 422

    sent = client.post(f"/api/v3/audience/ins/insights/send-email?id={row['id']}&attachmentType=pdf"
                       f"&recipientEmails=a@example.com,b@example.com&audienceId={world['audience']}", headers=headers)
    assert sent.json()["data"] == "new hcp 1_insights pdf email sent successfully.", sent.text
    [mail] = list((settings.data_dir / "outbox").glob("*.eml"))
    text = mail.read_text()
    assert "a@example.com, b@example.com" in text and "new hcp 1_insights.pdf" in text
    for query, field in (("attachmentType=pdf&recipientEmails=nobody", "recipientEmails"),
                         ("attachmentType=txt&recipientEmails=a@example.com", "attachmentType")):
        bad = client.post(f"/api/v3/audience/ins/insights/send-email?id={row['id']}&audienceId={world['audience']}"
                          f"&{query}", headers=headers)
        assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == field


def test_eligible_list_matched_details_and_isolation(client, db, headers, other_headers, world):
    big = audience(db, world["ow"], MEMBERS, name="Big matched")
    with db.session() as session:
        row = session.get(Audience, big)
        row.reach, row.file_row_count, row.matched_rows = 12_000, 20_000, 15_000
        session.commit()
    listed = client.get("/api/v3/ins/audiences/list?sortBy=-uniques", headers=headers).json()["data"]
    assert listed == {"totalRecords": 1, "filteredRecords": 1, "insightsData": [
        {"id": big, "audienceName": "Big matched", "matchRate": 75.0, "uniques": 12000}]}
    assert client.get("/api/v3/ins/audiences/list?searchField=zzz", headers=headers).json()["data"][
        "filteredRecords"] == 0
    assert client.get("/api/v3/ins/audiences/list?sortBy=bogus", headers=headers).status_code == 422
    details = client.get(f"/api/v3/ins/audience/matched/{big}", headers=headers).json()["data"]
    assert details["uniques"] == 12000 and details["widgets"][0]["title"] == "Audience Summary"
    assert client.get(f"/api/v3/ins/audience/matched/download/{big}", headers=headers).status_code == 422  # no file

    added = client.post(f"/api/v3/audience/insights/add?audienceIds={world['audience']}", headers=headers)
    insight_id = added.json()["data"]["insightsData"][0]["id"]
    aid = world["audience"]
    for method, path in (
            ("GET", f"/api/v3/audience/audience-insights/{aid}"), ("GET", f"/api/v3/audience/{aid}/insights"),
            ("POST", f"/api/v3/audience/insights/add?audienceIds={aid}"),
            ("POST", f"/api/v3/audience/ins/insights/regenerate/{insight_id}"),
            ("POST", f"/api/v3/audience/ins/insights/download?audienceId={aid}&fileType=xlsx"),
            ("POST", f"/api/v3/audience/ins/insights/send-email?id={insight_id}&attachmentType=pdf"
                     f"&recipientEmails=a@example.com&audienceId={aid}"),
            ("GET", f"/api/v3/ins/audience/matched/{big}"), ("GET", f"/api/v3/ins/audience/matched/download/{big}")):
        assert client.request(method, path, headers=other_headers).status_code == 404, path
    assert client.get("/api/v3/ins/audiences/list", headers=other_headers).json()["data"]["totalRecords"] == 0
    assert client.get("/api/v3/audience/audience-insights/x", headers=headers).status_code == 404
    assert client.get("/api/v3/audience/audience-insights/99999999999", headers=headers).status_code == 422
