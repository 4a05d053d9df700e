"""IQM's first-generation Master lists (`GET /api/adcategories`, `/api/dma_codes`, ...): bare JSON arrays in
the shapes of IQM's published examples, read from the same reference data as the v2/v3 lists, and ids a
campaign accepts."""

from __future__ import annotations

import pytest

from adplane.master import catalog, refdata
from adplane.master.static_lists import CONNECTION_TYPES
from campaign_helpers import add_rejects_then_accepts

LISTS = {  # path → (size, a row IQM's example shows, as adplane answers it)
    "/api/adcategories": (392, {"id": 12, "name": "Books & Literature (IAB1-1)", "group": "Arts & Entertainment",
                                "iab_id": "IAB1-1", "parent_id": 11}),
    "/api/dma_codes": (210, {"id": 1, "dma_code": "500", "dma_region": "Portland-Auburn, ME",
                             "dma_source": "nielsen"}),
    "/api/device_os": (12, {"name": "Android", "id": 11}),
    "/api/device_types": (5, {"name": "Connected TV", "id": 15}),
    "/api/source_traffic_types": (4, {"name": "App", "id": 11}),
    "/api/network_types": (len(CONNECTION_TYPES), None),
    "/api/manufacturers": (2175, None),
    "/api/countries/246/states": (51, {"name": "Alabama", "id": 30200002, "country_id": 246, "abbreviation": "AL",
                                       "is_active": 1, "is_territory": 0, "state_code": "01",
                                       "tblm_iqm_segment_id": 30200002}),
    "/api/countries/30100001/carriers": (185, None),
}


@pytest.mark.parametrize("path", sorted(LISTS))
def test_legacy_list(client, headers, other_headers, path):
    size, example = LISTS[path]
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert isinstance(rows, list)  # IQM's v1 lists answer a bare array
    assert len(rows) == size
    assert len({row["id"] for row in rows}) == len(rows)
    if example is not None:
        assert example in rows
    # the same for every organization, and only for a signed-in caller
    assert client.get(path, headers=other_headers).json() == rows
    unauthenticated = client.get(path, headers={"X-IAA-OW-ID": headers["X-IAA-OW-ID"]})
    assert unauthenticated.status_code == 401


def test_legacy_lists_match_the_reference_data(client, headers):
    networks = client.get("/api/network_types", headers=headers).json()
    assert {(r["id"], r["name"]) for r in networks} == {(s.id, s.name) for s in CONNECTION_TYPES}
    carriers = client.get("/api/countries/246/carriers", headers=headers).json()
    assert {r["id"] for r in carriers} == {p.id for p in refdata.segment_list("device_carriers")}
    assert {r["country_id"] for r in carriers} == {246}
    makers = client.get("/api/manufacturers", headers=headers).json()
    assert [r["id"] for r in makers] == [p.id for p in refdata.segment_list("device_manufacturers")]
    states = client.get("/api/countries/30100001/states", headers=headers).json()
    assert {r["id"] for r in states} == {s.id for s in catalog.STATES}
    assert {r["abbreviation"]: r["state_code"] for r in states}["DC"] == "11"
    dmas = client.get("/api/dma_codes", headers=headers).json()
    assert [r["dma_code"] for r in dmas] == sorted((r["dma_code"] for r in dmas), key=int)
    assert {int(r["dma_code"]) for r in dmas} == {d.code for d in catalog.DMAS}


def test_legacy_country_lists_name_the_country(client, headers):
    india = next(c.id for c in catalog.COUNTRIES if c.code == "IN")
    assert client.get(f"/api/countries/{india}/states", headers=headers).json() == []
    assert client.get(f"/api/countries/{india}/carriers", headers=headers).json() == []
    missing = client.get("/api/countries/999/states", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["success"] is False and missing.json()["errorObjects"][0]["field"] == "country_id"
    assert client.get("/api/countries/usa/carriers", headers=headers).status_code == 404  # as any non-id path id


@pytest.mark.parametrize("path,field", [("/api/device_os", "os"), ("/api/device_types", "deviceType")])
def test_legacy_ids_are_what_campaigns_take(client, db, tenant, headers, path, field):
    ids = ",".join(str(row["id"]) for row in client.get(path, headers=headers).json()[:2])
    add_rejects_then_accepts(client, db, tenant["owId"], headers, field, ids, "99999")
