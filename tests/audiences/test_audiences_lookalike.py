"""Lookalike audiences: members are exactly the seed plus the users the documented similarity rule admits,
computed here independently (pandas) from the same events; another organization's events never count."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from adplane.audiences import catalog
from derived_helpers import append, audience, build, events, members, target
from test_events_ingest import make_campaign

DIMS = ("state_id", "device_type_id", "exchange_id")


def expected_lookalike(rows: list[dict], ow_id: int, seed: set[int], pct: int, states: set[int] | None = None,
                       countries: set[int] | None = None) -> list[int]:
    df = pd.DataFrame(rows)
    df = df[(df["ow_id"] == ow_id) & df["event_type"].isin(["impression", "click"])].copy()
    df["user"] = df["user_id"].astype(int)
    modes = {}
    for dim in (*DIMS, "country_id"):
        counts = df.groupby(["user", dim]).size().reset_index(name="n")
        counts = counts.sort_values(["user", "n", dim], ascending=[True, False, True]).groupby("user").head(1)
        modes[dim] = dict(zip(counts["user"], counts[dim], strict=True))
    seed_counts = {d: pd.Series([modes[d][u] for u in seed if u in modes[d]]).value_counts().to_dict() for d in DIMS}
    scored = []
    for user in set(modes["state_id"]) - seed:
        if states and modes["state_id"][user] not in states:
            continue
        if countries and modes["country_id"][user] not in countries:
            continue
        score = sum(seed_counts[d].get(modes[d][user], 0) for d in DIMS)
        if score > 0:
            scored.append((-score, user))
    scored.sort()
    take = math.ceil(len(scored) * pct / 100)
    return sorted(seed | {u for _, u in scored[:take]})


@pytest.fixture
def world(client, app, db, tenant, other_headers):
    rng = random.Random(6)
    ow = tenant["owId"]
    mine = make_campaign(db, ow)
    theirs = make_campaign(db, int(other_headers["X-IAA-OW-ID"]))
    rows = events(mine, rng, list(range(1, 301)), 2500, types=("impression", "click"))
    # the other organization serves users 301..400 with the seed's commonest attributes: never lookalikes of ours
    foreign = events(theirs, rng, list(range(301, 401)), 800)
    append(app, rows + foreign, "world")
    seed = list(range(1, 31))
    return {"ow": ow, "rows": rows + foreign, "seed": audience(db, ow, seed, cost="1.5"), "seed_users": set(seed),
            "campaign": mine}


def test_lookalike_members_match_an_independent_computation(client, app, db, headers, world):
    body = {"audienceName": "Test Lookalike Audience", "sourceAudienceIds": str(world["seed"]), "audienceSize": 10}
    created = client.post("/api/v3/audience/lookalike", headers=headers, json=body)
    assert created.status_code == 200, created.text
    lookalike_id = created.json()["data"]["audienceId"]
    assert created.json()["data"]["message"] == "Test Lookalike Audience audience created successfully"
    details = client.get(f"/api/v3/audience/lookalike/{lookalike_id}", headers=headers).json()["data"]
    assert details["audienceStatusId"] == catalog.STATUS_PROCESSING and details["reach"] == 0
    assert build(app) == 1
    want = expected_lookalike(world["rows"], world["ow"], world["seed_users"], 10)
    got = members(db, lookalike_id)
    assert got == want and len(want) > len(world["seed_users"]) + 5
    assert not set(got) & set(range(301, 401))
    details = client.get(f"/api/v3/audience/lookalike/{lookalike_id}", headers=headers).json()["data"]
    assert details["audienceStatusId"] == catalog.STATUS_READY and details["reach"] == len(want)
    assert details["sourceAudienceIds"] == [world["seed"]] and details["audienceSize"] == 10
    assert details["cpm"] == 1.5  # the seed's data CPM carries over

    # the spec's path and a geographic filter: only users whose commonest state is listed
    spec = {"audienceName": "Geo", "sourceAudienceIds": f"{world['seed']}", "countryIds": "30100001",
            "stateIds": "30200005,30200010", "cityIds": "30400001,30400002", "countyIds": "30300001,30300003",
            "senateDistrictIds": "687,688", "houseDistrictIds": "5098,5121", "congressionalDistrictIds": "350,78",
            "audienceSize": 90}
    created = client.post("/api/v3/audience/lookalike/add", headers=headers, json=spec)
    assert created.status_code == 200, created.text
    geo_id = created.json()["data"]["id"]
    build(app)
    assert members(db, geo_id) == expected_lookalike(world["rows"], world["ow"], world["seed_users"], 90,
                                                     states={30200005, 30200010}, countries={30100001})
    geo = client.get(f"/api/v3/audience/lookalike/{geo_id}", headers=headers).json()["data"]
    assert geo["geoLocationDetails"]["stateIds"] == [30200005, 30200010] and geo["geoLocationDetails"]["cityIds"] == [
        30400001, 30400002]
    # the lookalike is listed with its type, and campaigns can target it
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [6]}).json()["data"]
    assert {a["audienceId"] for a in listed["audienceList"]} == {lookalike_id, geo_id}
    target(db, world["campaign"]["campaign_id"], whiteListedAudienceIds=str(lookalike_id))
    info = client.get(f"/api/v3/audience/lookalike/{lookalike_id}?isTargetingInfoRequired=true", headers=headers)
    assert info.json()["data"]["targetedCampaignList"] == [{
        "campaignName": "Campaign", "campaignId": world["campaign"]["campaign_id"], "targetingTypeId": 1,
        "campaignStatus": "Running"}]


def test_iqm_examples_and_rules(client, app, db, headers, world):
    guide_minimal = {"audienceName": "Test Lookalike Audience", "sourceAudienceIds": "12345,67890",
                     "audienceSize": 5, "countryIds": "1", "stateIds": "10,20,30"}
    guide_full = {"audienceName": "Test Lookalike Audience with Full Geo", "sourceAudienceIds": "12345",
                  "audienceSize": 3, "countryIds": "1", "stateIds": "10,20", "cityIds": "100,200,300",
                  "countyIds": "50,60", "senateDistrictIds": "1,2,3", "houseDistrictIds": "10,20",
                  "congressionalDistrictIds": "5,6,7"}
    for example, path in ((guide_minimal, "/api/v3/audience/lookalike"), (guide_full, "/api/v3/audience/lookalike"),
                          (guide_minimal, "/api/v3/audience/lookalike/add")):
        answer = client.post(path, headers=headers, json=example)  # the examples' seeds do not exist here
        assert answer.status_code == 404, answer.text
        assert answer.json()["errorObjects"][0]["field"] == "sourceAudienceIds"
    ours = client.post("/api/v3/audience/lookalike", headers=headers,
                       json={**guide_minimal, "sourceAudienceIds": str(world["seed"])})
    assert ours.status_code == 200, ours.text
    build(app)
    lookalike_id = ours.json()["data"]["audienceId"]
    # a country no user is in leaves only the seed
    assert members(db, lookalike_id) == sorted(world["seed_users"])

    pending = audience(db, world["ow"], [1, 2], status=catalog.STATUS_PENDING)
    for body, status, field in (
            ({**guide_minimal, "sourceAudienceIds": str(pending)}, 422, "sourceAudienceIds"),
            ({**guide_minimal, "sourceAudienceIds": "1,x"}, 422, "sourceAudienceIds"),
            ({**guide_minimal, "sourceAudienceIds": ""}, 422, "sourceAudienceIds"),
            ({**guide_minimal, "sourceAudienceIds": str(world["seed"]), "audienceSize": 0}, 422, "audienceSize"),
            ({**guide_minimal, "sourceAudienceIds": str(world["seed"]), "audienceSize": 101}, 422, "audienceSize"),
            ({**guide_minimal, "sourceAudienceIds": str(world["seed"]), "stateIds": "a"}, 422, "stateIds"),
            ({**guide_minimal, "sourceAudienceIds": str(world["seed"]), "audienceName": "  "}, 422, None)):
        answer = client.post("/api/v3/audience/lookalike", headers=headers, json=body)
        assert answer.status_code == status, (body, answer.text)
        if field:
            assert answer.json()["errorObjects"][0]["field"] == field
    # a seed that stops being ready fails the build, with the reason; regenerating after it is ready works
    again = client.post("/api/v3/audience/lookalike", headers=headers,
                        json={"audienceName": "Later", "sourceAudienceIds": str(world["seed"]), "audienceSize": 50})
    later = again.json()["data"]["audienceId"]
    from adplane.audiences.models import Audience

    with db.session() as session:
        session.get(Audience, world["seed"]).status_id = catalog.STATUS_REJECTED
        session.commit()
    build(app)
    failed = client.get(f"/api/v3/audience/lookalike/{later}", headers=headers).json()["data"]
    assert failed["audienceStatusId"] == catalog.STATUS_FAILED and "no longer ready" in failed["failureReason"]
    with db.session() as session:
        session.get(Audience, world["seed"]).status_id = catalog.STATUS_READY
        session.commit()
    assert client.patch(f"/api/v3/audience/{later}/regenerate", headers=headers).json()["data"] == {
        "message": "Audience regeneration initiated successfully"}
    build(app)
    assert members(db, later) == expected_lookalike(world["rows"], world["ow"], world["seed_users"], 50)


def test_lookalike_isolation(client, app, db, headers, other_headers, world):
    created = client.post("/api/v3/audience/lookalike", headers=headers,
                          json={"audienceName": "Mine", "sourceAudienceIds": str(world["seed"]), "audienceSize": 5})
    lookalike_id = created.json()["data"]["audienceId"]
    # another organization can neither seed from our audience nor read our lookalike
    theirs = client.post("/api/v3/audience/lookalike", headers=other_headers,
                         json={"audienceName": "Theirs", "sourceAudienceIds": str(world["seed"]), "audienceSize": 5})
    assert theirs.status_code == 404 and theirs.json()["errorObjects"][0]["field"] == "sourceAudienceIds"
    assert client.get(f"/api/v3/audience/lookalike/{lookalike_id}", headers=other_headers).status_code == 404
    assert client.patch(f"/api/v3/audience/{lookalike_id}/regenerate", headers=other_headers).status_code == 404
    assert client.get("/api/v3/audience/lookalike/abc", headers=headers).status_code == 404
    assert client.get("/api/v3/audience/lookalike/99999999999", headers=headers).status_code == 422
    # a matched audience is not a lookalike
    assert client.get(f"/api/v3/audience/lookalike/{world['seed']}", headers=headers).status_code == 422
