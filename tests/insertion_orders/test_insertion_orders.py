"""Insertion orders (seed 004): create, read, edit, lists, duplicate, delete, end dates, budgets."""

from __future__ import annotations

from campaign_helpers import (
    IO_END_MS,
    IO_START_MS,
    create_campaign,
    create_io,
    error_fields,
    freeze,
    io_body,
    make_creative,
)


def test_create_budget_and_impression_based_ios(client, headers):
    freeze()
    response = client.post("/api/v3/cmp/io/add", headers=headers, json=io_body(isAutoSumIoTotalBudget=False))
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["ioTotalBudget"] == 1000 and data["ioTotalImpressions"] is None
    impressions = client.post("/api/v3/cmp/io/add", headers=headers, json={
        "ioName": "IO Name 2", "ioStartTime": IO_START_MS, "ioEndTime": IO_END_MS, "ioTimeZoneId": 29,
        "isAutoSumIoTotalBudget": False, "ioBudgetTypeId": 2, "ioStatusId": 1, "ioTotalImpressions": 50000,
        "ioBudgetDistributionMethodId": 1})
    assert impressions.status_code == 200, impressions.text
    io = client.get(f"/api/v3/cmp/io/{impressions.json()['data']['ioId']}", headers=headers).json()["data"]
    assert io["ioBudgetTypeId"] == 2 and io["ioTotalImpressions"] == 50000 and io["ioStatusId"] == 1
    assert io["ioTotalBudget"] == 0 and io["ioName"] == "IO Name 2"
    # an IO whose end already passed is created expired
    past = client.post("/api/v3/cmp/io/add", headers=headers,
                       json=io_body(ioStartTime=1690898148000, ioEndTime=1690898888000))
    assert past.status_code == 200
    assert client.get(f"/api/v3/cmp/io/{past.json()['data']['ioId']}", headers=headers).json()["data"][
        "ioStatusId"] == 2


def test_create_validation_names_the_field(client, headers):
    cases = [
        ({"ioName": ""}, "ioName", "The field 'ioName' cannot be empty."),
        ({"ioStartTime": None}, "ioStartTime", None),
        ({"ioEndTime": IO_START_MS - 1}, "ioEndTime", None),
        ({"ioTimeZoneId": 987654321}, "ioTimeZoneId", None),
        ({"ioBudgetTypeId": 7}, "ioBudgetTypeId", None),
        ({"ioBudgetDistributionMethodId": 9}, "ioBudgetDistributionMethodId", None),
        ({"isAutoSumIoTotalBudget": False, "ioTotalBudget": None}, "ioTotalBudget", None),
        ({"ioTotalBudget": -5}, "ioTotalBudget", None),
        ({"ioStartTime": "soon"}, "ioStartTime", None),
        ({"ioBudgetTypeId": 2, "isAutoSumIoTotalBudget": False}, "ioTotalImpressions", None),
        ({"ioStatusId": 3}, "ioStatusId", None),
    ]
    for overrides, field, message in cases:
        response = client.post("/api/v3/cmp/io/add", headers=headers, json=io_body(**overrides))
        assert response.status_code == 422, (overrides, response.text)
        assert response.json()["success"] is False
        assert field in error_fields(response), (overrides, response.json())
        if message:
            assert response.json()["errorObjects"][0]["error"] == message
    listed = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={}).json()["data"]
    assert listed["totalRecords"] == 0


