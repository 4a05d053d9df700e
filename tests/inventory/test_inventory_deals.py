"""Inventory API: PMP/PG deals, block lists, inventory groups and campaign targeting on IQM's wire
contract (the guide's example requests as they are), with isolation between organizations."""

from __future__ import annotations

from typing import Any

from adplane.simulator.supply import register_supply
from test_events_ingest import make_campaign

PMP_EXAMPLE = {"dealId": "DIewkFZALX1taoLjQg6Gge1dD6YvZYO4RChUKmOLk", "dealName": "Deal test123",
               "description": "test deal description", "cpm": 10, "creativeTypes": [11, 12], "exchangeId": 39,
               "active": True}
PG_EXAMPLE = {"dealId": "YT-Test-1234", "dealName": "Test deal YT31", "exchangeId": 11, "statusId": 2,
              "paymentTypeId": 1, "description": "Test Deal"}
PG_UPDATE_EXAMPLE = {"dealId": "PM-ABC-12345", "dealName": "Premium Advertising Package", "statusId": 2,
                     "description": "Comprehensive advertising package including display, video, and social media "
                                    "placements for maximum exposure.", "cpm": 40, "paymentTypeId": 2,
                     "exchangeId": 11}
DEALS_LIST_EXAMPLE = {"deal": {"PG": [3], "PMP": [378]}, "owIds": [201427], "dealStatus": ["Active"],
                      "searchField": "Smaato  ", "searchBy": ["dealId", "dealName", "exchangeName"], "pageNo": 1,
                      "noOfEntries": 50, "sortBy": "dealId"}
PMP_LIST_EXAMPLE = {"groupId": 1, "active": True, "searchKeywords": ["keyword1", "keyword2"],
                    "creativeTypes": [1, 2, 3], "exchanges": [1, 2, 3, 4], "ids": [1, 2, 3, 4],
                    "dealStatuses": ["inUse", "unUsed", "inActive"], "sortBy": "-dealId", "noOfEntries": 2,
                    "pageNo": 1}


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    return body["data"] if "data" in body else body["responseObject"]


def error(response: Any, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    first = response.json()["errorObjects"][0]
    if field is not None:
        assert first.get("field") == field, first
    return first


def pmp(client, headers, **overrides: Any) -> int:
    return ok(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json={**PMP_EXAMPLE, **overrides}))["id"]


def pg(client, headers, **overrides: Any) -> int:
    return ok(client.post("/api/v3/inv/pg/deals/add", headers=headers, json={**PG_EXAMPLE, **overrides}))["id"]


def test_pmp_deal_lifecycle_with_iqm_examples(client, headers):
    created = ok(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json=PMP_EXAMPLE))
    assert created["message"] == "Deal test123 created successfully"
    deal_id = created["id"]
    detail = ok(client.get(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers))
    assert detail["cpm"] == 10 and detail["exchangeId"] == 39 and detail["creativeTypes"] == ["image"]
    assert detail["active"] is True and detail["assignedToCampaigns"] == []
    assert ok(client.patch(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers,
                           json={"dealName": "New Deal Name"}))["message"] == "New Deal Name updated successfully"
    assert ok(client.get(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers))["dealName"] == "New Deal Name"
    # the guide's list example filters by ids 1..4 and group 1: here group 1 does not exist
    error(client.post("/api/v3/inv/pmp/deals/list", headers=headers, json=PMP_LIST_EXAMPLE), 404, "groupId")
    listed = ok(client.post("/api/v3/inv/pmp/deals/list", headers=headers,
                            json={k: v for k, v in PMP_LIST_EXAMPLE.items() if k not in ("groupId", "creativeTypes",
                                                                                          "searchKeywords")}))
    assert listed["filteredRecords"] == 0  # exchange 39 is not among 1..4
    listed = ok(client.post("/api/v3/inv/pmp/deals/list", headers=headers,
                            json={"searchKeywords": ["new deal"], "dealStatuses": ["unUsed"]}))
    assert [d["id"] for d in listed["filteredList"]] == [deal_id]
    assert ok(client.get("/api/v3/inv/pmp/deals/count-by-status", headers=headers)) == {
        "All": 1, "inActive": 0, "inUse": 0, "unUsed": 1}
    assert ok(client.get(f"/api/v3/inv/pmp/deals/{deal_id}/associated-customers", headers=headers)) == [
        int(headers["X-IAA-OW-ID"])]
    deleted = ok(client.delete(f"/api/v3/inv/pmp/deals?ids={deal_id}", headers=headers))
    assert deleted == {"id": [deal_id], "message": "Deal/s deleted successfully"}
    error(client.get(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers), 404)


