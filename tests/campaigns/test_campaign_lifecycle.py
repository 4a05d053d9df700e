"""Time-driven lifecycle and the simulator's contract: deliverable campaigns, expiry by time and spend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from adplane.campaigns.lifecycle import advance, tick
from adplane.campaigns.service import deliverable_campaigns, expire_spent_campaigns
from adplane.core.clock import clock, from_epoch_s, utcnow
from campaign_helpers import END_S, START_S, campaign_body, create_campaign, create_io, freeze, make_creative
from conftest import login


def _status(client, headers, campaign_id):
    return client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]["status"]


def test_deliverable_campaigns_and_expiry_by_time_and_spend(client, headers, tenant, db, settings):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    open_ended = create_campaign(client, headers, io_id, creative, endTime=None, campaignName="open ended")
    spender = create_campaign(client, headers, io_id, creative, campaignName="spender")
    paused = create_campaign(client, headers, io_id, creative, campaignName="paused")
    unapproved = create_campaign(client, headers, io_id, creative, endTime=None, campaignName="unapproved")
    clock.set(from_epoch_s(START_S + 1))
    headers = login(client, tenant)
    ids = f"{open_ended},{spender},{paused}"
    client.put("/api/v2/cmp/campaigns/update-status", headers=headers, json={"campaignIds": ids, "status": "running"})
    client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
               json={"campaignIds": str(paused), "status": "paused"})
    with db.session() as session:
        running = [c.id for c in deliverable_campaigns(session, utcnow())]
        assert running == [open_ended, spender]
        assert deliverable_campaigns(session, from_epoch_s(START_S - 10)) == []
        # spend reaching the total budget expires the campaign; below it nothing changes
        assert expire_spent_campaigns(session, {spender: Decimal("1500"), open_ended: Decimal("10")}) == [spender]
        assert [c.id for c in deliverable_campaigns(session, utcnow())] == [open_ended]
    assert _status(client, headers, spender) == "expired"
    # after the campaigns' end: the paused one expires, the open-ended one runs until its IO ends
    clock.set(from_epoch_s(END_S + 1))
    tick(db, settings)
    headers = login(client, tenant)
    assert _status(client, headers, paused) == "expired"
    assert _status(client, headers, open_ended) == "running"
    assert _status(client, headers, unapproved) == "pending"
    io_end = client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioEndTime"]
    clock.set(from_epoch_s(io_end // 1000) + timedelta(seconds=1))
    with db.session() as session:
        changed = advance(session)
    assert changed == {"started": 0, "expired": 2, "ios_expired": 1}
    headers = login(client, tenant)
    assert _status(client, headers, open_ended) == "expired" and _status(client, headers, unapproved) == "expired"
    io = client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]
    assert io["ioStatusId"] == 2
    # an expired IO takes no new campaigns until its end date moves
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers, json=campaign_body(io_id, creative))
    assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == "ioId"


def test_odd_inputs_are_4xx_never_500(client, headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    campaign_id = create_campaign(client, headers, io_id, creative)
    odd_campaigns = [
        {"maxBid": "NaN"}, {"budgetTotal": 1e300}, {"creativeIds": "1,,2"}, {"exchanges": [1, "a"]},
        {"ioId": "twenty"}, {"ioId": 2**40}, {"startTime": 2**62}, {"campaignName": "x" * 256},
        {"creativeIds": [2**40]}, {"deviceType": True}, {"countryId": -1}, {"timezone": 0},
    ]
    for overrides in odd_campaigns:
        response = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                               json=campaign_body(io_id, creative, **overrides))
        assert 400 <= response.status_code < 500, (overrides, response.text)
        response = client.patch(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers, json=overrides)
        assert 400 <= response.status_code < 500, (overrides, response.text)
    odd_requests = [
        ("put", "/api/v2/cmp/campaigns/update-status", {"campaignIds": [2**40], "status": "paused"}),
        ("put", "/api/v2/cmp/campaigns/update_budget", {"campaignIds": "1;2", "totalBudget": 1}),
        ("put", "/api/v2/cmp/campaigns/update-end-date", {"campaignIds": {"a": 1}, "endDate": 1}),
        ("post", "/api/v3/cmp/io/basic/list", {"ioIdList": ["x"]}),
        ("post", "/api/v3/cmp/io/campaigns/list", {"ioIdsList": [io_id], "creativeTypeIds": "a"}),
        ("post", "/api/v3/cmp/io/campaign/basic/list", {"campaignExpiredAfterEpoch": -1}),
        ("post", "/api/v3/cmp/io/duplicate", {"ioId": io_id, "ioStartTime": 2**60}),
        ("patch", "/api/v3/cmp/io/update-budget", {"ioIdsList": [io_id], "budget": "NaN"}),
        ("post", "/api/v3/cmp/campaigns/count", {"campaignExpiredAfterEpoch": "soon"}),
    ]
    for method, path, body in odd_requests:
        response = getattr(client, method)(path, headers=headers, json=body)
        assert 400 <= response.status_code < 500, (path, body, response.text)
    # budgets that keep growing hit the platform's ceiling as a refusal, never a database overflow
    for _ in range(2):
        response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                              json={"campaignIds": str(campaign_id), "totalBudget": 10_000_000_000,
                                    "totalBudgetUpdateType": "addition"})
        assert response.status_code == 200
    assert response.json()["responseObject"]["status"] is False
    plain_io = create_io(client, headers, isAutoSumIoTotalBudget=False)
    statuses = [client.patch("/api/v3/cmp/io/update-budget", headers=headers,
                             json={"ioIdsList": [plain_io], "budget": 10_000_000_000, "budgetUpdateType": "add"}
                             ).status_code for _ in range(11)]
    assert statuses[:9] == [200] * 9 and statuses[-1] == 422
    response = client.get("/api/v2/cmp/campaign/budgetInfo", headers=headers,
                          params={"startTime": "x", "timezone": 29})
    assert response.status_code == 422
    response = client.post("/api/v2/cmp/campaigns/add", headers={**headers, "Content-Type": "application/json"},
                           content=b"{broken")
    assert response.status_code == 422


def test_approval_after_the_end_is_refused(client, headers, tenant, db):
    freeze()
    campaign_id = create_campaign(client, headers, create_io(client, headers), make_creative(db, tenant["owId"]))
    clock.set(from_epoch_s(END_S + 5))  # no tick yet: still pending
    headers = login(client, tenant)
    response = client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                          json={"campaignIds": str(campaign_id), "status": "running"})
    body = response.json()["responseObject"]
    assert body["status"] is False and "end date has passed" in body["reason"][0]["errorMessage"]
    assert _status(client, headers, campaign_id) == "pending"


def test_an_approved_campaign_waiting_for_its_start_says_so(client, headers, tenant, db, settings):
    """adplane's `isApproved`: a pending campaign a workspace admin approved (it waits for its startTime) is told
    apart from one waiting for approval, in the detail, the v2 list and io/campaigns/list (the web console's
    "scheduled" status)."""
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    approved = create_campaign(client, headers, io_id, creative, campaignName="approved")
    waiting = create_campaign(client, headers, io_id, creative, campaignName="waiting")
    client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
               json={"campaignIds": str(approved), "status": "running"})
    tick(db, settings)  # before START_S: still pending

    def flags() -> dict[str, list[tuple[str, bool]]]:
        detail = {cid: client.get(f"/api/v2/cmp/campaign/{cid}", headers=headers).json()["responseObject"]
                  for cid in (approved, waiting)}
        listed = client.get("/api/v2/cmp/campaigns/list", headers=headers).json()["data"]
        delivery = client.post("/api/v3/cmp/io/campaigns/list", headers=headers,
                               json={"ioIdsList": [io_id]}).json()["data"]["recordsList"]
        return {
            "detail": [(detail[cid]["status"], detail[cid]["isApproved"]) for cid in (approved, waiting)],
            "list": [(r["status"], r["isApproved"]) for r in sorted(listed, key=lambda r: r["name"])],
            "delivery": [(r["status"], r["isApproved"]) for r in sorted(delivery, key=lambda r: r["campaignName"])],
        }

    expected = [("pending", True), ("pending", False)]
    assert flags() == {"detail": expected, "list": expected, "delivery": expected}
    clock.set(from_epoch_s(START_S + 1))
    tick(db, settings)
    headers.update(login(client, tenant))
    assert flags()["detail"] == [("running", True), ("pending", False)]
