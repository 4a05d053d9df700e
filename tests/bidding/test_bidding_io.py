"""Insertion-order bid models (priorities, IO-wide multipliers), campaign-wide bid-model changes and the
modelled-entity lookup, on IQM's wire; and what an IO-wide multiplier does to delivery (measured)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from adplane.campaigns.models import Campaign, CampaignCreative
from adplane.simulator.simulation import simulate_period
from test_events_ingest import make_campaign
from test_inventory_deals import error, ok
from test_inventory_delivery import simulate


def io_campaigns(db, ow_id: int, n: int = 2, **fields) -> tuple[int, list[int]]:
    """An IO with `n` running campaigns (each with the first one's creative)."""
    values = {"budget_day": Decimal("60"), "budget_total": Decimal("1000"), "max_bid": Decimal("6"), **fields}
    first = make_campaign(db, ow_id, start=datetime(2026, 3, 1), end=datetime(2026, 3, 20), **values)
    ids = [first["campaign_id"]]
    with db.session() as session:
        for _ in range(n - 1):
            c = Campaign(ow_id=ow_id, io_id=first["io_id"], name="Campaign", creative_type_id=11, timezone_id=29,
                         start_time=datetime(2026, 3, 1), end_time=datetime(2026, 3, 20), status="running", **values)
            session.add(c)
            session.flush()
            session.add(CampaignCreative(campaign_id=c.id, creative_id=first["creative_id"]))
            ids.append(c.id)
        session.commit()
    return first["io_id"], ids


def priority(client, headers, campaign_id: int) -> int | None:
    listed = ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
                            json={"skipReporting": True}))
    return listed["campaignBidDetails"]["currentPriority"]


def test_io_priorities(client, db, tenant, headers, other_headers):
    io_id, (a, b) = io_campaigns(db, tenant["owId"])
    other_io, (c,) = io_campaigns(db, tenant["owId"], 1)
    url = f"/api/v3/bm/io/{io_id}/bid-models"
    # IQM's example spells the list campaignIdList
    assert ok(client.post(url, headers=headers, json={"priority": 1, "campaignIdList": [a, b]})) == \
        "Priority Updated Successfully"
    assert priority(client, headers, a) == priority(client, headers, b) == 1
    ok(client.patch(url, headers=headers, json={"priority": 4, "campaignIds": [b]}))
    assert priority(client, headers, b) == 4
    assert ok(client.delete(url, headers=headers, params={"campaignIds": f"{a}"})) == "Priority Deleted Successfully"
    assert priority(client, headers, a) is None and priority(client, headers, b) == 4
    # IQM's invalid example, a campaign of another IO, another organization, bad ids: nothing changes
    error(client.patch(url, headers=headers, json={"priority": 11, "campaignIds": [1, 2, 3, 4]}), 422)
    error(client.post(url, headers=headers, json={"priority": 2, "campaignIds": [c]}), 422, "campaignIds")
    error(client.post(url, headers=headers, json={"priority": 2}), 422, "campaignIds")
    error(client.delete(url, headers=headers, params={"campaignIds": "x"}), 422, "campaignIds")
    assert client.post(url, headers=other_headers, json={"priority": 2, "campaignIds": [b]}).status_code == 404
    assert client.delete(url, headers=other_headers, params={"campaignIds": f"{b}"}).status_code == 404
    assert client.post(f"/api/v3/bm/io/{other_io}/bid-models", headers=headers,
                       json={"priority": 2, "campaignIds": [b]}).status_code == 422
    assert client.post("/api/v3/bm/io/abc/bid-models", headers=headers, json={"priority": 1}).status_code == 404
    assert client.post("/api/v3/bm/io/99999999999/bid-models", headers=headers,
                       json={"priority": 1, "campaignIds": [a]}).status_code == 422
    assert priority(client, headers, b) == 4


