"""IQM's v2 audience lists, the matched-audience v2 edit and fields, campaigns' audience history, data partners,
regeneration and campaign-side audience targeting: real filters, real rules, isolation on each."""

from __future__ import annotations

from adplane.audiences import catalog
from adplane.audiences.models import Audience
from adplane.campaigns.models import Campaign
from audience_helpers import create_ready, download, seed, users_with
from derived_helpers import audience, members, target
from test_events_ingest import make_campaign


def test_v2_lists_counts_and_isolation(client, db, headers, other_headers, tenant):
    ow = tenant["owId"]
    a = audience(db, ow, [1, 2, 3], name="Alpha voters", cost="1.5")
    b = audience(db, ow, [4], name="Beta", type_id=catalog.TYPE_LOOKALIKE, status=catalog.STATUS_PROCESSING)
    c = audience(db, ow, [5, 6], name="Gamma", type_id=catalog.TYPE_CAMPAIGN)
    audience(db, int(other_headers["X-IAA-OW-ID"]), [7], name="Alpha theirs")
    campaign = make_campaign(db, ow)
    target(db, campaign["campaign_id"], whiteListedAudienceIds=f"{a}", blackListedAudienceIds=[c])

    counts = client.get("/api/v2/audience/typeWiseCount", headers=headers).json()["responseObject"]
    assert {r["audienceTypeId"]: r["audienceCount"] for r in counts if r["audienceCount"]} == {1: 1, 6: 1, 7: 1}
    assert len(counts) == len(catalog.AUDIENCE_TYPES)
    ready_only = client.get("/api/v2/audience/typeWiseCount?status=3&searchField=a", headers=headers)
    assert {r["audienceTypeId"]: r["audienceCount"] for r in ready_only.json()["responseObject"]
            if r["audienceCount"]} == {1: 1, 7: 1}

    plain = client.get("/api/v2/audience/list?searchField=alpha", headers=headers).json()["responseObject"]
    assert [(r["id"], r["audienceType"], r["statusDisplayName"], r["dataCost"], r["uniques"]) for r in plain] == [
        (a, "Matched Audience", "Ready", 1.5, 3)]
    assert client.get("/api/v2/audience/list?audienceTypeIds=6,7", headers=headers).json()["responseObject"][0][
        "id"] in (b, c)
    assert client.get(f"/api/v2/audience/list?owIds={other_headers['X-IAA-OW-ID']}",
                      headers=headers).json()["responseObject"] == []

    detailed = client.get("/api/v2/audience/detailed/list?sortBy=-uniques&pageSize=2&pageNo=1", headers=headers)
    body = detailed.json()["responseObject"]
    assert body["totalRecords"] == 3 and body["filteredRecords"] == 3
    assert [r["id"] for r in body["data"]] == [a, c]
    first = body["data"][0]
    assert first["includedCampaignList"] == [campaign["campaign_id"]] and first["runningCampaignCount"] == 1
    assert body["data"][1]["excludedCampaignList"] == [campaign["campaign_id"]]
    page2 = client.get("/api/v2/audience/detailed/list?sortBy=uniques&sortType=desc&noOfEntries=2&pageNo=2",
                       headers=headers).json()["responseObject"]
    assert [r["id"] for r in page2["data"]] == [b]
    assert client.get("/api/v2/audience/detailed/list?sortBy=bogus", headers=headers).status_code == 422
    other = client.get("/api/v2/audience/detailed/list", headers=other_headers).json()["responseObject"]
    assert [r["audienceName"] for r in other["data"]] == ["Alpha theirs"]


