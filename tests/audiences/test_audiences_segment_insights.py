"""GET /api/v3/audience/segment/audience-insights/{audienceId}: a segmented audience's insights from the members
its equation built, the organization's served events and the identity store, against an independent computation;
IQM's shape (grouped absolute values, vertical); other kinds, unready audiences and other organizations refused."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from adplane.audiences import catalog
from adplane.audiences.segments import build_pending
from adplane.master import catalog as master
from audience_helpers import seed, users_with
from derived_helpers import append, audience, events, members
from test_audiences_insights import modal
from test_events_ingest import make_campaign
from types_contract import checked

PATH = "/api/v3/audience/segment/audience-insights/{}"


def _widgets(data: dict) -> dict[str, dict]:
    return {w["title"]: w for w in data["widgets"]}


def _number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture
def built(client, app, db, tenant, headers, other_headers):
    """A segmented audience (Sports Bar Visitors: about 7,500 members) built by its job, events for 150 of its
    members and 50 other users, another organization's events for the same members, identities for 40 members."""
    created = client.post("/api/v3/audience/segment/add", headers=headers,
                          json={"equation": "(5776004)", "name": "Sports bars"})
    assert created.status_code == 200, created.text
    audience_id = created.json()["data"]["id"]
    refused = client.get(PATH.format(audience_id), headers=headers)  # still processing
    assert refused.status_code == 422 and refused.json()["errorObjects"][0]["field"] == "audienceId"
    assert build_pending(app.state.db, app.state.settings) == 1
    everyone = members(db, audience_id)
    assert 6000 < len(everyone) < 9000
    served = everyone[::50][:150]
    outsiders = [u for u in range(1, 400) if u not in set(everyone)][:50]
    rng = random.Random(5)
    ow = tenant["owId"]
    rows = events(make_campaign(db, ow), rng, served + outsiders, 2500, types=("impression", "click"))
    rows += events(make_campaign(db, int(other_headers["X-IAA-OW-ID"])), rng, served, 800)
    append(app, rows, "segment-insights")
    seed(db, served[:40])
    return {"id": audience_id, "ow": ow, "rows": rows, "members": everyone, "served": served}


def test_insights_match_an_independent_computation(client, headers, built):
    data = checked(client, "GET", PATH.format(built["id"]), headers=headers)["data"]
    assert data["audienceId"] == str(built["id"]) and data["audienceName"] == "Sports bars"
    assert (data["verticalId"], data["vertical"]) == ("8", "other")  # ShareThis serves every vertical
    widgets = _widgets(data)
    total = len(built["members"])
    summary = {r["key"]: r["value"] for r in widgets["Audience Summary"]["data"]}
    assert summary == {"Total People": total,
                       "Total Emails": len(users_with(catalog.KIND_EMAIL, built["served"][:40])),
                       "Total Phones": len(users_with(catalog.KIND_PHONE, built["served"][:40])),
                       "Total Devices": len(users_with(catalog.KIND_DEVICE, built["served"][:40]))}
    for title, column, names in (("state", "state_id", master.STATES_BY_ID),
                                 ("deviceType", "device_type_id", master.DEVICE_TYPES_BY_ID),
                                 ("gender", "gender_id", master.GENDERS_BY_ID),
                                 ("age", "age_range_id", master.AGE_RANGES_BY_ID)):
        values = modal(built["rows"], built["ow"], column)  # this organization's events only
        expected = pd.Series([names[values[u]].name for u in built["served"]]).value_counts().to_dict()
        expected["Unknown"] = total - len(built["served"])  # members never served
        got = {r[title]: _number(r["audienceValue(Absolute)"]) for r in widgets[title]["data"]}
        assert got == expected, title
        population = pd.Series(list(values.values())).value_counts(normalize=True)
        for row in widgets[title]["data"]:
            assert row["audienceValue(%)"] == round(got[row[title]] * 100 / total, 2)
            if row[title] == "Unknown":
                assert row["nationalAvg(%)"] == -1 and row["delta"] == -1
            else:
                value_id = next(i for i, item in names.items() if item.name == row[title] and i in population.index)
                assert row["nationalAvg(%)"] == round(population[value_id] * 100, 2)
    unknown = next(r for r in widgets["state"]["data"] if r["state"] == "Unknown")["audienceValue(Absolute)"]
    assert unknown == f"{total - 150:,}" and "," in unknown  # IQM's "10,161,882"


def test_other_kinds_other_organizations_and_bad_ids(client, db, headers, other_headers, built):
    matched = audience(db, built["ow"], [1, 2, 3], name="matched")
    wrong = client.get(PATH.format(matched), headers=headers)
    assert wrong.status_code == 422 and wrong.json()["errorObjects"][0]["field"] == "audienceId"
    assert client.get(PATH.format(built["id"]), headers=other_headers).status_code == 404
    assert client.get(PATH.format(999_999), headers=headers).status_code == 404
    assert client.get(PATH.format("x"), headers=headers).status_code == 404
    assert client.get(PATH.format(built["id"])).status_code == 401


def test_vertical_follows_the_segments(client, app, headers):
    """i360's segments serve political campaigns only; Healthlink Dimensions' healthcare."""
    from adplane.audiences.segments import load_catalogue

    catalogue = load_catalogue()
    leaf = {p: next(s.id for s in catalogue.segments.values() if s.provider_id == p and s.leaf and s.reach)
            for p in (293, 301)}
    ids = {}
    for provider, segment_id in leaf.items():
        made = client.post("/api/v3/audience/segment/add", headers=headers,
                           json={"equation": f"({segment_id})", "name": f"p{provider}"})
        assert made.status_code == 200, made.text
        ids[provider] = made.json()["data"]["id"]
    build_pending(app.state.db, app.state.settings)
    got = {p: client.get(PATH.format(i), headers=headers).json()["data"] for p, i in ids.items()}
    assert {p: (d["verticalId"], d["vertical"]) for p, d in got.items()} == {
        293: ("1", "Political"), 301: ("2", "Healthcare")}
