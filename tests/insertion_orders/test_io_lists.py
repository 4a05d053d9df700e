"""IO lists with campaigns: grouped basic list, and campaigns with delivery metrics and pacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from adplane.core.clock import clock
from campaign_helpers import END_S, START_S, create_campaign, create_io, error_fields, freeze, make_creative


def _events(ow_id: int, io_id: int, campaign_id: int, creative_id: int, at: datetime) -> pa.Table:
    """4 impressions at 0.40 media + 0.05 data + 0.05 margin each, 1 click, 1 conversion."""
    types = ["impression"] * 4 + ["click", "conversion"]
    n = len(types)
    costs = [0.40] * 4 + [0.0, 0.0]
    return pa.table({
        "event_time": pa.array([at + timedelta(minutes=i) for i in range(n)], pa.timestamp("us", tz="UTC")),
        "event_type": pa.array(types),
        "ow_id": pa.array([ow_id] * n), "io_id": pa.array([io_id] * n),
        "campaign_id": pa.array([campaign_id] * n), "creative_id": pa.array([creative_id] * n),
        "creative_type_id": pa.array([11] * n),
        "user_id": pa.array(["u1", "u2", "u3", "u1", "u1", "u1"]),
        "media_cost": pa.array(costs), "data_cost": pa.array([c / 8 for c in costs]),
        "platform_margin": pa.array([c / 8 for c in costs]),
    })


def test_campaign_basic_list_groups_campaigns_by_io(client, headers, other_headers, tenant, db):
    freeze()
    creative = make_creative(db, tenant["owId"])
    video = make_creative(db, tenant["owId"], creative_type_id=14)
    a = create_io(client, headers, ioName="first io")
    b = create_io(client, headers, ioName="second io")
    empty = create_io(client, headers, ioName="empty io")
    c1 = create_campaign(client, headers, a, creative, campaignName="image one")
    c2 = create_campaign(client, headers, a, video, campaignName="video one", creativeType=14, maxBid=5)
    c3 = create_campaign(client, headers, b, creative, campaignName="image two")

    def listed(body):
        response = client.post("/api/v3/cmp/io/campaign/basic/list", headers=headers, json=body)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    data = listed({})
    assert data["totalRecords"] == 3 and data["filteredRecords"] == 3
    assert [g["ioId"] for g in data["ioCampaignsList"]] == [empty, b, a]
    group_a = data["ioCampaignsList"][2]
    assert group_a["campaignCount"] == 2 and [c["id"] for c in group_a["campaigns"]] == [c1, c2]
    assert group_a["campaigns"][0]["startTime"] == START_S and group_a["campaigns"][0]["endTime"] == END_S
    assert set(group_a) == {"ioId", "ioName", "ioBudgetTypeId", "ioStatusId", "created", "lastModified", "owId",
                            "uowId", "campaignCount", "campaigns"}
    videos = listed({"creativeTypeIds": [14]})
    assert [(g["ioId"], [c["id"] for c in g["campaigns"]]) for g in videos["ioCampaignsList"]] == [(a, [c2])]
    assert [g["ioId"] for g in listed({"ioIdsList": [a], "sortBy": "+ioId"})["ioCampaignsList"]] == [a, b, empty]
    searched = listed({"searchField": "two"})
    assert [(g["ioId"], [c["id"] for c in g["campaigns"]]) for g in searched["ioCampaignsList"]] == [(b, [c3])]
    # a search hitting the IO lists all its campaigns; one hitting only a campaign lists just that one
    by_io_name = listed({"searchField": "first"})["ioCampaignsList"]
    assert [(g["ioId"], g["campaignCount"]) for g in by_io_name] == [(a, 2)]
    by_campaign = listed({"searchField": "video"})["ioCampaignsList"]
    assert [(g["ioId"], [c["id"] for c in g["campaigns"]]) for g in by_campaign] == [(a, [c2])]
    # campaignId sorts by each IO's highest listed campaign, an IO without campaigns lowest either way
    assert [g["ioId"] for g in listed({"sortBy": "+campaignId"})["ioCampaignsList"]] == [empty, a, b]
    assert [g["ioId"] for g in listed({"sortBy": "-campaignId"})["ioCampaignsList"]] == [b, a, empty]
    assert [g["ioId"] for g in listed({"ioIdsList": [b], "sortBy": "isRecordTargeted,-ioId"})[
        "ioCampaignsList"]] == [b, empty, a]
    paged = listed({"noOfEntries": 2, "pageNo": 1, "creativeTypeIds": [11]})
    assert paged["filteredRecords"] == 2 and [g["ioId"] for g in paged["ioCampaignsList"]] == [b, a]
    assert listed({"status": ["running"]})["ioCampaignsList"] == []
    assert [g["ioId"] for g in listed({"noOfEntries": 1, "pageNo": 2})["ioCampaignsList"]] == [b]
    bad = client.post("/api/v3/cmp/io/campaign/basic/list", headers=headers, json={"status": ["flying"]})
    assert bad.status_code == 422 and error_fields(bad) == {"status"}
    other = client.post("/api/v3/cmp/io/campaign/basic/list", headers=other_headers, json={"ioIds": [a]})
    assert other.json()["data"]["ioCampaignsList"] == []


def test_campaigns_list_with_delivery_metrics_and_pacing(client, app, headers, other_headers, tenant, db):
    freeze()
    creative = make_creative(db, tenant["owId"])
    io_id = create_io(client, headers)
    delivering = create_campaign(client, headers, io_id, creative, campaignName="delivering")
    idle = create_campaign(client, headers, io_id, creative, campaignName="idle", budgetTotal=300)
    store = app.state.analytics
    start = datetime.fromtimestamp(START_S, UTC)
    try:
        store.append_events(_events(tenant["owId"], io_id, delivering, creative, start + timedelta(hours=1)))
        halfway = start + (datetime.fromtimestamp(END_S, UTC) - start) / 2
        clock.set(halfway)
        response = client.post("/api/v3/cmp/io/campaigns/list", headers=headers,
                               json={"ioIdsList": [io_id], "sortBy": "-spent"})
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["totalRecords"] == 2 and data["filteredRecords"] == 2
        rows = {r["campaignId"]: r for r in data["recordsList"]}
        assert [r["campaignId"] for r in data["recordsList"]] == [delivering, idle]
        row = rows[delivering]
        # the conversion event was fed directly: CVR counts it, the attribution credited nothing
        assert (row["impressions"], row["clicks"], row["totalAttributedConversion"]) == (4, 1, 0)
        assert row["spent"] == 2 and row["mediaSpent"] == 1.6
        assert row["CTR"] == 25.0 and row["eCPM"] == 500.0 and row["eCPC"] == 2.0 and row["CVR"] == 100.0
        assert row["expectedSpent"] == 750 and row["pacingPercentage"] == round(2 / 750 * 100, 2)
        assert row["percentageOfTotalSpent"] == round(2 / 1500 * 100, 4)
        assert row["creativesCount"] == 1 and row["campaignTimezone"] == "US/Eastern"
        assert row["reach"] == 3 and row["frequency"] == round(4 / 3, 4)
        assert row["dailyImpression"] == 0  # delivered on an earlier day than "now"
        assert rows[idle]["spent"] == 0 and rows[idle]["impressions"] == 0
        totals = data["recordsTotal"]
        assert totals["impressions"] == 4 and totals["spent"] == 2 and totals["budgetTotal"] == 1800
        spent = client.get(f"/api/v2/cmp/campaign/{delivering}", headers=headers,
                           params={"isSpentRequired": "true"}).json()["responseObject"]
        assert spent["spent"] == 2
        assert "spent" not in client.get(f"/api/v2/cmp/campaign/{delivering}", headers=headers).json()[
            "responseObject"]
        # a total budget below what was already spent is refused for that campaign only
        response = client.put("/api/v2/cmp/campaigns/update_budget", headers=headers,
                              json={"campaignIds": f"{delivering},{idle}", "totalBudget": 1.5, "dailyBudget": 1,
                                    "totalBudgetUpdateType": "change"})
        body = response.json()["responseObject"]
        assert body["status"] is False and [r["id"] for r in body["reason"]] == [str(delivering)]
        assert [m["campaignId"] for m in body["modified_data"]] == [idle]
    finally:
        store.reset()
    filtered = client.post("/api/v3/cmp/io/campaigns/list", headers=headers,
                           json={"ioIdsList": [io_id], "searchField": "idle"}).json()["data"]
    assert [r["campaignId"] for r in filtered["recordsList"]] == [idle]
    missing = client.post("/api/v3/cmp/io/campaigns/list", headers=headers, json={})
    assert missing.status_code == 422
    assert missing.json()["errorObjects"][0]["error"] == "IoIdsList field cannot be empty."
    bad = client.post("/api/v3/cmp/io/campaigns/list", headers=headers, json={"ioIdsList": [io_id], "sortBy": "x"})
    assert bad.status_code == 422
    other = client.post("/api/v3/cmp/io/campaigns/list", headers=other_headers, json={"ioIdsList": [io_id]})
    assert other.json()["data"]["recordsList"] == [] and other.json()["data"]["totalRecords"] == 0