def test_pmp_deal_bad_input_names_the_field(client, headers):
    too_long = {**PMP_EXAMPLE, "dealId": "x" * 501}
    error(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json=too_long), 422, "dealId")
    error(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json={**PMP_EXAMPLE, "creativeTypes": [0]}),
          422, "creativeTypes.0")
    error(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json={**PMP_EXAMPLE, "cpm": -1}), 422, "cpm")
    missing = {k: v for k, v in PMP_EXAMPLE.items() if k != "exchangeId"}
    error(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json=missing), 422, "exchangeId")
    error(client.post("/api/v3/inv/pmp/deals/list", headers=headers, json={"sortBy": "-nope"}), 422, "sortBy")
    deal_id = pmp(client, headers)
    error(client.patch(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers, json={"dealName": None}), 422, "dealName")
    assert ok(client.get(f"/api/v3/inv/pmp/deals/{deal_id}", headers=headers))["dealName"] == "Deal test123"
    error(client.delete("/api/v3/inv/pmp/deals?ids=abc", headers=headers), 422, "ids")


def test_pg_deal_lifecycle_with_iqm_examples(client, headers):
    created = ok(client.post("/api/v3/inv/pg/deals/add", headers=headers, json=PG_EXAMPLE))
    assert created["message"] == "Deal Test deal YT31 created successfully"
    deal_id = created["id"]
    assert ok(client.patch(f"/api/v3/inv/pg/deals/{deal_id}", headers=headers,
                           json=PG_UPDATE_EXAMPLE)) == "PG deal updated successfully"
    detail = ok(client.get(f"/api/v3/inv/pg/deals/{deal_id}", headers=headers))
    assert detail["cpm"] == 40 and detail["dealId"] == "PM-ABC-12345" and detail["statusId"] == 2
    assert detail["deleteAllowed"] is True and detail["activeCampaignIds"] == []
    listed = ok(client.get("/api/v3/inv/pg/deals/list?searchField=premium&sortBy=-id&statusIds=2&exchangeIds=11",
                           headers=headers))
    assert listed["filteredRecords"] == 1 and listed["pgDealData"][0]["id"] == deal_id
    error(client.get("/api/v3/inv/pg/deals/list?sortBy=dealId", headers=headers), 422, "sortBy")
    assert ok(client.delete(f"/api/v3/inv/pg/deals?ids={deal_id}", headers=headers)) == "PG Deal deleted successfully"
    error(client.delete(f"/api/v3/inv/pg/deals?ids={deal_id}", headers=headers), 404, "ids")


def test_deal_lists_types_statuses(client, headers):
    pmp_id, pg_id = pmp(client, headers, dealName="Smaato CTV Deal", exchangeId=17), pg(client, headers, statusId=1)
    listed = ok(client.post("/api/v3/inv/deals/list", headers=headers,
                            json={**DEALS_LIST_EXAMPLE, "owIds": [int(headers["X-IAA-OW-ID"])],
                                  "deal": {"PG": [pg_id], "PMP": [pmp_id]}}))
    assert [(d["id"], d["dealType"], d["exchangeName"]) for d in listed["dealList"]] == [
        (pmp_id, "PMP", "Smaato")]
    assert listed["totalRecords"] == 2
    error(client.post("/api/v3/inv/deals/list", headers=headers, json=DEALS_LIST_EXAMPLE), 404, "owIds")
    assert [t["id"] for t in ok(client.get("/api/v3/inv/static/deal-types", headers=headers))["dealTypeList"]] == [1, 2]
    assert len(ok(client.get("/api/v3/inv/static/deal-status", headers=headers))["dealStatuses"]) == 2


