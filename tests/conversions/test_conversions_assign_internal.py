"""POST /api/v3/internal/cmp/conversion/assign-to/campaign: the Campaign API's variant of assigning conversions
(`conversionIds`, `owId`, `conversionTypeId`), on the guide's rules; IQM's shape; isolation."""

from __future__ import annotations

from adplane.campaigns.models import Campaign
from test_conversions_api import add_pixel, add_postback
from test_events_ingest import make_campaign
from types_contract import checked

PATH = "/api/v3/internal/cmp/conversion/assign-to/campaign"


def _links(db, campaign_id: int) -> str | None:  # noqa: ANN001
    with db.session() as session:
        return (session.get(Campaign, campaign_id).extra or {}).get("conversionIds")


def test_assign_and_remove_as_the_campaign_api(client, db, tenant, headers, other_headers):
    pixel, postback = add_pixel(client, headers), add_postback(client, headers)
    pending = make_campaign(db, tenant["owId"], status="pending")["campaign_id"]
    draft = make_campaign(db, tenant["owId"], status="draft")["campaign_id"]
    running = make_campaign(db, tenant["owId"], status="running")["campaign_id"]
    foreign = make_campaign(db, int(other_headers["X-IAA-OW-ID"]), status="pending")["campaign_id"]
    body = {"conversionIds": [pixel["id"]], "addCampaignsList": [pending, draft, running, foreign, 999_999],
            "removeCampaignsList": [], "owId": tenant["owId"], "conversionTypeId": 1}
    added = checked(client, "POST", PATH, headers=headers, json=body)["data"]
    assert added == {"conversionIdsList": [pixel["id"]], "validAddCampaignIdsList": [pending, draft],
                     "invalidAddCampaignIdsList": [running, foreign, 999_999],
                     "validRemoveCampaignIdsList": [], "invalidRemoveCampaignIdsList": []}
    assert _links(db, pending) == _links(db, draft) == str(pixel["id"])
    assert _links(db, foreign) is None and _links(db, running) is None
    # both kinds at once (no type given), then removal; the guide's route sees the same links
    both = checked(client, "POST", PATH, headers=headers, json={
        "conversionIds": [pixel["id"], postback["id"]], "addCampaignsList": [pending],
        "removeCampaignsList": [draft, foreign]})["data"]
    assert both["conversionIdsList"] == [pixel["id"], postback["id"]]
    assert both["validRemoveCampaignIdsList"] == [draft] and both["invalidRemoveCampaignIdsList"] == [foreign]
    assert _links(db, pending) == f"{pixel['id']},{postback['id']}" and _links(db, draft) == ""
    attached = client.get(f"/api/v3/conversion/attached/campaigns/list?conversionId={postback['id']}",
                          headers=headers).json()
    assert [c["campaignId"] for c in attached["data"]] == [pending]


def test_refusals_change_nothing(client, db, tenant, headers, other_headers):
    pixel, postback = add_pixel(client, headers), add_postback(client, headers)
    pending = make_campaign(db, tenant["owId"], status="pending")["campaign_id"]
    theirs = add_pixel(client, other_headers)

    def refused(body: dict, status: int, field: str | None) -> None:
        answer = client.post(PATH, headers=headers, json={"addCampaignsList": [pending], **body})
        assert answer.status_code == status, (body, answer.text)
        assert answer.json()["success"] is False
        if field is not None:
            assert answer.json()["errorObjects"][0]["field"] == field, body

    refused({"conversionIds": [pixel["id"]], "owId": int(other_headers["X-IAA-OW-ID"])}, 403, "owId")
    refused({"conversionIds": [pixel["id"], postback["id"]], "conversionTypeId": 1}, 422, "conversionIds")
    refused({"conversionIds": [theirs["id"]]}, 404, "conversionIds")  # another organization's: unknown
    refused({"conversionIds": []}, 422, "conversionIds")
    refused({}, 422, "conversionIds")
    refused({"conversionIds": [pixel["id"]], "conversionTypeId": 3}, 422, "conversionTypeId")
    refused({"conversionIds": ["x"]}, 422, "conversionIds.0")
    assert _links(db, pending) is None
    assert client.post(PATH, json={"conversionIds": [pixel["id"]]}).status_code == 401
    # the other organization cannot attach to our campaign through this route either
    result = client.post(PATH, headers=other_headers, json={"conversionIds": [theirs["id"]],
                                                            "addCampaignsList": [pending]}).json()["data"]
    assert result["invalidAddCampaignIdsList"] == [pending] and _links(db, pending) is None