def test_matched_v2_fields_and_update(client, app, db, headers, other_headers, settings):
    seed(db)
    mine = create_ready(client, app, headers, users_with(catalog.KIND_EMAIL)[:3], name="Mine")
    fields = client.get("/api/v2/audience/matched/fields", headers=headers).json()["responseObject"]
    assert fields["voterIDColumns"] == [{"id": 1, "name": "Voter ID", "l2Name": "Voters_ID"}]
    assert {"id": 2, "name": "Email", "l2Name": "Email"} in fields["mandatoryColumns"]
    example = {"audienceName": "Sample audience name", "rawS3URL": "s3://sample.url.come"}
    refused = client.patch(f"/api/v2/audience/matched/update/{mine}", headers=headers, json=example)
    assert refused.status_code == 422 and refused.json()["errorObjects"][0]["field"] == "rawS3URL", refused.text
    renamed = client.patch(f"/api/v2/audience/matched/update/{mine}", headers=headers,
                           json={"audienceName": "Renamed", "rawS3URL": ""})
    assert renamed.json()["responseObject"] == {"id": mine, "message": "Your changes have been saved successfully"}
    # a link to another uploaded file of ours matches the audience again against that file
    second = create_ready(client, app, headers, users_with(catalog.KIND_EMAIL)[10:15], name="Second")
    link = client.get(f"/api/v3/audience/matched/{second}/file-url", headers=headers).json()["data"][
        "matchedAudienceFileUrl"]
    assert "," not in download(client, link).splitlines()[0]
    moved = client.patch(f"/api/v2/audience/matched/update/{mine}", headers=headers,
                         json={"audienceName": "Renamed", "rawS3URL": link})
    assert moved.status_code == 200, moved.text
    from audience_helpers import match_all

    match_all(app)
    assert members(db, mine) == members(db, second)
    # another organization cannot use our link, nor edit our audience
    assert client.patch(f"/api/v2/audience/matched/update/{mine}", headers=other_headers,
                        json=example).status_code == 404
    theirs = audience(db, int(other_headers["X-IAA-OW-ID"]), [1, 2], name="Theirs")
    stolen = client.patch(f"/api/v2/audience/matched/update/{theirs}", headers=other_headers,
                          json={"audienceName": "x", "rawS3URL": link})
    assert stolen.status_code == 422 and stolen.json()["errorObjects"][0]["field"] == "rawS3URL"


def test_history_partner_and_regenerate(client, db, headers, other_headers, tenant):
    ow = tenant["owId"]
    matched = audience(db, ow, [1], name="MA-1 voter id")
    geo = audience(db, ow, [2], name="Geo", type_id=catalog.TYPE_GEOFARMED)
    sub = audience(db, ow, [3], name="Sub")
    with db.session() as session:
        session.get(Audience, sub).subtype_id = 3
        session.commit()
    one, two = make_campaign(db, ow), make_campaign(db, ow)
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]))
    target(db, one["campaign_id"], whiteListedAudienceIds=f"{matched},{geo}")
    target(db, two["campaign_id"], blackListedAudienceIds=f"{matched},{sub}")
    example = {"campaignId": [540050], "subTypeIds": [], "historicalData": False, "typeIds": [], "noOfEntries": 2,
               "pageNo": 1}
    missing = client.post("/api/v3/audience/campaigns/audience-history", headers=headers, json=example)
    assert missing.status_code == 404 and missing.json()["errorObjects"][0]["field"] == "campaignId"
    body = {**example, "campaignId": [one["campaign_id"], two["campaign_id"]]}
    history = client.post("/api/v3/audience/campaigns/audience-history", headers=headers, json=body).json()["data"]
    assert history["totalRecords"] == 3 and history["filteredRecords"] == 3
    assert history["audienceDetails"][0] == {"id": matched, "campaignIds": sorted([one["campaign_id"],
                                                                                  two["campaign_id"]]),
                                             "name": "MA-1 voter id", "audienceSubTypeId": None, "typeId": 1}
    assert len(history["audienceDetails"]) == 2
    filtered = client.post("/api/v3/audience/campaigns/audience-history", headers=headers,
                           json={**body, "typeIds": [1], "subTypeIds": [3]}).json()["data"]
    assert [a["id"] for a in filtered["audienceDetails"]] == [sub]
    assert client.post("/api/v3/audience/campaigns/audience-history", headers=headers,
                       json={**body, "campaignId": [foreign["campaign_id"]]}).status_code == 404

    attach = client.post("/api/v3/audience/attach-data-partner", headers=headers,
                         json={"audienceId": geo, "dataPartnerId": 7})
    assert attach.json()["data"] == {"message": "Data partner attached successfully."}
    with db.session() as session:
        assert float(session.get(Audience, geo).data_cost) == 10.0
    for json, status in (({"audienceId": matched, "dataPartnerId": 7}, 422), ({"audienceId": geo,
                                                                             "dataPartnerId": 99}, 422),
                         ({"audienceId": 124, "dataPartnerId": 7}, 404)):
        assert client.post("/api/v3/audience/attach-data-partner", headers=headers, json=json).status_code == status
    assert client.post("/api/v3/audience/attach-data-partner", headers=other_headers,
                       json={"audienceId": geo, "dataPartnerId": 7}).status_code == 404
    # a geofarmed audience has no job here to re-run; a matched one without an upload neither
    assert client.patch(f"/api/v3/audience/{geo}/regenerate", headers=headers).status_code == 422
    assert client.patch(f"/api/v3/audience/{matched}/regenerate", headers=headers).status_code == 422
    assert client.patch("/api/v3/audience/x/regenerate", headers=headers).status_code == 404


