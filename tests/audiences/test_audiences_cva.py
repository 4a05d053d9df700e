"""Custom voter audiences: states, the voter segment catalogue, IQM's reach/insights samples, audiences built
by the job with members checked against set algebra of their segments, and isolation."""

from __future__ import annotations

from sqlalchemy import select

from adplane.audiences import catalog, cva
from adplane.audiences.models import AudienceMember
from adplane.audiences.segments import build_pending

SAMPLE_QUERY = {"equation": "((IQMCVACA069112))", "state_ids": ["30200005"]}  # IQM's get-reach/insights sample
SAMPLE_CREATE = {"audienceName": "sampleAudienceName1", "equation": "(iqm1234&iqm3456)|(iqm21345|!iqm45675)",
                 "reach": 1234566, "audienceSize": 24.57, "stateIds": [123, 456]}
CA = 30200005
NY = next(s.id for s in cva.load_catalogue().states if s.abbreviation == "NY")


def _members(db, audience_id: int) -> set[int]:
    with db.session() as session:
        return set(session.scalars(select(AudienceMember.user_id).where(AudienceMember.audience_id == audience_id)))


def test_states_and_segments(client, headers):
    states = client.get("/api/v3/audience/cva/states", headers=headers).json()["data"]
    assert states["totalRecords"] == 51 and {"id": CA, "name": "California", "abbreviation": "CA"}.items() <= \
        next(s for s in states["statesList"] if s["id"] == CA).items()
    roots = client.post("/api/v3/audience/cva/segments", headers=headers).json()["data"]
    assert roots["totalRecords"] == 51 and all(r["parentSegmentId"] == 0 for r in roots["cvaFilterData"])
    california = client.post(f"/api/v3/audience/cva/segments?stateIds={CA}", headers=headers).json()["data"]
    [root] = california["cvaFilterData"]
    assert root["segmentName"] == "California" and [c["segmentName"] for c in root["childSegments"]] == [
        "Party", "Age", "Gender", "Urbanicity", "Ethnicity", "Voting History"]
    assert sum(c["reach"] for c in root["childSegments"]) == 6 * root["reach"]
    party = root["childSegments"][0]["segmentId"]
    leaves = client.post(f"/api/v3/audience/cva/segments?parentSegmentId={party}", headers=headers).json()["data"]
    values = {x["taxonomyId"]: x for x in leaves["cvaFilterData"]}
    assert values["IQMCVACA069112"]["pathKey"] == "CA > PARTY > Democrat"
    assert abs(sum(x["reach"] for x in values.values()) - root["reach"]) <= 3  # rounding of the scale
    found = client.post("/api/v3/audience/cva/segments", headers=headers,
                        json={"searchField": "republican", "stateIds": [CA, NY]}).json()["data"]["cvaFilterData"]
    assert {x["pathKey"] for x in found} == {"CA > PARTY > Republican", "NY > PARTY > Republican"}
    by_tax = client.post("/api/v3/audience/cva/segments?taxonomyIds=IQMCVACA069112,nope", headers=headers).json()
    assert [x["taxonomyId"] for x in by_tax["data"]["cvaFilterData"]] == ["IQMCVACA069112"]
    strict = client.post("/api/v3/audience/cva/segments?taxonomyIds=nope&validateTaxonomyIds=true", headers=headers)
    assert strict.status_code == 422 and strict.json()["errorObjects"][0]["field"] == "taxonomyIds"
    bad = client.post("/api/v3/audience/cva/segments?stateIds=1", headers=headers)
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "stateIds"
    assert client.get("/api/v3/audience/cva/states").status_code == 401


