"""The rest of IQM's Master lists: device OS, manufacturers, carriers, languages, interests, ethnicities, v3
genders, IAB ad categories, traffic types, creative sizes, inventory and RTB types, CTAs, the Master inventory
list; and the ids they give being accepted by campaigns, reports and delivery."""

from __future__ import annotations

import pytest

from adplane.master import catalog, refdata
from campaign_helpers import campaign_body, create_campaign, create_io, error_fields, freeze, make_creative
from test_master import targeted_campaign

IQM_V2_EXAMPLE = {"pageNo": 1, "noOfEntries": 20, "sortBy": "id", "order": "asc", "searchField": 1, "segmentIds": 1,
                  "ids": "1,2,3"}
V2_LISTS = {  # path → (size, a row it holds)
    "device-os": (215, {"id": 20200005, "name": "Android"}),
    "device-manufacturer": (2175, None),
    "device-carrier": (185, None),
    "language": (186, {"id": 10500048, "name": "English"}),
    "interest": (360, None),
    "ethnicity": (225, None),
    "ethnicity-group": (6, {"id": 10700001, "name": "European"}),
}


def data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    return body["data"] if "data" in body else body["responseObject"]


@pytest.mark.parametrize("segment", sorted(V2_LISTS))
def test_v2_segment_lists(client, headers, other_headers, segment):
    url = f"/api/v2/master/segment/{segment}"
    size, sample = V2_LISTS[segment]
    assert data(client.get(url, headers=headers, params=IQM_V2_EXAMPLE)) == {
        "data": [], "totalRecords": size, "filteredRecords": 0}
    first = data(client.get(url, headers=headers))
    assert first["totalRecords"] == first["filteredRecords"] == size and len(first["data"]) == min(size, 20)
    assert data(client.get(url, headers=other_headers)) == first
    ids = [row["id"] for row in first["data"]]
    assert ids == sorted(ids)
    if sample is not None:
        found = data(client.get(url, headers=headers, params={"searchField": sample["name"], "noOfEntries": 500}))
        assert sample in [{"id": r["id"], "name": r["name"]} for r in found["data"]]
    last = data(client.get(url, headers=headers, params={"ids": str(ids[-1]), "noOfEntries": 1}))["data"]
    assert last[0]["id"] == ids[-1]
    page2 = data(client.get(url, headers=headers, params={"pageNo": 2, "noOfEntries": 2, "sortBy": "-id"}))
    assert len(page2["data"]) == 2 and page2["data"][0]["id"] > page2["data"][1]["id"]
    only = data(client.get(url, headers=headers, params={"segmentIds": f"{ids[0]},{ids[1]}"}))
    assert [row["id"] for row in only["data"]] == ids[:2] and only["filteredRecords"] == 2
    for bad in ({"noOfEntries": 501}, {"segmentIds": "a"}, {"sortBy": "color"}, {"order": "up"}, {"pageNo": 0}):
        assert client.get(url, headers=headers, params=bad).status_code == 422, bad
    assert client.get(url).status_code == 401


def test_groups_and_campaign_targeting(client, headers, other_headers, tenant, db):
    ethnicities = data(client.get("/api/v2/master/segment/ethnicity", headers=headers,
                                  params={"searchField": "Afghan"}))["data"]
    assert ethnicities == [{"id": 10600001, "name": "Afghan", "parentId": 10700004}]
    groups = {g["id"] for g in data(client.get("/api/v2/master/segment/ethnicity-group", headers=headers))["data"]}
    assert {e.parent_id for e in refdata.segment_list("ethnicities")} <= groups
    interests = refdata.segment_list("interests")
    assert all(i.parent_id in interests for i in interests if i.parent_id)
    campaign_id = targeted_campaign(db, tenant["owId"], extra={"languageIds": "10500048,10500164",
                                                               "os": "20200005", "genderIds": [10200002]})
    langs = data(client.get("/api/v2/master/segment/language", headers=headers, params={"campaignId": campaign_id}))
    assert [r["name"] for r in langs["data"]] == ["English", "Spanish"]
    oses = data(client.get("/api/v2/master/segment/device-os", headers=headers, params={"campaignId": campaign_id}))
    assert oses["data"] == [{"id": 20200005, "name": "Android"}]
    genders = data(client.post("/api/v3/master/segment/gender", headers=headers, json={"campaignId": campaign_id}))
    assert genders["data"][0]["id"] == 10200002
    assert client.get("/api/v2/master/segment/language", headers=other_headers,
                      params={"campaignId": campaign_id}).status_code == 404
    assert client.post("/api/v3/master/segment/gender", headers=other_headers,
                       json={"campaignId": campaign_id}).status_code == 404


