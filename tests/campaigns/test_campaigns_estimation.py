"""IQM's campaign estimator (cmp/campaign/estimation/reach, .../bid-landscape, cmp/estimate-reach and the
dimension list): IQM's example requests as they are, 4xx naming the field, another organization's deals and groups
404, and the estimates checked against what the simulator then delivers (measured, seed 3, 2026-03-03)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np

from adplane.core.clock import clock
from adplane.simulator.estimation import distinct_users
from adplane.simulator.simulation import simulate_period
from campaign_helpers import error_fields
from test_events_ingest import make_campaign
from test_inventory_deals import ok, pg, pmp
from types_contract import checked

REACH = "/api/v3/cmp/campaign/estimation/reach"
LANDSCAPE = "/api/v3/cmp/campaign/estimation/bid-landscape"
OLD_REACH = "/api/v3/cmp/estimate-reach"
DIMENSIONS = "/api/v3/cmp/static/campaign/estimator/dimension/list"
# IQM's request examples: the specification's (reach and bid landscape share it) and the older estimate-reach's
SPEC_EXAMPLE = {"stateIds": "30200032",
                "whitelistCityIds": "30434428,30434491,30434474,30434611,30434282,30434161,30434352,30434090,"
                                    "30499999",
                "whitelistZipCodes": "08016,08048,08036,07825,07650,08879", "ethnicityIds": "10700001",
                "ageIds": "10100006,10100007,10100004,10100003", "incomeIds": "10300001,10300002,10300004,10300006",
                "bidPacing": True, "budgetDay": 120, "creativesPlacementMapping": {"537448": 0}}
GUIDE_LANDSCAPE = {"stateIds": "30200032", "whitelistCityIds": "30434428,30434491",
                   "whitelistZipCodes": "08016,08048", "ethnicityIds": "10700001", "ageIds": "10100006,10100007",
                   "incomeIds": "10300001,10300002", "bidPacing": True, "budgetDay": 120}
OLD_EXAMPLE = {"whiteListedCityIds": "30400001,30400014,30400013", "whiteListedZipcodes": "N3C1W6",
               "stateIds": "4660,4661,4662",
               "whiteListedGeoRadiusDetails": [{"radius": 0.5, "latitude": 65.05738566802728,
                                                "longitude": -153.33167451542135}],
               "ageRangeIds": "", "genderIds": "", "incomeRangeIds": "", "ethnicityIds": ""}
NJ = 30200032


def test_iqm_examples_are_accepted(client, headers):
    reach = checked(client, "POST", REACH, headers=headers, json=SPEC_EXAMPLE)["data"]
    assert reach["targetingType"] == "Specific"
    assert 0 < reach["estimatedReachMin"] < reach["estimatedReachAvg"] < reach["estimatedReachMax"]
    assert reach["ignored"] == {"whitelistCityIds": [30434428, 30434491, 30434474, 30434611, 30434282, 30434161,
                                                     30434352, 30434090, 30499999]}
    landscape = checked(client, "POST", LANDSCAPE, headers=headers, json=SPEC_EXAMPLE)["data"]
    guidance = landscape["bidGuidance"]
    assert landscape["axis"] == {"x": "bidFloor", "y": "numImp"} and landscape["basis"] == "model"
    assert [g["bidfloorPercentile"] for g in guidance] == [0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99]
    assert guidance[0]["numImp"] == 0 and all(a["bidFloor"] <= b["bidFloor"] and a["numImp"] <= b["numImp"]
                                              for a, b in zip(guidance, guidance[1:], strict=False))
    assert guidance[0]["bidFloor"] >= 0.45 * 5 and guidance[-1]["bidFloor"] <= 0.9 * 5  # an image ad's range, $5
    assert checked(client, "POST", LANDSCAPE, headers=headers, json=GUIDE_LANDSCAPE)["data"]["bidGuidance"]
    old = checked(client, "POST", OLD_REACH, headers=headers, json=OLD_EXAMPLE)["data"]
    assert old["estimated_reach"] > 0  # the three Alaskan cities
    assert old["ignored"] == {"stateIds": [4660, 4661, 4662], "whiteListedZipcodes": ["N3C1W6"]}
    listed = checked(client, "GET", DIMENSIONS, headers=headers)["data"]
    assert listed["targetableAudience"]["stateIds"] is True and listed["targetableAudience"]["incomeIds"] is False
    assert listed["bidLandscapeEstimation"]["dealIds"] is True


def test_each_dimension_moves_the_estimate(client, headers):
    def reach(**body) -> dict:
        return ok(client.post(REACH, headers=headers, json=body))

    broad = reach()
    assert broad["targetingType"] == "Broad"
    nj = reach(stateIds=str(NJ))
    women = reach(stateIds=str(NJ), genderIds="10200002")
    newark = reach(stateIds="", whitelistCityIds="30400001")  # a small Alaskan village
    budgeted = reach(stateIds=str(NJ), budgetDay=5)
    assert broad["estimatedImpressionsAvg"] > nj["estimatedImpressionsAvg"] > women["estimatedImpressionsAvg"]
    assert round(women["estimatedImpressionsAvg"] / nj["estimatedImpressionsAvg"], 2) == 0.48  # the gender mix
    assert newark["estimatedImpressionsAvg"] < nj["estimatedImpressionsAvg"] / 100
    assert budgeted["estimatedImpressionsAvg"] < nj["estimatedImpressionsAvg"]
    assert reach(countryIds="30100002")["estimatedReachAvg"] == 0  # adplane delivers in the United States only
    # a deal narrows supply to its quarter of it and, for a PG deal, sets the landscape's price
    deal = pg(client, headers, statusId=1, cpm=2.5, exchangeId=17)
    dealt = reach(dealIds=str(deal))
    assert round(dealt["estimatedImpressionsAvg"] / broad["estimatedImpressionsAvg"], 2) == 0.25
    prices = ok(client.post(LANDSCAPE, headers=headers, json={"dealIds": [deal]}))["bidGuidance"]
    assert {g["bidFloor"] for g in prices} == {2.5}
    floor = pmp(client, headers, cpm=4.2, exchangeId=12)
    assert min(g["bidFloor"] for g in ok(client.post(LANDSCAPE, headers=headers, json={
        "dealIds": str(floor), "maxBid": 6}))["bidGuidance"]) == 4.2


def test_bad_input_names_the_field_and_other_organizations_are_404(client, headers, other_headers):
    cases = [({"stateIds": "abc"}, 422, "stateIds"), ({"budgetDay": -1}, 422, "budgetDay"),
             ({"maxBid": "lots"}, 422, "maxBid"), ({"creativeTypes": "99"}, 422, "creativeTypes"),
             ({"whiteListedGeoRadiusDetails": [{"radius": 1, "latitude": 95, "longitude": 0}]}, 422,
              "whiteListedGeoRadiusDetails.0.latitude"),
             ({"dealIds": "123456"}, 404, "dealIds"), ({"whitelistInventoryGroupIds": "99"}, 404,
                                                        "whitelistInventoryGroupIds")]
    for body, status, field in cases:
        for url in (REACH, LANDSCAPE, OLD_REACH):
            response = client.post(url, headers=headers, json=body)
            assert response.status_code == status and error_fields(response) == {field}, (url, body, response.text)
    theirs = pg(client, other_headers, statusId=1, cpm=2, exchangeId=17)
    response = client.post(REACH, headers=headers, json={"dealIds": str(theirs)})
    assert response.status_code == 404 and error_fields(response) == {"dealIds"}


def test_estimates_match_what_the_simulator_delivers(client, db, tenant, headers, store):
    """Eight campaigns with the estimate's targeting deliver one full day: their median day lands near the
    estimate's average, the spread inside [min, max] most of the time, and the distinct users each reached are
    what the user model says for its impressions. The bid landscape then reads the delivered prices."""
    ow = tenant["owId"]
    targeting = {"state_ids": [NJ], "device_type_ids": [11, 13], "budget_day": Decimal("500"),
                 "budget_total": Decimal("5000"), "max_bid": Decimal("6")}
    ids = [make_campaign(db, ow, start=datetime(2026, 3, 1), end=datetime(2026, 3, 20), **targeting)["campaign_id"]
           for _ in range(8)]
    estimate = ok(client.post(REACH, headers=headers, json={"stateIds": str(NJ), "deviceTypeIds": "11,13",
                                                            "maxBid": 6, "budgetDay": 500}))
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 3), date(2026, 3, 3), seed=3, campaign_ids=ids)
    rows = store.query("SELECT campaign_id, count(*), count(DISTINCT user_id) FROM events "
                       "WHERE event_type = 'impression' GROUP BY campaign_id")
    impressions = np.array([int(n) for _, n, _ in rows])
    users = np.array([int(u) for _, _, u in rows])
    assert len(rows) == 8
    assert abs(np.median(impressions) / estimate["estimatedImpressionsAvg"] - 1) < 0.2
    low, high = (distinct_users(v) for v in (impressions.min(), impressions.max()))
    assert estimate["estimatedReachMin"] < np.median(users) < estimate["estimatedReachMax"]
    assert np.all(np.abs(users / np.array([distinct_users(n) for n in impressions]) - 1) < 0.05), (users, low, high)
    print(f"\nmeasured: estimate {estimate}; delivered impressions {sorted(impressions.tolist())}, distinct users "
          f"{sorted(users.tolist())}")
    # the landscape now reads the organization's own clearing prices of the last 30 days
    clock.set(datetime(2026, 3, 10, tzinfo=UTC))
    landscape = ok(client.post(LANDSCAPE, headers=headers, json={"stateIds": str(NJ), "deviceTypeIds": "11,13",
                                                                "maxBid": 6}))
    assert landscape["basis"] == "events"
    cpm = sorted(float(c) * 1000 for (c,) in store.query(
        "SELECT media_cost FROM events WHERE event_type = 'impression'"))
    assert landscape["bidGuidance"][6]["bidFloor"] == round(float(np.percentile(cpm, 50)), 6)
