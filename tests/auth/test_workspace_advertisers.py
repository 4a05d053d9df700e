"""Political advertiser profiles (IQM's /api/v3/ua/organization/advertiser...): IQM's examples as-is, search,
ids and paging in the list, partial and whole edits, names unique per organization, bad input a 422 naming the
field that changes nothing, and another organization's profiles a 404."""

from __future__ import annotations

from typing import Any

import pytest

from campaign_helpers import campaign_body, create_io, error_fields, freeze, make_creative
from types_contract import checked

LIST = "/api/v3/ua/organization/advertisers/list"
ADD = "/api/v3/ua/organization/advertiser/add"
ONE = "/api/v3/ua/organization/advertiser/{}"
# the specification's request example (Add / Edit advertiser profile), unchanged
SPEC_EXAMPLE = {"advertiserName": "Nikon 1", "website": "http://nikonindia.com", "chiefName": "Nil Miles1",
                "contactNumber": "+91 9876534210", "address": "physical address",
                "legalInfo": "legal info for advertiser", "links": ["www.nikon1.com", "www.nikon1us.com"]}
# the guide's samples (Add, then Edit with the id in the body)
GUIDE_ADD = {"advertiserName": "Acme Corp", "website": "https://acme.com", "chiefName": "John Doe",
             "contactNumber": "9876543210", "address": "123 Main St, City", "politicalIdentifier": "ID-12345",
             "legalInfo": "Registered", "links": ["https://acme.com/about"]}
GUIDE_EDIT = {"id": 101, "advertiserName": "Acme Advertising Ltd.", "website": "https://www.acme-ads.com",
              "chiefName": "John Doe", "contactNumber": "+1-202-555-0178",
              "address": "123 Market Street, New York, NY, USA",
              "legalInfo": "Registered under Advertising Act, License #AD12345",
              "links": ["https://www.acme-ads.com/about"], "politicalIdentifier": "FEC12345NY"}


def _add(client, headers, body: dict[str, Any]) -> int:  # noqa: ANN001
    response = client.post(ADD, headers=headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "data": "Advertiser profile added successfully."}
    rows = client.get(LIST, headers=headers, params={"searchField": body["advertiserName"]}).json()["data"]["data"]
    return next(row["id"] for row in rows if row["advertiserName"] == body["advertiserName"])


def _rows(client, headers, **params: Any) -> list[dict[str, Any]]:  # noqa: ANN001
    return client.get(LIST, headers=headers, params=params).json()["data"]["data"]


def _field(response) -> str | None:  # noqa: ANN001
    return response.json()["errorObjects"][0].get("field")


def test_iqm_examples_are_stored_and_listed(client, headers):
    spec_id = _add(client, headers, SPEC_EXAMPLE)
    guide_id = _add(client, headers, GUIDE_ADD)
    body = checked(client, "GET", LIST, headers=headers)
    assert body["data"]["totalRecords"] == 2 and body["data"]["filteredRecords"] == 2
    assert body["data"]["data"] == [  # newest first
        {"id": guide_id, **GUIDE_ADD},
        {"id": spec_id, **SPEC_EXAMPLE, "politicalIdentifier": None},
    ]
    # the specification's query parameters
    page = checked(client, "GET", LIST, headers=headers,
                   params={"searchField": "nikon", "pageNo": 1, "limit": 10, "advertiserIds": f"{spec_id},{guide_id}"})
    assert [row["id"] for row in page["data"]["data"]] == [spec_id]
    assert (page["data"]["totalRecords"], page["data"]["filteredRecords"]) == (2, 1)


def test_list_searches_filters_pages_and_sorts(client, headers):
    ids = [_add(client, headers, {**SPEC_EXAMPLE, "advertiserName": f"Adv {letter}", "chiefName": f"Chief {letter}",
                                  "links": []}) for letter in "abcde"]
    assert [row["id"] for row in _rows(client, headers, pageNo=2, limit=2)] == [ids[2], ids[1]]
    assert [row["id"] for row in _rows(client, headers, advertiserIds=f"{ids[0]},{ids[3]}")] == [ids[3], ids[0]]
    assert [row["id"] for row in _rows(client, headers, searchField="chief e")] == [ids[4]]
    assert [row["id"] for row in _rows(client, headers, searchField=str(ids[2]))] == [ids[2]]
    assert [row["id"] for row in _rows(client, headers, sortBy="+advertiserName")] == ids
    assert _rows(client, headers, searchField="100%_") == []
    bad = client.get(LIST, headers=headers, params={"advertiserIds": "1,x"})
    assert bad.status_code == 422 and _field(bad) == "advertiserIds"
    assert client.get(LIST, headers=headers, params={"sortBy": "chiefName"}).status_code == 422
    assert client.get(LIST, headers=headers, params={"limit": 0}).status_code == 422


def test_edit_whole_or_part_and_delete(client, headers):
    advertiser_id = _add(client, headers, GUIDE_ADD)
    response = client.patch(ONE.format(advertiser_id), headers=headers, json={**GUIDE_EDIT, "id": advertiser_id})
    assert response.json() == {"success": True, "data": "Advertiser profile updated successfully."}
    (row,) = _rows(client, headers)
    assert row == {**GUIDE_EDIT, "id": advertiser_id}
    # a part only; optional fields can be emptied
    assert client.patch(ONE.format(advertiser_id), headers=headers,
                        json={"chiefName": "Jane Roe", "address": None, "links": []}).status_code == 200
    (row,) = _rows(client, headers)
    assert (row["chiefName"], row["address"], row["links"], row["website"]) == \
        ("Jane Roe", None, [], "https://www.acme-ads.com")
    deleted = client.delete(ONE.format(advertiser_id), headers=headers)
    assert deleted.json() == {"success": True, "data": "Advertiser profile deleted successfully."}
    assert _rows(client, headers) == []
    assert client.delete(ONE.format(advertiser_id), headers=headers).status_code == 404
    assert client.patch(ONE.format(advertiser_id), headers=headers, json={"chiefName": "X"}).status_code == 404


