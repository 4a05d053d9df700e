"""Campaign edits: drafts, PATCH, rename, bulk end dates and budgets, status changes, duplicate."""

from __future__ import annotations

from adplane.auth.admin import add_user
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
from conftest import login


def _get(client, headers, campaign_id):
    response = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["responseObject"]


def _io_total(client, headers, io_id):
    return client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioTotalBudget"]


def test_draft_then_patch_makes_it_pending(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    response = client.post("/api/v2/cmp/campaigns/draft/add", headers=headers,
                           json={"campaignName": "draft one", "ioId": io_id, "budgetTotal": 200})
    assert response.status_code == 200, response.text
    assert response.json()["statusCode"] == 201
    draft_id = response.json()["responseObject"]["data"]
    assert response.json()["responseObject"]["status"] == "draft"
    assert _io_total(client, headers, io_id) == 200
    # a draft still obeys the rules for what it has
    bad = client.post("/api/v2/cmp/campaigns/draft/add", headers=headers,
                      json={"campaignName": "x", "ioId": io_id, "maxBid": 5000})
    assert bad.status_code == 422 and error_fields(bad) == {"maxBid"}
    # PUT .../campaign/draft/{id} edits it and keeps it a draft
    response = client.put(f"/api/v2/cmp/campaign/draft/{draft_id}", headers=headers,
                          json={"budgetTotal": 250, "campaignName": "draft renamed"})
    assert response.json()["responseObject"] == {"data": draft_id, "message": "Campaign updated successfully.",
                                                  "status": "draft"}
    assert _get(client, headers, draft_id)["campaignName"] == "draft renamed"
    assert _io_total(client, headers, io_id) == 250
    bad = client.put(f"/api/v2/cmp/campaign/draft/{draft_id}", headers=headers, json={"maxBid": 0.1})
    assert bad.status_code == 422 and error_fields(bad) == {"maxBid"}
    assert client.put(f"/api/v2/cmp/campaign/draft/{draft_id}", headers=other_headers,
                      json={"budgetTotal": 1}).status_code == 404
    # PATCH without the mandatory fields: refused, and it stays a draft
    incomplete = client.patch(f"/api/v2/cmp/campaign/{draft_id}", headers=headers, json={"budgetDay": 20})
    assert incomplete.status_code == 422
    assert _get(client, headers, draft_id)["status"] == "draft"
    full = campaign_body(io_id, creative)
    full.pop("ioId")
    response = client.patch(f"/api/v2/cmp/campaign/{draft_id}", headers=headers, json=full)
    assert response.status_code == 200, response.text
    assert response.json()["responseObject"]["status"] == "pending"
    detail = _get(client, headers, draft_id)
    assert detail["status"] == "pending" and detail["campaignName"] == "NewTest"
    assert _io_total(client, headers, io_id) == 1500
    not_draft = client.put(f"/api/v2/cmp/campaign/draft/{draft_id}", headers=headers, json={"budgetTotal": 5})
    assert not_draft.status_code == 422
    # later PATCHes keep the status and re-check every rule
    response = client.patch(f"/api/v2/cmp/campaign/{draft_id}", headers=headers,
                            json={"deviceType": "13,15", "whiteListedZipcodes": "10001,10002", "budgetTotal": 900})
    assert response.status_code == 200
    detail = _get(client, headers, draft_id)
    assert detail["deviceType"] == "13,15" and detail["whiteListedZipcodes"] == "10001,10002"
    assert detail["status"] == "pending" and _io_total(client, headers, io_id) == 900
    for body, field in (({"budgetDay": 5000}, "budgetDay"), ({"endTime": START_S + 60}, "endTime"),
                        ({"deviceType": "999"}, "deviceType"), ({"ioId": 424242}, "ioId"),
                        ({"stateIds": "1"}, "stateIds")):
        response = client.patch(f"/api/v2/cmp/campaign/{draft_id}", headers=headers, json=body)
        assert response.status_code == 422 and field in error_fields(response), (body, response.text)
    assert _get(client, headers, draft_id)["budgetTotal"] == 900
    assert client.patch(f"/api/v2/cmp/campaign/{draft_id}", headers=other_headers,
                        json={"campaignName": "x"}).status_code == 404
    assert client.get(f"/api/v2/cmp/campaign/{draft_id}", headers=other_headers).status_code == 404


def test_rename(client, headers, other_headers, tenant, db):
    freeze()
    campaign_id = create_campaign(client, headers, create_io(client, headers), make_creative(db, tenant["owId"]))
    response = client.patch(f"/api/v3/cmp/campaign/update-name/{campaign_id}", headers=headers,
                            json={"campaignName": "New Campaign Name"})
    assert response.json() == {"success": True, "data": {"message": "campaignName updated successfully"}}
    assert _get(client, headers, campaign_id)["campaignName"] == "New Campaign Name"
    for body in ({"campaignName": " "}, {}, {"campaignName": "x" * 300}):
        response = client.patch(f"/api/v3/cmp/campaign/update-name/{campaign_id}", headers=headers, json=body)
        assert response.status_code == 422 and error_fields(response) == {"campaignName"}
    assert client.patch(f"/api/v3/cmp/campaign/update-name/{campaign_id}", headers=other_headers,
                        json={"campaignName": "x"}).status_code == 404
    assert _get(client, headers, campaign_id)["campaignName"] == "New Campaign Name"


def test_bulk_end_date(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    a = create_campaign(client, headers, io_id, creative)
    b = create_campaign(client, headers, io_id, creative, totalBudgetPacing=True, budgetDay=None)
    new_end = END_S + 86400
    response = client.put("/api/v2/cmp/campaigns/update-end-date", headers=headers,
                          json={"endDate": new_end, "campaignIds": f"{a},{b}"})
    assert response.json() == {"statusCode": 200, "responseObject": {"status": True}}
    assert _get(client, headers, a)["endTime"] == new_end
    paced = _get(client, headers, b)
    days = (new_end - START_S) / 86400
    assert paced["endTime"] == new_end and paced["budgetDay"] == round(1500 / days, 2)
    # past the IO's end: refused per campaign, nothing changed
    response = client.put("/api/v2/cmp/campaigns/update-end-date", headers=headers,
                          json={"endDate": 1760000000, "campaignIds": a})
    body = response.json()["responseObject"]
    assert body["status"] is False and body["reason"][0]["id"] == str(a)
    assert _get(client, headers, a)["endTime"] == new_end
    for bad in ({"endDate": "x", "campaignIds": a}, {"campaignIds": a}, {"endDate": new_end, "campaignIds": "a,b"}):
        assert client.put("/api/v2/cmp/campaigns/update-end-date", headers=headers, json=bad).status_code == 422
    response = client.put("/api/v2/cmp/campaigns/update-end-date", headers=other_headers,
                          json={"endDate": new_end + 10, "campaignIds": a})
    assert response.status_code == 404


def test_bulk_budget_change_addition_distribution_and_reasons(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    video = make_creative(db, tenant["owId"], creative_type_id=14)
    a = create_campaign(client, headers, io_id, creative, budgetTotal=100, budgetDay=10)
    b = create_campaign(client, headers, io_id, creative, budgetTotal=200, budgetDay=10)
    v = create_campaign(client, headers, io_id, video, budgetTotal=300, budgetDay=10, creativeType=14, maxBid=5,
                        campaignName="Vast copy")
    ids = f"{a},{b},{v}"
    for path in ("/api/v2/cmp/campaigns/update_budget", "/api/v2/cmp/campaigns/update-budget"):
        response = client.put(path, headers=headers, json={"campaignIds": ids, "totalBudget": 50,
                                                           "totalBudgetUpdateType": "addition"})
        assert response.json()["responseObject"]["status"] is True
    assert [_get(client, headers, c)["budgetTotal"] for c in (a, b, v)] == [200, 300, 400]
    assert _io_total(client, headers, io_id) == 900
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                          json={"campaignIds": ids, "totalBudget": 100, "totalBudgetUpdateType": "distribution"})
    assert response.json()["responseObject"]["status"] is True
    assert [_get(client, headers, c)["budgetTotal"] for c in (a, b, v)] == [33.34, 33.33, 33.33]
    assert _io_total(client, headers, io_id) == 100
    # the seed's messages: video floor, then platform bounds; the image campaigns take the new bid
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                          json={"campaignIds": ids, "maxBid": 2, "totalBudgetUpdateType": "change"})
    body = response.json()["responseObject"]
    assert body["status"] is False
    assert body["reason"] == [{"errorMessage": "max bid cannot be less than minimum bid 3.0", "id": str(v),
                               "campaignName": "Vast copy"}]
    assert [m["campaingId"] for m in body["modified_data"]] == [a, b]
    assert body["modified_data"][0]["maxBid"] == 2 and body["modified_data"][0]["totalBudget"] == 33.34
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                          json={"campaignIds": a, "maxBid": 1001})
    assert response.json()["responseObject"]["reason"][0]["errorMessage"] == \
        "For given campaign_type max bid cannot be less than 1.00 or greater than 1000."
    # daily above total: refused and untouched
    response = client.put("/api/v2/cmp/campaigns/update-budget", headers=headers,
                          json={"campaignIds": a, "dailyBudget": 1001})
    assert response.json()["responseObject"]["status"] is False
    assert _get(client, headers, a)["budgetDay"] == 10
    for bad in ({"campaignIds": a}, {"campaignIds": a, "totalBudget": 5, "totalBudgetUpdateType": "halve"},
                {"campaignIds": "", "totalBudget": 5}, {"campaignIds": a, "totalBudget": -1}):
        response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers, json=bad)
        assert response.status_code == 422, bad
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=other_headers,
                          json={"campaignIds": a, "totalBudget": 5})
    assert response.status_code == 404
    assert _get(client, headers, a)["budgetTotal"] == 33.34


