"""Delivery honours a campaign's geography, demographics and OS: no impression outside what it targets, places
consistent with the master reference data (a ZIP in its city, a city in its state, the ZIP's DMA), and volume
shrinking by the share the estimator predicts."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

from adplane.master import refdata
from adplane.simulator.simulation import BASE_DAILY_IMPRESSIONS, running_campaigns, simulate_period
from test_events_ingest import make_campaign

START = datetime(2026, 3, 1, 5, tzinfo=UTC)
END = datetime(2026, 3, 11, 4, tzinfo=UTC)
DAY = date(2026, 3, 2)
REACH = "/api/v3/cmp/campaign/estimation/reach"
CO, DENVER, DENVER_COUNTY, DENVER_DMA = 30200006, 30402425, 30308031, 30900751
ZIPS = ["80202", "80203", "80205", "80206", "80209", "80210", "80301", "80302"]  # Denver's and Boulder's
CIRCLE = {"latitude": 39.7392, "longitude": -104.9903, "radius": 10, "unit": "mile", "isIncluded": True}
AGE_25_34, FEMALE = 10100003, 10200002
ROOMY = {"budget_day": Decimal("1000000"), "budget_total": Decimal("10000000"), "max_bid": Decimal("5")}


def miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 3958.8 * math.asin(min(1.0, math.sqrt(a)))


def test_targeted_campaigns_deliver_only_inside_and_shrink_as_estimated(client, db, tenant, headers, store):
    ow = tenant["owId"]

    def campaign(state_ids=None, **extra):
        return make_campaign(db, ow, start=START, end=END, state_ids=state_ids or [], extra=extra,
                             **ROOMY)["campaign_id"]

    ids = {
        "state": campaign([CO]),
        "city": campaign(whiteListedCityIds=str(DENVER)),
        "zip": campaign(whiteListedZipcodes=",".join(ZIPS)),
        "radius": campaign(whiteListedGeoRadiusDetails=[CIRCLE]),
        "age": campaign([CO], ageRangeIds=str(AGE_25_34)),
        "gender": campaign([CO], genderIds=str(FEMALE)),
        "not_city": campaign([CO], blackListedCityIds=str(DENVER)),
        "dma_not_county": campaign(dmaIds=str(DENVER_DMA), blackListedCountyIds=str(DENVER_COUNTY)),
        "and": campaign(isLocationWithOrFilter=False, dmaIds=str(DENVER_DMA), whiteListedCountyIds=str(DENVER_COUNTY)),
        "os": campaign([CO], os="12"),  # iOS by its legacy id
    }
    with db.session() as session:
        sims = {s.plan.campaign_id: s for s in running_campaigns(session, START, END, 0, list(ids.values()))}
        simulate_period(session, store, DAY, DAY, seed=0, campaign_ids=list(ids.values()))

    def values(name, column):
        return {v for (v,) in store.query(f"SELECT DISTINCT {column} FROM events WHERE campaign_id = ? "
                                          "AND event_type = 'impression'", [ids[name]])}

    cities = refdata.geo("cities")
    zips = refdata.geo("zips")
    city_by_name = {c.name: c for c in cities}
    dma_code = {d.id: int(d.abbreviation) for d in refdata.geo("dmas")}
    # every impression's place is consistent with the reference data
    rows = store.query("SELECT DISTINCT state_id, city, zip, dma_id FROM events WHERE event_type = 'impression'")
    assert rows
    for state_id, city_name, code, dma in rows:
        city = city_by_name[city_name]
        assert city.parent_id == state_id
        if code is None:
            assert not any(z.city_id == city.id for z in zips)
        else:
            place = zips.by_id[refdata.zip_id(code)]
            assert place.city_id == city.id and dma == dma_code[place.dma_id]

    # no impression outside the included sets, none inside the excluded ones
    assert values("city", "city") == {"Denver, CO"}
    assert values("zip", "zip") <= set(ZIPS) and len(values("zip", "zip")) > 1
    inside = {c.name for c in cities if c.lat is not None
              and miles(CIRCLE["latitude"], CIRCLE["longitude"], c.lat, c.lon) <= CIRCLE["radius"]}
    assert values("radius", "city") <= inside and "Denver, CO" in values("radius", "city")
    assert values("age", "age_range_id") == {AGE_25_34} and values("age", "state_id") == {CO}
    assert values("gender", "gender_id") == {FEMALE} and values("gender", "state_id") == {CO}
    assert "Denver, CO" not in values("not_city", "city") and values("not_city", "state_id") == {CO}
    assert values("dma_not_county", "dma_id") == {751}
    county_of = {z.name: z.county_id for z in zips}
    assert DENVER_COUNTY not in {county_of.get(code) for code in values("dma_not_county", "zip")}
    assert {county_of[code] for code in values("and", "zip")} == {DENVER_COUNTY}
    assert values("os", "os") == {"iOS"} and values("os", "state_id") == {CO}

    # volume: each delivers its day's supply, which is the estimator's share of the market
    delivered = dict(store.query("SELECT campaign_id, count(*) FROM events WHERE event_type = 'impression' "
                                 "GROUP BY campaign_id"))
    estimates = {
        "state": {"stateIds": str(CO)}, "city": {"whitelistCityIds": str(DENVER)},
        "zip": {"whitelistZipCodes": ",".join(ZIPS)}, "radius": {"whiteListedGeoRadiusDetails": [CIRCLE]},
        "age": {"stateIds": str(CO), "ageIds": str(AGE_25_34)},
        "gender": {"stateIds": str(CO), "genderIds": str(FEMALE)},
    }
    base = sims[ids["state"]].supply_share
    report = []
    for name, campaign_id in ids.items():
        sim = sims[campaign_id]
        got = delivered.get(campaign_id, 0)
        assert 0.8 < got / sim.daily_inventory < 1.2, (name, got, sim.daily_inventory)
        if name in estimates:
            answer = client.post(REACH, headers=headers, json=estimates[name]).json()["data"]
            expected = BASE_DAILY_IMPRESSIONS * sim.supply_share
            assert abs(answer["estimatedImpressionsAvg"] - expected) <= max(1.0, expected * 1e-4), (name, answer)
        predicted = sim.supply_share / base
        measured = got / delivered[ids["state"]]
        assert 0.4 * predicted < measured < 2.5 * predicted, (name, measured, predicted)
        # without each campaign's own supply draw (lognormal, sigma 0.25), the ratio is the estimator's
        draw = sim.daily_inventory / (BASE_DAILY_IMPRESSIONS * sim.supply_share)
        base_draw = sims[ids["state"]].daily_inventory / (BASE_DAILY_IMPRESSIONS * base)
        corrected = measured * base_draw / draw
        report.append(f"{name}: {got} impressions, {measured:.3f} of the state's, {corrected:.3f} without the "
                      f"supply draws (estimated {predicted:.3f})")
    print("\nmeasured: " + "; ".join(report))
    assert sims[ids["and"]].supply_share < sims[ids["city"]].supply_share  # Denver County holds less than Denver
    assert sims[ids["age"]].supply_share == base * 0.2  # the 25-34 share of the age mix


def test_places_that_hold_nobody_and_other_countries_deliver_nothing(db, tenant, store):
    ow = tenant["owId"]
    nowhere = make_campaign(db, ow, start=START, end=END, extra={  # the middle of the Pacific
        "whiteListedGeoRadiusDetails": [{"latitude": 30.0, "longitude": -150.0, "radius": 5}]}, **ROOMY)
    abroad = make_campaign(db, ow, start=START, end=END, country_id=30100002, **ROOMY)
    unknown_os = make_campaign(db, ow, start=START, end=END, extra={"os": "99999"}, **ROOMY)
    square = [{"lat": 39.70, "lng": -105.05}, {"lat": 39.70, "lng": -104.90}, {"lat": 39.80, "lng": -104.90},
              {"lat": 39.80, "lng": -105.05}]
    polygon = make_campaign(db, ow, start=START, end=END, extra={"geoRadiusDetails": [
        {"type": "polygon", "isIncluded": True, "polypath": square}]}, **ROOMY)
    ids = [c["campaign_id"] for c in (nowhere, abroad, unknown_os, polygon)]
    with db.session() as session:
        simulate_period(session, store, DAY, DAY, seed=1, campaign_ids=ids)
    counts = dict(store.query("SELECT campaign_id, count(*) FROM events GROUP BY campaign_id"))
    assert set(counts) == {polygon["campaign_id"]}
    expected = {c.name for c in refdata.geo("cities") if c.lat is not None
                and 39.70 < c.lat < 39.80 and -105.05 < c.lon < -104.90}
    got = {c for (c,) in store.query("SELECT DISTINCT city FROM events")}
    assert got <= expected and "Denver, CO" in got


def test_campaign_answers_whether_the_estimator_models_it(client, db, tenant, headers):
    ow = tenant["owId"]
    cases = [({}, None, True), ({"whiteListedCityIds": str(DENVER), "ageRangeIds": "10100003"}, None, True),
             ({"whiteListedGeoRadiusDetails": [CIRCLE], "ethnicityIds": "10600001"}, None, True),
             ({"whiteListedCountyIds": str(DENVER_COUNTY)}, None, False),
             ({"blackListedZipcodes": "80202"}, None, False),
             ({"dmaIds": str(DENVER_DMA)}, None, False), ({"os": "12"}, None, False), ({}, 30100002, False)]
    for extra, country, available in cases:
        campaign_id = make_campaign(db, ow, start=START, end=END, extra=extra, country_id=country)["campaign_id"]
        got = client.get(f"/api/v2/cmp/campaign/{campaign_id}", headers=headers).json()["responseObject"]
        assert got["isEstimatorAvailable"] is available, (extra, country)
