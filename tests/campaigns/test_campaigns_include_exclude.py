"""IQM's v2 include/exclude of device types, exchanges and traffic types (cmp/{deviceType,exchange,trafficsource}/
includeExclude): IQM's example requests as they are (only the campaign id replaced), the campaign's details, 4xx
naming the field, another organization's campaign a 404, and the effect on delivery measured on the simulator's
events (seed 3, 2026-03-02..04)."""

from __future__ import annotations

from datetime import date

from adplane.simulator.simulation import simulate_period
from campaign_helpers import error_fields
from test_inventory_deals import ok
from test_inventory_delivery import campaign, simulate
from types_contract import checked

URL = "/api/v2/cmp/{}/includeExclude"
# IQM's request examples (the specification; the guide shows the device-type one)
EXAMPLES = {"deviceType": {"ids": "15", "isExcluded": 0, "campaignId": 214269},
            "exchange": {"ids": "15", "isExcluded": 0, "campaignId": 214269},
            "trafficsource": {"ids": "11", "isExcluded": 0, "campaignId": 214269}}


def impressions_by(store, campaign_id: int, column: str) -> dict[int, int]:
    return {int(k): int(n) for k, n in store.query(
        f"SELECT {column}, count(*) FROM events WHERE campaign_id = ? AND event_type = 'impression' "
        f"GROUP BY {column}", [campaign_id])}


def test_iqm_examples_and_the_campaigns_lists(client, db, tenant, headers):
    cid = campaign(db, tenant["owId"], device_type_ids=[11, 13], traffic_type_ids=[12], exchange_ids=[12])
    messages = {kind: checked(client, "POST", URL.format(kind), headers=headers,
                              json={**example, "campaignId": cid})["responseObject"]["message"]
                for kind, example in EXAMPLES.items()}
    assert messages == {"deviceType": "Device Types included successfully.",
                        "exchange": "Exchanges included successfully.",
                        "trafficsource": "Traffic source included successfully."}
    shown = ok(client.get(f"/api/v2/cmp/campaign/{cid}", headers=headers))
    assert (shown["deviceType"], shown["exchanges"], shown["trafficType"]) == ("11,13,15", "12,15", "11,12")
    # excluding: IQM's device-type ids name the same device types; an empty list ("every exchange") keeps the others
    other = campaign(db, tenant["owId"])
    assert ok(client.post(URL.format("deviceType"), headers=headers,
                          json={"ids": "20300003", "isExcluded": 1, "campaignId": cid})) == {
        "message": "Device Types excluded successfully."}
    ok(client.post(URL.format("exchange"), headers=headers, json={"ids": "1,11", "isExcluded": 1, "campaignId": other}))
    assert ok(client.get(f"/api/v2/cmp/campaign/{cid}", headers=headers))["deviceType"] == "11,13"
    exchanges = ok(client.get(f"/api/v2/cmp/campaign/{other}", headers=headers))["exchanges"].split(",")
    assert "1" not in exchanges and "11" not in exchanges and len(exchanges) == 20
    # including into "every exchange" changes nothing
    third = campaign(db, tenant["owId"])
    ok(client.post(URL.format("exchange"), headers=headers, json={"ids": "15", "isExcluded": 0, "campaignId": third}))
    assert ok(client.get(f"/api/v2/cmp/campaign/{third}", headers=headers))["exchanges"] == ""


