"""Segmented audiences: the segment catalogue, IQM's equations, members built by a job and checked against an
independent computation, delivery inside the audience, and isolation on every endpoint."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import numpy as np
from sqlalchemy import func, select

from adplane.audiences import catalog, identities
from adplane.audiences.models import Audience, AudienceMember
from adplane.audiences.segments import build_pending, load_catalogue
from adplane.campaigns.models import Campaign
from adplane.simulator.simulation import simulate_period
from audience_helpers import download
from test_events_ingest import END, START, make_campaign

GUIDE_CREATE = {"equation": "((6388749|6388750)&(6388751|6402730|6392754|5776004))", "audienceName": "football-temp"}
SPEC_CREATE = {"equation": "((6388749|6388750)&(6388751|6402730|6392754|5776004))", "name": "football-temp"}
GUIDE_UPDATE = {"equation": "((5613837|5638265)&(5613844))", "name": "Segment audience - 1"}
SPEC_UPDATE = {"equation": "((5613837|5638265)&(5613844))", "name": "segment audience - 1"}
GUIDE_SEARCH = {"searchKeywordSet": ["sample 1", "sample 2"], "sortBy": "-reach", "verticalIds": [1, 2, 3],
                "partnerIds": [1, 2, 3], "providerIds": [1, 2, 3], "priceRangeIds": [1, 2, 3],
                "reachRangeIds": [1, 2, 3], "segmentIds": [1, 2, 3], "showOnlyReadySegments": True,
                "showOnlyNonZeroSegments": True}


# ----------------------------------------------------------------- an independent model of the membership rule

M64 = (1 << 64) - 1


def scalar_member(segment_id: int, reach: int, user: int) -> bool:
    """The documented rule, in plain Python integers: splitmix64(user + segment·φ) < 2^64·reach/300M."""
    x = (user + segment_id * 0x9E3779B97F4A7C15) & M64
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    x ^= x >> 31
    return x < (min(reach, 300_000_000) << 64) // 300_000_000


def vector_members(segment_id: int) -> set[int]:
    """The same rule over every simulated user, vectorised here independently of adplane's code."""
    reach = load_catalogue().segments[segment_id].reach
    users = np.arange(1, identities.SIMULATED_USERS + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        x = users + np.uint64((segment_id * 0x9E3779B97F4A7C15) & M64)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    limit = (min(reach, 300_000_000) << 64) // 300_000_000
    return set(users[x < np.uint64(limit)].tolist())


def test_vector_model_matches_the_scalar_rule():
    for segment_id in (6388749, 5776004):
        reach = load_catalogue().segments[segment_id].reach
        expected = {u for u in range(1, 200_001) if scalar_member(segment_id, reach, u)}
        assert {u for u in vector_members(segment_id) if u <= 200_000} == expected


# ---------------------------------------------------------------------------------------------- catalogue

def test_partners_providers_and_children(client, headers):
    guide = client.get("/api/v3/audience/segmented/partner-provider/list", headers=headers).json()["data"]
    live = next(p for p in guide if p["partnerId"] == 1)
    assert live["partnerName"] == "LiveRamp" and {v["providerId"] for v in live["providers"]} >= {293, 140, 21}
    spec = client.get("/api/v3/audience/segment/partner-provider/list", headers=headers).json()["data"]
    assert spec["totalRecords"] == len(guide) and spec["partnerProviderList"][0]["providerList"]
    roots = client.get("/api/v3/audience/segmented/segments/children?partnerId=1&providerId=293", headers=headers)
    assert [s["taxonomyValue"] for s in roots.json()["data"]] == ["i360"]
    i360 = roots.json()["data"][0]["segmentId"]
    level = client.get(f"/api/v3/audience/segment/list-by-parent-id?partnerId=1&providerId=293&parentId={i360}",
                       headers=headers).json()["data"]
    demographics = next(s for s in level if s["taxonomyValue"] == "Demographics")
    leaves = client.get("/api/v3/audience/segmented/segments/children", headers=headers, params={
        "partnerId": 1, "providerId": 293, "parentId": demographics["segmentId"]}).json()["data"]
    ages = next(s for s in leaves if s["segmentId"] == 6192796)  # IQM's published segment
    assert ages["pathKey"] == "LiveRamp > i360 > i360 > Demographics > Ages 18 To 29"
    assert ages["cpm"] == 1 and ages["totalReach"] == 18907067 and ages["leaf"] is True
    giving = next(s for s in leaves if s["segmentId"] == 6192803)
    assert giving["leaf"] is False
    for bad, field in (("partnerId=1&providerId=76", "providerId"), ("partnerId=99&providerId=293", "partnerId"),
                       ("partnerId=1&providerId=293&parentId=6164189", "parentId"), ("partnerId=x&providerId=1",
                                                                                     "partnerId")):
        answer = client.get(f"/api/v3/audience/segmented/segments/children?{bad}", headers=headers)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, bad
    assert client.get("/api/v3/audience/segmented/partner-provider/list").status_code == 401


def test_search_filters_sort_and_download(client, headers):
    found = client.post("/api/v3/audience/segmented/search/list", headers=headers,
                        json={"searchKeywordSet": ["football"], "sortBy": "-reach"}).json()["data"]
    ids = [s["segmentId"] for s in found["segmentsList"]]
    assert set(ids) >= {6388749, 6388750, 6388751, 6402730, 6392754}
    reaches = [s["totalReach"] for s in found["segmentsList"]]
    assert reaches == sorted(reaches, reverse=True) and found["filteredRecords"] == len(ids)
    cheap = client.post("/api/v3/audience/segmented/search/list", headers=headers,
                        json={"searchKeywordSet": ["football"], "priceRangeIds": [3]}).json()["data"]["segmentsList"]
    assert cheap and all(2 <= s["cpm"] < 5 for s in cheap)
    assert 6388751 in [s["segmentId"] for s in cheap]
    paged = client.post("/api/v3/audience/segmented/search/list", headers=headers,
                        json={"searchKeywordSet": ["a"], "pageNo": 2, "noOfEntries": 5}).json()["data"]
    assert len(paged["segmentsList"]) == 5 and paged["filteredRecords"] > 10
    # IQM's guide sample, as published: ids 1-3 and "sample" match nothing here
    sample = client.post("/api/v3/audience/segmented/search/list", headers=headers, json=GUIDE_SEARCH)
    assert sample.status_code == 200 and sample.json()["data"]["segmentsList"] == []
    spec = client.get("/api/v3/audience/segment/search/list?searchField=thriller&sortBy=%2Bcpm&partnerIds=1",
                      headers=headers).json()["data"]["segmentsList"]
    assert {s["segmentId"] for s in spec} == {5830140, 6164189} and spec[0]["cpm"] <= spec[1]["cpm"]
    by_ids = client.get("/api/v3/audience/segment/search/list?segmentIds=14005,5586112", headers=headers).json()
    assert {s["segmentId"] for s in by_ids["data"]["segmentsList"]} == {14005, 5586112}
    non_zero = client.get("/api/v3/audience/segment/search/list?segmentIds=14005,5586112&showOnlyNonZeroSegments=true",
                          headers=headers).json()["data"]["segmentsList"]
    assert [s["segmentId"] for s in non_zero] == [5586112]
    for url, body, field in (
            ("/api/v3/audience/segmented/search/list", {"searchKeywordSet": [str(i) for i in range(11)]},
             "searchKeywordSet"),
            ("/api/v3/audience/segmented/search/list", {"searchKeywordSet": ["x"], "sortBy": "cpm,reach"}, "sortBy"),
            ("/api/v3/audience/segmented/search/list", {"searchKeywordSet": ["x"], "sortBy": "name"}, "sortBy"),
            ("/api/v3/audience/segmented/search/list", {"searchKeywordSet": ["x"], "priceRangeIds": [9]},
             "priceRangeIds"),
            ("/api/v3/audience/segmented/search/list", {}, "searchField")):
        answer = client.post(url, headers=headers, json=body)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, body
    missing = client.get("/api/v3/audience/segment/search/list-download", headers=headers)
    assert missing.status_code == 422 and missing.json()["errorObjects"][0]["field"] == "searchField"
    link = client.post("/api/v3/audience/segmented/search/list/download", headers=headers,
                       json={"searchKeywordSet": ["football"], "sortBy": "-reach"}).json()["data"]["fileUrl"]
    rows = list(csv.reader(io.StringIO(download(client, link))))
    assert rows[0][0] == "Segment ID" and [int(r[0]) for r in rows[1:]] == ids
    spec_link = client.get("/api/v3/audience/segment/search/list-download?searchField=thriller",
                           headers=headers).json()["data"]["fileUrl"]
    assert len(list(csv.reader(io.StringIO(download(client, spec_link))))) == 3


# -------------------------------------------------------------------------------------------- audiences

def _members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def _build(app) -> int:
    return build_pending(app.state.db, app.state.settings)


def test_create_build_edit_with_exact_members(client, app, db, headers):
    created = client.post("/api/v3/audience/segmented", headers=headers, json=GUIDE_CREATE)
    assert created.status_code == 200, created.text
    audience_id = created.json()["data"]["audienceId"]
    assert created.json()["data"]["message"] == "football-temp audience created successfully"
    before = client.get(f"/api/v3/audience/segmented/{audience_id}", headers=headers).json()["data"]
    assert before["audienceStatusId"] == catalog.STATUS_PROCESSING and before["status"] == "Processing"
    assert _build(app) == 1
    details = client.get(f"/api/v3/audience/segmented/{audience_id}", headers=headers).json()["data"]
    s = {i: vector_members(i) for i in (6388749, 6388750, 6388751, 6402730, 6392754, 5776004)}
    expected = (s[6388749] | s[6388750]) & (s[6388751] | s[6402730] | s[6392754] | s[5776004])
    assert len(expected) > 300
    assert _members(db, audience_id) == expected
    assert details["audienceStatusId"] == catalog.STATUS_READY and details["uniques"] == len(expected)
    segments = load_catalogue().segments
    assert details["cpm"] == max(float(segments[i].cpm) for i in s) == 2.5  # the highest segment CPM
    assert details["equation"] == GUIDE_CREATE["equation"] and details["segmentPartnerId"] == 1
    assert details["segmentIdList"] == sorted(s) and details["segmentPartnerName"] == "LiveRamp"
    assert {x["segmentId"] for x in details["segmentsList"]} == set(s)
    spec_view = client.get(f"/api/v3/audience/segment/{audience_id}", headers=headers).json()["data"]
    assert spec_view["id"] == audience_id and spec_view["name"] == "football-temp" and spec_view["dataCost"] == 2.5
    # the guide's edit sample, as published; then the specification's
    edited = client.put(f"/api/v3/audience/segmented/{audience_id}", headers=headers, json=GUIDE_UPDATE)
    assert edited.status_code == 200, edited.text
    assert client.get(f"/api/v3/audience/segment/{audience_id}", headers=headers).json()["data"][
        "audienceStatusId"] == catalog.STATUS_PROCESSING
    assert _build(app) == 1
    a, b, c = (vector_members(i) for i in (5613837, 5638265, 5613844))
    assert _members(db, audience_id) == (a | b) & c
    after = client.get(f"/api/v3/audience/segmented/{audience_id}", headers=headers).json()["data"]
    assert after["audienceName"] == "Segment audience - 1" and after["reach"] == len((a | b) & c)
    assert client.put(f"/api/v3/audience/segment/{audience_id}", headers=headers, json=SPEC_UPDATE).status_code == 200
    spec_made = client.post("/api/v3/audience/segment/add", headers=headers, json=SPEC_CREATE)
    assert spec_made.status_code == 200 and spec_made.json()["data"]["id"] > audience_id
    # two edits before a build: only the last version is built
    client.put(f"/api/v3/audience/segmented/{audience_id}", headers=headers,
               json={"equation": "(6388749)", "audienceName": "one"})
    client.put(f"/api/v3/audience/segmented/{audience_id}", headers=headers,
               json={"equation": "(5776004)", "audienceName": "two"})
    _build(app)
    assert _members(db, audience_id) == vector_members(5776004)
    by_audience = client.get(f"/api/v3/audience/segment/list-by-audience-ids?audienceIds={audience_id},"
                             f"{spec_made.json()['data']['id']}&segmentListSize=2", headers=headers).json()["data"]
    assert by_audience[0] == {"audienceId": audience_id, "totalSegments": 1, "segmentDetailsResponseVOList": [
        {"segmentId": 5776004, "segmentName": "Sports Bar Visitors"}]}
    assert by_audience[1]["totalSegments"] == 6 and len(by_audience[1]["segmentDetailsResponseVOList"]) == 2
    # generic endpoints keep working for the new type
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [2]}).json()["data"]
    assert listed["totalRecords"] == 2 and {x["audienceTypeId"] for x in listed["audienceList"]} == {2}
    by_type = client.get("/api/v3/audience/count-by-type", headers=headers).json()["data"]
    assert by_type == [{"audienceTypeId": 2, "audienceCount": 2}]
    copy = client.post(f"/api/v3/audience/matched/duplicate/{audience_id}", headers=headers, json={})
    assert copy.status_code == 200
    assert _members(db, copy.json()["data"]["audienceId"]) == vector_members(5776004)
    gone = client.delete(f"/api/v3/audience?audienceIds={audience_id}", headers=headers).json()["data"]
    assert gone["successfulAudienceIds"] == [audience_id] and _members(db, audience_id) == set()


