"""Reports broken down by audience (`adplane.reports.audience`): every row equals an independent computation from
the raw events, the targeting and the members (an event counts for each included audience of its campaign its
user belongs to); another organization's audiences never appear. Runs on every analytics store (DuckDB,
PostgreSQL, ClickHouse through chDB)."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import timedelta
from typing import Any

import pytest

from adplane.audiences import catalog
from derived_helpers import audience, target
from test_reports import analytics_url, assert_metrics, definition, store  # noqa: F401 (fixtures)
from test_reports_data import DAY0, expected_groups, io_id_of, local_day, make_campaigns, make_events, to_arrow

CHECK = ["impressions", "clicks", "conversions", "spent", "mediaSpent", "dataCost", "CTR", "CVR", "eCPM", "reach",
         "frequency"]
FIRST_DAY, LAST_DAY = DAY0.date().isoformat(), (DAY0 + timedelta(days=2)).date().isoformat()


def _in_period(row: dict[str, Any]) -> bool:
    return FIRST_DAY <= local_day(row) <= LAST_DAY


def _with_users(rows: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """The report rows' events with numeric user keys 1..45 (a few without a user)."""
    rng = random.Random(seed)
    for row in rows:
        row["user_id"] = None if rng.random() < 0.03 else str(rng.randrange(1, 46))
    return rows


@pytest.fixture
def world(client, db, tenant, other_headers, store):  # noqa: F811
    ow, other = tenant["owId"], int(other_headers["X-IAA-OW-ID"])
    campaigns = make_campaigns(db, ow)
    theirs = make_campaigns(db, other, count=2, first_id=10)
    members = {"alpha": list(range(1, 16)), "beta": list(range(10, 26)), "gamma": list(range(30, 41)),
               "unused": list(range(1, 46))}
    ids = {name: audience(db, ow, users, name=f"Audience {name}") for name, users in members.items()}
    foreign = audience(db, other, list(range(1, 46)), name="Their audience")
    prebid = audience(db, ow, [], name="Pre-bid", type_id=catalog.TYPE_PREBID)
    # campaign 1 includes alpha and beta (overlapping at users 10-15) and excludes gamma; campaign 2 includes beta,
    # gamma, a pre-bid audience and (tampered) another organization's audience; campaign 3 includes nothing
    target(db, campaigns[0], whiteListedAudienceIds=f"{ids['alpha']},{ids['beta']}",
           blackListedAudienceIds=str(ids["gamma"]))
    target(db, campaigns[1], whiteListedAudienceIds=[ids["beta"], ids["gamma"], prebid, foreign])
    target(db, theirs[0], whiteListedAudienceIds=str(foreign))
    rows = _with_users(make_events(ow, campaigns, io_id_of(db, ow)), seed=3)
    their_rows = _with_users(make_events(other, theirs, io_id_of(db, other), seed=11), seed=4)
    store.append_events(to_arrow(rows), batch_id="audience-dimension-1")
    store.append_events(to_arrow(their_rows), batch_id="audience-dimension-2")
    included = {campaigns[0]: [ids["alpha"], ids["beta"]], campaigns[1]: [ids["beta"], ids["gamma"]]}
    member_sets = {ids[name]: set(users) for name, users in members.items()}
    return {"ow": ow, "campaigns": campaigns, "ids": ids, "foreign": foreign, "rows": rows, "their_rows": their_rows,
            "included": included, "members": member_sets, "other_campaigns": theirs}


def expanded(world: dict[str, Any]) -> list[dict[str, Any]]:
    """The independent rule: one copy of an event per included audience of its campaign its user is in."""
    out = []
    for index, row in enumerate(world["rows"]):
        for audience_id in world["included"].get(row["campaign_id"], []):
            if row["user_id"] is not None and int(row["user_id"]) in world["members"][audience_id]:
                out.append({**row, "audience_id": audience_id, "row": index})
    return out


def run(client, headers, **overrides: Any) -> dict[str, Any]:  # noqa: ANN001
    response = client.post("/api/v3/ra/report/execute", headers=headers, json=definition(**overrides))
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_rows_equal_an_independent_computation(client, headers, world):
    data = run(client, headers, dimensions=json.dumps([{"filter": "audience"}]), requestType=2,
               columns=["audienceName", *CHECK], noOfEntries=100)
    copies = expanded(world)
    expected = expected_groups(copies, lambda r: r["audience_id"], _in_period)
    ids = world["ids"]
    assert set(expected) == {ids["alpha"], ids["beta"], ids["gamma"]}  # unused is targeted by no campaign
    assert data["totalRecords"] == len(expected) == len(data["data"])
    for row in data["data"]:
        assert row["audienceName"] == f"Audience {next(n for n, i in ids.items() if i == row['audienceId'])}"
        assert_metrics(row, expected[row["audienceId"]], CHECK)
    impressions = [row["impressions"] for row in data["data"]]
    assert impressions == sorted(impressions, reverse=True)
    # the totals row is the sum of the rows: above the campaigns' own totals, since alpha and beta overlap
    everything = expected_groups(copies, lambda r: "all", _in_period)["all"]
    assert_metrics(data["total"], everything, CHECK)
    once = [world["rows"][i] for i in sorted({c["row"] for c in copies})]  # each event in some audience, once
    counted_once = expected_groups(once, lambda r: "all", _in_period)["all"]
    assert data["total"]["impressions"] > counted_once["impressions"]
    assert data["total"]["reach"] == counted_once["reach"]  # distinct users: nobody counted twice