def test_bad_input_names_the_field_and_other_organizations_are_404(client, db, tenant, headers, other_headers):
    cid = campaign(db, tenant["owId"], traffic_type_ids=[11, 12])
    cases = [
        ({"ids": "999", "isExcluded": 1, "campaignId": cid}, "exchange", 422, "ids"),
        ({"ids": "abc", "isExcluded": 1, "campaignId": cid}, "deviceType", 422, "ids"),
        ({"ids": "", "isExcluded": 1, "campaignId": cid}, "deviceType", 422, "ids"),
        ({"ids": "11", "isExcluded": 2, "campaignId": cid}, "trafficsource", 422, "isExcluded"),
        ({"ids": "11", "isExcluded": 1}, "trafficsource", 422, "campaignId"),
        ({"ids": "11,12", "isExcluded": 1, "campaignId": cid}, "trafficsource", 422, "ids"),  # nothing left
        ({"ids": "11", "isExcluded": 1, "campaignId": 10**6}, "trafficsource", 404, "campaignId"),
    ]
    for body, kind, status, field in cases:
        response = client.post(URL.format(kind), headers=headers, json=body)
        assert response.status_code == status and error_fields(response) == {field}, (body, response.text)
        assert "statusCode" in response.json()  # the v2 envelope
    for kind in EXAMPLES:
        response = client.post(URL.format(kind), headers=other_headers, json={**EXAMPLES[kind], "campaignId": cid})
        assert response.status_code == 404 and error_fields(response) == {"campaignId"}
    shown = ok(client.get(f"/api/v2/cmp/campaign/{cid}", headers=headers))
    assert (shown["deviceType"], shown["exchanges"], shown["trafficType"]) == ("", "", "11,12")


def test_delivery_follows_the_exclusions(client, db, tenant, headers, store):
    """Each exclusion takes its value out of delivery, and including it again brings it back."""
    ow = tenant["owId"]
    plain, no_exchange, no_ctv, no_app = (campaign(db, ow) for _ in range(4))
    simulate(db, store, [plain])
    base_exchange = impressions_by(store, plain, "exchange_id")
    busiest = max(base_exchange, key=base_exchange.__getitem__)
    ok(client.post(URL.format("exchange"), headers=headers,
                   json={"ids": str(busiest), "isExcluded": 1, "campaignId": no_exchange}))
    ok(client.post(URL.format("deviceType"), headers=headers,
                   json={"ids": "15", "isExcluded": 1, "campaignId": no_ctv}))
    ok(client.post(URL.format("trafficsource"), headers=headers,
                   json={"ids": "11", "isExcluded": 1, "campaignId": no_app}))
    simulate(db, store, [no_exchange, no_ctv, no_app])

    by_exchange = impressions_by(store, no_exchange, "exchange_id")
    by_device = impressions_by(store, no_ctv, "device_type_id")
    by_traffic = impressions_by(store, no_app, "traffic_type_id")
    assert busiest not in by_exchange and sum(by_exchange.values()) > 1000
    assert 15 not in by_device and sum(by_device.values()) > 1000
    assert 11 not in by_traffic and sum(by_traffic.values()) > 1000
    assert base_exchange[busiest] > 0.1 * sum(base_exchange.values())  # it was a real share of delivery
    assert impressions_by(store, plain, "device_type_id")[15] > 0
    assert impressions_by(store, plain, "traffic_type_id")[11] > 0
    print(f"\nmeasured: exchange {busiest} had {base_exchange[busiest]} of {sum(base_exchange.values())} impressions "
          f"of the plain campaign; excluded: 0 of {sum(by_exchange.values())}; device 15 excluded: 0 of "
          f"{sum(by_device.values())} (plain: {impressions_by(store, plain, 'device_type_id')[15]}); traffic 11 "
          f"excluded: 0 of {sum(by_traffic.values())} (plain: {impressions_by(store, plain, 'traffic_type_id')[11]})")
    # include the exchange again: the next day delivers on it
    ok(client.post(URL.format("exchange"), headers=headers,
                   json={"ids": str(busiest), "isExcluded": 0, "campaignId": no_exchange}))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 5), date(2026, 3, 5), seed=3, campaign_ids=[no_exchange])
    assert impressions_by(store, no_exchange, "exchange_id").get(busiest, 0) > 0
    print(f"measured: included again: {impressions_by(store, no_exchange, 'exchange_id')[busiest]} impressions on "
          f"exchange {busiest} on 2026-03-05")