def _count(db) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Audience)) or 0)


def test_bad_equations_and_names_change_nothing(client, headers):
    six = "&".join(f"({i})" for i in (6388749, 6388750, 6388751, 6402730, 6392754, 5776004))
    many = "(" + "|".join(str(s.id) for s in load_catalogue().segments.values() if s.leaf and s.partner_id == 1) + ")"
    political = next(s.id for s in load_catalogue().segments.values() if s.leaf and s.partner_id == 6)
    for body, message in (
            ({"equation": "", "audienceName": "x"}, "equation is required"),
            ({"audienceName": "x"}, "equation is required"),
            ({"equation": six, "audienceName": "x"}, "more than 5 Segment Groups"),
            ({"equation": many, "audienceName": "x"}, "more than 100 segments"),
            ({"equation": "((6388749|99)", "audienceName": "x"}, "Unbalanced"),
            ({"equation": "(6388749|99)", "audienceName": "x"}, "Unknown segment"),
            ({"equation": "(6388749|)", "audienceName": "x"}, "Unexpected"),
            ({"equation": "(6388749|abc)", "audienceName": "x"}, "Invalid segment id"),
            ({"equation": "(!6388749)", "audienceName": "x"}, "not"),
            ({"equation": "(6192803)", "audienceName": "x"}, "categories"),
            ({"equation": f"(6388749|{political})", "audienceName": "x"}, "one data partner"),
            ({"equation": "(6388749)&(99999999999)", "audienceName": "x"}, "Invalid segment id")):
        answer = client.post("/api/v3/audience/segmented", headers=headers, json=body)
        assert answer.status_code == 422, (body, answer.text)
        error = answer.json()["errorObjects"][0]
        assert error["field"] == "equation" and (message is None or message in error["error"]), (body, error)
    for body, field in (({"equation": "(6388749)"}, "audienceName"),
                        ({"equation": "(6388749)", "audienceName": "   "}, "audienceName"),
                        ({"equation": "(6388749)", "audienceName": "x" * 256}, "audienceName"),
                        ({"equation": "(6388749)", "audienceName": "x", "segmentPartnerId": 6}, "segmentPartnerId"),
                        ({"equation": 5, "audienceName": "x"}, "equation")):
        answer = client.post("/api/v3/audience/segment/add", headers=headers, json=body)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, body
    assert client.get("/api/v3/audience/segmented/abc", headers=headers).status_code == 404
    assert client.get("/api/v3/audience/segmented/99999999999", headers=headers).status_code == 422
    assert client.get("/api/v3/audience/segment/list-by-audience-ids?audienceIds=x", headers=headers).status_code == 422


