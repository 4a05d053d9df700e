"""Conversion API: IQM's example requests as-is, lists, campaign links, bad input and isolation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adplane.campaigns.models import Campaign
from adplane.conversions.models import Conversion
from test_events_ingest import make_campaign

# IQM's request samples (Conversion API guide and quickstart), unchanged.
PIXEL_EXAMPLE = {
    "name": "PixelConversion",
    "attributionId": "1",
    "customFields": ["field_1", "field_2", "field_3"],
    "financialMetrics": "field_4",
    "piggybackData": {"url": "http://piggybackdata.com/url", "type": 1},
    "conversionSetting": {
        "conversionDuration": {"view": 10, "click": 10},
        "repeatConversion": {"count": 1, "frequency": 1, "unit": "Day"},
        "crossModelling": True,
    },
}
POSTBACK_EXAMPLE = {
    "name": "testing postback",
    "partnerTypeId": "1",
    "impressionUrl": "https://imp.control.kochava.com/track/impression?campaign_id=kodragons-blade-1svu3szpd4b2be3253705"
                     "&network_id=3603",
    "clickUrl": "https://control.kochava.com/v1/cpi/click?campaign_id?campaign_id=kodragons-blade-1svu3szpd4b2be3253705"
                "&network_id=3603",
}
CUSTOM_FIELDS_EXAMPLE = {"customerIds": [123, 234, 345], "pageNo": 1, "noOfEntries": 30, "sortBy": "+id",
                         "searchField": "Pixel"}


def add_pixel(client, headers: dict, **overrides: Any) -> dict:
    response = client.post("/api/v3/conversion/pixel/add", headers=headers, json={**PIXEL_EXAMPLE, **overrides})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def add_postback(client, headers: dict, **overrides: Any) -> dict:
    response = client.post("/api/v3/conversion/postback/add", headers=headers,
                           json={**POSTBACK_EXAMPLE, **overrides})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def attach(db, campaign_id: int, conversion_ids: str) -> None:
    with db.session() as session:
        campaign = session.get(Campaign, campaign_id)
        campaign.extra = {**(campaign.extra or {}), "conversionIds": conversion_ids}
        session.commit()


def test_pixel_example_creates_a_pending_pixel_with_its_settings(client, headers, tenant):
    saved = add_pixel(client, headers)
    assert saved["name"] == "PixelConversion" and saved["status"] == "Pending" and saved["type"] == "Pixel"
    assert saved["owId"] == tenant["owId"] and len(saved["uuid"]) == 32
    assert saved["totalConversions"] == 0 and saved["attributedConversions"] == 0
    assert saved["pixelFinancialMetric"] == "field_4"
    assert f"/i/pixel/{saved['uuid']}?cv={{CONVERSION_VALUE}}" in saved["pixelConversionScript"]
    details = client.get(f"/api/v3/conversion/{saved['id']}", headers=headers).json()["data"]
    assert details["typeId"] == 1 and details["statusId"] == 2 and details["attributionId"] == 1
    assert details["customFields"] == ["field_1", "field_2", "field_3"]
    assert details["financialMetrics"] == "field_4"
    assert details["piggybackData"] == {"url": "http://piggybackdata.com/url", "type": 1}
    assert details["conversionSetting"] == PIXEL_EXAMPLE["conversionSetting"]
    assert details["created"] == saved["created"] and details["created"] > 10**12  # milliseconds
    assert client.get(f"/api/v3/conversion/{saved['id']}?typeId=2", headers=headers).status_code == 404
    assert client.get(f"/api/v3/conversion/{saved['id']}?typeId=1", headers=headers).status_code == 200


def test_postback_example_creates_an_active_postback_with_a_signed_url(client, headers):
    saved = add_postback(client, headers)
    assert saved["status"] == "Active" and saved["type"] == "Postback" and saved["partnerName"] == "Kochava"
    assert saved["postbackPartnerLogoURL"].endswith("kochava.com")
    details = client.get(f"/api/v3/conversion/{saved['id']}", headers=headers).json()["data"]
    assert details["typeId"] == 2 and details["partnerTypeId"] == 1
    assert details["impressionUrl"] == POSTBACK_EXAMPLE["impressionUrl"]
    assert details["clickUrl"] == POSTBACK_EXAMPLE["clickUrl"]
    assert f"/i/postback/{saved['uuid']}?token=" in details["postbackUrl"]
    assert "customFields" not in details and "conversionSetting" not in details


def test_update_examples_rename_and_change_the_piggyback(client, headers):
    pixel = add_pixel(client, headers)
    postback = add_postback(client, headers)
    body = {"id": str(pixel["id"]), "name": "Pixel Conversion Update testing",
            "piggybackData": {"url": "update piggybackData", "type": "1"}}
    response = client.patch("/api/v3/conversion/pixel/update", headers=headers, json=body)
    assert response.json() == {"success": True, "data": {
        "id": pixel["id"], "name": "Pixel Conversion Update testing",
        "piggybackData": {"url": "update piggybackData", "type": 1}}}
    response = client.patch("/api/v3/conversion/postback/update", headers=headers,
                            json={"id": str(postback["id"]), "name": "Postback Conversion Update testing"})
    assert response.json()["data"] == {"id": postback["id"], "name": "Postback Conversion Update testing"}
    # a pixel is not renamed through the postback route, nor the reverse
    wrong = client.patch("/api/v3/conversion/postback/update", headers=headers,
                         json={"id": pixel["id"], "name": "x"})
    assert wrong.status_code == 422 and wrong.json()["errorObjects"][0]["field"] == "id"
    details = client.get(f"/api/v3/conversion/{pixel['id']}", headers=headers).json()["data"]
    assert details["name"] == "Pixel Conversion Update testing"


def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, headers, db):
    cases = [
        ({**PIXEL_EXAMPLE, "name": "  "}, "name"),
        ({**PIXEL_EXAMPLE, "conversionSetting": {**PIXEL_EXAMPLE["conversionSetting"],
                                                 "conversionDuration": {"view": 31, "click": 10}}},
         "conversionSetting.conversionDuration.view"),
        ({**PIXEL_EXAMPLE, "conversionSetting": {**PIXEL_EXAMPLE["conversionSetting"],
                                                 "conversionDuration": {"view": 10, "click": 6}}},
         "conversionSetting.conversionDuration.click"),
        ({**PIXEL_EXAMPLE, "conversionSetting": {**PIXEL_EXAMPLE["conversionSetting"],
                                                 "repeatConversion": {"count": 1, "frequency": 1,
                                                                      "unit": "Fortnight"}}},
         "conversionSetting.repeatConversion.unit"),
        ({**PIXEL_EXAMPLE, "customFields": ["ok", "has space"]}, "customFields.1"),
        ({**PIXEL_EXAMPLE, "customFields": ["cv"]}, "customFields.0"),
        ({**PIXEL_EXAMPLE, "customFields": ["a", "A"]}, "customFields"),
        ({**PIXEL_EXAMPLE, "attributionId": 4}, "attributionId"),
        ({key: value for key, value in PIXEL_EXAMPLE.items() if key != "conversionSetting"}, "conversionSetting"),
    ]
    for body, field in cases:
        response = client.post("/api/v3/conversion/pixel/add", headers=headers, json=body)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errorObjects"][0]["field"] == field, response.text
    for body, field in (({**POSTBACK_EXAMPLE, "clickUrl": "javascript:alert(1)"}, "clickUrl"),
                        ({**POSTBACK_EXAMPLE, "partnerTypeId": 9}, "partnerTypeId")):
        response = client.post("/api/v3/conversion/postback/add", headers=headers, json=body)
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == field
    assert client.get("/api/v3/conversion/list?typeIds=pixel", headers=headers).status_code == 422
    assert client.get("/api/v3/conversion/list?sortBy=-bogus", headers=headers).json()["errorObjects"][0][
        "error"] == "Invalid sortBy value."
    assert client.delete("/api/v3/conversion/delete", headers=headers).status_code == 422
    with db.session() as session:
        assert session.scalars(select(Conversion)).all() == []


def test_list_filters_sorts_pages_and_counts(client, headers, db, tenant):
    first = add_pixel(client, headers, name="Checkout")
    second = add_postback(client, headers, name="Install", partnerTypeId=2)
    third = add_pixel(client, headers, name="Signup")
    campaign = make_campaign(db, tenant["owId"], status="pending")
    attach(db, campaign["campaign_id"], f"{first['id']},{third['id']}")

    def listed(query: str = "") -> dict:
        response = client.get(f"/api/v3/conversion/list{query}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    everything = listed()
    assert [r["id"] for r in everything["data"]] == [third["id"], second["id"], first["id"]]  # -created
    assert everything["totalRecords"] == everything["filteredRecords"] == 3
    row = everything["data"][2]
    assert row["campaignCount"] == 1 and row["type"] == "Pixel" and row["totalConversion"] == 0
    assert [r["id"] for r in listed("?typeIds=2")["data"]] == [second["id"]]
    assert listed("?typeIds=2")["data"][0]["postbackPartnerName"] == "Singular"
    assert [r["id"] for r in listed("?statusIds=2&sortBy=%2Bname")["data"]] == [first["id"], third["id"]]
    assert [r["id"] for r in listed("?searchField=sign")["data"]] == [third["id"]]
    assert [r["id"] for r in listed(f"?searchField={second['id']}")["data"]] == [second["id"]]
    assert [r["id"] for r in listed("?postbackPartnerIds=2")["data"]] == [second["id"]]
    page = listed("?limit=2&pageNo=2&sortBy=id")
    assert [r["id"] for r in page["data"]] == [third["id"]] and page["filteredRecords"] == 3
    assert [r["id"] for r in listed(f"?conversionIds={first['id']},{third['id']}&sortBy=id")["data"]] == [
        first["id"], third["id"]]
    counts = client.get("/api/v3/conversion/type-wise-count", headers=headers).json()["data"]
    assert counts == [{"conversionType": "PIXEL", "conversionCount": 2, "order": 1},
                      {"conversionType": "POSTBACK", "conversionCount": 1, "order": 2}]
    basic = client.get("/api/v2/conversion/list/basic?searchField=&limit=10&pageNo=-1", headers=headers).json()
    assert basic["statusCode"] == 200
    assert basic["responseObject"] == [{"id": first["id"], "name": "Checkout", "isROAS": True},
                                       {"id": second["id"], "name": "Install", "isROAS": False},
                                       {"id": third["id"], "name": "Signup", "isROAS": True}]
    paged = client.get("/api/v2/conversion/list/basic?searchField=&limit=1&pageNo=2", headers=headers).json()
    assert [r["id"] for r in paged["responseObject"]] == [second["id"]]
    cmp = client.get(f"/api/v3/cmp/conversions/list?conversionIds={first['id']},{second['id']}",
                     headers=headers).json()["data"]
    assert cmp["totalRecords"] == 3 and cmp["filteredRecords"] == 2
    assert cmp["conversionData"][0]["status"] == "Pending"
    assert cmp["conversionData"][1]["partnerName"] == "Singular"


def test_static_lists(client, headers):
    def data(url: str) -> dict:
        response = client.get(f"/api/v3/conversion/static/{url}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    assert [t["name"] for t in data("conversion-type")["data"]] == ["pixel", "postback"]
    assert [t["id"] for t in data("conversion-type?conversionTypeIds=2")["data"]] == [2]
    assert [s["displayName"] for s in data("conversion-status")["data"]] == ["Active", "Pending"]
    assert [s["id"] for s in data("conversion-status?searchField=pend")["data"]] == [2]
    assert [p["name"] for p in data("conversion-piggyback-type")["data"]] == ["image_pixel", "javascript_pixel"]
    assert {a["id"]: a["name"] for a in data("conversion-attribution-type")["data"]} == {
        1: "hybrid", 2: "click_based", 3: "view_based"}
    partners = data("postback/partner-type")
    assert [p["name"] for p in partners["data"]] == ["Kochava", "Singular", "Appsflyer", "Adjust"]
    assert partners["totalRecords"] == 4 and data("postback/partner-type?partnerTypeIds=3,4")["filteredRecords"] == 2
    defaults = data("pixel/conversion-default-advanced-setting-data")["data"]
    assert {d["name"]: d["value"] for d in defaults} == {"post_click_interval": "15", "post_view_interval": "28",
                                                         "cross_device": "true"}
    bad = client.get("/api/v3/conversion/static/conversion-type?conversionTypeIds=x", headers=headers)
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "conversionTypeIds"


def test_assign_to_campaigns_validates_campaigns_of_the_organization(client, headers, other_headers, db, tenant):
    conversion = add_pixel(client, headers)
    pending = make_campaign(db, tenant["owId"], status="pending")["campaign_id"]
    running = make_campaign(db, tenant["owId"], status="running")["campaign_id"]
    other_owner = client.get("/api/v3/ua/profile", headers=other_headers).json()
    assert other_owner
    other_ow = int(other_headers["X-IAA-OW-ID"])
    foreign = make_campaign(db, other_ow, status="pending")["campaign_id"]
    body = {"conversionIdList": [conversion["id"]], "addCampaignsList": [pending, running, foreign, 999999],
            "removeCampaignsList": []}
    result = client.post("/api/v3/conversion/assign-to/campaign", headers=headers, json=body).json()["data"]
    assert result == {"conversionIdsList": conversion["id"], "validAddCampaignIdsList": [pending],
                      "invalidAddCampaignIdsList": [running, foreign, 999999],
                      "validRemoveCampaignIdsList": [], "invalidRemoveCampaignIdsList": []}
    with db.session() as session:
        assert session.get(Campaign, pending).extra["conversionIds"] == str(conversion["id"])
        assert "conversionIds" not in (session.get(Campaign, foreign).extra or {})
    campaign = client.get(f"/api/v2/cmp/campaign/{pending}", headers=headers).json()["responseObject"]
    assert campaign["conversionIds"] == str(conversion["id"])
    attached = client.get(f"/api/v3/conversion/attached/campaigns/list?conversionId={conversion['id']}",
                          headers=headers).json()
    assert [c["campaignId"] for c in attached["data"]] == [pending] and attached["filterRecords"] == 1
    allowed = client.get(f"/api/v3/conversion/allowed/campaign-list?conversionIds={conversion['id']}",
                         headers=headers).json()["data"]
    listed = [c for group in allowed["ioCampaignsList"] for c in group["campaigns"]]
    assert [(c["campaignId"], c["isAttached"]) for c in listed] == [(pending, True)]  # running is not allowed
    removed = client.post("/api/v3/conversion/assign-to/campaign", headers=headers, json={
        "conversionIdList": [conversion["id"]], "removeCampaignsList": [pending, foreign]}).json()["data"]
    assert removed["validRemoveCampaignIdsList"] == [pending] and removed["invalidRemoveCampaignIdsList"] == [foreign]
    with db.session() as session:
        assert session.get(Campaign, pending).extra["conversionIds"] == ""


def test_delete_is_soft_refused_for_running_campaigns_and_detaches(client, headers, db, tenant):
    used = add_pixel(client, headers, name="used")
    free = add_postback(client, headers)
    running = make_campaign(db, tenant["owId"], status="running")["campaign_id"]
    pending = make_campaign(db, tenant["owId"], status="pending")["campaign_id"]
    attach(db, running, str(used["id"]))
    attach(db, pending, f"{used['id']},{free['id']}")
    refused = client.delete(f"/api/v3/conversion/delete?conversionIds={free['id']},{used['id']}", headers=headers)
    assert refused.status_code == 422 and "running campaign" in refused.json()["errorObjects"][0]["error"]
    assert client.get(f"/api/v3/conversion/{free['id']}", headers=headers).status_code == 200  # all or nothing
    deleted = client.delete(f"/api/v3/conversion/delete?conversionIds={free['id']}", headers=headers)
    assert deleted.json() == {"success": True, "data": "Conversion has been deleted successfully!"}
    assert client.get(f"/api/v3/conversion/{free['id']}", headers=headers).status_code == 404
    with db.session() as session:
        assert session.get(Conversion, free["id"]).is_deleted  # soft
        assert session.get(Campaign, pending).extra["conversionIds"] == str(used["id"])
    # the v2 route deletes pixels only
    postback = add_postback(client, headers)
    assert client.delete(f"/api/v2/conversion/pixel?conversionIds={postback['id']}", headers=headers
                         ).status_code == 422
    attach(db, running, "")
    v2 = client.delete(f"/api/v2/conversion/pixel?conversionIds={used['id']}", headers=headers).json()
    assert v2 == {"statusCode": 200, "responseObject": {"message": "Pixel conversion deleted successfully."}}


def test_custom_fields_list(client, headers, tenant):
    first = add_pixel(client, headers, name="Pixel Conversion 1", customFields=["sample_one", "sample_two"])
    second = add_pixel(client, headers, name="Pixel Conversion 2", customFields=["product_sales"])
    add_postback(client, headers)
    # IQM's example names customers this organization is not: nothing of ours is listed
    example = client.post("/api/v3/ra/conversion/custom-field/list", headers=headers, json=CUSTOM_FIELDS_EXAMPLE)
    assert example.status_code == 200 and example.json()["data"]["customFieldData"] == []
    body = {**CUSTOM_FIELDS_EXAMPLE, "customerIds": [tenant["owId"]]}
    data = client.post("/api/v3/ra/conversion/custom-field/list", headers=headers, json=body).json()["data"]
    assert data["totalRecords"] == 3 and data["filterRecords"] == 3
    assert data["customFieldData"] == [
        {"id": first["id"], "pixelName": "Pixel Conversion 1", "customFieldName": "sample_one"},
        {"id": first["id"], "pixelName": "Pixel Conversion 1", "customFieldName": "sample_two"},
        {"id": second["id"], "pixelName": "Pixel Conversion 2", "customFieldName": "product_sales"}]
    searched = client.post("/api/v3/ra/conversion/custom-field/list", headers=headers,
                           json={"searchField": "sales", "sortBy": "-id"}).json()["data"]
    assert [r["customFieldName"] for r in searched["customFieldData"]] == ["product_sales"]
    bad = client.post("/api/v3/ra/conversion/custom-field/list", headers=headers, json={"sortBy": "+nope"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["error"] == "Invalid sortBy value."


def test_send_email_example_mails_the_pixel(client, headers, settings):
    pixel = add_pixel(client, headers)
    body = {"conversionId": str(pixel["id"]), "recipients": "username@gmail.com,anotherUser@yahoo.com",
            "emailSubject": "Integrate Pixel Conversion",
            "emailText": "Hello ${userName} has sent you a pixel code to integrate. Please follow the steps below "
                         "to integrate the pixel code."}
    response = client.post("/api/v3/conversion/pixel/send-email", headers=headers, json=body)
    assert response.json() == {"success": True, "data": "Pixel conversion e-mail sent successfully."}
    mails = list((settings.data_dir / "outbox").glob("*.eml"))
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "username@gmail.com" in text and pixel["uuid"] in text and "${userName}" not in text
    bad = client.post("/api/v3/conversion/pixel/send-email", headers=headers, json={**body, "recipients": "nope"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "recipients"


def test_other_organizations_conversions_are_404_on_every_endpoint(client, headers, other_headers, db, tenant):
    pixel = add_pixel(client, headers)
    postback = add_postback(client, headers)
    campaign = make_campaign(db, tenant["owId"], status="pending")["campaign_id"]
    attach(db, campaign, str(pixel["id"]))
    pid, bid = pixel["id"], postback["id"]
    calls = [
        ("GET", f"/api/v3/conversion/{pid}", None),
        ("GET", f"/api/v3/conversion/{bid}", None),
        ("PATCH", "/api/v3/conversion/pixel/update", {"id": pid, "name": "stolen"}),
        ("PATCH", "/api/v3/conversion/postback/update", {"id": bid, "name": "stolen"}),
        ("DELETE", f"/api/v3/conversion/delete?conversionIds={pid}", None),
        ("DELETE", f"/api/v2/conversion/pixel?conversionIds={pid}", None),
        ("POST", "/api/v3/conversion/assign-to/campaign", {"conversionIdList": [pid], "addCampaignsList": []}),
        ("GET", f"/api/v3/conversion/attached/campaigns/list?conversionId={pid}", None),
        ("GET", f"/api/v3/conversion/allowed/campaign-list?conversionIds={pid}", None),
        ("GET", f"/api/v3/cmp/conversions/list?conversionIds={pid}", None),
        ("POST", "/api/v3/conversion/pixel/send-email",
         {"conversionId": pid, "recipients": "a@b.test", "emailSubject": "x"}),
    ]
    for method, url, body in calls:
        response = client.request(method, url, headers=other_headers, json=body)
        assert response.status_code == 404, (method, url, response.text)
    other_ow = int(other_headers["X-IAA-OW-ID"])
    assert client.get(f"/api/v3/cmp/conversions/list?conversionIds={pid}&owId={tenant['owId']}",
                      headers=other_headers).status_code == 403
    assert client.get(f"/api/v3/conversion/allowed/campaign-list?owId={tenant['owId']}",
                      headers=other_headers).status_code == 403
    assert client.get("/api/v3/conversion/list", headers=other_headers).json()["data"]["totalRecords"] == 0
    assert client.get("/api/v2/conversion/list/basic", headers=other_headers).json()["responseObject"] == []
    counts = client.get("/api/v3/conversion/type-wise-count", headers=other_headers).json()["data"]
    assert [c["conversionCount"] for c in counts] == [0, 0]
    fields = client.post("/api/v3/ra/conversion/custom-field/list", headers=other_headers,
                         json={"customerIds": [tenant["owId"]]}).json()["data"]
    assert fields["customFieldData"] == [] and fields["totalRecords"] == 0
    allowed = client.get("/api/v3/conversion/allowed/campaign-list", headers=other_headers).json()["data"]
    assert allowed["ioCampaignsList"] == []
    # the other organization cannot attach its own conversion to our campaign either
    theirs = add_pixel(client, other_headers)
    result = client.post("/api/v3/conversion/assign-to/campaign", headers=other_headers, json={
        "conversionIdList": [theirs["id"]], "addCampaignsList": [campaign]}).json()["data"]
    assert result["invalidAddCampaignIdsList"] == [campaign]
    assert other_ow != tenant["owId"]
    details = client.get(f"/api/v3/conversion/{pid}", headers=headers).json()["data"]
    assert details["name"] == "PixelConversion"
    with db.session() as session:
        assert session.get(Campaign, campaign).extra["conversionIds"] == str(pid)
        assert not session.get(Conversion, pid).is_deleted
