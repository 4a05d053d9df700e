"""Real answers of the main flows match the response models their routes declare (see types_contract)."""

from __future__ import annotations

import json
from typing import Any

from adplane.core.clock import clock
from campaign_helpers import END_S, START_S, campaign_body, freeze, io_body, make_creative
from conftest import basic_auth
from test_events_ingest import END, START, event_rows, make_campaign, ndjson
from test_reports import definition
from test_schedules_api import SEED_TIME
from test_schedules_support import SEED_REQUEST, make_report
from types_contract import checked


def test_login_profile_and_organizations(client, tenant: dict[str, Any]):
    client_auth = {"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]}
    login = checked(client, "POST", "/api/v3/ua/login", headers=client_auth,
                    json={"grantType": "password", "email": tenant["email"], "password": tenant["password"]})
    refreshed = checked(client, "POST", "/api/v3/ua/oauth/token", headers=client_auth,
                        data={"grant_type": "refresh_token", "refresh_token": login["data"]["refresh_token"]})
    bearer = {"Authorization": f"Bearer {refreshed['access_token']}"}
    checked(client, "GET", "/api/v3/ua/profile", headers=bearer)
    checked(client, "GET", "/api/v3/ua/user/allowed-organizations", headers=bearer)
    checked(client, "POST", "/api/v3/ua/logout", headers=bearer)


def test_static_lists(client, headers: dict[str, str]):
    for url in ("/api/v3/master/timezones?searchField=new", "/api/v2/adv/static/timezones",
                "/api/v3/cmp/static/campaign/budget-type", "/api/v3/cmp/static/io/status/list",
                "/api/v3/cmp/static/budget-distribution-method/list", "/api/v3/cmp/static/campaign/type",
                "/api/v3/crt/master/static/creative-types?displayAllType=true",
                "/api/v3/crt/master/static/creative-status?displayAllStatusOption=true",
                "/api/v3/master/exchanges?pageNo=1&noOfEntries=5", "/api/v2/master/segment/age",
                "/api/v2/master/segment/gender", "/api/v2/master/segment/device-type",
                "/api/v2/master/segment/traffic-type", "/api/v2/master/segment/os",
                "/api/v2/master/segment/country", "/api/v2/master/segment/states?countryIds=30100001"):
        body = checked(client, "GET", url, headers=headers)
        assert body.get("data") or body.get("responseObject"), url
    for path in ("city", "congressional-district", "county", "house-district", "senate-district", "zip"):
        assert checked(client, "GET", f"/api/v2/master/segment/{path}?stateIds=30200001", headers=headers)
    for path in ("city", "congressional-district", "country", "county", "dma", "house-district",
                 "senate-district", "state", "zip"):
        assert checked(client, "POST", f"/api/v3/master/segment/{path}", headers=headers,
                       json={"pageNo": 1, "noOfEntries": 3, "sortBy": "+id", "searchField": ""})["data"]["data"]
    checked(client, "GET", "/api/v3/master/segment/locationtype", headers=headers)
    for url in ("/api/v3/master/creative/video/placement-type", "/api/v3/master/creative/video/playback-method",
                "/api/v3/master/creative/video/player-size", "/api/v3/master/creative/video/roll-position",
                "/api/v3/master/creative/video/skippability", "/api/v3/master/inventory-types",
                "/api/v3/master/rtb-creative-types", "/api/v3/master/segment/channel",
                "/api/v2/master/segment/connection-type", "/api/v2/master/segment/income"):
        checked(client, "GET", url, headers=headers)
    checked(client, "POST", "/api/v3/master/segment/device-type", headers=headers, json={"sortBy": "+id"})
    checked(client, "GET", "/api/v3/master/segment/locationtype-details?searchField=port", headers=headers)


def test_insertion_orders_campaigns_and_creatives(client, db, tenant: dict[str, Any], headers: dict[str, str]):
    freeze()
    creative_id = make_creative(db, tenant["owId"])
    io_id = checked(client, "POST", "/api/v3/cmp/io/add", headers=headers, json=io_body())["data"]["ioId"]
    checked(client, "GET", f"/api/v3/cmp/io/{io_id}", headers=headers)
    campaign_id = checked(client, "POST", "/api/v2/cmp/campaigns/add", headers=headers,
                          json=campaign_body(io_id, creative_id))["responseObject"]["data"]
    checked(client, "POST", "/api/v2/cmp/campaigns/draft/add", headers=headers, json=campaign_body(io_id, creative_id))
    checked(client, "GET", f"/api/v2/cmp/campaign/{campaign_id}?isSpentRequired=true", headers=headers)
    checked(client, "PATCH", f"/api/v3/cmp/campaign/update-name/{campaign_id}", headers=headers,
            json={"campaignName": "Renamed"})
    for url in ("/api/v2/cmp/campaigns/list?pgno=1&no_of_entries=10", "/api/v2/cmp/campaigns/data",
                "/api/v2/cmp/campaigns/count", "/api/v2/cmp/campaigngroup/campaign/list", "/api/v2/cmp/campaign/start",
                f"/api/v2/cmp/campaign/budgetInfo?campaignId={campaign_id}&budgetTotal=1000&dailyBudget=100"
                f"&startTime={START_S}&endTime={END_S}&timezone=29"):
        checked(client, "GET", url, headers=headers)
    checked(client, "POST", "/api/v3/cmp/campaigns/count", headers=headers, json={})
    checked(client, "PUT", "/api/v2/cmp/campaigns/update-budget", headers=headers,
            json={"campaignIds": str(campaign_id), "totalBudget": 2000})
    checked(client, "PUT", "/api/v2/cmp/campaigns/update-status", headers=headers,
            json={"campaignIds": str(campaign_id), "status": "paused"})
    checked(client, "POST", "/api/v2/cmp/campaigns/duplicate", headers=headers,
            json={"existingCampaignIds": [campaign_id], "ioId": io_id, "timeZoneId": 29, "startDate": START_S,
                  "endDate": END_S})
    for path, body in (("basic/list", {}), ("campaign/basic/list", {"ioIdsList": [io_id]}),
                       ("campaigns/list", {"ioIdsList": [io_id]})):
        checked(client, "POST", f"/api/v3/cmp/io/{path}", headers=headers, json=body)
    checked(client, "POST", "/api/v3/cmp/io/duplicate", headers=headers,
            json={"ioId": io_id, "ioStartTime": io_body()["ioStartTime"], "ioTimeZoneId": 29})
    checked(client, "POST", "/api/v3/crt/creatives/list", headers=headers, json={})
    checked(client, "GET", f"/api/v3/crt/creatives/{creative_id}", headers=headers)
    checked(client, "PATCH", f"/api/v3/crt/creatives/{creative_id}", headers=headers, json={"creativeName": "new"})


def test_events_reports_schedules_and_insights(client, db, tenant: dict[str, Any], headers: dict[str, str]):
    owner = make_campaign(db, tenant["owId"])
    batch = checked(client, "POST", "/api/v3/adplane/events/batches?format=ndjson", headers=headers,
                    content=ndjson(event_rows(owner)))["data"]
    checked(client, "GET", f"/api/v3/adplane/events/batches/{batch['batchId']}", headers=headers)
    checked(client, "GET", "/api/v3/ra/report/dimension-metrics/detail", headers=headers)
    report_id = checked(client, "POST", "/api/v3/ra/report/add", headers=headers, json=definition(
        startDate=int(START.timestamp() * 1000), endDate=int(END.timestamp() * 1000)))["data"]
    checked(client, "GET", f"/api/v3/ra/report/{report_id}", headers=headers)
    checked(client, "GET", "/api/v3/ra/reports/list", headers=headers)
    rows = checked(client, "POST", "/api/v3/ra/report/execute", headers=headers,
                   json={"id": report_id, "pageNo": 1, "noOfEntries": 10})["data"]
    assert rows["data"], rows
    for url in ("report-delivery-frequency", "report-file-type", "report-request-type"):
        checked(client, "GET", f"/api/v3/rb/static/{url}", headers=headers)
    clock.set(SEED_TIME)
    scheduled = make_report(db, tenant["owId"])
    checked(client, "POST", "/api/v3/ra/report/email/schedule", headers=headers,
            json={**SEED_REQUEST, "reportId": scheduled})
    checked(client, "DELETE", f"/api/v3/ra/report/email/schedule/{scheduled}", headers=headers)
    clock.reset()
    for url in ("static/insights/status/list", "static/insights/type/list", "static/aqs-reports/report-types",
                "static/sls-reports/report-types", "pld-reports", "sls-reports", "aqs-reports", "pld-reports/campaigns",
                "sls-reports/campaigns", "aqs-reports/campaigns", "pld-reports/columns",
                "aqs-reports/validate/name?reportName=Quarterly"):
        checked(client, "GET", f"/api/v3/ins/{url}", headers=headers)


def test_inventory_deals_groups_and_block_lists(client, db, tenant: dict[str, Any], headers: dict[str, str]):
    from test_inventory_deals import PG_EXAMPLE, PMP_EXAMPLE

    campaign_id = make_campaign(db, tenant["owId"])["campaign_id"]
    pmp_id = checked(client, "POST", "/api/v3/inv/pmp/deals/add", headers=headers, json=PMP_EXAMPLE)["data"]["id"]
    pg_id = checked(client, "POST", "/api/v3/inv/pg/deals/add", headers=headers, json=PG_EXAMPLE)["data"]["id"]
    checked(client, "PATCH", f"/api/v3/inv/pmp/deals/{pmp_id}", headers=headers, json={"cpm": 2.5})
    checked(client, "PATCH", f"/api/v3/inv/pg/deals/{pg_id}", headers=headers, json={"cpm": 12})
    checked(client, "PATCH", "/api/v3/cmp/pmp/campaigns/mappings", headers=headers, json={"operations": [
        {"action": "assign", "campaignIds": [campaign_id], "pmpDealIds": [pmp_id]}]})
    checked(client, "PATCH", "/api/v3/cmp/pg/campaigns/mappings", headers=headers, json={"operations": [
        {"action": "assign", "campaignIds": [campaign_id], "pgDealIds": [pg_id]}]})
    for url in (f"/api/v3/inv/pmp/deals/{pmp_id}", f"/api/v3/inv/pmp/deals/{pmp_id}/associated-customers",
                "/api/v3/inv/pmp/deals/count-by-status", f"/api/v3/inv/pg/deals/{pg_id}", "/api/v3/inv/pg/deals/list",
                "/api/v3/inv/static/deal-types", "/api/v3/inv/static/deal-status", "/api/v3/cmp/campaigns/1/deals",
                "/api/v3/inv/inventory-group-types"):
        checked(client, "GET", url, headers=headers)
    checked(client, "POST", "/api/v3/inv/pmp/deals/list", headers=headers, json={})
    checked(client, "POST", "/api/v3/inv/deals/list", headers=headers, json={})
    checked(client, "POST", "/api/v3/inv/inventories/block", headers=headers, json={"inventoryIds": [1, 2]})
    checked(client, "POST", "/api/v3/inv/comment/add", headers=headers, json={"inventoryId": 1, "comment": "why"})
    checked(client, "GET", "/api/v3/inv/blocked-inventories", headers=headers)
    checked(client, "GET", "/api/v3/inv/inventories/list?keywords=espn", headers=headers)
    checked(client, "GET", "/api/v3/inv/inventories/count", headers=headers)
    checked(client, "POST", "/api/v3/inv/inventories/unblock", headers=headers, json={"inventoryIds": [2]})
    checked(client, "POST", "/api/v2/inv/inventories/includeExclude", headers=headers,
            json={"campaignId": campaign_id, "ids": "3", "isExcluded": 1})
    group_id = checked(client, "POST", "/api/v3/inv/groups", headers=headers,
                       json={"groupName": "G", "groupTypeId": 2})["data"]["id"]
    checked(client, "POST", "/api/v2/inv/group/addMappings", headers=headers,
            json={"inventoryTypeId": 2, "groupIds": [group_id], "dealIds": [pmp_id]})
    checked(client, "POST", "/api/v3/inv/group/removeMappings", headers=headers,
            json={"groupTypeId": 2, "groupIds": [group_id], "dealIds": [pmp_id]})
    checked(client, "POST", "/api/v3/inv/group/addMappings", headers=headers,
            json={"groupTypeId": 2, "groupIds": [group_id], "dealIds": [pmp_id]})
    checked(client, "PATCH", f"/api/v3/inv/groups/{group_id}", headers=headers, json={"groupName": "H"})
    checked(client, "POST", f"/api/v2/cmp/inventorygroup/{group_id}/includeExclude", headers=headers,
            json={"campaignIds": str(campaign_id), "isExcluded": 1})
    for url in ("/api/v3/inv/groups/list", "/api/v3/inv/groups/count", f"/api/v3/inv/group/{group_id}/pmp-deals",
                f"/api/v2/cmp/campaign/listByInventorygroup/{group_id}"):
        checked(client, "GET", url, headers=headers)
    checked(client, "DELETE", f"/api/v3/inv/groups/{group_id}", headers=headers)
    other_group = checked(client, "POST", "/api/v3/inv/groups", headers=headers,
                          json={"groupName": "G", "groupTypeId": 1, "inventoryIds": [1]})["data"]["id"]
    checked(client, "POST", "/api/v3/inv/groups/delete", headers=headers, json={"groupIds": [other_group]})
    checked(client, "DELETE", f"/api/v3/inv/pmp/deals?ids={pmp_id}", headers=headers)
    checked(client, "DELETE", f"/api/v3/inv/pg/deals?ids={pg_id}", headers=headers)


def test_conversions(client, db, tenant: dict[str, Any], headers: dict[str, str]):
    from test_conversions_api import PIXEL_EXAMPLE, POSTBACK_EXAMPLE, attach

    pixel = checked(client, "POST", "/api/v3/conversion/pixel/add", headers=headers, json=PIXEL_EXAMPLE)["data"]
    postback = checked(client, "POST", "/api/v3/conversion/postback/add", headers=headers,
                       json=POSTBACK_EXAMPLE)["data"]
    owner = make_campaign(db, tenant["owId"], status="pending")
    attach(db, owner["campaign_id"], str(pixel["id"]))
    for url in (f"/api/v3/conversion/{pixel['id']}", f"/api/v3/conversion/{postback['id']}",
                "/api/v3/conversion/list", "/api/v2/conversion/list/basic", "/api/v3/conversion/type-wise-count",
                f"/api/v3/cmp/conversions/list?conversionIds={pixel['id']},{postback['id']}",
                f"/api/v3/conversion/attached/campaigns/list?conversionId={pixel['id']}",
                f"/api/v3/conversion/allowed/campaign-list?conversionIds={pixel['id']}",
                "/api/v3/conversion/static/conversion-type", "/api/v3/conversion/static/conversion-status",
                "/api/v3/conversion/static/conversion-piggyback-type",
                "/api/v3/conversion/static/conversion-attribution-type",
                "/api/v3/conversion/static/postback/partner-type",
                "/api/v3/conversion/static/pixel/conversion-default-advanced-setting-data"):
        checked(client, "GET", url, headers=headers)
    checked(client, "PATCH", "/api/v3/conversion/pixel/update", headers=headers,
            json={"id": pixel["id"], "name": "renamed", "piggybackData": {"url": "https://p.test/x", "type": 2}})
    checked(client, "PATCH", "/api/v3/conversion/postback/update", headers=headers,
            json={"id": postback["id"], "name": "renamed"})
    checked(client, "POST", "/api/v3/conversion/assign-to/campaign", headers=headers,
            json={"conversionIdList": [pixel["id"], postback["id"]], "addCampaignsList": [owner["campaign_id"]]})
    checked(client, "POST", "/api/v3/ra/conversion/custom-field/list", headers=headers, json={})
    token = checked(client, "GET", f"/api/v3/conversion/{postback['id']}", headers=headers)["data"][
        "postbackUrl"].split("token=")[1].split("&")[0]
    checked(client, "GET", f"/i/postback/{postback['uuid']}?token={token}&tid=t1&uid=u1&cv=2")
    checked(client, "POST", f"/i/postback/{postback['uuid']}", json={"token": token, "tid": "t2"})
    checked(client, "POST", "/api/v3/conversion/pixel/send-email", headers=headers,
            json={"conversionId": pixel["id"], "recipients": "a@example.com", "emailSubject": "Pixel"})
    checked(client, "DELETE", f"/api/v3/conversion/delete?conversionIds={postback['id']}", headers=headers)
    attach(db, owner["campaign_id"], "")
    checked(client, "DELETE", f"/api/v2/conversion/pixel?conversionIds={pixel['id']}", headers=headers)


def test_bid_models(client, db, tenant: dict[str, Any], headers: dict[str, str]):
    campaign_id = make_campaign(db, tenant["owId"])["campaign_id"]
    checked(client, "GET", "/api/v3/bm/static/dimensions", headers=headers)
    checked(client, "PUT", f"/api/v3/bm/campaigns/{campaign_id}/bid-models/13", headers=headers, json={
        "baseBid": 3, "bidModelRequests": [{"action": "ADD", "bidModelData": {"bidMultiplier": 1.5, "priority": 2},
                                            "dimensionEntityMappings": [{"entityId": 11}]}]})
    for suffix in ("include-exclude", "include-Exclude"):
        checked(client, "POST", f"/api/v3/bm/campaigns/{campaign_id}/{suffix}/dimensions/13", headers=headers,
                json={"ids": "12", "isExcluded": 1})
    for path in ("bid-models/dimensions/13", "reports/13"):
        checked(client, "POST", f"/api/v3/bm/campaigns/{campaign_id}/{path}", headers=headers, json={})
    checked(client, "GET", f"/api/v3/bm/campaigns/{campaign_id}/dimension/13/spent", headers=headers)
    checked(client, "GET", f"/api/v3/bm/campaign/{campaign_id}/dimensions/bid-models/count", headers=headers)


def test_audiences(client, app, db, headers: dict[str, str]):
    from audience_helpers import KNOWN_USERS, csv_bytes, email_request, ids_of, match_all, seed
    from test_audiences_manage import STATIC

    seed(db)
    for url in [*STATIC, "/api/v2/audience/status?audienceTypeIds=1"]:
        checked(client, "GET", url, headers=headers)
    checked(client, "POST", "/api/v3/audience/static/column-list", headers=headers)
    emails = [[ids_of(u)[1]] for u in KNOWN_USERS if 1 in ids_of(u)][:5]
    files = {"audienceRequest": (None, json.dumps(email_request()), "application/json"),
             "file": ("a.csv", csv_bytes(["email"], emails), "text/csv")}
    audience_id = checked(client, "POST", "/api/v3/audience/matched", headers=headers, files=files)["data"][
        "matchedAudienceId"]
    checked(client, "POST", "/api/v2/audience/matched/add", headers=headers, files=files)
    match_all(app)
    checked(client, "GET", f"/api/v3/audience/matched/{audience_id}?campaignTargetingRequired=true", headers=headers)
    checked(client, "GET", f"/api/v2/audience/matched/{audience_id}", headers=headers)
    checked(client, "PATCH", f"/api/v3/audience/matched/{audience_id}", headers=headers, json={"audienceStatusId": 3})
    checked(client, "GET", f"/api/v3/audience/matched/{audience_id}/file-url", headers=headers)
    checked(client, "GET", f"/api/v2/audience/matched/{audience_id}/file/download", headers=headers)
    copy = checked(client, "POST", f"/api/v3/audience/matched/duplicate/{audience_id}", headers=headers,
                   json={"name": "Copy"})["data"]["audienceId"]
    checked(client, "PUT", f"/api/v3/audience/matched/{copy}/rematch", headers=headers)
    checked(client, "POST", "/api/v3/audience/list", headers=headers, json={})
    checked(client, "POST", "/api/v3/audience/basic/list", headers=headers, json={})
    checked(client, "POST", "/api/v3/audience/count-by-status", headers=headers, json={})
    checked(client, "POST", "/api/v3/audience/count-by-data-partner", headers=headers, json={})
    checked(client, "GET", "/api/v3/audience/count-by-type", headers=headers)
    checked(client, "PATCH", f"/api/v3/audience/{audience_id}/update-name", headers=headers,
            json={"audienceName": "Renamed"})
    checked(client, "PATCH", f"/api/v2/audience/updateName/{audience_id}", headers=headers,
            json={"audienceName": "Renamed again"})
    checked(client, "DELETE", f"/api/v3/audience?audienceIds={copy}", headers=headers)
    checked(client, "PUT", "/api/v2/audience/delete", headers=headers, json={"audienceIds": str(audience_id)})
