"""PG campaigns (IQM's cmp/pg/campaigns/*): the specification's and the guide's example requests accepted with
only their references (IO, creative, deals, advertiser profile, country) replaced by this tenant's, draft vs.
pending, the normal campaign lists and details, 4xx naming the field, other organizations' ids 404, and delivery
measured on the simulator's events: a PG campaign clears at its deal's price and buys nothing without an active
PG deal."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from adplane.core.clock import clock
from adplane.simulator.simulation import simulate_period
from campaign_helpers import create_campaign, create_io, error_fields, make_creative
from test_inventory_deals import PG_EXAMPLE, ok, pg
from types_contract import checked

ADD = "/api/v3/cmp/pg/campaigns/add"
DRAFT_ADD = "/api/v3/cmp/pg/campaigns/draft/add"
EDIT = "/api/v3/cmp/pg/campaigns/{}"
DRAFT_EDIT = "/api/v3/cmp/pg/campaigns/draft/{}"
# IQM's examples run 2024-05-14T04:52:17Z .. 2024-05-31T04:00:00Z (epoch seconds)
EXAMPLE_START_S, EXAMPLE_END_S = 1715662337, 1717128000
IO_START_MS, IO_END_MS = 1714608000000, 1719705600000  # 2024-05-02 .. 2024-06-30
US = 30100001

# The specification's request examples (iqm-openapi-full.json), as published: the same two for add and
# draft/add, the same three for PATCH {id} and draft/{id}.
ADD_EXAMPLES = [
    {"pgCampaignInfo": {"campaignName": "test imps PG campaign", "ioId": 95179, "timeZoneId": 29,
                        "totalImpressions": 12345, "maxBid": 8, "startTime": 1715662337, "endTime": 1717128000,
                        "budgetTypeId": 2, "campaignTypeId": 2, "advertiserDomain": "https://www.xyz.com"},
     "creativeTargeting": {"creativeTypeId": 11, "creativeIds": "[644506]"},
     "inventoryTargeting": {"pgDealIds": "[30,12]"},
     "conversionTargeting": {"conversionTypeId": 1, "conversionIds": "[465,687,987]"},
     "politicalAdvertiserClientId": 989898, "countryId": 23},
    {"pgCampaignInfoVO": {"campaignName": "test imps PG campaign", "ioId": 95179, "timeZoneId": 29,
                          "budgetTotal": 1234, "maxBid": 8, "startTime": 1715662337, "endTime": 1717128000,
                          "budgetTypeId": 1, "advertiserType": "political", "campaignTypeId": 2,
                          "advertiserDomain": "https://www.xyz.com"},
     "creativeTargeting": {"creativeTypeId": 11, "creativeIds": "[644506]"},
     "inventoryTargeting": {"pgDealIds": "[30,12]"},
     "conversionTargeting": {"conversionTypeId": 1, "conversionIds": "[465,687,987]"},
     "politicalAdvertiserClientId": 989898, "countryId": 23},
]
EDIT_EXAMPLES = [
    {"pgCampaignInfo": {"campaignName": "test imps PG campaign", "timeZoneId": 29, "totalImpressions": 12345,
                        "maxBid": 8, "startTime": 1715662337, "endTime": 1717128000, "advertiserType": "political",
                        "advertiserDomain": "https://www.xyz.com"},
     "creativeTargeting": {"creativeTypeId": 11, "creativeIds": "[644506]"},
     "inventoryTargeting": {"pgDealIds": "[30,12]"},
     "conversionTargeting": {"conversionTypeId": 1, "conversionIds": "[465,687,987]"},
     "politicalAdvertiserClientId": 989898, "countryId": 23},
    {"pgCampaignInfoVO": {"campaignName": "test imps PG campaign", "timeZoneId": 29, "spendingBudget": 1234,
                          "maxBid": 8, "startTime": 1715662337, "endTime": 1717128000,
                          "advertiserDomain": "https://www.xyz.com"},
     "creativeTargeting": {"creativeTypeId": 11, "creativeIds": "[644506]"},
     "inventoryTargeting": {"pgDealIds": "[30,12]"},
     "conversionTargeting": {"conversionTypeId": 1, "conversionIds": "[465,687,987]"},
     "politicalAdvertiserClientId": 989898, "countryId": 23},
    {"pgCampaignInfoVO": {"campaignName": "test imps PG campaign", "timeZoneId": 29, "spendingBudget": 1234,
                          "endTime": 1717128000, "advertiserDomain": "https://www.xyz.com"}},
]


def substitute(example: dict, *, io_id: int | None, creative: int, deals: list[int], advertiser: int) -> dict:
    """The example with its references replaced by this tenant's, in the example's own spelling (text id lists
    stay text, arrays stay arrays). IQM's countryId 23 is not in IQM's country list (30100001...)."""
    body = json.loads(json.dumps(example))
    info = body.get("pgCampaignInfo") or body.get("pgCampaignInfoVO")
    if io_id is not None and "ioId" in info:
        info["ioId"] = io_id
    if "creativeTargeting" in body:
        ids = body["creativeTargeting"]["creativeIds"]
        body["creativeTargeting"]["creativeIds"] = f"[{creative}]" if isinstance(ids, str) else [creative]
    if "inventoryTargeting" in body:
        ids = body["inventoryTargeting"]["pgDealIds"]
        text = ",".join(map(str, deals))
        body["inventoryTargeting"]["pgDealIds"] = f"[{text}]" if isinstance(ids, str) else deals
    if "politicalAdvertiserClientId" in body:
        body["politicalAdvertiserClientId"] = advertiser
    if "countryId" in body:
        body["countryId"] = US
    return body


def advertiser_profile(client, headers) -> int:
    ok(client.post("/api/v3/ua/organization/advertiser/add", headers=headers, json={
        "advertiserName": "PG Advertiser", "website": "https://xyz.com", "chiefName": "A. Chief",
        "contactNumber": "+1 202 555 0100", "address": "1 Main St", "legalInfo": "registered", "links": []}))
    rows = ok(client.get("/api/v3/ua/organization/advertisers/list", headers=headers))["data"]
    return rows[0]["id"]


@pytest.fixture
def setup(client, db, tenant, headers) -> dict[str, Any]:
    clock.set(datetime(2024, 5, 1, tzinfo=UTC))
    ios = {budget_type: create_io(client, headers, ioBudgetTypeId=budget_type, ioStartTime=IO_START_MS,
                                  ioEndTime=IO_END_MS, ioTotalBudget=100_000)
           for budget_type in (1, 2)}
    return {"ios": ios, "creative": make_creative(db, tenant["owId"]),
            "deals": [pg(client, headers, statusId=1, cpm=2.5, exchangeId=17),
                      pg(client, headers, dealId="second", statusId=1, cpm=4, exchangeId=12)],
            "advertiser": advertiser_profile(client, headers)}


def detail(client, headers, campaign_id: int) -> dict:
    return ok(client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers))


def test_the_specifications_add_examples_are_accepted(client, headers, setup):
    created, drafts = {}, {}
    for example in ADD_EXAMPLES:
        info = example.get("pgCampaignInfo") or example["pgCampaignInfoVO"]
        body = substitute(example, io_id=setup["ios"][info["budgetTypeId"]], creative=setup["creative"],
                          deals=setup["deals"], advertiser=setup["advertiser"])
        for url, into in ((ADD, created), (DRAFT_ADD, drafts)):
            answer = checked(client, "POST", url, headers=headers, json=body)
            assert answer["data"]["message"] == "PG Campaign Created successfully"
            into[info["budgetTypeId"]] = answer["data"]["campaignId"]
    assert [detail(client, headers, drafts[t])["status"] for t in (1, 2)] == ["draft", "draft"]
    impressions, dollars = (detail(client, headers, created[t]) for t in (2, 1))
    for shown in (impressions, dollars):
        assert shown["status"] == "pending" and shown["campaignTypeId"] == 2 and shown["campaignType"] == 2
        assert shown["pgDealIds"] == sorted(setup["deals"]) and shown["creativeIds"] == str(setup["creative"])
        assert shown["startTime"] == EXAMPLE_START_S and shown["endTime"] == EXAMPLE_END_S
        assert shown["totalBudgetPacing"] is True and shown["budgetDay"] > 0
        assert shown["conversionIds"] == "465,687,987" and shown["maxBid"] == 8 and shown["timezone"] == 29
        assert shown["politicalAdvertiserClientId"] == setup["advertiser"] and shown["countryId"] == str(US)
    # 12,345 impressions at the dearest deal's $4 CPM, with the 15% platform margin and $0.25 data CPM
    assert impressions["targetImpression"] == 12345 and impressions["budgetTotal"] == 59.88
    assert dollars["budgetTotal"] == 1234 and dollars["advertiserType"] == "political"
    listed = ok(client.get("/api/v2/cmp/campaigns/list", headers=headers))
    assert {int(row["id"]) for row in listed} >= set(created.values())
    by_io = ok(client.post("/api/v3/cmp/io/campaigns/list", headers=headers,
                           json={"ioIdsList": [setup["ios"][2]]}))["recordsList"]
    assert sorted((r["campaignId"], r["campaignTypeId"], r["targetImpression"]) for r in by_io) == sorted(
        [(created[2], 2, 12345), (drafts[2], 2, 12345)])
    # the impression goals count in the auto-sum IO's total impressions
    assert ok(client.get(f"/api/v3/cmp/io/{setup['ios'][2]}", headers=headers))["ioTotalImpressions"] == 24690


def test_the_guides_example_with_arrays_and_the_draft_flow(client, headers, setup):
    guide = {"pgCampaignInfo": {"campaignName": "test imps PG campaign", "ioId": setup["ios"][2], "timeZoneId": 29,
                                "totalImpressions": 12345, "maxBid": 8, "startTime": EXAMPLE_START_S,
                                "endTime": EXAMPLE_END_S, "budgetTypeId": 2, "campaignTypeId": 2,
                                "advertiserDomain": "https://www.xyz.com"},
             "creativeTargeting": {"creativeTypeId": 11, "creativeIds": [setup["creative"]]},
             "inventoryTargeting": {"pgDealIds": setup["deals"]},
             "conversionTargeting": {"conversionTypeId": 1, "conversionIds": [465, 687, 987]},
             "politicalAdvertiserClientId": setup["advertiser"], "countryId": US}
    draft = checked(client, "POST", DRAFT_ADD, headers=headers, json=guide)["data"]["campaignId"]
    assert detail(client, headers, draft)["status"] == "draft"
    # a draft needs only pgCampaignInfo
    bare = ok(client.post(DRAFT_ADD, headers=headers, json={"pgCampaignInfo": {
        "campaignName": "bare", "ioId": setup["ios"][1], "timeZoneId": 29, "maxBid": 8, "budgetTypeId": 1,
        "startTime": EXAMPLE_START_S, "endTime": EXAMPLE_END_S, "advertiserDomain": "xyz.com"}}))["campaignId"]
    assert detail(client, headers, bare)["status"] == "draft" and detail(client, headers, bare)["pgDealIds"] == []
    # the edit examples (both spellings of pgCampaignInfo) keep a draft a draft on .../draft/{id}
    for name, example in enumerate(EDIT_EXAMPLES):
        body = substitute(example, io_id=None, creative=setup["creative"], deals=setup["deals"][:1],
                          advertiser=setup["advertiser"])
        answer = checked(client, "PATCH", DRAFT_EDIT.format(draft), headers=headers, json=body)
        assert answer["data"] == {"message": "PG Campaign Updated successfully", "campaignId": draft}, name
        assert detail(client, headers, draft)["status"] == "draft"
    shown = detail(client, headers, draft)
    assert shown["pgDealIds"] == setup["deals"][:1] and shown["budgetTotal"] == 1234  # the examples' spendingBudget
    # ... and submit it on .../{id}: it becomes pending
    for name, example in enumerate(EDIT_EXAMPLES):
        body = substitute(example, io_id=None, creative=setup["creative"], deals=setup["deals"],
                          advertiser=setup["advertiser"])
        checked(client, "PATCH", EDIT.format(draft), headers=headers, json=body)
        assert detail(client, headers, draft)["status"] == "pending", name
    assert detail(client, headers, draft)["pgDealIds"] == sorted(setup["deals"])
    # a pending campaign is no draft any more
    refused = client.patch(DRAFT_EDIT.format(draft), headers=headers, json={"pgCampaignInfo": {"campaignName": "x"}})
    assert refused.status_code == 422 and error_fields(refused) == {"campaignId"}


def test_bad_input_is_a_4xx_naming_the_field(client, headers, db, tenant, setup):
    def body(**info: Any) -> dict:
        return {"pgCampaignInfo": {"campaignName": "PG", "ioId": setup["ios"][1], "timeZoneId": 29, "maxBid": 8,
                                   "budgetTotal": 500, "startTime": EXAMPLE_START_S, "endTime": EXAMPLE_END_S,
                                   "budgetTypeId": 1, "campaignTypeId": 2, "advertiserDomain": "xyz.com", **info},
                "creativeTargeting": {"creativeTypeId": 11, "creativeIds": [setup["creative"]]},
                "inventoryTargeting": {"pgDealIds": setup["deals"]}}

    assert ok(client.post(ADD, headers=headers, json=body()))["campaignId"]
    cases = [
        (body(campaignTypeId=1), 422, "campaignTypeId"),
        (body(budgetTypeId=2), 422, "budgetTypeId"),
        (body(timeZoneId=987654321), 422, "timeZoneId"),
        (body(endTime=None), 422, "endTime"),
        (body(maxBid=0.5), 422, "maxBid"),
        (body(campaignName="x" * 256), 422, "pgCampaignInfo.campaignName"),
        (body(startTime="soon"), 422, "pgCampaignInfo.startTime"),
        ({**body(), "inventoryTargeting": {"pgDealIds": []}}, 422, "pgDealIds"),
        ({**body(), "inventoryTargeting": {"pgDealIds": "[1,x]"}}, 422, "pgDealIds"),
        ({k: v for k, v in body().items() if k != "inventoryTargeting"}, 422, "pgDealIds"),
        ({**body(), "creativeTargeting": {"creativeTypeId": 99, "creativeIds": [setup["creative"]]}}, 422,
         "creativeTypeId"),
        ({**body(), "creativeTargeting": {"creativeTypeId": 11, "creativeIds": []}}, 422, "creativeIds"),
        ({**body(ioId=setup["ios"][2], budgetTypeId=2)}, 422, "totalImpressions"),
        ({"creativeTargeting": body()["creativeTargeting"]}, 422, "pgCampaignInfo"),
    ]
    for request, status, field in cases:
        response = client.post(ADD, headers=headers, json=request)
        assert response.status_code == status and error_fields(response) == {field}, (field, response.text)
    # PMP deals are no PG deals; an advanced campaign is not edited here
    pmp_deal = ok(client.post("/api/v3/inv/pmp/deals/add", headers=headers, json={
        "dealId": "pmp", "dealName": "PMP", "exchangeId": 12, "active": True}))["id"]
    refused = client.post(ADD, headers=headers, json={**body(), "inventoryTargeting": {"pgDealIds": [pmp_deal]}})
    assert refused.status_code == 404 and error_fields(refused) == {"pgDealIds"}
    io_id = create_io(client, headers, ioStartTime=IO_START_MS, ioEndTime=IO_END_MS)
    advanced = create_campaign(client, headers, io_id, setup["creative"], startTime=EXAMPLE_START_S,
                               endTime=EXAMPLE_END_S)
    refused = client.patch(EDIT.format(advanced), headers=headers, json={"pgCampaignInfo": {"campaignName": "x"}})
    assert refused.status_code == 422 and error_fields(refused) == {"campaignId"}


def test_other_organizations_ids_are_404(client, db, headers, other_headers, make_tenant, setup):
    theirs = pg(client, other_headers, statusId=1, cpm=3, exchangeId=17)
    base = {"pgCampaignInfo": {"campaignName": "PG", "ioId": setup["ios"][1], "timeZoneId": 29, "maxBid": 8,
                               "budgetTotal": 500, "startTime": EXAMPLE_START_S, "endTime": EXAMPLE_END_S,
                               "budgetTypeId": 1, "advertiserDomain": "xyz.com"},
            "creativeTargeting": {"creativeTypeId": 11, "creativeIds": [setup["creative"]]},
            "inventoryTargeting": {"pgDealIds": setup["deals"]}}
    mine = ok(client.post(ADD, headers=headers, json=base))["campaignId"]
    for request, field in (({**base, "inventoryTargeting": {"pgDealIds": [setup["deals"][0], theirs]}}, "pgDealIds"),
                           ({**base, "inventoryTargeting": {"pgDealIds": [theirs]}}, "ioId")):
        response = client.post(ADD, headers=other_headers, json=request)
        assert response.status_code == 404 and error_fields(response) == {field}, response.text
    for url in (EDIT.format(mine), DRAFT_EDIT.format(mine)):
        response = client.patch(url, headers=other_headers, json={"pgCampaignInfo": {"campaignName": "mine now"}})
        assert response.status_code == 404 and error_fields(response) == {"campaignId"}, response.text
    response = client.patch(EDIT.format(mine), headers=headers, json={"inventoryTargeting": {"pgDealIds": [theirs]}})
    assert response.status_code == 404 and error_fields(response) == {"pgDealIds"}
    assert detail(client, headers, mine)["pgDealIds"] == sorted(setup["deals"])
    assert client.get(f"/api/v2/cmp/campaign/{mine}", headers=other_headers).status_code == 404


def test_a_pg_campaign_clears_at_its_deals_price_and_buys_nothing_without_an_active_deal(client, db, headers, store):
    """Created through the API, approved, then delivered by the simulator (2026-03-02..04, seed 3)."""
    clock.set(datetime(2026, 3, 1, 12, tzinfo=UTC))
    io_id = create_io(client, headers, ioStartTime=1772323200000, ioEndTime=1774915200000)  # 2026-03-01 .. 31
    creative = make_creative(db, int(headers["X-IAA-OW-ID"]))
    active = pg(client, headers, statusId=1, cpm=2.75, exchangeId=17)
    inactive = pg(client, headers, **{**PG_EXAMPLE, "cpm": 1.5})  # the guide's deal: statusId 2, inactive

    def pg_campaign(deal: int) -> int:
        created = ok(client.post(ADD, headers=headers, json={
            "pgCampaignInfo": {"campaignName": f"PG {deal}", "ioId": io_id, "timeZoneId": 29, "maxBid": 8,
                               "budgetTotal": 900, "startTime": 1772323200, "endTime": 1773964800,  # .. 03-20
                               "budgetTypeId": 1, "campaignTypeId": 2, "advertiserDomain": "https://www.xyz.com"},
            "creativeTargeting": {"creativeTypeId": 11, "creativeIds": f"[{creative}]"},
            "inventoryTargeting": {"pgDealIds": f"[{deal}]"}}))
        return created["campaignId"]

    guaranteed, idle = pg_campaign(active), pg_campaign(inactive)
    ok(client.put("/api/v2/cmp/campaigns/update-status", headers=headers,
                  json={"campaignIds": f"{guaranteed},{idle}", "status": "running"}))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 4), seed=3,
                        campaign_ids=[guaranteed, idle])
    rows = store.query("SELECT campaign_id, exchange_id, count(*), min(media_cost) * 1000, max(media_cost) * 1000, "
                       "sum(media_cost + data_cost + platform_margin) FROM events WHERE event_type = 'impression' "
                       "GROUP BY campaign_id, exchange_id")
    result = {(int(c), int(e)): (int(n), float(lo), float(hi), float(spent)) for c, e, n, lo, hi, spent in rows}
    assert list(result) == [(guaranteed, 17)]  # the idle campaign bought nothing, not even on the open exchange
    impressions, low, high, spent = result[(guaranteed, 17)]
    assert impressions > 10_000 and low == high == 2.75
    # paced over its 19 days: $900 / 19 ≈ $47.37 a day at most
    assert spent <= 3 * 47.37 + 0.01
    print(f"\nmeasured: PG campaign on a $2.75 deal: {impressions} impressions on exchange 17, CPM {low}..{high}, "
          f"spent ${spent:.2f} in 3 days; PG campaign on an inactive deal: 0 impressions")
    # enable the idle campaign's deal: it delivers from then on
    ok(client.patch(f"/api/v3/inv/pg/deals/{inactive}", headers=headers, json={"statusId": 1}))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 5), date(2026, 3, 5), seed=3, campaign_ids=[idle])
    [(exchange, low, high)] = store.query(
        "SELECT exchange_id, min(media_cost) * 1000, max(media_cost) * 1000 FROM events WHERE campaign_id = ? "
        "AND event_type = 'impression' GROUP BY exchange_id", [idle])
    assert int(exchange) == PG_EXAMPLE["exchangeId"] and float(low) == float(high) == 1.5
    print(f"measured: its deal activated: exchange {exchange}, CPM {low}..{high}")