def test_budget_cannot_exceed_io_without_auto_sum(client, headers, tenant, db):
    freeze()
    io_id = create_io(client, headers, isAutoSumIoTotalBudget=False, ioTotalBudget=2000)
    creative = make_creative(db, tenant["owId"])
    a = create_campaign(client, headers, io_id, creative)
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers, json=campaign_body(io_id, creative))
    assert response.status_code == 422 and error_fields(response) == {"budgetTotal"}
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                          json={"campaignIds": a, "totalBudget": 2500})
    assert response.json()["responseObject"]["status"] is False
    assert _get(client, headers, a)["budgetTotal"] == 1500
    assert _io_total(client, headers, io_id) == 2000


def test_status_changes_pause_resume_delete_reject(client, headers, other_headers, make_tenant, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    a = create_campaign(client, headers, io_id, creative, startTime=START_S - 60000)  # started already? no: NOW
    b = create_campaign(client, headers, io_id, creative)
    c = create_campaign(client, headers, io_id, creative)

    def set_status(h, ids, status, **extra):
        return client.put("/api/v2/cmp/campaigns/update-status", headers=h,
                          json={"campaignIds": ids, "status": status, **extra})

    # a member who is not a workspace admin cannot approve or reject
    with db.session() as session:
        add_user(session, ow_id=tenant["owId"], email="member@a.test", password="Member-Passw0rd!", role="member")
    member = login(client, {**tenant, "email": "member@a.test", "password": "Member-Passw0rd!"})
    body = set_status(member, str(a), "running").json()["responseObject"]
    assert body["status"] is False
    assert body["reason"][0]["errorMessage"] == "Only workspace admins can approve campaigns."
    assert set_status(member, str(b), "rejected", rejectionReason="no").status_code == 403
    assert _get(client, headers, a)["status"] == "pending"
    # pausing a pending campaign is refused with a reason
    body = set_status(headers, str(a), "paused").json()["responseObject"]
    assert body["status"] is False and "running" in body["reason"][0]["errorMessage"]
    # approve (start already reached for a: it runs), pause, resume
    from adplane.core.clock import clock, from_epoch_s

    clock.set(from_epoch_s(START_S + 10))
    headers = login(client, tenant)
    assert set_status(headers, f"{a},{b}", "running").json()["responseObject"]["status"] is True
    assert _get(client, headers, a)["status"] == "running"
    assert set_status(headers, str(a), "paused").json()["responseObject"]["modified_data"] == [
        {"campaignId": a, "status": "paused"}]
    assert set_status(headers, str(a), "running").json()["responseObject"]["status"] is True
    assert _get(client, headers, a)["status"] == "running"
    # reject needs a reason; a running campaign cannot be rejected
    response = set_status(headers, str(c), "rejected")
    assert response.status_code == 422 and error_fields(response) == {"rejectionReason"}
    body = set_status(headers, f"{a},{c}", "rejected", rejectionReason="Misleading claims").json()["responseObject"]
    assert body["status"] is False and [r["id"] for r in body["reason"]] == [str(a)]
    rejected = _get(client, headers, c)
    assert rejected["status"] == "rejected" and rejected["rejectionReason"] == "Misleading claims"
    # editing a rejected campaign resubmits it
    client.patch(f"/api/v2/cmp/campaign/{c}", headers=headers, json={"campaignName": "fixed"})
    assert _get(client, headers, c)["status"] == "pending"
    # delete: gone from reads and from the auto-sum total
    assert _io_total(client, headers, io_id) == 4500
    assert set_status(headers, str(b), "deleted").json()["responseObject"]["status"] is True
    assert client.get(f"/api/v2/cmp/campaign/{b}", headers=headers).status_code == 404
    assert _io_total(client, headers, io_id) == 3000
    for bad in ({"campaignIds": str(a), "status": "flying"}, {"campaignIds": "", "status": "paused"},
                {"status": "paused"}):
        assert client.put("/api/v2/cmp/campaigns/update-status", headers=headers, json=bad).status_code == 422
    assert set_status(other_headers, str(a), "paused").status_code == 404
    assert _get(client, headers, a)["status"] == "running"


def test_duplicate_campaigns(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    a = create_campaign(client, headers, io_id, creative, exchanges="1,11", deviceType="13")
    start = START_S + 3600
    response = client.post("/api/v2/cmp/campaigns/duplicate", headers=headers,
                           json={"existingCampaignIds": str(a), "ioId": io_id, "timeZoneId": 29,
                                 "startDate": start, "endDate": 0})
    assert response.status_code == 200, response.text
    body = response.json()["responseObject"]
    assert body["status"] is True and len(body["duplicatedCampaignIds"]) == 1
    copy = _get(client, headers, body["duplicatedCampaignIds"][0])
    assert copy["campaignName"] == "NewTest copy" and copy["startTime"] == start and copy["endTime"] is None
    assert copy["exchanges"] == "1,11" and copy["deviceType"] == "13" and copy["status"] == "pending"
    assert _io_total(client, headers, io_id) == 3000
    for bad, field in (({"startDate": 1000}, "startDate"), ({"existingCampaignIds": ""}, "existingCampaignIds"),
                       ({"startDate": None}, "startDate"), ({"endDate": start - 10}, "endDate"),
                       ({"timeZoneId": 987654321}, "timeZoneId")):
        payload = {"existingCampaignIds": str(a), "ioId": io_id, "startDate": start, **bad}
        response = client.post("/api/v2/cmp/campaigns/duplicate", headers=headers, json=payload)
        assert response.status_code == 422 and field in error_fields(response), (bad, response.text)
    response = client.post("/api/v2/cmp/campaigns/duplicate", headers=other_headers,
                           json={"existingCampaignIds": str(a), "startDate": start})
    assert response.status_code == 404
    assert _io_total(client, headers, io_id) == 3000


def test_drafts_without_dates_in_bulk_and_io_operations(client, headers, tenant, db):
    freeze()
    from campaign_helpers import IO_END_MS, IO_START_MS

    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    pending = create_campaign(client, headers, io_id, creative)
    draft = client.post("/api/v2/cmp/campaigns/draft/add", headers=headers,
                        json={"campaignName": "undated", "ioId": io_id, "budgetTotal": 100,
                              "totalBudgetPacing": False}).json()["responseObject"]["data"]
    response = client.put("/api/v2/cmp/campaigns/update-end-date", headers=headers,
                          json={"endDate": END_S + 600, "campaignIds": f"{pending},{draft}"})
    body = response.json()["responseObject"]
    assert body["status"] is False and [r["id"] for r in body["reason"]] == [str(draft)]
    response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                          json={"campaignIds": f"{pending},{draft}", "totalBudget": 10,
                                "totalBudgetUpdateType": "addition"})
    assert response.json()["responseObject"]["status"] is True
    assert _io_total(client, headers, io_id) == 1510 + 110
    response = client.patch(f"/api/v3/cmp/io/{io_id}", headers=headers, json={"ioName": "still fine"})
    assert response.status_code == 200
    response = client.post("/api/v3/cmp/io/duplicate", headers=headers,
                           json={"ioId": io_id, "ioStartTime": IO_START_MS, "ioEndTime": IO_END_MS})
    assert response.status_code == 200, response.text
    copies = response.json()["data"]["duplicatedCampaignIds"]
    assert [_get(client, headers, c)["status"] for c in copies] == ["pending", "draft"]
    listed = client.post("/api/v3/cmp/io/campaigns/list", headers=headers, json={"ioIdsList": [io_id]})
    assert listed.status_code == 200 and listed.json()["data"]["filteredRecords"] == 2
