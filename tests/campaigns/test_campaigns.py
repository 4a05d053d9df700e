"""Campaigns: seed 003 quickstart end to end, creation rules, reads, edits, status changes, lifecycle."""

from __future__ import annotations

from datetime import timedelta

from adplane.campaigns.lifecycle import tick
from adplane.core.clock import clock
from campaign_helpers import (
    END_S,
    START_S,
    campaign_body,
    create_campaign,
    create_io,
    error_fields,
    freeze,
    make_creative,
)
from conftest import basic_auth, login


def test_seed_003_quickstart_end_to_end_then_running_after_approval(client, make_tenant, db, settings):
    freeze()
    creds = make_tenant(host="api.iqm.com", email="pratik.t+ihp@iqm.com", password="123456")
    # Step 1: log in
    response = client.post("/api/v3/ua/login", headers={"Authorization": basic_auth(creds),
                                                        "X-IAA-HOST": "api.iqm.com"},
                           json={"grantType": "password", "email": "pratik.t+ihp@iqm.com", "password": "123456"})
    assert response.status_code == 200
    token = response.json()["data"]
    headers = {"Authorization": f"Bearer {token['access_token']}", "X-IAA-OW-ID": str(token["owId"])}
    # Step 2: create the insertion order (seed body; dates moved so they contain the campaign's)
    response = client.post("/api/v3/cmp/io/add", headers=headers, json={
        "ioName": "IO Name 1", "ioStartTime": 1748822400000, "ioEndTime": 1751241600000, "ioTotalBudget": 1000,
        "ioTimeZoneId": 29, "isAutoSumIoTotalBudget": True, "ioBudgetTypeId": 1,
        "ioBudgetDistributionMethodId": 1})
    assert response.status_code == 200, response.text
    io = response.json()
    assert io["success"] is True
    io_id = io["data"]["ioId"]
    assert io["data"] == {"ioId": io_id, "ioName": "IO Name 1", "ioStartTime": 1748822400000,
                          "ioEndTime": 1751241600000, "ioTotalBudget": 0, "ioTimeZoneId": 29, "ioBudgetTypeId": 1,
                          "ioBudgetDistributionMethodId": 1, "isAutoSumIoTotalBudget": True,
                          "ioTotalImpressions": None}
    # Step 3: create the campaign (the seed's request sample)
    creative_id = make_creative(db, creds["owId"])
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers, json=campaign_body(io_id, creative_id))
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["statusCode"] == 201
    campaign_id = created["responseObject"]["data"]
    assert created["responseObject"] == {"data": campaign_id, "message": "Campaign saved successfully.",
                                         "status": "pending"}
    # Step 4: check its status
    response = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers)
    assert response.status_code == 200
    detail = response.json()["responseObject"]
    assert detail["status"] == "pending"
    assert detail["id"] == campaign_id and detail["ioId"] == io_id and detail["ioName"] == "IO Name 1"
    assert detail["startTime"] == START_S and detail["endTime"] == END_S
    assert detail["budgetTotal"] == 1500 and detail["budgetDay"] == 50 and detail["maxBid"] == 100
    assert detail["creativeIds"] == str(creative_id) and detail["countryId"] == "30100001"
    assert detail["owId"] == creds["owId"] and detail["userEmail"] == "pratik.t+ihp@iqm.com"
    # the auto-sum IO now carries the campaign's budget
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioTotalBudget"] == 1500
    # a workspace admin approves it; it runs from its start time
    response = client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                          json={"campaignIds": str(campaign_id), "status": "running"})
    assert response.status_code == 200, response.text
    assert response.json()["responseObject"]["status"] is True
    tick(db, settings)
    assert client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"][
        "status"] == "pending"
    clock.advance(timedelta(days=1, hours=19))  # past 2025-06-02T18:50:01Z
    tick(db, settings)
    headers = login(client, creds)  # the first access token expired while time moved
    detail = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
    assert detail["status"] == "running"
    clock.advance(timedelta(days=3))  # past the end time
    tick(db, settings)
    headers = login(client, creds)
    detail = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
    assert detail["status"] == "expired"