def test_v3_gender_with_iqm_examples(client, headers):
    body = {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "campaignId": None, "segmentIds": [],
            "ids": []}
    got = data(client.post("/api/v3/master/segment/gender", headers=headers, json=body))
    assert got == {"data": [{"id": 10200001, "name": "Male"}, {"id": 10200002, "name": "Female"}],
                   "totalRecords": 3, "filteredRecords": 3}
    none = data(client.post("/api/v3/master/segment/gender", headers=headers, json={**body, "segmentIds": [9]}))
    assert none["data"] == [] and none["filteredRecords"] == 0
    assert client.post("/api/v3/master/segment/gender", headers=headers, json={"noOfEntries": 0}).status_code == 422


def test_ad_categories_iab(client, headers, other_headers):
    url = "/api/v3/master/adcategories"
    example = {"pageNo": 1, "noOfEntries": 1, "sortBy": "+id", "searchField": "", "adCategoryIds": [], "ids": []}
    first = data(client.post(url, headers=headers, json=example))
    assert first == {"data": [{"id": 11, "name": "Arts & Entertainment (IAB1)", "parentId": None,
                               "iabCategoryId": "IAB1", "parentName": None}], "totalRecords": 392,
                     "filteredRecords": 392}
    assert data(client.post(url, headers=other_headers, json=example)) == first
    # IQM's guide lists IAB1-1 as id 12 under 11
    books = data(client.post(url, headers=headers, json={"adCategoryIds": [12]}))["data"]
    assert books == [{"id": 12, "name": "Books & Literature (IAB1-1)", "parentId": 11, "iabCategoryId": "IAB1-1",
                      "parentName": "Arts & Entertainment"}]
    travel = data(client.post(url, headers=headers, json={"pageNo": -1, "searchField": "Travel"}))
    assert travel["filteredRecords"] == len(travel["data"]) > 27  # the tier and matches elsewhere (Air Travel)
    none = {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "adCategoryIds": [9],
            "parentSegmentIds": []}
    assert data(client.post(url, headers=headers, json=none))["data"] == []
    everything = data(client.post(url, headers=headers, json={"pageNo": -1}))
    assert len(everything["data"]) == 392 and everything["data"][0]["id"] == 402  # -id by default
    for bad in ({"pageNo": 0}, {"sortBy": "+colour"}, {"adCategoryIds": ["x"]}, {"noOfEntries": 5001}):
        assert client.post(url, headers=headers, json=bad).status_code == 422, bad


def test_small_lists(client, headers):
    traffic = data(client.get("/api/v3/master/traffic-types", headers=headers))
    assert traffic == {"data": [{"name": "App", "isTvAd": False, "id": 11}, {"name": "CTV", "isTvAd": True, "id": 14},
                                {"name": "OTT", "isTvAd": True, "id": 13}, {"name": "Web", "isTvAd": False, "id": 12}],
                       "totalRecords": 4, "filteredRecords": 4}
    sizes = data(client.get("/api/v3/master/creative-sizes", headers=headers))
    assert sizes["standardDimensions"][0] == {"id": 1, "name": "320x50"}
    assert sizes["standardDimensions"][-1] == {"id": 131, "name": "320x30"}
    assert sizes["videoPlayerSizes"] == [{"id": 1, "name": "Small"}, {"id": 3, "name": "Large"},
                                         {"id": 4, "name": "HD"}]
    v2 = data(client.get("/api/v2/master/segment/creativeSizes", headers=headers))
    assert v2["standardDimensions"][:3] == ["320x50", "300x250", "728x90"] and len(v2["creativeDurations"]) == 8
    assert data(client.get("/api/v2/master/segment/inventoryTypes", headers=headers)) == [
        {"id": 1, "name": "Site"}, {"id": 2, "name": "Android App"}, {"id": 3, "name": "IOS App"},
        {"id": 99, "name": "Other App"}]
    assert data(client.get("/api/v2/master/rtbTypes", headers=headers))[:3] == [
        {"name": "Banner", "id": 1, "label": "Banner"}, {"name": "Audio", "id": 2, "label": "Audio"},
        {"name": "Video", "id": 3, "label": "Video"}]
    cta = data(client.get("/api/v3/crt/master/cta/list", headers=headers))
    assert cta["ctaDetailsList"][:3] == [{"id": 1, "ctaText": "Learn More", "defaultCta": True},
                                         {"id": 2, "ctaText": "Buy Now", "defaultCta": False},
                                         {"id": 3, "ctaText": "Sign Up", "defaultCta": False}]
    defaults = data(client.get("/api/v3/crt/master/cta/list", headers=headers, params={"showOnlyDefault": "true"}))
    assert [c["ctaText"] for c in defaults["ctaDetailsList"]] == ["Learn More"]
    assert data(client.get("/api/v3/crt/master/cta/list", headers=headers,
                           params={"searchField": "buy"}))["ctaDetailsList"][0]["id"] == 2
    bad = client.get("/api/v3/crt/master/cta/list", headers=headers, params={"showOnlyDefault": "x"})
    assert bad.status_code == 422