def test_read_edit_and_isolation(client, headers, other_headers):
    freeze()
    io_id = create_io(client, headers, isAutoSumIoTotalBudget=False)
    response = client.patch(f"/api/v3/cmp/io/{io_id}", headers=headers, json={
        "ioName": "Renamed", "ioTotalBudget": 2500, "ioEndTime": IO_END_MS + 86_400_000, "ioTimeZoneId": 423})
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": "Renamed saved successfully."}
    io = client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]
    assert (io["ioName"], io["ioTotalBudget"], io["ioEndTime"], io["ioTimeZoneId"]) == \
        ("Renamed", 2500, IO_END_MS + 86_400_000, 423)
    bad = client.patch(f"/api/v3/cmp/io/{io_id}", headers=headers, json={"ioBudgetTypeId": 2})
    assert bad.status_code == 422 and error_fields(bad) == {"ioBudgetTypeId"}
    bad = client.patch(f"/api/v3/cmp/io/{io_id}", headers=headers, json={"ioEndTime": IO_START_MS - 1000})
    assert bad.status_code == 422 and error_fields(bad) == {"ioEndTime"}
    # another organization sees 404 exactly like a missing id, and changes nothing
    for target in (io_id, 999999):
        assert client.get(f"/api/v3/cmp/io/{target}", headers=other_headers).status_code == 404
        assert client.patch(f"/api/v3/cmp/io/{target}", headers=other_headers,
                            json={"ioName": "stolen"}).status_code == 404
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioName"] == "Renamed"
    assert client.get("/api/v3/cmp/io/99999999999", headers=headers).status_code == 422
    other_list = client.post("/api/v3/cmp/io/basic/list", headers=other_headers, json={}).json()["data"]
    assert other_list == {"totalRecords": 0, "ioBasicDetailsList": [], "filteredRecords": 0}


def test_basic_list_filters_search_sort_ids_first_and_paging(client, headers):
    freeze()
    a = create_io(client, headers, ioName="alpha", isAutoSumIoTotalBudget=False, ioTotalBudget=300)
    b = create_io(client, headers, ioName="beta", isAutoSumIoTotalBudget=False, ioTotalBudget=100)
    c = create_io(client, headers, ioName="gamma alpha", isAutoSumIoTotalBudget=False, ioTotalBudget=200)
    d = create_io(client, headers, ioName="delta", ioBudgetTypeId=2, isAutoSumIoTotalBudget=False,
                  ioTotalImpressions=1000)

    def ids(body):
        response = client.post("/api/v3/cmp/io/basic/list", headers=headers, json=body)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    data = ids({})
    assert [r["ioId"] for r in data["ioBasicDetailsList"]] == [d, c, b, a]  # default -ioId
    assert data["totalRecords"] == 4 and data["filteredRecords"] == 4
    first = data["ioBasicDetailsList"][-1]
    assert set(first) == {"ioId", "ioName", "ioStartTime", "ioEndTime", "ioTimeZoneId", "ioTotalBudget",
                          "ioBudgetDistributionMethodId", "ioBudgetTypeId", "ioStatusId", "ioTotalImpressions",
                          "isBudgetAutoSum"}
    assert [r["ioId"] for r in ids({"sortBy": "+ioTotalBudget,-ioName"})["ioBasicDetailsList"]] == [d, b, c, a]
    searched = ids({"searchField": "alpha"})
    assert {r["ioId"] for r in searched["ioBasicDetailsList"]} == {a, c} and searched["filteredRecords"] == 2
    assert [r["ioId"] for r in ids({"searchField": str(b)})["ioBasicDetailsList"]] == [b]
    assert [r["ioId"] for r in ids({"ioBudgetTypeIdsList": [2]})["ioBasicDetailsList"]] == [d]
    assert [r["ioId"] for r in ids({"ioIdList": [a, b], "sortBy": "ioName"})["ioBasicDetailsList"]] == [a, b]
    assert [r["ioId"] for r in ids({"ids": [b], "sortBy": "+ioId"})["ioBasicDetailsList"]] == [b, a, c, d]
    paged = ids({"pageNo": 2, "noOfEntries": 3, "sortBy": "+ioId"})
    assert [r["ioId"] for r in paged["ioBasicDetailsList"]] == [d] and paged["filteredRecords"] == 4
    assert [r["ioId"] for r in ids({"offset": 1, "noOfEntries": 2, "sortBy": "+ioId"})["ioBasicDetailsList"]] == [b, c]
    bad = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={"sortBy": "-nope"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["error"] == "Invalid sortBy value."
    bad = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={"noOfEntries": 0})
    assert bad.status_code == 422 and error_fields(bad) == {"noOfEntries"}