def test_create_rules_are_422_naming_the_field(client, headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative_id = make_creative(db, tenant["owId"])
    video_id = make_creative(db, tenant["owId"], creative_type_id=14)
    cases = [
        ({"isAgreementChecked": False}, "isAgreementChecked"),
        ({"budgetTypeId": 2}, "budgetTypeId"),
        ({"startTime": 1748000000}, "startTime"),  # before the IO
        ({"endTime": 1751500000}, "endTime"),  # after the IO
        ({"totalBudgetPacing": True, "endTime": None}, "endTime"),
        ({"budgetDay": 2000}, "budgetDay"),
        ({"maxBid": 0.5}, "maxBid"),
        ({"maxBid": 1001}, "maxBid"),
        ({"creativeIds": "999999"}, "creativeIds"),
        ({"creativeIds": str(video_id)}, "creativeIds"),
        ({"creativeType": 99}, "creativeType"),
        ({"timezone": 999999999}, "timezone"),
        ({"countryId": "1"}, "countryId"),
        ({"campaignName": "  "}, "campaignName"),
        ({"exchanges": "1,abc"}, "exchanges"),
        ({"maxBid": "lots"}, "maxBid"),
        ({"startTime": -5}, "startTime"),
    ]
    for overrides, field in cases:
        response = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                               json=campaign_body(io_id, creative_id, **overrides))
        assert response.status_code == 422, (overrides, response.text)
        body = response.json()
        assert body["statusCode"] == 422 and field in error_fields(response), (overrides, body)
    bounds = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                         json=campaign_body(io_id, creative_id, maxBid=1001))
    assert bounds.json()["errorObjects"][0]["error"] == \
        "For given campaign_type max bid cannot be less than 1.00 or greater than 1000."
    floor = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                        json=campaign_body(io_id, video_id, creativeType=14, maxBid=2))
    assert floor.json()["errorObjects"][0]["error"] == "max bid cannot be less than minimum bid 3.0"
    # nothing was created by the refused requests
    count = client.post("/api/v3/cmp/campaigns/count", headers=headers, json={}).json()["data"]
    assert count[-1] == {"order": 8, "status_key": "all", "status_label": "ALL", "status_count": 0}


def test_create_isolation_foreign_io_and_creatives(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative_id = make_creative(db, tenant["owId"])
    # another organization cannot put a campaign into this IO: 404 as for a missing IO
    for target in (io_id, 777777):
        response = client.post("/api/v2/cmp/campaigns/add", headers=other_headers,
                               json=campaign_body(target, creative_id))
        assert response.status_code == 404 and error_fields(response) == {"ioId"}
        response = client.post("/api/v2/cmp/campaigns/draft/add", headers=other_headers,
                               json={"campaignName": "x", "ioId": target})
        assert response.status_code == 404
    # nor use this organization's creatives in its own IO
    other_io = create_io(client, other_headers)
    response = client.post("/api/v2/cmp/campaigns/add", headers=other_headers,
                           json=campaign_body(other_io, creative_id))
    assert response.status_code == 422 and error_fields(response) == {"creativeIds"}
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioTotalBudget"] == 0
    missing = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                          json={k: v for k, v in campaign_body(io_id, creative_id).items() if k != "ioId"})
    assert missing.status_code == 422 and error_fields(missing) == {"ioId"}


def test_impression_based_io_sums_campaign_impression_goals(client, headers, tenant, db):
    freeze()
    io_id = create_io(client, headers, ioBudgetTypeId=2)
    creative_id = make_creative(db, tenant["owId"])
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, budgetTypeId=2))
    assert response.status_code == 422 and error_fields(response) == {"targetImpression"}
    mismatch = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, targetImpression=5000))
    assert mismatch.status_code == 422 and error_fields(mismatch) == {"budgetTypeId"}
    first = create_campaign(client, headers, io_id, creative_id, budgetTypeId=2, targetImpression=10000)
    create_campaign(client, headers, io_id, creative_id, budgetTypeId=2, targetImpression=2500)
    io = client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]
    assert io["ioTotalImpressions"] == 12500 and io["ioBudgetTypeId"] == 2
    client.patch(f"/api/v2/cmp/campaign/{first}", headers=headers, json={"targetImpression": 4000})
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioTotalImpressions"] == 6500
    detail = client.get(f"/api/v2/cmp/campaign/{first}", headers=headers).json()["responseObject"]
    assert detail["targetImpression"] == 4000 and detail["budgetTypeId"] == 2
