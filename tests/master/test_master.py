"""Static lists: the catalog's stable ids and the IQM list endpoints over it."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest

from adplane.master import catalog

# --------------------------------------------------------------------------- catalog


def test_catalog_keeps_the_ids_the_seeds_and_spec_show():
    assert catalog.timezone_by_id(29).name == "US/Eastern"
    assert catalog.timezone_by_id(423).name == "US/Central"
    assert catalog.timezone_by_id(420).name == "US/Alaska"
    assert catalog.timezone_by_id(421).name == "US/Arizona"
    assert catalog.timezone_by_id(149).label == "Africa/Addis Ababa"
    assert catalog.COUNTRIES_BY_ID[30100001].name == "United States"
    assert catalog.COUNTRIES_BY_ID[30100002].name == "India"
    assert catalog.STATES_BY_ID[30200001].code == "AK"
    assert catalog.STATES_BY_ID[30200002].code == "AL"
    assert catalog.CREATIVE_TYPES_BY_ID[11].name == "Image"
    assert catalog.CREATIVE_TYPES_BY_ID[14].name == "Video"
    assert catalog.CREATIVE_STATUSES_BY_ID[catalog.CREATIVE_STATUS_RUNNING].name == "running"
    assert {11, 12, 13, 15} <= set(catalog.DEVICE_TYPES_BY_ID)
    assert catalog.TRAFFIC_TYPES_BY_ID[11].name == "App" and catalog.TRAFFIC_TYPES_BY_ID[12].name == "Web"
    assert catalog.BUDGET_TYPES_BY_ID[1].name == "budget" and catalog.BUDGET_TYPES_BY_ID[2].name == "impression"
    assert [s.key for s in sorted(catalog.CAMPAIGN_STATUSES, key=lambda s: s.order)] == [
        "running", "pending", "paused", "draft", "deleted", "expired", "rejected",
    ]


def test_every_iana_zone_has_a_unique_id_that_round_trips():
    names = {tz.name for tz in catalog.TIMEZONES}
    assert zoneinfo.available_timezones() <= names
    assert len({tz.id for tz in catalog.TIMEZONES}) == len(catalog.TIMEZONES)
    assert all(1 <= tz.id <= 2_147_483_647 for tz in catalog.TIMEZONES)
    new_york = catalog.timezone_by_name("America/New_York")
    assert new_york is not None and new_york.offset == "UTC-05:00"
    assert catalog.timezone_by_name("Asia/Kolkata").offset == "UTC+05:30"
    # the id is derived from the name alone, so it survives tzdata adding zones
    assert catalog._derived_timezone_id("America/New_York", set()) == new_york.id
    summer = datetime(2025, 7, 1, 16, 0, tzinfo=UTC).astimezone(catalog.zoneinfo_for(29))
    assert summer.hour == 12
    with pytest.raises(KeyError):
        catalog.zoneinfo_for(1)
    assert catalog.timezone_by_id(None) is None


def test_ids_are_unique_within_every_list():
    for items in (catalog.BUDGET_TYPES, catalog.IO_STATUSES, catalog.CREATIVE_TYPES, catalog.CREATIVE_STATUSES,
                  catalog.CAMPAIGN_STATUSES, catalog.COUNTRIES, catalog.STATES, catalog.EXCHANGES,
                  catalog.DEVICE_TYPES, catalog.TRAFFIC_TYPES, catalog.GENDERS, catalog.AGE_RANGES,
                  catalog.OPERATING_SYSTEMS):
        ids = [item.id for item in items]
        assert len(ids) == len(set(ids))
    assert len(catalog.STATES) == 51
    for state in catalog.STATES:
        assert catalog.cities_in_state(state.code), state.code
    for dma in catalog.DMAS:
        assert dma.state_code in catalog.STATES_BY_CODE
    for city in catalog.CITIES:
        assert all(len(z) == 5 and z.isdigit() for z in city.zips)
        assert city.dma_code is None or city.dma_code in catalog.DMAS_BY_CODE


# --------------------------------------------------------------------------- endpoints

STATIC_PATHS = [
    "/api/v3/master/timezones",
    "/api/v2/adv/static/timezones",
    "/api/v3/cmp/static/campaign/budget-type",
    "/api/v3/cmp/static/io/status/list",
    "/api/v3/cmp/static/budget-distribution-method/list",
    "/api/v3/cmp/static/campaign/type",
    "/api/v3/crt/master/static/creative-types",
    "/api/v3/crt/master/static/creative-status",
    "/api/v3/master/exchanges",
    "/api/v2/master/segment/age",
    "/api/v2/master/segment/gender",
    "/api/v2/master/segment/device-type",
    "/api/v2/master/segment/traffic-type",
    "/api/v2/master/segment/os",
    "/api/v2/master/segment/country",
    "/api/v2/master/segment/states",
]


def test_every_static_list_requires_login(client):
    for path in STATIC_PATHS:
        response = client.get(path)
        assert response.status_code == 401, path


def test_every_static_list_answers_the_same_for_any_organization(client, headers, other_headers):
    for path in STATIC_PATHS:
        mine = client.get(path, headers=headers)
        theirs = client.get(path, headers=other_headers)
        assert mine.status_code == 200, (path, mine.text)
        assert mine.json() == theirs.json(), path


def test_timezones_v3_and_v2(client, headers):
    body = client.get("/api/v3/master/timezones", headers=headers).json()
    assert body["success"] is True
    rows = body["data"]["data"]
    assert body["data"]["totalRecords"] == len(catalog.TIMEZONES) == body["data"]["filteredRecords"] == len(rows)
    by_id = {row["id"]: row for row in rows}
    assert by_id[423] == {"name": "US/Central", "id": 423, "label": "US/Central", "offset": "UTC-06:00"}
    assert by_id[149]["label"] == "Africa/Addis Ababa"

    searched = client.get("/api/v3/master/timezones", headers=headers, params={"searchField": "us/"}).json()["data"]
    assert {29, 420, 421, 423} <= {row["id"] for row in searched["data"]}
    assert all("us/" in row["name"].lower() for row in searched["data"])
    assert searched["filteredRecords"] == len(searched["data"]) < searched["totalRecords"]

    v2 = client.get("/api/v2/adv/static/timezones", headers=headers).json()
    assert v2["statusCode"] == 200
    assert {"name": "US/Eastern", "id": 29, "label": "US/Eastern", "offset": "UTC-05:00"} in v2["responseObject"]


def test_campaign_management_lists_match_the_spec(client, headers):
    budget = client.get("/api/v3/cmp/static/campaign/budget-type", headers=headers).json()["data"]
    assert budget == {
        "totalRecords": 2,
        "filteredRecords": 2,
        "budgetTypeData": [
            {"id": 1, "name": "budget", "label": "Budget", "order": 1},
            {"id": 2, "name": "impression", "label": "Impression", "order": 2},
        ],
    }
    io_status = client.get("/api/v3/cmp/static/io/status/list", headers=headers).json()["data"]
    assert [s["name"] for s in io_status["ioStatusList"]] == ["active", "expired", "deleted"]
    assert [s["id"] for s in io_status["ioStatusList"]] == [1, 2, 3]

    methods = client.get("/api/v3/cmp/static/budget-distribution-method/list", headers=headers).json()["data"]
    assert [m["label"] for m in methods["budgetDistributionMethodData"]] == ["Manual", "Auto"]
    one = client.get("/api/v3/cmp/static/budget-distribution-method/list", headers=headers,
                     params={"budgetDistributionMethod": 2}).json()["data"]
    assert one["budgetDistributionMethodData"] == [{"name": "auto", "id": 2, "label": "Auto", "order": 2}]
    assert one["filteredRecords"] == 1 and one["totalRecords"] == 2
    none = client.get("/api/v3/cmp/static/budget-distribution-method/list", headers=headers,
                      params={"budgetDistributionMethod": 9}).json()["data"]
    assert none["budgetDistributionMethodData"] == [] and none["filteredRecords"] == 0
    bad = client.get("/api/v3/cmp/static/budget-distribution-method/list", headers=headers,
                     params={"budgetDistributionMethod": "x"})
    assert bad.status_code == 422
    assert bad.json()["errorObjects"][0]["field"] == "budgetDistributionMethod"


def test_creative_types_and_statuses(client, headers):
    types = client.get("/api/v3/crt/master/static/creative-types", headers=headers).json()["data"]
    assert [t["id"] for t in types["creativeTypeList"]] == [11, 13, 14, 15, 17]
    assert types["creativeTypeList"][2] == {"id": 14, "name": "Video", "order": 100, "displayName": "Video",
                                            "rtbCreativeTypeId": 3}
    with_all = client.get("/api/v3/crt/master/static/creative-types", headers=headers,
                          params={"displayAllType": "true", "creativeTypeIds": "14,17"}).json()["data"]
    assert [t["id"] for t in with_all["creativeTypeList"]] == [0, 14, 17]
    assert with_all["creativeTypeList"][0]["rtbCreativeTypeId"] is None
    searched = client.get("/api/v3/crt/master/static/creative-types", headers=headers,
                          params={"searchField": "vid"}).json()["data"]
    assert [t["name"] for t in searched["creativeTypeList"]] == ["Video"]
    bad = client.get("/api/v3/crt/master/static/creative-types", headers=headers, params={"creativeTypeIds": "1,a"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "creativeTypeIds"

    statuses = client.get("/api/v3/crt/master/static/creative-status", headers=headers).json()["data"]
    assert [(s["id"], s["name"]) for s in statuses["creativeStatusList"]] == [
        (1, "pending"), (2, "running"), (3, "paused"), (5, "rejected"), (4, "deleted"),
    ]
    with_all = client.get("/api/v3/crt/master/static/creative-status", headers=headers,
                          params={"displayAllStatusOption": True}).json()["data"]
    assert with_all["creativeStatusList"][0] == {"id": 0, "name": "all", "order": 0, "displayName": "All"}
    assert client.get("/api/v3/crt/master/static/creative-status", headers=headers,
                      params={"displayAllStatusOption": "maybe"}).status_code == 422


def test_exchanges_filter_search_sort_page_and_ids_first(client, headers):
    path = "/api/v3/master/exchanges"
    everything = client.get(path, headers=headers, params={"noOfEntries": 500}).json()["data"]
    assert everything["totalRecords"] == everything["filteredRecords"] == len(catalog.EXCHANGES)
    names = [e["name"] for e in everything["data"]]
    assert names == sorted(names, key=str.lower)
    assert {"id": 84, "name": "Vidazoo", "urlName": "vidazoo"} in everything["data"]

    page = client.get(path, headers=headers, params={"noOfEntries": 5, "pageNo": 2, "sortBy": "id"}).json()["data"]
    ordered_ids = sorted(e.id for e in catalog.EXCHANGES)
    assert [e["id"] for e in page["data"]] == ordered_ids[5:10]
    assert page["filteredRecords"] == len(catalog.EXCHANGES)

    desc = client.get(path, headers=headers, params={"sortBy": "id", "order": "desc", "noOfEntries": 3}).json()
    assert [e["id"] for e in desc["data"]["data"]] == [84, 80, 78]
    minus = client.get(path, headers=headers, params={"sortBy": "-id", "noOfEntries": 3}).json()
    assert minus["data"]["data"] == desc["data"]["data"]

    only = client.get(path, headers=headers, params={"exchangeIds": "78,80,1"}).json()["data"]
    assert sorted(e["id"] for e in only["data"]) == [1, 78, 80] and only["filteredRecords"] == 3

    first = client.get(path, headers=headers, params={"ids": "84,1", "sortBy": "id"}).json()["data"]
    assert [e["id"] for e in first["data"][:3]] == [1, 84, 11]

    search = client.get(path, headers=headers, params={"searchField": "MAG"}).json()["data"]
    assert [e["name"] for e in search["data"]] == ["Magnite"]
    by_id = client.get(path, headers=headers, params={"searchField": "84"}).json()["data"]
    assert [e["id"] for e in by_id["data"]] == [84]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ids": "1,x"}, "ids"),
        ({"exchangeIds": "abc"}, "exchangeIds"),
        ({"noOfEntries": 501}, "noOfEntries"),
        ({"noOfEntries": 0}, "noOfEntries"),
        ({"pageNo": 0}, "pageNo"),
        ({"sortBy": "color"}, "sortBy"),
        ({"order": "sideways"}, "order"),
    ],
)
def test_exchanges_reject_bad_parameters(client, headers, params, field):
    response = client.get("/api/v3/master/exchanges", headers=headers, params=params)
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False
    assert body["errorObjects"][0]["field"] == field


def test_segments_match_the_spec_shapes(client, headers):
    ages = client.get("/api/v2/master/segment/age", headers=headers, params={"noOfEntries": 2}).json()
    assert ages == {
        "statusCode": 200,
        "responseObject": {
            "data": [{"id": 10100001, "name": "13-17"}, {"id": 10100002, "name": "18-24"}],
            "totalRecords": 8,
            "filteredRecords": 8,
        },
    }
    genders = client.get("/api/v2/master/segment/gender", headers=headers).json()["responseObject"]
    assert genders["data"] == [{"id": 10200001, "name": "Male"}, {"id": 10200002, "name": "Female"},
                               {"id": 10299999, "name": "Unknown"}]
    devices = client.get("/api/v2/master/segment/device-type", headers=headers,
                         params={"segmentIds": "13,15,11,12", "sortBy": "name"}).json()["responseObject"]
    assert [d["name"] for d in devices["data"]] == ["Connected TV", "Desktop", "Mobile", "Tablet"]
    assert devices["filteredRecords"] == 4 and devices["totalRecords"] == len(catalog.DEVICE_TYPES)

    countries = client.get("/api/v2/master/segment/country", headers=headers,
                           params={"noOfEntries": 2}).json()["responseObject"]
    assert [(c["id"], c["name"]) for c in countries["data"]] == [(30100001, "United States"), (30100002, "India")]
    assert countries["totalRecords"] == len(catalog.COUNTRIES)
    search = client.get("/api/v2/master/segment/country", headers=headers,
                        params={"searchField": "ind"}).json()["responseObject"]
    # the full ISO 3166 list: India (legacy id 30100002), then the others whose name holds "ind"
    assert [c["name"] for c in search["data"]] == ["India", "British Indian Ocean Territory", "Indonesia"]


def test_states_filter_by_country_and_search_by_code_or_name(client, headers):
    path = "/api/v2/master/segment/states"
    first = client.get(path, headers=headers, params={"noOfEntries": 2}).json()["responseObject"]
    assert [(s["id"], s["name"]) for s in first["data"]] == [(30200001, "AK"), (30200002, "AL")]
    assert first["data"][0]["label"] == "Alaska" and first["data"][0]["countryId"] == 30100001
    assert first["filteredRecords"] == 51

    us = client.get(path, headers=headers, params={"countryIds": "30100001", "noOfEntries": 500}).json()
    assert len(us["responseObject"]["data"]) == 51
    india = client.get(path, headers=headers, params={"countryIds": "30100002"}).json()["responseObject"]
    assert india["data"] == [] and india["filteredRecords"] == 0

    texas = client.get(path, headers=headers, params={"searchField": "texas"}).json()["responseObject"]
    assert [s["name"] for s in texas["data"]] == ["TX"]
    by_label = client.get(path, headers=headers, params={"sortBy": "-label", "noOfEntries": 1}).json()
    assert by_label["responseObject"]["data"][0]["label"] == "Wyoming"

    bad = client.get(path, headers=headers, params={"countryIds": "US"})
    assert bad.status_code == 422
    assert bad.json()["statusCode"] == 422
    assert bad.json()["errorObjects"][0]["field"] == "countryIds"


def targeted_campaign(db, ow_id: int, **targeting) -> int:
    """A campaign row targeting (by default) two states, three device types and the US (the campaigns
    domain's table); `targeting` replaces any of its columns."""
    from adplane.campaigns.models import Campaign
    from adplane.insertion_orders.models import InsertionOrder

    start = datetime(2026, 1, 1, tzinfo=UTC)
    with db.session() as session:
        io = InsertionOrder(ow_id=ow_id, name="io", start_time=start, timezone_id=29)
        session.add(io)
        session.flush()
        columns = {"country_id": 30100001, "state_ids": [30200044, 30200005], "device_type_ids": [13, 15, 11],
                   "traffic_type_ids": [11], **targeting}
        campaign = Campaign(ow_id=ow_id, io_id=io.id, name="c", creative_type_id=11, timezone_id=29,
                            start_time=start, **columns)
        session.add(campaign)
        session.commit()
        return campaign.id


def test_segments_of_a_campaign(client, headers, other_headers, tenant, db):
    campaign_id = targeted_campaign(db, tenant["owId"])

    def names(path, **params):
        response = client.get(path, headers=headers, params={"campaignId": campaign_id, **params})
        assert response.status_code == 200, response.text
        return [row["name"] for row in response.json()["responseObject"]["data"]]

    assert names("/api/v2/master/segment/states") == ["CA", "TX"]
    assert names("/api/v2/master/segment/states", segmentIds="30200044,30200001") == ["TX"]
    assert names("/api/v2/master/segment/country") == ["United States"]
    assert names("/api/v2/master/segment/device-type", sortBy="id") == ["Mobile", "Desktop", "Connected TV"]
    assert names("/api/v2/master/segment/traffic-type") == ["App"]
    assert names("/api/v2/master/segment/age") == []

    for path in ("/api/v2/master/segment/states", "/api/v2/master/segment/age"):
        foreign = client.get(path, headers=other_headers, params={"campaignId": campaign_id})
        assert foreign.status_code == 404, path
        assert foreign.json()["errorObjects"][0]["field"] == "campaignId"
    assert client.get("/api/v2/master/segment/country", headers=headers,
                      params={"campaignId": "abc"}).status_code == 422
