"""What delivery does with inventory and bid-model rules, measured on the simulator's events (not assumed):
a blocked publisher gets no impression, an allow list keeps delivery on its apps, a PG deal clears at its
price, a PMP floor holds, and a bid multiplier raises the clearing price and the win rate of its value."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from adplane.inventory.models import Inventory
from adplane.simulator.simulation import simulate_period
from adplane.simulator.supply import register_supply
from test_events_ingest import make_campaign
from test_inventory_deals import ok, pg, pmp

START = datetime(2026, 3, 1, 5)
DAYS = (date(2026, 3, 2), date(2026, 3, 4))


def campaign(db, ow_id: int, **fields) -> int:
    values = {"budget_day": Decimal("40"), "budget_total": Decimal("1000"), "max_bid": Decimal("6"), **fields}
    return make_campaign(db, ow_id, start=datetime(2026, 3, 1), end=datetime(2026, 3, 20), **values)["campaign_id"]


def simulate(db, store, campaign_ids: list[int], seed: int = 3) -> None:
    with db.session() as session:
        simulate_period(session, store, *DAYS, seed=seed, campaign_ids=campaign_ids)


def by_publisher(store, campaign_id: int) -> dict[str, tuple[int, float]]:
    """publisher → (impressions, mean clearing CPM in USD) from the raw events."""
    rows = store.query("SELECT publisher, count(*), avg(media_cost) * 1000 FROM events WHERE campaign_id = ? "
                       "AND event_type = 'impression' GROUP BY publisher", [campaign_id])
    return {p: (int(n), float(cpm)) for p, n, cpm in rows}


def inventory_ids(db, *app_ids: str) -> list[int]:
    with db.session() as session:
        register_supply(session)
        rows = {i.app_id: i.id for i in session.query(Inventory).filter(Inventory.app_id.in_(app_ids))}
    return [rows[a] for a in app_ids]


def test_block_and_allow_lists_decide_where_impressions_land(client, db, tenant, headers, store):
    ow = tenant["owId"]
    open_campaign, blocked_campaign, allowed_campaign = (campaign(db, ow) for _ in range(3))
    # the most popular web publisher, blocked for the whole organization after a first look at the catalogue
    simulate(db, store, [open_campaign])
    before = by_publisher(store, open_campaign)
    busiest = max(before, key=lambda p: before[p][0])
    weather, espn = inventory_ids(db, busiest, "espn.com")
    ok(client.post("/api/v3/inv/inventories/block", headers=headers, json={"inventoryIds": [weather]}))
    ok(client.post("/api/v2/inv/inventories/includeExclude", headers=headers,
                   json={"campaignId": allowed_campaign, "ids": f"{espn},{weather}", "isExcluded": 0}))
    simulate(db, store, [blocked_campaign, allowed_campaign])

    blocked = by_publisher(store, blocked_campaign)
    assert busiest not in blocked and sum(n for n, _ in blocked.values()) > 1000
    allowed = by_publisher(store, allowed_campaign)
    assert set(allowed) == {"espn.com"}  # the allowed apps minus the blocked one
    # the catalogue shows the caller's volumes, read from the store
    catalogue = ok(client.get("/api/v3/inv/inventories/list?keywords=espn.com", headers=headers))
    assert catalogue["inventoryDataList"][0]["impressions"] == sum(
        by_publisher(store, c).get("espn.com", (0, 0))[0] for c in (open_campaign, blocked_campaign, allowed_campaign))


def test_pg_deal_clears_at_its_price_and_pmp_floor_holds(client, db, tenant, headers, store):
    ow = tenant["owId"]
    pg_campaign, pmp_campaign = campaign(db, ow), campaign(db, ow, max_bid=Decimal("4"))
    pg_id = pg(client, headers, statusId=1, cpm=2.5, exchangeId=17)
    floor_id = pmp(client, headers, cpm=3.2, exchangeId=12)
    ok(client.patch("/api/v3/cmp/pg/campaigns/mappings", headers=headers, json={"operations": [
        {"action": "assign", "campaignIds": [pg_campaign], "pgDealIds": [pg_id]}]}))
    ok(client.patch("/api/v3/cmp/pmp/campaigns/mappings", headers=headers, json={"operations": [
        {"action": "assign", "campaignIds": [pmp_campaign], "pmpDealIds": [floor_id]}]}))
    simulate(db, store, [pg_campaign, pmp_campaign])
    rows = store.query("SELECT campaign_id, exchange_id, count(*), min(media_cost) * 1000, max(media_cost) * 1000 "
                       "FROM events WHERE event_type = 'impression' GROUP BY campaign_id, exchange_id")
    result = {(int(c), int(e)): (int(n), float(lo), float(hi)) for c, e, n, lo, hi in rows}
    assert set(result) == {(pg_campaign, 17), (pmp_campaign, 12)}
    n, lo, hi = result[(pg_campaign, 17)]
    assert n > 1000 and lo == hi == 2.5
    n, lo, hi = result[(pmp_campaign, 12)]
    assert n > 1000 and lo >= 3.2 and hi < 4


def test_other_organizations_block_list_does_not_touch_delivery(client, db, tenant, headers, other_headers, store):
    mine = campaign(db, tenant["owId"])
    every = inventory_ids(db, "weather.com", "espn.com", "cnn.com")
    ok(client.post("/api/v3/inv/inventories/block", headers=other_headers, json={"inventoryIds": every}))
    simulate(db, store, [mine])
    assert {"weather.com", "espn.com", "cnn.com"} <= set(by_publisher(store, mine))