def test_by_campaign_and_day_with_filters_search_and_sort(client, headers, world):
    ids, (first, second, _) = world["ids"], world["campaigns"]
    dims = json.dumps([{"filter": "campaign"}, {"filter": "audience"}])
    daily = run(client, headers, dimensions=dims, requestType=1, noOfEntries=1000,
                columns=["campaignName", "audienceName", *CHECK])
    copies = expanded(world)
    expected = expected_groups(copies, lambda r: (local_day(r), r["campaign_id"], r["audience_id"]), _in_period)
    assert daily["totalRecords"] == len(expected) == len(daily["data"])
    for row in daily["data"]:
        assert_metrics(row, expected[(row["date"], row["campaignId"], row["audienceId"])], CHECK)
    assert {(r["campaignId"], r["audienceId"]) for r in daily["data"]} == {
        (first, ids["alpha"]), (first, ids["beta"]), (second, ids["beta"]), (second, ids["gamma"])}

    # one audience's value, one campaign: the rule narrowed, not changed
    dims = json.dumps([{"filter": "audience", "value": [ids["beta"]]}])
    beta = run(client, headers, dimensions=dims, requestType=2, columns=["audienceName", *CHECK],
               filters={"campaignIds": [second]})
    [row] = beta["data"]
    only = expected_groups(copies, lambda r: (r["campaign_id"], r["audience_id"]), _in_period)[(second, ids["beta"])]
    assert row["audienceId"] == ids["beta"]
    assert_metrics(row, only, CHECK)
    assert_metrics(beta["total"], only, CHECK)

    body = {"dimensions": json.dumps([{"filter": "audience"}]), "requestType": 2, "columns": ["audienceName", *CHECK]}
    searched = run(client, headers, **body, searchField="gamma")
    assert [r["audienceId"] for r in searched["data"]] == [ids["gamma"]] and searched["totalRecords"] == 1
    by_name = run(client, headers, **body, sortBy="-audienceName")
    assert [r["audienceName"] for r in by_name["data"]] == ["Audience gamma", "Audience beta", "Audience alpha"]
    by_reach = run(client, headers, **body, sortBy="+reach")
    assert [r["reach"] for r in by_reach["data"]] == sorted(r["reach"] for r in by_reach["data"])
    nothing = run(client, headers, **body, filters={"campaignIds": [world["campaigns"][2]]})
    assert nothing["data"] == [] and nothing["totalRecords"] == 0 and nothing["total"]["impressions"] == 0


def test_another_organizations_audiences_never_appear(client, headers, other_headers, world):
    body = {"dimensions": json.dumps([{"filter": "audience"}]), "requestType": 2,
            "columns": ["audienceName", *CHECK], "noOfEntries": 100}
    ours = run(client, headers, **body)
    assert world["foreign"] not in {r["audienceId"] for r in ours["data"]}
    # naming their audience in a filter is refused like an unknown id
    refused = client.post("/api/v3/ra/report/execute", headers=headers, json=definition(
        **{**body, "dimensions": json.dumps([{"filter": "audience", "value": [world["foreign"]]}])}))
    assert refused.status_code == 422 and refused.json()["errorObjects"][0]["field"] == "dimensions"
    # theirs: only their own audience, from their own events
    theirs = run(client, other_headers, **body)
    copies = [r for r in world["their_rows"] if r["campaign_id"] == world["other_campaigns"][0]
              and r["user_id"] is not None]
    expected = expected_groups(copies, lambda r: world["foreign"], _in_period)
    assert [r["audienceId"] for r in theirs["data"]] == [world["foreign"]]
    assert theirs["data"][0]["audienceName"] == "Their audience"
    assert_metrics(theirs["data"][0], expected[world["foreign"]], CHECK)


def test_download_has_the_same_rows(client, headers, world):
    body = definition(dimensions=json.dumps([{"filter": "audience"}]), requestType=2,
                      columns=["audienceName", "impressions", "clicks"], sortBy="+audienceId")
    executed = client.post("/api/v3/ra/report/execute", headers=headers, json=body).json()["data"]
    response = client.post("/api/v3/ra/report/download", headers=headers, json={**body, "fileType": 1})
    assert response.status_code == 200, response.text
    url = response.json()["data"]["url"]
    fetched = client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
    lines = list(csv.reader(io.StringIO(fetched.text)))
    assert lines[0] == ["Audience", "Impressions", "Clicks"]
    assert [(line[0], int(line[1]), int(line[2])) for line in lines[1:-1]] == [
        (r["audienceName"], r["impressions"], r["clicks"]) for r in executed["data"]]
    assert lines[-1][0] == "Total" and int(lines[-1][1]) == executed["total"]["impressions"]


def test_catalogue_lists_the_audience_dimension(client, headers):
    data = client.get("/api/v3/ra/report/dimension-metrics/detail", headers=headers).json()["data"]
    dimensions = {d["key"]: d for group in data["dimensions"] for entries in group.values() for d in entries}
    assert dimensions["audience"]["id"] == 60 and dimensions["audience"]["label"] == "Audience"
    assert dimensions["audience"]["isCustomerDependent"] is True
