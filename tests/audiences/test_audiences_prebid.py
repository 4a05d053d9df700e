"""Pre-bid audiences: the provider/segment catalogue, create/edit/get with IQM's samples, campaigns'
`prebidAudienceSegmentIdList`, delivery (a pre-bid audience adds its CPM and narrows no user) and isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adplane.audiences import catalog
from adplane.campaigns.models import Campaign
from adplane.simulator.simulation import simulate_period
from campaign_helpers import campaign_body, freeze, io_body, make_creative
from test_events_ingest import END, START, make_campaign

GUIDE_CREATE = {"audienceName": "string", "prebidSegmentIds": [0], "prebidProviderId": 1}
GUIDE_UPDATE = {"audienceName": "Test 2", "prebidSegmentIds": [163, 164], "prebidProviderId": 2}
SPEC_UPDATE = {"prebidAudienceIdList": [156, 157], "prebidAudienceName": "prebid Aud 1"}
GUIDE_SEARCH = {"prebidSegmentIds": [156, 157], "searchField": "risk", "showInActiveSegments": True}
SPEC_SEARCH = {"prebidAudienceSegmentIdList": [156, 157], "prebidAudienceIdList": [1033983], "providerIdList": [1],
               "searchField": "risk"}


def test_catalogue(client, headers):
    providers = client.get("/api/v3/audience/prebid/static/providers/list", headers=headers).json()["data"]
    assert providers["totalRecords"] == 3
    assert [p["providerName"] for p in providers["prebidSegmentData"]][:2] == ["Integral Ad Science", "DoubleVerify"]
    tree = client.get("/api/v3/audience/prebid/static/providers/child-segments?showinActiveSegments=false",
                      headers=headers).json()["data"]
    ias = tree[0]
    assert {c["prebidSegmentId"]: c["prebidSegmentName"] for c in ias["childSegments"]} == {
        1: "Brand Safety", 2: "Fraud & IVT", 3: "Viewability"}
    spec_tree = client.get("/api/v3/audience/prebid/provider/details/list", headers=headers).json()["data"]
    assert spec_tree["prebidSegmentData"][0]["childSegments"][0]["prebidAudienceSegmentId"] == 1
    branches = client.get("/api/v3/audience/prebid/segments/children?prebidParentSegmentId=1", headers=headers)
    assert [(b["prebidSegmentId"], b["prebidSegmentName"], b["parentPathKey"]) for b in branches.json()["data"]] == [
        (4, "Display", "IAS > Brand Safety"), (5, "Video", "IAS > Brand Safety")]
    leaves = client.get("/api/v3/audience/prebid/segment/details/list?prebidAudienceSegmentId=4",
                        headers=headers).json()["data"]
    adult = next(s for s in leaves["prebidSegmentData"] if s["prebidAudienceSegmentId"] == 156)
    assert adult["prebidAudienceSegmentName"] == "Avoid High and Moderate risk Adult content pages"
    assert adult["parentPathKey"] == "Brand Safety > Display" and adult["cpm"] == 0.05 and adult["leaf"] is True
    end = client.get("/api/v3/audience/prebid/segments/children?prebidParentSegmentId=156", headers=headers)
    assert end.status_code == 422 and end.json()["errorObjects"][0]["error"] == "No further Segments in the hierarchy"
    unknown = client.get("/api/v3/audience/prebid/segment/details/list?prebidAudienceSegmentId=999999", headers=headers)
    assert unknown.status_code == 422 and unknown.json()["errorObjects"][0]["field"] == "prebidAudienceSegmentId"
    free = client.get("/api/v3/audience/prebid/dv-ivt/free-segments", headers=headers).json()["data"]
    assert [f["prebidSegmentId"] for f in free] == [234, 235, 236, 237, 238, 239]
    assert all(f["providerId"] == 2 for f in free) and [f["defaultSelected"] for f in free][:4] == [True] * 4
    found = client.post("/api/v3/audience/prebid/segments/search/list", headers=headers, json=GUIDE_SEARCH)
    assert sorted(s["prebidSegmentId"] for s in found.json()["data"]) == [156, 157]
    text = client.post("/api/v3/audience/prebid/segments/search/list", headers=headers,
                       json={"searchField": "viewability", "providerIdList": [2]}).json()["data"]
    assert {s["prebidSegmentId"] for s in text} >= {247, 248} and all(s["providerId"] == 2 for s in text)
    empty = client.post("/api/v3/audience/prebid/details/search/list", headers=headers, json={})
    assert empty.status_code == 422
    assert empty.json()["errorObjects"][0]["error"] == "No input for which details have to be fetched"
    assert client.get("/api/v3/audience/prebid/dv-ivt/free-segments").status_code == 401


def test_create_edit_get(client, headers, other_headers):
    sample = client.post("/api/v3/audience/prebid", headers=headers, json=GUIDE_CREATE)  # the guide's placeholder
    assert sample.status_code == 422 and sample.json()["errorObjects"][0]["field"] == "prebidSegmentIds"
    made = client.post("/api/v3/audience/prebid", headers=headers,
                       json={"audienceName": "Safe display", "prebidSegmentIds": [156, 158, 100],
                             "prebidProviderId": 1})
    assert made.status_code == 200, made.text
    audience_id = made.json()["data"]["audienceId"]
    details = client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"]
    assert details["audienceName"] == "Safe display" and details["cpm"] == 0.1  # the highest segment CPM
    assert [s["prebidSegmentId"] for s in details["prebidSegmentDetails"]] == [156, 158, 100]
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [catalog.TYPE_PREBID]})
    assert [(a["audienceId"], a["audienceStatusId"]) for a in listed.json()["data"]["audienceList"]] == [
        (audience_id, catalog.STATUS_READY)]
    # the guide's edit sample moves it to DoubleVerify's segments; the specification's moves it back
    assert client.patch(f"/api/v3/audience/prebid/{audience_id}", headers=headers, json=GUIDE_UPDATE).status_code == 200
    after = client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"]
    assert after["audienceName"] == "Test 2" and after["prebidProviderId"] == 2 and after["cpm"] == 0.08
    spec = client.put(f"/api/v3/audience/prebid/{audience_id}", headers=headers, json=SPEC_UPDATE)
    assert spec.status_code == 200 and spec.json()["data"]["prebidAudienceId"] == audience_id
    renamed = client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"]
    assert renamed["name"] == "prebid Aud 1"
    spec_made = client.post("/api/v3/audience/prebid/add", headers=headers, json={
        "prebidAudienceName": "ivt", "prebidAudienceSegmentIdList": [234, 235], "prebidAudienceProviderId": 2})
    assert spec_made.status_code == 200 and spec_made.json()["data"]["id"] > audience_id
    # the audience's own segments through the specification's search (its sample names someone else's audience)
    own = dict(SPEC_SEARCH, prebidAudienceIdList=[audience_id])
    found = client.post("/api/v3/audience/prebid/details/search/list", headers=headers, json=own).json()["data"]
    assert sorted(s["prebidAudienceSegmentId"] for s in found["prebidSegmentData"]) == [156, 157]
    as_published = client.post("/api/v3/audience/prebid/details/search/list", headers=headers, json=SPEC_SEARCH)
    assert as_published.status_code == 404 and as_published.json()["errorObjects"][0]["field"] == "prebidAudienceIdList"
    for body, field in (({"audienceName": "x", "prebidSegmentIds": [156, 163]}, "prebidSegmentIds"),
                        ({"audienceName": "x", "prebidSegmentIds": [4]}, "prebidSegmentIds"),
                        ({"audienceName": "x", "prebidSegmentIds": [156], "prebidProviderId": 2}, "prebidSegmentIds"),
                        ({"audienceName": "x", "prebidSegmentIds": [156], "prebidProviderId": 9}, "prebidProviderId"),
                        ({"audienceName": "", "prebidSegmentIds": [156]}, "audienceName"),
                        ({"audienceName": "x", "prebidSegmentIds": []}, "prebidSegmentIds"),
                        ({"audienceName": "x", "prebidSegmentIds": "156"}, "prebidSegmentIds")):
        answer = client.post("/api/v3/audience/prebid", headers=headers, json=body)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, (body, answer.text)
    still = client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"]
    bad_edit = client.patch(f"/api/v3/audience/prebid/{audience_id}", headers=headers, json={"prebidSegmentIds": [9]})
    assert bad_edit.status_code == 422
    assert client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"] == still
    segmented = client.post("/api/v3/audience/segmented", headers=headers,
                            json={"equation": "(5776004)", "audienceName": "s"}).json()["data"]["audienceId"]
    wrong_kind = client.get(f"/api/v3/audience/prebid/{segmented}", headers=headers)
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["errorObjects"][0]["error"] == "Invalid prebid Audience Id"
    assert client.get("/api/v3/audience/prebid/abc", headers=headers).status_code == 404
    # isolation: another organization sees none of it, changes none of it
    for method, url, body in (("GET", f"/api/v3/audience/prebid/{audience_id}", None),
                              ("PATCH", f"/api/v3/audience/prebid/{audience_id}", GUIDE_UPDATE),
                              ("PUT", f"/api/v3/audience/prebid/{audience_id}", SPEC_UPDATE),
                              ("POST", "/api/v3/audience/prebid/details/search/list", own),
                              ("POST", "/api/v3/audience/prebid/segments/search/list", own)):
        answer = client.request(method, url, headers=other_headers, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
    assert client.get(f"/api/v3/audience/prebid/{audience_id}", headers=headers).json()["data"] == still


def test_campaign_prebid_segments_are_checked(client, db, headers, tenant):
    freeze()
    creative = make_creative(db, tenant["owId"])
    io_id = client.post("/api/v3/cmp/io/add", headers=headers, json=io_body()).json()["data"]["ioId"]
    ok = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                     json=campaign_body(io_id, creative, prebidAudienceSegmentIdList=[10, 11, 12]))
    assert ok.status_code == 200, ok.text
    for bad in ([99999], [1], "x", [True]):
        answer = client.post("/api/v2/cmp/campaigns/add", headers=headers,
                             json=campaign_body(io_id, creative, prebidAudienceSegmentIdList=bad))
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["errorObjects"][0]["field"] == "prebidAudienceSegmentIdList"


def test_a_prebid_audience_adds_its_cpm_and_narrows_no_user(client, db, tenant, headers, store):
    ow = tenant["owId"]
    audience_id = client.post("/api/v3/audience/prebid", headers=headers, json={
        "audienceName": "viewable", "prebidSegmentIds": [247, 248], "prebidProviderId": 2}).json()["data"]["audienceId"]
    with_prebid = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    plain = make_campaign(db, ow, start=START, end=END, max_bid=Decimal("5"))
    with db.session() as session:
        campaign = session.get(Campaign, with_prebid["campaign_id"])
        campaign.extra = {**(campaign.extra or {}), "whiteListedAudienceIds": str(audience_id)}
        session.commit()
    with db.session() as session:
        simulate_period(session, store, date(2026, 3, 2), date(2026, 3, 2), seed=7)

    def figures(campaign_id: int) -> tuple[int, Decimal, int]:
        [(users, cost, imps)] = store.query(
            "SELECT count(DISTINCT user_id), sum(data_cost), count(*) FROM events WHERE campaign_id = ? "
            "AND event_type = 'impression'", [campaign_id])
        return int(users), Decimal(cost), int(imps)

    users, cost, imps = figures(with_prebid["campaign_id"])
    plain_users, plain_cost, plain_imps = figures(plain["campaign_id"])
    assert users > 100 and plain_users > 100  # no user restriction: it still reaches the open population
    # the audience's $0.20 CPM is $0.0002 more data cost per impression
    assert cost / imps - plain_cost / plain_imps > Decimal("0.00015")