def test_deals_assigned_to_campaigns(client, db, tenant, headers):
    ow = tenant["owId"]
    first, second = make_campaign(db, ow)["campaign_id"], make_campaign(db, ow)["campaign_id"]
    pmp_ids = [pmp(client, headers), pmp(client, headers, dealId="other")]
    pg_id = pg(client, headers, statusId=1, cpm=12)
    body = {"operations": [{"action": "assign", "campaignIds": [first, second], "pmpDealIds": pmp_ids},
                           {"action": "deassign", "campaignIds": [second], "pmpDealIds": [pmp_ids[1]]}]}
    assert ok(client.patch("/api/v3/cmp/pmp/campaigns/mappings", headers=headers, json=body)) == \
        "PMP deal campaign mappings updated successfully"
    ok(client.patch("/api/v3/cmp/pg/campaigns/mappings", headers=headers,
                    json={"operations": [{"action": "assign", "campaignIds": [second], "pgDealIds": [pg_id]}]}))
    assert ok(client.get("/api/v3/cmp/campaigns/1/deals", headers=headers)) == {
        str(first): pmp_ids, str(second): [pmp_ids[0]]}
    assert ok(client.get("/api/v3/cmp/campaigns/2/deals", headers=headers)) == {str(second): [pg_id]}
    error(client.get("/api/v3/cmp/campaigns/7/deals", headers=headers), 422)
    pg_detail = ok(client.get(f"/api/v3/inv/pg/deals/{pg_id}", headers=headers))
    assert pg_detail["activeCampaignIds"] == [second] and pg_detail["deleteAllowed"] is False
    assert ok(client.get("/api/v3/inv/pmp/deals/count-by-status", headers=headers))["inUse"] == 2
    # a PG id is not a PMP deal, and nothing changes when one operation fails
    bad = {"operations": [{"action": "deassign", "campaignIds": [first], "pmpDealIds": pmp_ids},
                          {"action": "assign", "campaignIds": [first], "pmpDealIds": [pg_id]}]}
    error(client.patch("/api/v3/cmp/pmp/campaigns/mappings", headers=headers, json=bad), 404, "pmpDealIds")
    assert ok(client.get("/api/v3/cmp/campaigns/1/deals", headers=headers))[str(first)] == pmp_ids
    many = [pmp(client, headers, dealId=f"d{i}") for i in range(25)]
    error(client.patch("/api/v3/cmp/pmp/campaigns/mappings", headers=headers, json={"operations": [
        {"action": "assign", "campaignIds": [first], "pmpDealIds": many}]}), 422, "campaignIds")
    assert ok(client.get("/api/v3/cmp/campaigns/1/deals", headers=headers))[str(first)] == pmp_ids