def test_reach_and_insights_samples(client, headers):
    reach = client.post("/api/v3/cva/get-reach", headers=headers, json=SAMPLE_QUERY)
    assert reach.status_code == 200, reach.text
    data = reach.json()["data"]
    democrats = data["map_metrics"][str(CA)]
    assert democrats["Republican"] == 0 and democrats["Other"] == 0
    assert democrats["Democrat"] == data["segment_num_voters"] < data["total_num_voters"]
    expected = round(len(cva.members("((IQMCVACA069112))", [CA])) * cva.VOTERS_PER_USER)
    assert data["segment_num_voters"] == expected
    insights = client.post("/api/v3/cva/get-insights", headers=headers, json=SAMPLE_QUERY).json()["data"]
    assert insights["segment_num_voters"] == expected
    assert insights["insights"]["party_registration"]["Democrat"] == expected
    for name in ("gender", "urbanicity", "age", "ethnicity"):
        assert abs(sum(insights["insights"][name].values()) - expected) <= 10, name
    for body, field in (({"equation": "((nope))", "state_ids": [CA]}, "equation"),
                        ({"equation": "((IQMCVACA069112))", "state_ids": ["x"]}, "stateIds"),
                        ({"equation": "((IQMCVACA069112))", "state_ids": [1]}, "stateIds"),
                        ({"equation": "", "state_ids": [CA]}, "equation")):
        answer = client.post("/api/v3/cva/get-reach", headers=headers, json=body)
        assert answer.status_code == 422 and answer.json()["errorObjects"][0]["field"] == field, body


def test_create_build_and_isolation(client, app, db, headers, other_headers):
    sample = client.post("/api/v3/audience/cva", headers=headers, json=SAMPLE_CREATE)  # placeholder ids: refused
    assert sample.status_code == 422 and sample.json()["errorObjects"][0]["field"] == "equation"
    equation = "(IQMCVACA069112&!IQMCVACA074004)|(IQMCVANY069113)"
    made = client.post("/api/v3/audience/cva", headers=headers, json={
        "audienceName": "CA non-voting Dems, NY Reps", "equation": equation, "reach": 1, "audienceSize": 1,
        "stateIds": [CA, NY]})
    assert made.status_code == 200, made.text
    audience_id = made.json()["data"]["id"]
    assert client.get(f"/api/v3/audience/cva/{audience_id}", headers=headers).json()["data"][
        "audienceStatusId"] == catalog.STATUS_PROCESSING
    assert build_pending(app.state.db, app.state.settings) == 1
    details = client.get(f"/api/v3/audience/cva/{audience_id}", headers=headers).json()["data"]
    dems = set(cva.members("(IQMCVACA069112)", [CA]).tolist())
    voted = set(cva.members("(IQMCVACA074004)", [CA]).tolist())
    reps = set(cva.members("(IQMCVANY069113)", [NY]).tolist())
    expected = (dems - voted) | reps
    assert reps and dems & reps == set() and voted & dems and voted - dems  # each set: voters of one state
    assert _members(db, audience_id) == expected and details["reach"] == len(expected)
    assert details["audienceStatusId"] == catalog.STATUS_READY and details["cpm"] == 1.5
    assert details["stateIds"] == [CA, NY] and details["equation"] == equation
    assert {s["taxonomyId"] for s in details["segmentList"]} == {"IQMCVACA069112", "IQMCVACA074004", "IQMCVANY069113"}
    listed = client.post("/api/v3/audience/list", headers=headers, json={"audienceTypeIds": [10]}).json()["data"]
    assert [a["audienceId"] for a in listed["audienceList"]] == [audience_id]
    other = client.get(f"/api/v3/audience/cva/{audience_id}", headers=other_headers)
    assert other.status_code == 404
    assert client.post("/api/v3/audience/list", headers=other_headers, json={}).json()["data"]["audienceList"] == []
    assert client.get("/api/v3/audience/cva/abc", headers=headers).status_code == 404
    segmented = client.post("/api/v3/audience/segmented", headers=headers,
                            json={"equation": "(5776004)", "audienceName": "s"}).json()["data"]["audienceId"]
    assert client.get(f"/api/v3/audience/cva/{segmented}", headers=headers).status_code == 422