def test_delete_removes_io_and_its_campaigns(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    keep_id = create_io(client, headers, ioName="keep")
    creative = make_creative(db, tenant["owId"])
    campaign_id = create_campaign(client, headers, io_id, creative)
    # another organization's ids are not found; nothing is deleted
    response = client.post("/api/v3/cmp/io/delete", headers=other_headers, json={"ioIdsList": [io_id]})
    assert response.status_code == 404
    response = client.post("/api/v3/cmp/io/delete", headers=headers, json={"ioIdsList": [io_id, 424242]})
    assert response.status_code == 404
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).status_code == 200
    response = client.post("/api/v3/cmp/io/delete", headers=headers, json={"ioIdsList": []})
    assert response.status_code == 422 and error_fields(response) == {"ioIdsList"}
    response = client.post("/api/v3/cmp/io/delete", headers=headers, json={"ioIdsList": [io_id]})
    assert response.json() == {"success": True, "data": "1 Insertion Order deleted successfully"}
    assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).status_code == 404
    assert client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).status_code == 404
    listed = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={}).json()["data"]
    assert [r["ioId"] for r in listed["ioBasicDetailsList"]] == [keep_id]
    deleted = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={"ioStatusIdsList": [3]}).json()
    assert [r["ioId"] for r in deleted["data"]["ioBasicDetailsList"]] == [io_id]


def test_update_end_date(client, headers, other_headers, tenant, db):
    freeze()
    a = create_io(client, headers)
    b = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    create_campaign(client, headers, a, creative)
    new_end = IO_END_MS + 7 * 86_400_000
    response = client.patch("/api/v3/cmp/io/update-end-date", headers=headers,
                            json={"ioIdsList": [a, b], "ioEndTime": new_end, "ioTimezoneId": 29})
    assert response.json() == {"success": True, "data": "EndDate updated successfully"}
    for io_id in (a, b):
        assert client.get(f"/api/v3/cmp/io/{io_id}", headers=headers).json()["data"]["ioEndTime"] == new_end
    # the campaign ends 2025-06-05: the IO cannot end before it
    response = client.patch("/api/v3/cmp/io/update-end-date", headers=headers,
                            json={"ioIdsList": [a], "ioEndTime": 1749000000000})
    assert response.status_code == 422 and error_fields(response) == {"ioEndTime"}
    response = client.patch("/api/v3/cmp/io/update-end-date", headers=headers,
                            json={"ioIdsList": [b], "ioEndTime": IO_START_MS - 1})
    assert response.status_code == 422
    response = client.patch("/api/v3/cmp/io/update-end-date", headers=other_headers,
                            json={"ioIdsList": [a], "ioEndTime": new_end + 1})
    assert response.status_code == 404
    assert client.get(f"/api/v3/cmp/io/{a}", headers=headers).json()["data"]["ioEndTime"] == new_end