def test_block_list_with_iqm_examples(client, db, headers):
    with db.session() as session:
        register_supply(session)  # what the simulator does before it delivers
    assert ok(client.post("/api/v3/inv/inventories/block", headers=headers,
                          json={"inventoryIds": [0, 1, 5]})) == "Inventories blocked successfully."
    blocked = ok(client.get("/api/v3/inv/blocked-inventories", headers=headers))
    assert [r["id"] for r in blocked["globalBlockedInventoryData"]] == [1, 5]  # id 0 names no app or site
    assert ok(client.post("/api/v3/inv/comment/add", headers=headers,
                          json={"inventoryId": 5, "comment": "Blocking due to brand safety concerns"}))
    blocked = ok(client.get("/api/v3/inv/blocked-inventories?inventoryIds=5", headers=headers))
    assert blocked["globalBlockedInventoryData"][0]["comment"] == "Blocking due to brand safety concerns"
    assert ok(client.post("/api/v3/inv/inventories/unblock", headers=headers,
                          json={"inventoryIds": [1, 2, 3]})) == "Inventories unblocked successfully."
    assert [r["id"] for r in ok(client.get("/api/v3/inv/blocked-inventories",
                                           headers=headers))["globalBlockedInventoryData"]] == [5]
    ok(client.post("/api/v3/inv/inventories/block", headers=headers, json={"searchField": "tubi"}))
    names = [r["appId"] for r in ok(client.get("/api/v3/inv/blocked-inventories",
                                               headers=headers))["globalBlockedInventoryData"]]
    assert "tubi.tv" in names
    error(client.post("/api/v3/inv/inventories/block", headers=headers, json={}), 422, "inventoryIds")
    error(client.post("/api/v3/inv/inventories/block", headers=headers, json={"inventoryIds": [-1]}), 422)
    error(client.post("/api/v3/inv/comment/add", headers=headers, json={"inventoryId": 2, "comment": "x"}), 404,
          "inventoryId")


def test_campaign_inventory_targeting(client, db, tenant, headers):
    campaign_id = make_campaign(db, tenant["owId"])["campaign_id"]
    body = {"campaignId": campaign_id, "ids": "1,2,3,4", "isExcluded": 0}
    assert ok(client.post("/api/v2/inv/inventories/includeExclude", headers=headers, json=body)) == {
        "message": "Inventories Included."}
    assert ok(client.post("/api/v2/inv/inventories/includeExclude", headers=headers,
                          json={**body, "ids": "4", "isExcluded": 1})) == {"message": "Inventories Excluded."}
    error(client.post("/api/v2/inv/inventories/includeExclude", headers=headers, json={**body, "ids": "a"}),
          422, "ids")
    error(client.post("/api/v2/inv/inventories/includeExclude", headers=headers, json={**body, "isExcluded": 2}),
          422, "isExcluded")