def test_bad_input_leaves_the_database_alone(client, db, headers):
    client.post("/api/v3/audience/segmented", headers=headers, json={"equation": "(1)", "audienceName": "x"})
    assert _count(db) == 0


def test_isolation(client, app, db, headers, other_headers):
    mine = client.post("/api/v3/audience/segmented", headers=headers, json=GUIDE_CREATE).json()["data"]["audienceId"]
    _build(app)
    theirs = client.post("/api/v3/audience/segmented", headers=other_headers,
                         json={"equation": "(5776004)", "audienceName": "theirs"}).json()["data"]["audienceId"]
    for method, url, body in (
            ("GET", f"/api/v3/audience/segmented/{mine}", None),
            ("GET", f"/api/v3/audience/segment/{mine}", None),
            ("PUT", f"/api/v3/audience/segmented/{mine}", GUIDE_UPDATE),
            ("PUT", f"/api/v3/audience/segment/{mine}", SPEC_UPDATE),
            ("GET", f"/api/v3/audience/segment/list-by-audience-ids?audienceIds={mine}", None),
            ("GET", f"/api/v3/audience/segment/list-by-audience-ids?audienceIds={theirs},{mine}", None)):
        answer = client.request(method, url, headers=other_headers, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
    listed = client.post("/api/v3/audience/list", headers=other_headers, json={}).json()["data"]["audienceList"]
    assert [a["audienceId"] for a in listed] == [theirs]
    mine_now = client.get(f"/api/v3/audience/segmented/{mine}", headers=headers).json()["data"]
    assert mine_now["audienceName"] == "football-temp" and mine_now["audienceStatusId"] == catalog.STATUS_READY
    # a segment search's file is the caller's own
    link = client.post("/api/v3/audience/segmented/search/list/download", headers=other_headers,
                       json={"searchKeywordSet": ["golf"]})
    assert link.status_code == 200


# --------------------------------------------------------------------------------------------- delivery

def test_delivery_stays_inside_a_segmented_audience(client, app, db, tenant, headers, store):
    ow = tenant["owId"]
    audience_id = client.post("/api/v3/audience/segmented", headers=headers, json={
        "equation": "((6388749|6388750))", "audienceName": "NFL or college"}).json()["data"]["audienceId"]
    _build(app)
    members = np.array(sorted(vector_members(6388749) | vector_members(6388750)), dtype=np.int64)
    targeted = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    plain = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    with db.session() as session:
        campaign = session.get(Campaign, targeted["campaign_id"])
        campaign.extra = {**(campaign.extra or {}), "whiteListedAudienceIds": str(audience_id)}
        session.commit()
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=5)

    def users(campaign_id: int) -> np.ndarray:
        rows = store.query("SELECT DISTINCT user_id FROM events WHERE campaign_id = ? AND event_type = 'impression'",
                           [campaign_id])
        return np.array(sorted(int(r[0]) for r in rows), dtype=np.int64)

    inside = users(targeted["campaign_id"])
    assert len(inside) > 50 and np.isin(inside, members).all()
    assert not np.isin(users(plain["campaign_id"]), members).all()
    [(data_cost, imps)] = store.query("SELECT sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
                                      "AND event_type = 'impression'", [targeted["campaign_id"]])
    [(plain_cost, plain_imps)] = store.query("SELECT sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
                                             "AND event_type = 'impression'", [plain["campaign_id"]])
    # the audience's $2 CPM is in the targeted campaign's data cost per impression
    assert Decimal(data_cost) / imps > Decimal(plain_cost) / plain_imps + Decimal("0.0015")
