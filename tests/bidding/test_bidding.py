"""Bid Model API on IQM's wire contract, and what a bid multiplier does to delivery (measured)."""

from __future__ import annotations

from decimal import Decimal

from test_inventory_deals import error, ok
from test_inventory_delivery import campaign, simulate  # noqa: F401 - fixture

GUIDE_ADD = {"actionWiseBidModelEntities": {"ADD": {"bidModelEntityDetails": [
    {"entityId": 50, "entityTypeId": 1, "priority": 1, "bidMultiplier": 2, "spendRatio": 100, "spendRatioTypeId": 1},
    {"entityId": -2, "entityTypeId": 2, "priority": 1, "bidMultiplier": 2, "spendRatio": 100, "spendRatioTypeId": 1,
     "bundleName": "bundle-1", "entityIds": [1, 2, 3]},
    {"entityId": -1, "entityTypeId": 3, "priority": 1, "bidMultiplier": 2, "spendRatio": 100,
     "spendRatioTypeId": 1}]}}}
GUIDE_INCLUDE = {"inclusionExclusionEntityMap": {"INCLUDE": [1], "EXCLUDE": [2, 3, 4]}, "baseBid": 3}


def test_bid_models_with_iqm_examples(client, db, tenant, headers, other_headers, store):  # noqa: F811
    campaign_id = campaign(db, tenant["owId"])
    dims = ok(client.get("/api/v3/bm/static/dimensions", headers=headers))["dimensions"]
    assert [d["id"] for d in dims] == [1, 2, 6, 9, 13]
    url = f"/api/v3/bm/campaigns/{campaign_id}/bid-models/13"
    assert ok(client.put(url, headers=headers, json=GUIDE_ADD)) == "Bid Model updated successfully"
    assert ok(client.put(url, headers=headers, json=GUIDE_INCLUDE))
    spec = {"bidModelRequests": [
        {"action": "ADD", "bidModelData": {"priority": 1, "bidMultiplier": 1.5, "spendRatio": 1, "spendRatioTypeId": 1},
         "dimensionEntityMappings": [{"dimensionId": 13, "entityId": 11}]}],
        "baseBid": 3.1, "excludeDimensionEntityMappings": [{"dimensionId": 13, "ids": "12", "isExcluded": 1}]}
    ok(client.put(url, headers=headers, json=spec))
    listed = ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
                            json={"sortBy": "+priority", "pageNo": 1, "noOfEntries": 50, "skipReporting": False}))
    models = {r["id"]: r for r in listed["data"]}
    assert models[50]["bidModelData"]["bidMultiplier"] == 2 and models[11]["bidModelData"]["bidMultiplier"] == 1.5
    assert models[12]["isExcluded"] == 1 and models[2]["isExcluded"] == 1 and models[1]["targeted"] is True
    assert listed["campaignBidDetails"] == {"baseBid": 3.1, "maxBid": 6.0, "currentPriority": None}
    model_id = models[11]["bidModelData"]["id"]
    ok(client.put(url, headers=headers, json={"bidModelRequests": [
        {"action": "UPDATE", "bidModelData": {"id": model_id, "bidMultiplier": 1.2}}]}))
    ok(client.put(url, headers=headers,
                  json={"actionWiseBidModelEntities": {"DELETE": {"bidModelDataId": [model_id]}}}))
    counts = ok(client.get(f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", headers=headers))
    assert counts["13"]["modelledIds"] == [50]
    assert ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/include-exclude/dimensions/8", headers=headers,
                          json={"ids": "15", "isExcluded": 1})) == "Device types successfully blocked for the campaign."
    # bad input: a parent dimension, a multiplier outside 0.1..100, a base bid over the max bid, another's creative
    error(client.put(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/2", headers=headers, json=GUIDE_ADD), 422,
          "dimensionId")
    error(client.put(url, headers=headers, json={"bidModelRequests": [{"action": "ADD", "bidModelData": {
        "bidMultiplier": 101}, "dimensionEntityMappings": [{"entityId": 11}]}]}), 422)
    error(client.put(url, headers=headers, json={"baseBid": 7}), 422, "baseBid")
    error(client.put(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/1", headers=headers, json={
        "bidModelRequests": [{"action": "ADD", "bidModelData": {"bidMultiplier": 2},
                              "dimensionEntityMappings": [{"entityId": 640245}]}]}), 404, "entityId")
    for method, path, body in (
        ("PUT", url, GUIDE_INCLUDE),
        ("POST", f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", {}),
        ("POST", f"/api/v3/bm/campaigns/{campaign_id}/reports/13", {}),
        ("POST", f"/api/v3/bm/campaigns/{campaign_id}/include-exclude/dimensions/8", {"ids": "15", "isExcluded": 0}),
        ("GET", f"/api/v3/bm/campaigns/{campaign_id}/dimension/13/spent", None),
        ("GET", f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", None),
    ):
        assert client.request(method, path, headers=other_headers, json=body).status_code == 404, path


def test_a_bid_multiplier_raises_clearing_price_and_win_rate(client, db, tenant, headers, store):  # noqa: F811
    """×1.5 on exchange 11 (Google Ad Manager) with a base bid of $3 under a $6 max bid."""
    ow = tenant["owId"]
    modelled, control = campaign(db, ow, budget_day=Decimal("60")), campaign(db, ow, budget_day=Decimal("60"))
    ok(client.put(f"/api/v3/bm/campaigns/{modelled}/bid-models/13", headers=headers, json={
        "baseBid": 3, "bidModelRequests": [{"action": "ADD", "bidModelData": {"bidMultiplier": 1.5},
                                            "dimensionEntityMappings": [{"entityId": 11}]}]}))
    simulate(db, store, [modelled, control])
    rows = store.query(
        "SELECT campaign_id, exchange_id = 11, sum(CASE WHEN event_type = 'impression' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN event_type = 'bid' THEN 1 ELSE 0 END), sum(media_cost) * 1000 FROM events "
        "GROUP BY campaign_id, exchange_id = 11", [])
    got = {(int(c), bool(g)): (int(i), int(b), float(m)) for c, g, i, b, m in rows}
    imps, bids, media = got[(modelled, True)]
    o_imps, o_bids, o_media = got[(modelled, False)]
    cpm_ratio = (media / imps) / (o_media / o_imps)
    win, other_win = imps / bids, o_imps / o_bids
    assert 1.4 < cpm_ratio < 1.6, cpm_ratio  # the clearing price follows the bid
    assert 0.31 < other_win < 0.39 and 0.46 < win < 0.56, (win, other_win)  # 35% → 51% expected
    share = imps / (imps + o_imps)
    c_imps, c_other = got[(control, True)][0], got[(control, False)][0]
    control_share = c_imps / (c_imps + c_other)
    assert share > control_share * 1.2, (share, control_share)  # wins more of the campaign's impressions
    assert got[(control, True)][1] == 0  # no bid model, no bids reported
    spent = ok(client.get(f"/api/v3/bm/campaigns/{modelled}/dimension/13/spent", headers=headers))["entityWiseSpent"]
    assert spent["11"] > 0
    report = ok(client.post(f"/api/v3/bm/campaigns/{modelled}/reports/13", headers=headers, json={"noOfEntries": 50}))
    row = next(r for r in report["data"] if r["id"] == 11)
    assert row["impressions"] == imps and row["bidImpressions"] == bids
    print(f"\nmeasured: clearing CPM x{cpm_ratio:.3f}, win rate {other_win:.1%} -> {win:.1%}, "
          f"impression share {control_share:.1%} -> {share:.1%}")