def test_inventory_groups_with_iqm_examples(client, db, tenant, headers):
    types = ok(client.get("/api/v3/inv/inventory-group-types", headers=headers))["inventoryGroupTypeList"]
    assert [t["name"] for t in types] == ["Open Exchange", "CTV", "PMP", "Contextual"]
    group = ok(client.post("/api/v3/inv/groups", headers=headers, json={
        "groupName": "Inventory Group - Open exchange", "groupTypeId": 1, "inventoryIds": [35132, 4107192]}))
    assert group["count"] == 2 and group["groupTypeId"] == 1 and group["owId"] == tenant["owId"]
    renamed = ok(client.patch(f"/api/v3/inv/groups/{group['id']}", headers=headers,
                              json={"groupName": "Open exchange Group - updated"}))
    assert renamed["name"] == "Open exchange Group - updated"
    error(client.patch(f"/api/v3/inv/groups/{group['id']}", headers=headers, json={"groupName": "x" * 256}),
          422, "groupName")
    pmp_group = ok(client.post("/api/v3/inv/groups", headers=headers, json={"groupName": "Deals", "groupTypeId": 2}))
    deal_id = pmp(client, headers)
    added = ok(client.post("/api/v2/inv/group/addMappings", headers=headers,
                           json={"inventoryTypeId": 2, "groupIds": [pmp_group["id"]], "dealIds": [deal_id]}))
    assert added[0]["deals"] == 1
    listed = ok(client.get(f"/api/v3/inv/group/{pmp_group['id']}/pmp-deals", headers=headers))
    assert [d["id"] for d in listed["filteredList"]] == [deal_id]
    deals_in_group = ok(client.post("/api/v3/inv/pmp/deals/list", headers=headers, json={"groupId": pmp_group["id"]}))
    assert deals_in_group["filteredRecords"] == 1
    error(client.post("/api/v3/inv/group/addMappings", headers=headers,
                      json={"groupIds": [group["id"]], "groupTypeId": 1, "dealIds": [deal_id]}), 422, "dealIds")
    error(client.post("/api/v3/inv/group/addMappings", headers=headers,
                      json={"groupIds": [group["id"]], "groupTypeId": 2, "dealIds": [deal_id]}), 422, "groupTypeId")
    ok(client.post("/api/v3/inv/group/addMappings", headers=headers,
                   json={"groupIds": [group["id"]], "groupTypeId": 1, "inventoryIds": [1, 2]}))
    removed = ok(client.post("/api/v3/inv/group/removeMappings", headers=headers,
                             json={"groupIds": [group["id"]], "groupTypeId": 1, "inventoryIds": [35132]}))
    assert removed[0]["count"] == 3
    contextual = ok(client.post("/api/v3/inv/groups", headers=headers, json={
        "groupName": "Context", "groupTypeId": 3, "contextualKeywords": ["running shoes"]}))
    assert contextual["contextualInventories"] == 1

    campaign_id = make_campaign(db, tenant["owId"])["campaign_id"]
    assert ok(client.post(f"/api/v2/cmp/inventorygroup/{group['id']}/includeExclude", headers=headers,
                          json={"campaignIds": str(campaign_id), "isExcluded": 0})) == {
        "message": "Inventory Group included successfully."}
    by_group = ok(client.get(f"/api/v2/cmp/campaign/listByInventorygroup/{group['id']}?searchField=&noOfEntries=10"
                             "&pageNo=1&provideOnlyTargetedCampaigns=1", headers=headers))
    assert [(c["id"], c["included"], c["excluded"]) for c in by_group["data"]] == [(campaign_id, 1, 0)]
    listed = ok(client.get("/api/v3/inv/groups/list?groupTypeIds=1,2&sortBy=-id", headers=headers))
    assert [g["id"] for g in listed["inventoryGroupList"]] == [pmp_group["id"], group["id"]]
    assert listed["inventoryGroupList"][1]["whiteListedCampaignIds"] == [campaign_id]
    assert ok(client.get("/api/v3/inv/groups/count", headers=headers)) == {"inventoryGroupsCount": 3}
    assert ok(client.delete(f"/api/v3/inv/groups/{contextual['id']}", headers=headers)) == \
        "Inventory group deleted successfully."
    assert ok(client.post("/api/v3/inv/groups/delete", headers=headers,
                          json={"groupIds": [group["id"], pmp_group["id"]]})) == \
        "2 inventory group(s) deleted successfully."
    error(client.post("/api/v3/inv/groups/delete", headers=headers, json={"groupIds": [191712, 191714]}), 404)