def test_io_bid_models_put(client, db, tenant, headers, other_headers):
    io_id, (a, b) = io_campaigns(db, tenant["owId"])
    url = f"/api/v3/bm/io/{io_id}/bid-models"
    ok(client.put(url, headers=headers, json={"bidModelRequests": [
        {"action": "ADD", "bidModelData": {"priority": 1}, "dimensionEntityMappings": [{"campaignId": a}]},
        {"action": "ADD", "bidModelData": {"bidMultiplier": 1.5}, "dimensionEntityMappings": [
            {"dimensionId": 13, "entityId": 11}, {"dimensionId": 8, "entityId": 20300003}]}],
        "baseBid": 3, "excludeDimensionEntityMappings": [{"dimensionId": 13, "ids": "12", "isExcluded": 1}]}))
    assert priority(client, headers, a) == 1
    for campaign_id in (a, b):  # the exclusion reached every campaign of the IO
        rows = ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
                              json={"skipReporting": True}))["data"]
        assert {r["id"]: r["isExcluded"] for r in rows}[12] == 1
    # IO-wide multipliers model the entity for each campaign of the IO (20300003 is device type 15)
    found = ok(client.post("/api/v3/bm/bid-models/dimension/entity", headers=headers,
                           json={"dimensionId": 8, "entityIds": [15, 11], "includeCampaignInfo": True}))
    assert found == {"modelledEntityIds": [15], "modelledCampaignDetails": [
        {"entityId": 15, "campaignIds": sorted([a, b])}, {"entityId": 11, "campaignIds": []}]}
    # IQM's example: UPDATE and DELETE name the bid model data ids
    with db.session() as session:
        from adplane.bidding.models import IoBidModel

        rows = {(m.campaign_id, m.dimension_id): m.id for m in session.query(IoBidModel).filter_by(io_id=io_id)}
    ok(client.put(url, headers=headers, json={"bidModelRequests": [
        {"action": "UPDATE", "bidModelData": {"id": rows[(a, None)], "priority": 2}},
        {"action": "DELETE", "bidModelDataIds": [rows[(None, 8)]]}]}))
    assert priority(client, headers, a) == 2
    assert ok(client.post("/api/v3/bm/bid-models/dimension/entity", headers=headers,
                          json={"dimensionId": 8, "entityIds": [15]})) == {"modelledEntityIds": []}
    # bad input changes nothing
    error(client.put(url, headers=headers, json={"bidModelRequests": [
        {"action": "ADD", "bidModelData": {"bidMultiplier": 2}, "dimensionEntityMappings": [
            {"dimensionId": 13, "entityId": 14}]},
        {"action": "ADD", "bidModelData": {"bidMultiplier": 2}, "dimensionEntityMappings": [
            {"dimensionId": 2, "entityId": 14}]}]}), 422, "dimensionId")
    error(client.put(url, headers=headers, json={"bidModelRequests": [
        {"action": "UPDATE", "bidModelData": {"id": 999999, "priority": 2}}]}), 404, "bidModelDataId")
    error(client.put(url, headers=headers, json={"baseBid": 0}), 422)
    error(client.put(url, headers=headers, json={"bidModelRequests": [{"action": "ADD", "bidModelData": {
        "bidMultiplier": 2}, "dimensionEntityMappings": [{"dimensionId": 1, "entityId": 640245}]}]}), 404, "entityId")
    assert ok(client.post("/api/v3/bm/bid-models/dimension/entity", headers=headers,
                          json={"dimensionId": 13, "entityIds": [14, 11]})) == {"modelledEntityIds": [11]}
    assert client.put(url, headers=other_headers, json={"baseBid": 2}).status_code == 404
    assert ok(client.post("/api/v3/bm/bid-models/dimension/entity", headers=other_headers,
                          json={"dimensionId": 13, "entityIds": [11]})) == {"modelledEntityIds": []}
    error(client.post("/api/v3/bm/bid-models/dimension/entity", headers=headers,
                      json={"dimensionId": 2, "entityIds": [1]}), 422, "dimensionId")


