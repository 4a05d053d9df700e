"""IQM's own enumerations on the Master API: device types on IQM's ids, video parameters, channels,
inventory and RTB creative types, connection types and income ranges."""

from __future__ import annotations

import pytest

from adplane.master import catalog
from test_master import targeted_campaign

V3_GET = {
    "/api/v3/master/creative/video/placement-type": ["In-Stream", "Out-Stream", "Unknown"],
    "/api/v3/master/creative/video/roll-position": ["Pre-Roll", "Mid-Roll", "Post-Roll", "Unknown"],
    "/api/v3/master/creative/video/player-size": ["Medium & Big", "Small", "Unknown"],
    "/api/v3/master/creative/video/skippability": ["Skippable", "Non-Skippable", "Unknown"],
    "/api/v3/master/creative/video/playback-method": ["Sound On", "Mute", "Unknown"],
    "/api/v3/master/segment/channel": ["App", "OTT App", "Web", "Unknown"],
    "/api/v3/master/inventory-types": ["Site", "Android App", "IOS App", "Other App"],
    "/api/v3/master/rtb-creative-types": ["Banner", "Audio", "Video", "Native"],
}


@pytest.mark.parametrize("path", sorted(V3_GET))
def test_v3_enumerations(client, headers, other_headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [row["name"] for row in data["data"]] == V3_GET[path]
    assert data["totalRecords"] == data["filteredRecords"] == len(V3_GET[path])
    assert client.get(path, headers=other_headers).json() == response.json()
    first = data["data"][1]["id"]
    paged = client.get(path, headers=headers, params={"limit": 1, "pageNo": 1, "ids": str(first)}).json()["data"]
    assert [row["id"] for row in paged["data"]] == [first] and paged["filteredRecords"] == len(V3_GET[path])
    searched = client.get(path, headers=headers, params={"searchField": V3_GET[path][0][:3]}).json()["data"]
    assert V3_GET[path][0] in [row["name"] for row in searched["data"]]
    assert client.get(path, headers=headers, params={"sortBy": "-color"}).status_code == 422
    assert client.get(path).status_code == 401


def test_device_types_on_iqm_ids(client, headers, other_headers, tenant, db):
    example = {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [], "ids": []}
    response = client.post("/api/v3/master/segment/device-type", headers=headers, json=example)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["data"] == [{"id": 20300001, "name": "Mobile"}, {"id": 20300002, "name": "Desktop"}]
    assert data["totalRecords"] == 5
    everything = client.post("/api/v3/master/segment/device-type", headers=headers, json={}).json()["data"]["data"]
    assert [row["id"] for row in everything] == [20399999, 20300004, 20300003, 20300002, 20300001]
    # legacy ids map one to one
    for legacy, iqm in catalog.DEVICE_TYPE_IQM_IDS.items():
        assert catalog.legacy_device_type_id(iqm) == legacy and catalog.iqm_device_type_id(legacy) == iqm
    campaign_id = targeted_campaign(db, tenant["owId"], device_type_ids=[15])
    first = client.post("/api/v3/master/segment/device-type", headers=headers,
                        json={"campaignId": campaign_id, "sortBy": "+id"}).json()["data"]["data"]
    assert first[0] == {"id": 20300003, "name": "Connected TV"}
    assert client.post("/api/v3/master/segment/device-type", headers=other_headers,
                       json={"campaignId": campaign_id}).status_code == 404


def test_campaigns_accept_iqm_device_type_ids(client, db, tenant, headers):
    from campaign_helpers import campaign_body, create_io, error_fields, freeze, make_creative

    freeze()
    io_id = create_io(client, headers)
    creative_id = make_creative(db, tenant["owId"])
    response = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                           json=campaign_body(io_id, creative_id, deviceType="20300001,20300003,12"))
    assert response.status_code == 200, response.text
    from adplane.campaigns.models import Campaign

    with db.session() as session:
        stored = session.get(Campaign, response.json()["responseObject"]["data"])
        assert stored is not None and stored.device_type_ids == [11, 15, 12]
    bad = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                      json=campaign_body(io_id, creative_id, deviceType="20300009"))
    assert bad.status_code == 422 and error_fields(bad) == {"deviceType"}


@pytest.mark.parametrize("segment, names", [
    ("connection-type", ["Wifi", "Broadband", "Cellular", "Unknown"]),
    ("income", ["Less than $25000", "$25001 - $50000", "$50001 - $75000", "$75001 - $100000",
                "$100001 - $150000", "More than $150000", "Unknown"]),
])
def test_v2_enumerations(client, headers, other_headers, tenant, db, segment, names):
    path = f"/api/v2/master/segment/{segment}"
    body = client.get(path, headers=headers, params={"sortBy": "id"}).json()["responseObject"]
    assert [row["name"] for row in body["data"]] == names
    two = client.get(path, headers=headers, params={"noOfEntries": 2, "pageNo": 2, "sortBy": "id"}).json()
    assert [row["name"] for row in two["responseObject"]["data"]] == names[2:4]
    campaign_id = targeted_campaign(db, tenant["owId"])
    narrowed = client.get(path, headers=headers, params={"campaignId": campaign_id}).json()["responseObject"]
    assert narrowed["data"] == []
    assert client.get(path, headers=other_headers, params={"campaignId": campaign_id}).status_code == 404