def test_other_organizations_ids_are_404(client, db, tenant, headers, other_headers):
    with db.session() as session:
        register_supply(session)
    campaign_id = make_campaign(db, tenant["owId"])["campaign_id"]
    pmp_id, pg_id = pmp(client, headers), pg(client, headers)
    group = ok(client.post("/api/v3/inv/groups", headers=headers, json={"groupName": "G", "groupTypeId": 2}))
    gid = group["id"]
    ok(client.post("/api/v3/inv/inventories/block", headers=headers, json={"inventoryIds": [3]}))
    other = other_headers
    for method, url, body in (
        ("GET", f"/api/v3/inv/pmp/deals/{pmp_id}", None),
        ("GET", f"/api/v3/inv/pmp/deals/{pmp_id}/associated-customers", None),
        ("PATCH", f"/api/v3/inv/pmp/deals/{pmp_id}", {"dealName": "x"}),
        ("DELETE", f"/api/v3/inv/pmp/deals?ids={pmp_id}", None),
        ("GET", f"/api/v3/inv/pg/deals/{pg_id}", None),
        ("PATCH", f"/api/v3/inv/pg/deals/{pg_id}", {"dealName": "x"}),
        ("DELETE", f"/api/v3/inv/pg/deals?ids={pg_id}", None),
        ("GET", f"/api/v3/inv/pmp/deals/{pg_id}", None),  # a PG id is not a PMP deal either
        ("PATCH", "/api/v3/cmp/pmp/campaigns/mappings",
         {"operations": [{"action": "assign", "campaignIds": [campaign_id], "pmpDealIds": [pmp_id]}]}),
        ("PATCH", "/api/v3/cmp/pg/campaigns/mappings",
         {"operations": [{"action": "assign", "campaignIds": [campaign_id], "pgDealIds": [pg_id]}]}),
        ("POST", "/api/v2/inv/inventories/includeExclude", {"campaignId": campaign_id, "ids": "1", "isExcluded": 1}),
        ("POST", "/api/v3/inv/comment/add", {"inventoryId": 3, "comment": "x"}),
        ("PATCH", f"/api/v3/inv/groups/{gid}", {"groupName": "x"}),
        ("DELETE", f"/api/v3/inv/groups/{gid}", None),
        ("POST", "/api/v3/inv/groups/delete", {"groupIds": [gid]}),
        ("POST", "/api/v3/inv/group/addMappings", {"groupIds": [gid], "groupTypeId": 2, "dealIds": [pmp_id]}),
        ("POST", "/api/v3/inv/group/removeMappings", {"groupIds": [gid], "groupTypeId": 2, "dealIds": [pmp_id]}),
        ("POST", "/api/v2/inv/group/addMappings", {"inventoryTypeId": 2, "groupIds": [gid], "dealIds": [pmp_id]}),
        ("GET", f"/api/v3/inv/group/{gid}/pmp-deals", None),
        ("POST", f"/api/v2/cmp/inventorygroup/{gid}/includeExclude", {"campaignIds": str(campaign_id),
                                                                      "isExcluded": 0}),
        ("GET", f"/api/v2/cmp/campaign/listByInventorygroup/{gid}", None),
        ("POST", "/api/v3/inv/pmp/deals/list", {"groupId": gid}),
    ):
        response = client.request(method, url, headers=other, json=body)
        assert response.status_code == 404, (method, url, response.text)
    # the other organization's own group cannot hold this organization's deal or target its campaign
    own = ok(client.post("/api/v3/inv/groups", headers=other, json={"groupName": "Mine", "groupTypeId": 2}))
    error(client.post("/api/v3/inv/group/addMappings", headers=other,
                      json={"groupIds": [own["id"]], "groupTypeId": 2, "dealIds": [pmp_id]}), 404, "dealIds")
    error(client.post(f"/api/v2/cmp/inventorygroup/{own['id']}/includeExclude", headers=other,
                      json={"campaignIds": str(campaign_id), "isExcluded": 0}), 404, "campaignIds")
    # lists show nothing of the first organization
    for url in ("/api/v3/inv/pg/deals/list", "/api/v3/inv/blocked-inventories", "/api/v3/inv/groups/list"):
        data = ok(client.get(url, headers=other))
        assert not any(data.get(k) for k in ("pgDealData", "globalBlockedInventoryData")), url
        assert [g["id"] for g in data.get("inventoryGroupList", [])] in ([], [own["id"]])
    assert ok(client.post("/api/v3/inv/pmp/deals/list", headers=other, json={}))["totalRecords"] == 0
    assert ok(client.post("/api/v3/inv/deals/list", headers=other, json={}))["totalRecords"] == 0
    assert ok(client.get("/api/v3/cmp/campaigns/1/deals", headers=other)) == {}
    assert ok(client.get("/api/v3/inv/pmp/deals/count-by-status", headers=other))["All"] == 0
    # and the first organization's data is unchanged
    assert ok(client.get(f"/api/v3/inv/pmp/deals/{pmp_id}", headers=headers))["dealName"] == "Deal test123"
    assert ok(client.get("/api/v3/inv/blocked-inventories", headers=headers))["filteredRecords"] == 1