def test_campaign_audience_targeting(client, db, headers, other_headers, tenant):
    ow = tenant["owId"]
    a, b = audience(db, ow, [1]), audience(db, ow, [2])
    look = audience(db, ow, [3], type_id=catalog.TYPE_LOOKALIKE)
    rejected = audience(db, ow, [4], status=catalog.STATUS_REJECTED)
    theirs = audience(db, int(other_headers["X-IAA-OW-ID"]), [5])
    one, two = make_campaign(db, ow), make_campaign(db, ow)
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]))
    target(db, one["campaign_id"], whiteListedAudienceIds=f"{a}")
    # IQM's published example is not valid JSON: a clear 422, nothing changed
    raw = ('{    "477717": {        "includedAudienceList": [            1064656,            1060603        ],'
           '        "excludedAudienceList": [            1064000,            1060111        ],'
           '        "removedAudienceList": [[            1064222,            1060333        ],}')
    bad = client.post("/api/v3/cmp/target/audience", headers={**headers, "Content-Type": "application/json"},
                      content=raw)
    assert bad.status_code == 422
    body = {str(one["campaign_id"]): {"includedAudienceList": [b, look], "excludedAudienceList": [],
                                      "removedAudienceList": [a]},
            str(two["campaign_id"]): {"includedAudienceList": [a], "excludedAudienceList": [b]}}
    saved = client.post("/api/v3/cmp/target/audience", headers=headers, json=body).json()
    assert saved == {"success": True, "data": {"message": "Your changes have been successfully saved."}}
    with db.session() as session:
        assert session.get(Campaign, one["campaign_id"]).extra["whiteListedAudienceIds"] == f"{b},{look}"
        assert session.get(Campaign, two["campaign_id"]).extra["blackListedAudienceIds"] == f"{b}"
    by_type = client.post("/api/v3/cmp/audience/targeting", headers=headers,
                          json={"campaignIds": [one["campaign_id"], two["campaign_id"]]}).json()["data"]
    assert by_type == {str(one["campaign_id"]): [{"audienceTypeId": 1, "audienceIds": [b]},
                                                 {"audienceTypeId": 6, "audienceIds": [look]}],
                       str(two["campaign_id"]): [{"audienceTypeId": 1, "audienceIds": sorted([a, b])}]}
    # partial: a campaign whose result breaks the audience rule keeps its targeting, the other is saved
    partial = client.post("/api/v3/cmp/target/audience", headers=headers, json={
        str(one["campaign_id"]): {"includedAudienceList": [rejected]},
        str(two["campaign_id"]): {"removedAudienceList": [b]}}).json()
    assert partial["success"] is False and list(partial["data"]["failedCampaigns"]) == [str(one["campaign_id"])]
    with db.session() as session:
        assert session.get(Campaign, one["campaign_id"]).extra["whiteListedAudienceIds"] == f"{b},{look}"
        assert session.get(Campaign, two["campaign_id"]).extra["blackListedAudienceIds"] == ""
    # another organization's audience in a list: that campaign fails (404 like unknown), nothing leaks
    leak = client.post("/api/v3/cmp/target/audience", headers=headers,
                       json={str(two["campaign_id"]): {"includedAudienceList": [theirs]}}).json()
    assert leak["success"] is False, leak
    assert leak["data"]["failedCampaigns"] == {str(two["campaign_id"]): f"Audience not found: {theirs}."}
    # campaigns of another organization: 404 for the whole request
    for path, json in (("/api/v3/cmp/target/audience", {str(foreign["campaign_id"]): {"includedAudienceList": [a]}}),
                       ("/api/v3/cmp/audience/targeting", {"campaignIds": [foreign["campaign_id"]]})):
        answer = client.post(path, headers=headers, json=json)
        assert answer.status_code == 404, answer.text
    assert client.post("/api/v3/cmp/audience/targeting", headers=headers,
                       json={"campaignIds": [5224, 503]}).status_code == 404  # IQM's example ids are not ours
    with db.session() as session:
        session.get(Campaign, two["campaign_id"]).campaign_type_id = 2
        session.commit()
    pg = client.post("/api/v3/cmp/target/audience", headers=headers,
                     json={str(two["campaign_id"]): {"includedAudienceList": [a]}})
    assert pg.status_code == 422 and "PG campaigns" in pg.json()["errorObjects"][0]["error"]