def test_master_inventory(client, headers, other_headers, db):
    from adplane.simulator.supply import known_publishers, register_supply

    with db.session() as session:
        register_supply(session)
    url = "/api/v3/master/inventory"
    example = {"inventoryIds": [], "publisherIds": [], "ids": [], "pageNo": 1, "noOfEntries": 20, "sortBy": "+id",
               "searchField": ""}
    got = data(client.post(url, headers=headers, json=example))
    total = len(known_publishers())
    assert got["totalRecords"] == got["filteredRecords"] == total and len(got["data"]) == min(20, total)
    row = got["data"][0]
    assert set(row) == {"id", "publisherId", "trafficType", "bundleDomain", "name"} and row["id"] == 1
    espn = data(client.post(url, headers=headers, json={"searchField": "espn.com"}))["data"]
    assert [(r["bundleDomain"], r["trafficType"]) for r in espn] == [("espn.com", "web")]
    assert data(client.post(url, headers=headers, json={**example, "searchField": "a1234a"}))["data"] == []
    by_publisher = data(client.post(url, headers=headers, json={"publisherIds": [espn[0]["publisherId"]]}))
    assert espn[0]["id"] in [r["id"] for r in by_publisher["data"]]
    everything = data(client.post(url, headers=headers, json={"pageNo": -1, "ids": [3]}))
    assert len(everything["data"]) == total and everything["data"][0]["id"] == 3
    assert data(client.post(url, headers=other_headers, json=example)) == got  # one shared catalogue
    for bad in ({"pageNo": 0}, {"sortBy": "-x"}, {"inventoryIds": ["a"]}):
        assert client.post(url, headers=headers, json=bad).status_code == 422, bad


def test_iqm_ids_are_accepted_by_campaigns_reports_and_delivery(client, headers, db, tenant):
    from adplane.reports.catalog import find_dimension as dimension_named
    from adplane.reports.definition import _coerce_values
    from adplane.simulator.generator import dimensions

    # device types: IQM's ids filter the stored 11-15; OS: either id gives the name events store
    assert _coerce_values(dimension_named("deviceType"), [20300003, 11]) == [15, 11]
    assert _coerce_values(dimension_named("os"), [catalog.OS_IQM_IDS[12], 12]) == ["iOS"]
    # every OS, traffic type and device type delivery produces is on IQM's lists
    dims = dimensions()
    assert set(dims.os_names) <= {p.name for p in refdata.segment_list("device_os")}
    assert set(dims.traffic_types) == {11, 12, 13, 14}
    assert all(catalog.iqm_device_type_id(d) != d for d in dims.device_types)
    share = dims.device_traffic_share.reshape(len(dims.device_types), len(dims.traffic_types))
    assert share[:, dims.traffic_types.index(14)].sum() > 0  # CTV (14) is delivered
    # campaigns take IAB ad category ids (IQM's guide example "112"), IQM's traffic and device ids
    freeze()
    io_id, creative_id = create_io(client, headers), make_creative(db, tenant["owId"])
    campaign_id = create_campaign(client, headers, io_id, creative_id, publisherAdCategory="112",
                                  trafficType="13,14", deviceType="20300003")
    got = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
    assert got["publisherAdCategory"] == "112" and got["trafficType"] == "13,14" and got["deviceType"] == "15"
    bad = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                      json=campaign_body(io_id, creative_id, publisherAdCategory="99999"))
    assert bad.status_code == 422 and error_fields(bad) == {"publisherAdCategory"}
