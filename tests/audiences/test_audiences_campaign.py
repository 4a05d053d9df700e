"""Campaign audiences: members are exactly the users the listed campaigns served (impressions), got clicks
from or conversions of, inside the period, computed independently from the same events; the campaigns
must be the caller's own."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np
import pytest

from adplane.audiences import catalog
from adplane.audiences.targeting import audience_targeting
from derived_helpers import T0, append, build, events, members
from test_events_ingest import make_campaign

START = T0 + timedelta(days=5)
END = T0 + timedelta(days=12)


def ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def expected(rows: list[dict], ow: int, lists: dict[str, list[int]], start: datetime, end: datetime) -> list[int]:
    kinds = {"impressions": "impression", "clicks": "click", "conversions": "conversion"}
    return sorted({int(r["user_id"]) for r in rows for key, kind in kinds.items()
                   if r["user_id"].isdigit() and r["ow_id"] == ow and r["event_type"] == kind
                   and r["campaign_id"] in lists[key] and start <= r["event_time"] <= end})


@pytest.fixture
def world(app, db, tenant, other_headers):
    rng = random.Random(7)
    ow = tenant["owId"]
    a, b, c = (make_campaign(db, ow) for _ in range(3))
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]))
    types = ("impression", "impression", "click", "conversion")
    rows = [*events(a, rng, list(range(1, 200)), 600, types=types),
            *events(b, rng, list(range(100, 300)), 600, types=types),
            *events(c, rng, list(range(250, 400)), 600, types=types),
            *events(foreign, rng, list(range(1, 400)), 600, types=types)]
    rows.append({**rows[0], "user_id": "opaque-device-key"})  # not an integer key: cannot be a member
    append(app, rows, "campaign-world")
    return {"ow": ow, "rows": rows, "a": a["campaign_id"], "b": b["campaign_id"], "c": c["campaign_id"],
            "foreign": foreign["campaign_id"]}


def test_campaign_audience_members_match_an_independent_computation(client, app, db, headers, world):
    lists = {"impressions": [world["a"], world["b"]], "clicks": [world["c"]], "conversions": [world["a"]]}
    body = {"audienceName": "Sample audience name", "startDate": ms(START), "endDate": ms(END),
            "campaignDetails": lists, "dataPartnerId": 2, "audienceSubtypeId": 4}
    created = client.post("/api/v3/audience/campaign", headers=headers, json=body)
    assert created.status_code == 200, created.text
    audience_id = created.json()["data"]["audienceId"]
    assert created.json()["data"]["message"] == "Sample audience name audience created successfully"
    assert build(app) == 1
    want = expected(world["rows"], world["ow"], lists, START, END)
    assert members(db, audience_id) == want and len(want) > 100
    details = client.get(f"/api/v3/audience/campaign/{audience_id}", headers=headers).json()["data"]
    assert details["audienceStatusId"] == catalog.STATUS_READY and details["uniques"] == len(want)
    assert details["campaignDetails"] == lists and details["startDate"] == ms(START)
    assert details["cpm"] == 1.5 and details["type"] == catalog.TYPE_CAMPAIGN
    assert details["campaignDetail"]["impression"] == {str(world["a"]): "Campaign", str(world["b"]): "Campaign"}
    # the published spec's body: `campaignDetail`, dates in seconds, answer `id`
    spec = {"audienceName": "Spec", "startDate": int(START.timestamp()), "endDate": int(END.timestamp()),
            "campaignDetail": {"impressions": [world["c"]], "clicks": [], "conversions": []}}
    created = client.post("/api/v3/audience/campaign/add", headers=headers, json=spec)
    assert created.status_code == 200, created.text
    spec_id = created.json()["data"]["id"]
    build(app)
    spec_lists = {"impressions": [world["c"]], "clicks": [], "conversions": []}
    assert members(db, spec_id) == expected(world["rows"], world["ow"], spec_lists, START, END)
    # the engine targets its members: a campaign including it may reach exactly them
    with app.state.db.session() as session:
        allowed = audience_targeting(session, world["ow"], {"whiteListedAudienceIds": str(audience_id)}).allowed
    assert np.array_equal(allowed, np.array(want))
    counts = client.get("/api/v2/audience/typeWiseCount?audienceTypeIds=7", headers=headers).json()
    assert counts["responseObject"] == [{"audienceTypeId": 7, "audienceTypeName": "Campaign Audience",
                                         "audienceCount": 2}]


def test_iqm_examples_and_rules(client, app, db, headers, world):
    guide = {"audienceName": "Sample audience name", "startDate": 1638316800000, "endDate": 1640085173000,
             "campaignDetails": {"impressions": [1, 2], "clicks": [3], "conversions": [4]}, "dataPartnerId": 2,
             "audienceSubtypeId": 4}
    spec = {"audienceName": "Sample audience name", "startDate": 1638316800, "endDate": 1640085173,
            "campaignDetail": {"impressions": [1, 2], "clicks": [3], "conversions": [4]}}
    ours = {world["a"], world["b"], world["c"]}
    for path, example, field in (("/api/v3/audience/campaign", guide, "campaignDetails"),
                                 ("/api/v3/audience/campaign/add", spec, "campaignDetail")):
        answer = client.post(path, headers=headers, json=example)
        if {1, 2, 3, 4} <= ours:  # pragma: no cover - only when the example's ids happen to be ours
            assert answer.status_code == 200
        else:
            assert answer.status_code == 404, answer.text
            assert answer.json()["errorObjects"][0]["field"] == field
    lists = {"impressions": [world["a"]], "clicks": [], "conversions": []}
    base = {"audienceName": "x", "startDate": ms(START), "endDate": ms(END), "campaignDetails": lists}
    for body, status, field in (
            ({**base, "endDate": ms(START)}, 422, "endDate"),
            ({**base, "campaignDetails": {"impressions": [], "clicks": [], "conversions": []}}, 422,
             "campaignDetails"),
            ({**base, "campaignDetails": {"impressions": ["x"]}}, 422, "campaignDetails.impressions"),
            ({**base, "campaignDetails": {"impressions": [world["foreign"]]}}, 404, "campaignDetails"),
            ({**base, "dataPartnerId": 99}, 422, "dataPartnerId"),
            ({**base, "audienceSubtypeId": 77}, 422, "audienceSubtypeId"),
            ({"audienceName": "x", "startDate": ms(START), "endDate": ms(END)}, 422, "campaignDetails"),
            ({**base, "startDate": -1}, 422, None)):
        answer = client.post("/api/v3/audience/campaign", headers=headers, json=body)
        assert answer.status_code == status, (body, answer.text)
        if field:
            assert answer.json()["errorObjects"][0]["field"] == field
    assert build(app) == 0  # nothing was created by the refused requests


def test_campaign_audience_isolation(client, app, db, headers, other_headers, world):
    body = {"audienceName": "Mine", "startDate": ms(START), "endDate": ms(END),
            "campaignDetails": {"impressions": [world["a"]], "clicks": [], "conversions": []}}
    audience_id = client.post("/api/v3/audience/campaign", headers=headers, json=body).json()["data"]["audienceId"]
    build(app)
    assert client.get(f"/api/v3/audience/campaign/{audience_id}", headers=other_headers).status_code == 404
    theirs = client.post("/api/v3/audience/campaign/add", headers=other_headers, json=body)
    assert theirs.status_code == 404 and theirs.json()["errorObjects"][0]["field"] == "campaignDetails"
    assert client.get("/api/v3/audience/campaign/abc", headers=headers).status_code == 404
    assert client.get("/api/v3/audience/campaign/99999999999", headers=headers).status_code == 422
    # the other organization's own campaign audience sees only its own users
    own = {"audienceName": "Theirs", "startDate": ms(START), "endDate": ms(END),
           "campaignDetail": {"impressions": [world["foreign"]], "clicks": [world["foreign"]], "conversions": []}}
    their_id = client.post("/api/v3/audience/campaign/add", headers=other_headers, json=own).json()["data"]["id"]
    build(app)
    other_ow = int(other_headers["X-IAA-OW-ID"])
    assert members(db, their_id) == expected(world["rows"], other_ow, {
        "impressions": [world["foreign"]], "clicks": [world["foreign"]], "conversions": []}, START, END)