def test_names_are_unique_per_organization(client, headers, other_headers):
    first = _add(client, headers, SPEC_EXAMPLE)
    duplicate = client.post(ADD, headers=headers, json={**SPEC_EXAMPLE, "advertiserName": " NIKON 1 "})
    assert duplicate.status_code == 422 and _field(duplicate) == "advertiserName"
    second = _add(client, headers, {**SPEC_EXAMPLE, "advertiserName": "Nikon 2"})
    renamed = client.patch(ONE.format(second), headers=headers, json={"advertiserName": "nikon 1"})
    assert renamed.status_code == 422 and _field(renamed) == "advertiserName"
    assert client.patch(ONE.format(first), headers=headers, json={"advertiserName": "NIKON 1"}).status_code == 200
    _add(client, other_headers, SPEC_EXAMPLE)  # another organization may use the name
    assert sorted(row["advertiserName"] for row in _rows(client, headers)) == ["NIKON 1", "Nikon 2"]


@pytest.mark.parametrize(("change", "field"), [
    ({"advertiserName": None}, "advertiserName"),
    ({"advertiserName": "   "}, "advertiserName"),
    ({"advertiserName": "x" * 256}, "advertiserName"),
    ({"advertiserName": 12}, "advertiserName"),
    ({"website": None}, "website"),
    ({"website": "not a url"}, "website"),
    ({"website": "ftp://nikon.com"}, "website"),
    ({"website": "http://localhost"}, "website"),
    ({"website": "http://user:pw@nikon.com"}, "website"),
    ({"chiefName": ""}, "chiefName"),
    ({"contactNumber": "call me"}, "contactNumber"),
    ({"contactNumber": "+1 2"}, "contactNumber"),
    ({"address": "a" * 1001}, "address"),
    ({"politicalIdentifier": "p" * 101}, "politicalIdentifier"),
    ({"links": "www.nikon.com"}, "links"),
    ({"links": ["www.nikon.com", "javascript:alert(1)"]}, "links"),
    ({"links": [f"www.site{i}.com" for i in range(21)]}, "links"),
])
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, headers, change, field):
    advertiser_id = _add(client, headers, SPEC_EXAMPLE)
    added = client.post(ADD, headers=headers, json={**SPEC_EXAMPLE, "advertiserName": "Other", **change})
    assert added.status_code == 422, added.text
    assert _field(added) == field and added.json()["success"] is False
    edited = client.patch(ONE.format(advertiser_id), headers=headers, json=change)
    assert edited.status_code == 422 and _field(edited) == field
    (row,) = _rows(client, headers)
    assert row == {"id": advertiser_id, **SPEC_EXAMPLE, "politicalIdentifier": None}


def test_edit_needs_a_field_and_the_matching_id(client, headers):
    advertiser_id = _add(client, headers, SPEC_EXAMPLE)
    empty = client.patch(ONE.format(advertiser_id), headers=headers, json={})
    assert empty.status_code == 422
    other_id = client.patch(ONE.format(advertiser_id), headers=headers, json={**GUIDE_EDIT, "id": advertiser_id + 1})
    assert other_id.status_code == 422 and _field(other_id) == "id"
    not_json = client.post(ADD, headers={**headers, "Content-Type": "application/json"}, content=b"{")
    assert not_json.status_code == 422


def test_path_ids(client, headers):
    assert client.patch(ONE.format("abc"), headers=headers, json={"chiefName": "X"}).status_code == 404
    assert client.delete(ONE.format("abc"), headers=headers).status_code == 404
    assert client.delete(ONE.format(2**31), headers=headers).status_code == 422
    assert client.delete(ONE.format(0), headers=headers).status_code == 422


def test_another_organization_never_sees_or_touches_them(client, headers, other_headers):
    advertiser_id = _add(client, headers, SPEC_EXAMPLE)
    assert client.get(LIST, headers=other_headers).json()["data"] == {"data": [], "totalRecords": 0,
                                                                      "filteredRecords": 0}
    assert _rows(client, other_headers, advertiserIds=str(advertiser_id)) == []
    patched = client.patch(ONE.format(advertiser_id), headers=other_headers, json={"chiefName": "Mallory"})
    assert patched.status_code == 404 and _field(patched) == "advertiserId"
    assert client.delete(ONE.format(advertiser_id), headers=other_headers).status_code == 404
    (row,) = _rows(client, headers)
    assert row["chiefName"] == SPEC_EXAMPLE["chiefName"]
    assert client.get(LIST).status_code == 401


def test_a_campaign_names_only_its_own_organizations_advertiser(client, db, tenant, headers, other_headers):
    freeze()
    ours = _add(client, headers, SPEC_EXAMPLE)
    theirs = _add(client, other_headers, {**SPEC_EXAMPLE, "advertiserName": "Theirs"})
    io_id, creative = create_io(client, headers), make_creative(db, tenant["owId"])
    add = "/api/v2/cmp/campaigns/add"
    for bad in (theirs, 999_999, "abc"):
        refused = client.post(add, headers=headers,
                              json=campaign_body(io_id, creative, politicalAdvertiserClientId=bad))
        assert refused.status_code == 422 and error_fields(refused) == {"politicalAdvertiserClientId"}, refused.text
    created = client.post(add, headers=headers, json=campaign_body(io_id, creative, politicalAdvertiserClientId=ours))
    assert created.status_code == 200, created.text
    campaign_id = created.json()["responseObject"]["data"]
    shown = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
    assert shown["politicalAdvertiserClientId"] == ours