def test_update_budget_add_and_set(client, headers, other_headers, tenant, db):
    freeze()
    a = create_io(client, headers, isAutoSumIoTotalBudget=False, ioTotalBudget=1000)
    b = create_io(client, headers, isAutoSumIoTotalBudget=False, ioTotalBudget=500)
    response = client.patch("/api/v3/cmp/io/update-budget", headers=headers,
                            json={"ioIdsList": [a, b], "budget": 169089.909, "budgetUpdateType": "add"})
    assert response.json() == {"success": True, "data": "Budget updated successfully"}
    assert client.get(f"/api/v3/cmp/io/{a}", headers=headers).json()["data"]["ioTotalBudget"] == 170089.909
    assert client.get(f"/api/v3/cmp/io/{b}", headers=headers).json()["data"]["ioTotalBudget"] == 169589.909
    client.patch("/api/v3/cmp/io/update-budget", headers=headers,
                 json={"ioIdsList": [a], "budget": 2000, "budgetUpdateType": "set"})
    assert client.get(f"/api/v3/cmp/io/{a}", headers=headers).json()["data"]["ioTotalBudget"] == 2000
    # campaigns' budgets (1500) cannot exceed the IO budget
    create_campaign(client, headers, a, make_creative(db, tenant["owId"]))
    response = client.patch("/api/v3/cmp/io/update-budget", headers=headers,
                            json={"ioIdsList": [a], "budget": 1000, "budgetUpdateType": "set"})
    assert response.status_code == 422 and error_fields(response) == {"budget"}
    assert client.get(f"/api/v3/cmp/io/{a}", headers=headers).json()["data"]["ioTotalBudget"] == 2000
    auto = create_io(client, headers)
    response = client.patch("/api/v3/cmp/io/update-budget", headers=headers,
                            json={"ioIdsList": [auto], "budget": 10, "budgetUpdateType": "set"})
    assert response.status_code == 422
    for body in ({"ioIdsList": [], "budget": 1}, {"ioIdsList": [a], "budget": 1, "budgetUpdateType": "double"},
                 {"ioIdsList": [a]}):
        assert client.patch("/api/v3/cmp/io/update-budget", headers=headers, json=body).status_code == 422
    response = client.patch("/api/v3/cmp/io/update-budget", headers=other_headers,
                            json={"ioIdsList": [a], "budget": 1, "budgetUpdateType": "add"})
    assert response.status_code == 404
    assert client.get(f"/api/v3/cmp/io/{a}", headers=headers).json()["data"]["ioTotalBudget"] == 2000


def test_duplicate_copies_io_and_campaigns(client, headers, other_headers, tenant, db):
    freeze()
    io_id = create_io(client, headers)
    creative = make_creative(db, tenant["owId"])
    first = create_campaign(client, headers, io_id, creative)
    second = create_campaign(client, headers, io_id, creative, campaignName="second", budgetTotal=500)
    shift = 3 * 86_400_000
    body = {"ioId": io_id, "ioStartTime": IO_START_MS + shift, "ioTimeZoneId": 29,
            "ioExistingCampaignIds": [first, second]}
    response = client.post("/api/v3/cmp/io/duplicate", headers=headers, json=body)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    new_io = client.get(f"/api/v3/cmp/io/{data['duplicatedIOId']}", headers=headers).json()["data"]
    assert new_io["ioName"] == "IO Name 1 copy" and new_io["ioStartTime"] == IO_START_MS + shift
    assert new_io["ioEndTime"] == IO_END_MS + shift and new_io["ioTotalBudget"] == 2000
    assert len(data["duplicatedCampaignIds"]) == 2
    copy = client.get(f"/api/v2/cmp/campaign/{data['duplicatedCampaignIds'][0]}", headers=headers).json()
    original = client.get(f"/api/v2/cmp/campaign/{first}", headers=headers).json()["responseObject"]
    copy = copy["responseObject"]
    assert copy["campaignName"] == "NewTest copy" and copy["status"] == "pending"
    assert copy["startTime"] == original["startTime"] + shift // 1000
    assert copy["creativeIds"] == original["creativeIds"] and copy["ioId"] == data["duplicatedIOId"]
    missing_start = client.post("/api/v3/cmp/io/duplicate", headers=headers, json={"ioId": io_id})
    assert missing_start.status_code == 422 and error_fields(missing_start) == {"ioStartTime"}
    assert missing_start.json()["errorObjects"][0]["error"] == "Start date is mandatory "
    wrong = client.post("/api/v3/cmp/io/duplicate", headers=headers, json={**body, "ioExistingCampaignIds": [99]})
    assert wrong.status_code == 422 and error_fields(wrong) == {"ioExistingCampaignIds"}
    assert client.post("/api/v3/cmp/io/duplicate", headers=other_headers, json=body).status_code == 404
    listed = client.post("/api/v3/cmp/io/basic/list", headers=headers, json={}).json()["data"]
    assert listed["totalRecords"] == 2