def test_campaign_bid_models_across_dimensions(client, db, tenant, headers, other_headers):
    _, (campaign_id,) = io_campaigns(db, tenant["owId"], 1)
    url = f"/api/v3/bm/campaigns/{campaign_id}/bid-models"
    body = {"bidModelling": [{"bidModelData": {"priority": 1, "spendRatio": 100, "spendRatioTypeId": 1,
                                               "bidMultiplier": 1},
                              "dimensionEntityMappings": [{"dimensionId": 13, "entityId": 11},
                                                          {"dimensionId": 10, "entityId": 30200036}]}]}
    assert ok(client.post(url, headers=headers, json=body)) == "Bid Modelling added successfully!"
    # IQM's example request for the state list
    found = ok(client.post("/api/v3/bm/bid-models/dimension/entity", headers=headers, json={
        "dimensionId": 10, "entityIds": [30200036, 30200031, 30200105, 4695], "includeCampaignInfo": True}))
    assert found["modelledEntityIds"] == [30200036]
    assert found["modelledCampaignDetails"][0] == {"entityId": 30200036, "campaignIds": [campaign_id]}
    counts = ok(client.get(f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", headers=headers))
    model_id = counts["13"]["modelledIds"] and ok(client.post(
        f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
        json={"skipReporting": True}))["data"][0]["bidModelData"]["id"]
    assert ok(client.patch(url, headers=headers, json={"bidModelData": [{"id": model_id, "bidMultiplier": 2.5}]})) == \
        "Bid Modelling updated successfully!"
    row = ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
                         json={"skipReporting": True}))["data"][0]
    assert row["bidModelData"]["bidMultiplier"] == 2.5
    error(client.patch(url, headers=headers, json={"bidModelData": [{"id": 999999, "bidMultiplier": 2}]}), 404)
    error(client.patch(url, headers=headers, json={"bidModelData": [{"id": model_id, "bidMultiplier": 200}]}), 422)
    error(client.post(url, headers=headers, json={"bidModelling": [{"dimensionEntityMappings": [
        {"dimensionId": 6, "entityId": 1}]}]}), 422, "dimensionId")
    assert client.post(url, headers=other_headers, json=body).status_code == 404
    assert client.patch(url, headers=other_headers, json={"bidModelData": [{"id": model_id}]}).status_code == 404
    assert client.delete(url, headers=other_headers).status_code == 404
    ok(client.delete(url, headers=headers, params={"dimensionIds": "13"}))
    counts = ok(client.get(f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", headers=headers))
    assert counts["13"]["modelledCount"] == 0 and counts["10"]["modelledCount"] == 1
    error(client.delete(url, headers=headers, params={"dimensionIds": "x"}), 422, "dimensionIds")
    assert ok(client.delete(url, headers=headers)) == "Bid Modelling deleted successfully!"
    counts = ok(client.get(f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", headers=headers))
    assert counts["10"]["modelledCount"] == 0


def test_an_io_multiplier_drives_delivery_and_a_campaign_model_overrides_it(client, db, tenant, headers, store):
    """×1.5 on exchange 11 for the whole IO with an IO base bid of $3 (max bid $6); the second campaign sets
    its own ×1 on exchange 11, which wins."""
    io_id, (follows, overrides) = io_campaigns(db, tenant["owId"])
    ok(client.put(f"/api/v3/bm/io/{io_id}/bid-models", headers=headers, json={
        "baseBid": 3, "bidModelRequests": [{"action": "ADD", "bidModelData": {"bidMultiplier": 1.5},
                                            "dimensionEntityMappings": [{"dimensionId": 13, "entityId": 11}]}]}))
    ok(client.put(f"/api/v3/bm/campaigns/{overrides}/bid-models/13", headers=headers, json={
        "bidModelRequests": [{"action": "ADD", "bidModelData": {"bidMultiplier": 1},
                              "dimensionEntityMappings": [{"entityId": 11}]}]}))
    simulate(db, store, [follows, overrides])
    rows = store.query(
        "SELECT campaign_id, exchange_id = 11, sum(CASE WHEN event_type = 'impression' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN event_type = 'bid' THEN 1 ELSE 0 END), sum(media_cost) * 1000 FROM events "
        "GROUP BY campaign_id, exchange_id = 11", [])
    got = {(int(c), bool(g)): (int(i), int(b), float(m)) for c, g, i, b, m in rows}

    def figures(campaign_id: int) -> tuple[float, float]:
        imps, bids, media = got[(campaign_id, True)]
        o_imps, _, o_media = got[(campaign_id, False)]
        return (media / imps) / (o_media / o_imps), imps / bids

    cpm_ratio, win = figures(follows)
    assert 1.4 < cpm_ratio < 1.6 and 0.46 < win < 0.56, (cpm_ratio, win)  # the IO's multiplier
    own_ratio, own_win = figures(overrides)
    assert 0.9 < own_ratio < 1.1 and 0.31 < own_win < 0.39, (own_ratio, own_win)  # the campaign's own ×1
    print(f"\nmeasured: IO x1.5 -> clearing CPM x{cpm_ratio:.3f}, win rate {win:.1%}; "
          f"campaign override x1 -> x{own_ratio:.3f}, {own_win:.1%}")


def test_an_io_exclusion_reaches_campaigns_created_later(client, db, tenant, headers, other_headers, store):
    """IO-wide excludeDimensionEntityMappings (no campaignId) is the IO's own: a campaign created in the IO
    afterwards shows it and delivers by it too; a campaign including the entity itself keeps its choice."""
    io_id, (early,) = io_campaigns(db, tenant["owId"], n=1)
    ok(client.put(f"/api/v3/bm/io/{io_id}/bid-models", headers=headers, json={
        "excludeDimensionEntityMappings": [{"dimensionId": 13, "ids": "1,11", "isExcluded": 1},
                                           {"dimensionId": 8, "ids": "20300003", "isExcluded": 1}]}))
    with db.session() as session:  # two campaigns created in the IO after the exclusion
        creative = session.query(CampaignCreative).filter_by(campaign_id=early).one().creative_id
        later = []
        for _ in range(2):
            c = Campaign(ow_id=tenant["owId"], io_id=io_id, name="Later", creative_type_id=11, timezone_id=29,
                         start_time=datetime(2026, 3, 1), end_time=datetime(2026, 3, 20), status="running",
                         budget_day=Decimal("60"), budget_total=Decimal("1000"), max_bid=Decimal("6"))
            session.add(c)
            session.flush()
            session.add(CampaignCreative(campaign_id=c.id, creative_id=creative))
            later.append(c.id)
        session.commit()
    late, own_choice = later
    ok(client.post(f"/api/v3/bm/campaigns/{own_choice}/include-exclude/dimensions/13", headers=headers,
                   json={"ids": "11", "isExcluded": 0}))
    for campaign_id, expected in ((early, {1: 1, 11: 1}), (late, {1: 1, 11: 1}), (own_choice, {1: 1, 11: 0})):
        rows = ok(client.post(f"/api/v3/bm/campaigns/{campaign_id}/bid-models/dimensions/13", headers=headers,
                              json={"skipReporting": True}))["data"]
        assert {r["id"]: r["isExcluded"] for r in rows} == expected, campaign_id
    simulate(db, store, [early, late, own_choice])
    rows = store.query("SELECT campaign_id, exchange_id, device_type_id, count(*) FROM events "
                       "WHERE event_type = 'impression' GROUP BY campaign_id, exchange_id, device_type_id")
    seen: dict[int, dict[str, set[int]]] = {}
    for campaign_id, exchange, device, _n in rows:
        mine = seen.setdefault(int(campaign_id), {"exchanges": set(), "devices": set()})
        mine["exchanges"].add(int(exchange))
        mine["devices"].add(int(device))
    for campaign_id in (early, late):
        assert not seen[campaign_id]["exchanges"] & {1, 11} and 15 not in seen[campaign_id]["devices"]
    # the campaign that includes exchange 11 itself buys only there (an include is an allow list); device 15 stays out
    assert seen[own_choice]["exchanges"] == {11} and 15 not in seen[own_choice]["devices"]
    # another organization cannot touch the IO
    assert client.put(f"/api/v3/bm/io/{io_id}/bid-models", headers=other_headers, json={
        "excludeDimensionEntityMappings": [{"dimensionId": 13, "ids": "2", "isExcluded": 1}]}).status_code == 404


def test_priority_decides_which_campaign_of_the_io_gets_shared_supply(client, db, tenant, headers, store):
    """Two campaigns of one IO with the same targeting (New Jersey): day 1 without priorities, each buys its
    own supply; day 2 with the small-budget campaign at priority 1, the other loses what the first takes; day 3
    with the priorities swapped, the big one takes the supply first (seed 3, 2026-03-02..04)."""
    io_id, (small, big) = io_campaigns(db, tenant["owId"], state_ids=[30200032], budget_total=Decimal("5000"))
    with db.session() as session:
        session.get(Campaign, small).budget_day = Decimal("20")
        session.get(Campaign, big).budget_day = Decimal("500")
        session.commit()

    def day(n: int) -> dict[int, int]:
        with db.session() as session:
            simulate_period(session, store, date(2026, 3, n), date(2026, 3, n), seed=3, campaign_ids=[small, big])
        rows = store.query("SELECT campaign_id, count(*) FROM events WHERE event_type = 'impression' "
                           "AND batch_id LIKE ? GROUP BY campaign_id", [f"%2026-03-{n:02d}%"])
        return {int(c): int(i) for c, i in rows}

    def prioritise(first: int, second: int) -> None:
        for campaign_id, rank in ((first, 1), (second, 2)):
            ok(client.post(f"/api/v3/bm/io/{io_id}/bid-models", headers=headers,
                           json={"priority": rank, "campaignIds": [campaign_id]}))

    alone = day(2)
    prioritise(small, big)
    small_first = day(3)
    prioritise(big, small)
    big_first = day(4)
    print(f"\nmeasured: alone {alone}, small first {small_first}, big first {big_first}")
    # the small campaign is budget-bound: priority 1 changes nothing for it (its days differ by their demand draw)
    assert abs(small_first[small] / alone[small] - 1) < 0.15
    # the big one loses about what the small one took
    assert abs((alone[big] - small_first[big]) / small_first[small] - 1) < 0.2
    # swapped: the big one takes its whole supply first; the small one keeps only what is left of its own
    assert abs(big_first[big] / alone[big] - 1) < 0.1 and big_first.get(small, 0) < 0.75 * alone[small]
