"""Geography lists (IQM's Master API): package data with stable ids, search, ids filters and paging."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from adplane.master import refdata
from test_master import targeted_campaign

V3_LISTS = ["country", "state", "county", "city", "zip", "dma", "congressional-district", "senate-district",
            "house-district"]

# IQM's published request examples for these operations, as they are
IQM_EXAMPLES = {
    "zip": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "parentSegmentIds": [],
            "segmentIds": [], "ids": [], "zipIds": []},
    "state": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [],
              "parentSegmentIds": [], "ids": []},
    "county": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "campaignId": None,
               "segmentIds": [], "parentSegmentIds": [], "ids": []},
    "city": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "campaignId": None,
             "segmentIds": [], "parentSegmentIds": [], "ids": []},
    "country": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [], "ids": []},
    "dma": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [],
            "parentSegmentIds": [], "ids": []},
    "congressional-district": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "",
                               "segmentIds": [], "parentSegmentIds": [], "ids": []},
    "senate-district": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [],
                        "parentSegmentIds": [], "ids": []},
    "house-district": {"pageNo": 1, "noOfEntries": 2, "sortBy": "+id", "searchField": "", "segmentIds": [],
                       "parentSegmentIds": [], "ids": []},
}

SIZES = {"countries": 249, "states": 51, "counties": 3143, "dmas": 210, "congressional_districts": 436,
         "senate_districts": 1942, "house_districts": 4869}


def post(client, headers, path, body):
    response = client.post(f"/api/v3/master/segment/{path}", headers=headers, json=body)
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["success"] is True
    return payload["data"]


# --------------------------------------------------------------------------- the data


def test_list_sizes_and_ids_derived_from_real_codes():
    for kind, size in SIZES.items():
        assert len(refdata.geo(kind)) == size, kind
    assert len(refdata.geo("zips")) > 40_000 and len(refdata.geo("cities")) > 20_000
    zips, counties, dmas = refdata.geo("zips"), refdata.geo("counties"), refdata.geo("dmas")
    assert zips.by_id[30510001].name == "10001"  # ZIP 10001: 30500000 + code, IQM's scheme
    assert zips.by_id[30501001].parent_id == 30200020  # 01001 is in Massachusetts (IQM's example)
    assert counties.by_id[30336061].name == "New York County, NY"  # FIPS 36061
    assert dmas.by_id[30900501].abbreviation == "501" and dmas.by_id[30900501].name == "New York, NY"
    congress = refdata.geo("congressional_districts")
    assert congress.by_id[30600101].abbreviation == "AL-1"  # FIPS 01, district 1
    assert congress.by_id[30600200].name == "Alaska-At Large"
    assert len([d for d in congress if d.parent_id == 30200005]) == 52  # California
    for kind in refdata.GEO_KINDS:
        ids = [p.id for p in refdata.geo(kind)]
        assert len(ids) == len(set(ids)) and all(1 <= i <= 2_147_483_647 for i in ids)
    states = refdata.geo("states")
    for kind in ("counties", "cities", "zips", "dmas", "congressional_districts", "senate_districts",
                 "house_districts"):
        assert all(p.parent_id in states for p in refdata.geo(kind)), kind
    # a ZIP knows its city, county and DMA (for the simulator): all exist
    cities = refdata.geo("cities")
    manhattan = zips.by_id[30510001]
    assert cities.by_id[manhattan.city_id].name == "New York City, NY"
    assert manhattan.county_id == 30336061 and manhattan.dma_id == 30900501
    assert all(z.dma_id in dmas and (z.city_id is None or z.city_id in cities) for z in zips)


def test_ids_are_the_same_in_a_fresh_process():
    """Ids live in the data files, so a restarted server (a new process) answers the same ids."""
    probe = ("import json; from adplane.master import refdata as r; "
             "print(json.dumps({k: [[p.id, p.name] for p in r.geo(k).items[::997]] for k in r.GEO_KINDS}))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    fresh = json.loads(out)
    for kind in refdata.GEO_KINDS:
        assert fresh[kind] == [[p.id, p.name] for p in refdata.geo(kind).items[::997]], kind


# --------------------------------------------------------------------------- v3 POST lists


@pytest.mark.parametrize("path", V3_LISTS)
def test_iqm_examples_are_accepted_as_they_are(client, headers, path):
    data = post(client, headers, path, IQM_EXAMPLES[path])
    rows = data["data"]
    assert len(rows) == 2 and rows[0]["id"] < rows[1]["id"]
    assert data["filteredRecords"] == data["totalRecords"] > 2
    assert set(rows[0]) >= {"id", "name"}
    if path != "country":
        assert rows[0]["parentId"]
    # IQM's "No record found" example: a segment id that does not exist
    empty = post(client, headers, path, {**IQM_EXAMPLES[path], "segmentIds": [9]})
    assert empty["data"] == [] and empty["filteredRecords"] == 0


def test_state_and_country_rows_match_iqm(client, headers):
    states = post(client, headers, "state", IQM_EXAMPLES["state"])
    assert states["data"][0] == {"id": 30200001, "name": "Alaska", "abbreviation": "AK", "parentId": 30100001}
    assert states["totalRecords"] == 51
    countries = post(client, headers, "country", IQM_EXAMPLES["country"])
    assert countries["data"] == [{"id": 30100001, "name": "United States", "abbreviation": "US"},
                                 {"id": 30100002, "name": "India", "abbreviation": "IN"}]
    dma = post(client, headers, "dma", {"ids": [], "sortBy": "+id", "noOfEntries": 1})
    assert dma["data"] == [{"id": 30900500, "name": "Portland-Auburn, ME", "abbreviation": "500",
                            "parentId": 30200022}]


def test_search_paging_ids_first_and_filters(client, headers):
    # search matches names (and codes); pages are stable slices of the same order
    found = post(client, headers, "city", {"searchField": "springfield", "sortBy": "+name", "noOfEntries": 5})
    assert found["filteredRecords"] >= 10 and len(found["data"]) == 5
    assert all("springfield" in row["name"].lower() for row in found["data"])
    page2 = post(client, headers, "city", {"searchField": "springfield", "sortBy": "+name", "noOfEntries": 5,
                                           "pageNo": 2})
    assert not {r["id"] for r in page2["data"]} & {r["id"] for r in found["data"]}
    everything = post(client, headers, "city", {"searchField": "springfield", "sortBy": "+name",
                                                "noOfEntries": 5000})
    assert [r["id"] for r in everything["data"][:10]] == [r["id"] for r in found["data"] + page2["data"]]

    # parentSegmentIds: the children of those states; segmentIds: only those
    ny = post(client, headers, "congressional-district", {"parentSegmentIds": [30200035], "noOfEntries": 100})
    assert ny["filteredRecords"] == 26 and {r["parentId"] for r in ny["data"]} == {30200035}
    only = post(client, headers, "zip", {"segmentIds": [30510001, 30590210, 30500001]})
    assert [r["name"] for r in only["data"]] == ["90210", "10001"]  # default order: -id

    # ids: those first, then the rest
    first = post(client, headers, "state", {"ids": [30200044, 30200005], "sortBy": "+id", "noOfEntries": 3})
    assert [r["abbreviation"] for r in first["data"]] == ["CA", "TX", "AK"]

    # zipCodes (strings) and zipIds narrow the zip list
    codes = post(client, headers, "zip", {"zipCodes": ["10001", "02108", "00000"], "sortBy": "+id"})
    assert [r["name"] for r in codes["data"]] == ["02108", "10001"]
    ids = post(client, headers, "zip", {"zipIds": [30502108]})
    assert [r["name"] for r in ids["data"]] == ["02108"]

    # search by code and DMA code
    dma = post(client, headers, "dma", {"searchField": "501"})
    assert [r["name"] for r in dma["data"]] == ["New York, NY"]
    # an empty body is every row (default page of 300)
    response = client.post("/api/v3/master/segment/county", headers=headers)
    assert response.status_code == 200 and len(response.json()["data"]["data"]) == 300


@pytest.mark.parametrize("body, field", [
    ({"pageNo": 0}, "pageNo"), ({"noOfEntries": 5001}, "noOfEntries"), ({"sortBy": "+color"}, "sortBy"),
    ({"order": "up"}, "order"), ({"segmentIds": ["x"]}, "segmentIds"), ({"ids": [0]}, "ids"),
    ({"campaignId": -1}, "campaignId"), ({"parentSegmentIds": [2**40]}, "parentSegmentIds"),
])
def test_bad_filters_are_a_422_naming_the_field(client, headers, body, field):
    response = client.post("/api/v3/master/segment/zip", headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert field in json.dumps(response.json()["errorObjects"])


def test_lists_require_login(client):
    for path in V3_LISTS:
        assert client.post(f"/api/v3/master/segment/{path}", json={}).status_code == 401
    assert client.get("/api/v2/master/segment/zip").status_code == 401
    assert client.get("/api/v3/master/segment/locationtype").status_code == 401


# --------------------------------------------------------------------------- v2 GET lists


def test_v2_lists_below_a_state(client, headers):
    response = client.get("/api/v2/master/segment/zip", headers=headers,
                          params={"stateIds": "30200020", "noOfEntries": 2, "sortBy": "id"})
    assert response.status_code == 200, response.text
    body = response.json()["responseObject"]
    assert body["data"][0] == {"id": 30501001, "name": "01001", "stateId": 30200020}
    assert body["totalRecords"] == body["filteredRecords"] == len(refdata.geo("zips").in_parents([30200020])) > 500
    cities = client.get("/api/v2/master/segment/city", headers=headers,
                        params={"searchField": "anchorage", "stateIds": "30200001"}).json()["responseObject"]
    assert [row["name"] for row in cities["data"]] == ["Anchorage, AK"]
    for path in ("county", "congressional-district", "senate-district", "house-district"):
        rows = client.get(f"/api/v2/master/segment/{path}", headers=headers,
                          params={"stateIds": "30200001", "noOfEntries": 500}).json()["responseObject"]["data"]
        assert rows and {row["stateId"] for row in rows} == {30200001}, path
    assert client.get("/api/v2/master/segment/zip", headers=headers,
                      params={"stateIds": "ab"}).status_code == 422


# --------------------------------------------------------------------------- campaigns and isolation


def test_campaign_targeting_comes_first_and_other_orgs_campaigns_are_404(client, headers, other_headers,
                                                                        tenant, db):
    campaign_id = targeted_campaign(db, tenant["owId"], state_ids=[30200044], extra={
        "zipcodes": "90210,10001", "dmaIds": "30900803", "congressionalDistrictIds": [30600601]})
    zips = post(client, headers, "zip", {"campaignId": campaign_id, "sortBy": "+id", "noOfEntries": 3})
    assert [r["name"] for r in zips["data"]][:2] == ["10001", "90210"]
    dmas = post(client, headers, "dma", {"campaignId": campaign_id, "noOfEntries": 1})
    assert dmas["data"][0]["abbreviation"] == "803"
    districts = post(client, headers, "congressional-district", {"campaignId": campaign_id, "noOfEntries": 1})
    assert districts["data"][0]["abbreviation"] == "CA-1"
    narrowed = client.get("/api/v2/master/segment/zip", headers=headers, params={"campaignId": campaign_id})
    assert [r["name"] for r in narrowed.json()["responseObject"]["data"]] == ["10001", "90210"]

    for path in V3_LISTS:
        foreign = client.post(f"/api/v3/master/segment/{path}", headers=other_headers,
                              json={"campaignId": campaign_id})
        assert foreign.status_code == 404, path
        assert foreign.json()["errorObjects"][0]["field"] == "campaignId"
    foreign = client.get("/api/v2/master/segment/city", headers=other_headers, params={"campaignId": campaign_id})
    assert foreign.status_code == 404


# --------------------------------------------------------------------------- location types


def test_location_types_and_details(client, headers):
    types = client.get("/api/v3/master/segment/locationtype", headers=headers).json()["data"]
    assert [t["id"] for t in types] == [302, 304, 309, 303, 306, 307, 308, 305]
    assert [t["order"] for t in types] == list(range(1, 9))
    no_zip = client.get("/api/v3/master/segment/locationtype", headers=headers,
                        params={"isZipRequired": "false"}).json()["data"]
    assert 305 not in {t["id"] for t in no_zip}

    details = client.get("/api/v3/master/segment/locationtype-details", headers=headers,
                         params={"searchField": "oregon", "locationTypeIds": "302,303",
                                 "countryIds": "30100001"}).json()["data"]
    assert details["302"] == [{"id": 30200038, "name": "Oregon", "abbreviation": "OR", "parentId": 30100001}]
    assert set(details) == {"302", "303"}
    elsewhere = client.get("/api/v3/master/segment/locationtype-details", headers=headers,
                           params={"searchField": "a", "countryIds": "30100002"}).json()["data"]
    assert all(rows == [] for rows in elsewhere.values())
    bad = client.get("/api/v3/master/segment/locationtype-details", headers=headers,
                     params={"locationTypeIds": "999"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "locationTypeIds"


# --------------------------------------------------------------------------- campaign writes


@pytest.mark.parametrize("field, good, bad", [
    ("zipcodes", "10001,90210", "10001,00000"),
    ("whiteListedZipcodes", [30510001], [30500000]),
    ("dmaIds", "30900501,30900803", "30900501,501"),
    ("whiteListedCityIds", "30400001", "30300001"),
    ("whiteListedCountyIds", "30336061", "30336999"),
    ("congressionalDistrictIds", "30600601,30600200", "350,78"),
    ("senateDistrictIds", "30706001", "30706999"),
    ("houseDistrictIds", "30806080", "30806081"),
    ("blackListedStateIds", "30200001", "30200099"),
])
def test_campaign_geography_ids_are_validated(client, db, tenant, headers, field, good, bad):
    from campaign_helpers import add_rejects_then_accepts

    campaign_id = add_rejects_then_accepts(client, db, tenant["owId"], headers, field, good, bad)
    detail = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
    assert detail[field] == good
