"""The workspace's customers as lists (GET /api/v3/ua/customers/list, POST /api/v3/ua/customer/basic/list):
status, customer type, ids and search filters, IQM's sortable fields and paging, all in SQL; the static lists
behind them; a customer's configuration; and the organization fields of allowed-organizations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from adplane.core.clock import clock
from conftest import login
from customers_helpers import (
    BASIC_LIST,
    CONFIG,
    CUSTOMERS,
    HOLD,
    LOGO,
    customer,
    field_of,
    invite,
    ow_id_of,
    rows,
    sign_up,
    token_of,
)
from test_schedules_support import SmtpSink
from types_contract import checked

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _names(found: list[dict[str, Any]]) -> list[str]:
    return [row["organizationName"] for row in found]


def _workspace(client, db, settings, tenant, headers, make_tenant) -> dict[str, int]:  # noqa: ANN001
    """Customers joined a day apart: Bravo (signed up long ago), Alpha (invited, managed services, prepaid),
    Charlie (signed up through its invitation, self served) and Delta (bootstrapped, then held)."""
    clock.set(T0)
    bravo = make_tenant(organization="Bravo", email="admin@bravo.test")["owId"]
    clock.advance(timedelta(days=1))
    with SmtpSink() as sink:
        alpha = customer("Alpha", "owner@alpha.test", logoUrl=LOGO,
                         customerOperationDetails={"customerTypeId": 2, "customerPaymentTypeId": 1})
        invite(client, settings, headers, [alpha], sink)
        clock.advance(timedelta(days=1))
        invite(client, settings, headers, [customer("Charlie", "owner@charlie.test", customerOperationDetails={
            "customerTypeId": 1})], sink)
    assert sign_up(client, tenant, "owner@charlie.test", token_of(sink.messages[1])).status_code == 200
    clock.advance(timedelta(days=1))
    delta = make_tenant(organization="Delta", email="admin@delta.test")["owId"]
    assert client.patch(HOLD, headers=headers, json={"owId": delta, "statusReason": "Unpaid"}).status_code == 200
    return {"Bravo": bravo, "Alpha": ow_id_of(db, "Alpha"), "Charlie": ow_id_of(db, "Charlie"), "Delta": delta}


def test_customers_list_filters_sorts_and_pages(client, db, settings, tenant, headers, make_tenant):
    ids = _workspace(client, db, settings, tenant, headers, make_tenant)
    body = checked(client, "GET", CUSTOMERS, headers=headers)["data"]
    assert (body["totalRecords"], body["filteredRecords"]) == (4, 4)
    assert _names(body["data"]) == ["Delta", "Charlie", "Alpha", "Bravo"]  # default: newest first
    by_name = {row["organizationName"]: row for row in body["data"]}
    assert {name: row["owStatusId"] for name, row in by_name.items()} == {
        "Delta": 4, "Charlie": 1, "Alpha": 3, "Bravo": 1}
    assert by_name["Bravo"]["createdAt"] == "2026-03-01T12:00:00.000+00:00"
    assert by_name["Bravo"]["contactPersonEmail"] == "admin@bravo.test" and by_name["Bravo"]["approvedBy"] is None
    assert by_name["Alpha"]["approvedBy"] == "admin" and by_name["Alpha"]["logoUrl"] == LOGO
    assert by_name["Delta"]["onHoldReason"] == "Unpaid" and by_name["Delta"]["owStatus"] == "suspended"
    assert all(row["workspaceName"] == "ws1.test" and row["isWorkspaceOwner"] is False
               and row["customersCount"] == 0 for row in body["data"])

    def names(query: str) -> list[str]:
        return _names(rows(client, headers, query))

    assert names("?status=3") == ["Alpha"]
    assert names("?status=1,4&sortBy=%2BorganizationName") == ["Bravo", "Charlie", "Delta"]
    assert names("?status=2,5") == []
    assert names("?customerType=2") == ["Alpha"]
    assert names("?customerType=1,2&sortBy=%2BcreatedAt") == ["Alpha", "Charlie"]
    assert names("?customerType=4") == ["Delta", "Charlie", "Alpha", "Bravo"]
    assert names("?customerType=5") == [] and names("?customerAccountType=2") == []
    assert len(names("?customerAccountType=1")) == 4
    assert names("?searchField=HARL") == ["Charlie"]
    assert names("?searchField=alpha.test") == ["Alpha"]  # the owner's e-mail
    assert names(f"?searchField={ids['Bravo']}") == ["Bravo"]
    assert names("?searchField=%25") == [] and names("?searchField=_") == []
    assert names(f"?owIds={ids['Alpha']},{ids['Delta']}") == ["Delta", "Alpha"]
    assert names(f"?owIds={ids['Alpha']},{ids['Delta']}&childOwIds={ids['Delta']}") == ["Delta"]
    assert names(f"?owIds={tenant['owId']}") == []  # the workspace owner is no customer
    assert names("?sortBy=%2Bstatus,%2BorganizationName") == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert names("?sortBy=-status,%2BorganizationName") == ["Delta", "Alpha", "Bravo", "Charlie"]
    assert names("?sortBy=organizationName&order=desc") == ["Delta", "Charlie", "Bravo", "Alpha"]
    page = checked(client, "GET", f"{CUSTOMERS}?sortBy=%2BorganizationName&limit=2&pageNo=2",
                   headers=headers)["data"]
    assert _names(page["data"]) == ["Charlie", "Delta"] and (page["totalRecords"], page["filteredRecords"]) == (4, 4)
    assert names("?sortBy=%2BorganizationName&noOfEntries=1&pageNo=3") == ["Charlie"]
    filtered = client.get(f"{CUSTOMERS}?status=1&limit=1", headers=headers).json()["data"]
    assert (filtered["totalRecords"], filtered["filteredRecords"], len(filtered["data"])) == (4, 2, 1)


def test_bad_list_parameters_are_422s(client, headers):
    cases = [
        ("?sortBy=runningCampaigns", "sortBy"),
        ("?sortBy=%2Bbalance", "sortBy"),
        ("?sortBy=status&order=up", "order"),
        ("?status=9", "status"),
        ("?status=abc", "status"),
        ("?customerType=6", "customerType"),
        ("?customerAccountType=3", "customerAccountType"),
        ("?owIds=1;2", "owIds"),
        ("?owIds=99999999999", "owIds"),
        ("?limit=0", "limit"),
        ("?pageNo=0", "pageNo"),
        ("?searchField=%00", "searchField"),
    ]
    for query, field in cases:
        response = client.get(f"{CUSTOMERS}{query}", headers=headers)
        assert response.status_code == 422 and field_of(response) == field, (query, response.text)
    assert client.get(f"{CUSTOMERS}?sortBy=x", headers=headers).json()["errorObjects"][0]["error"] == \
        "Invalid sortBy value."


def test_basic_list_with_the_guide_request(client, db, settings, tenant, headers, make_tenant):
    ids = _workspace(client, db, settings, tenant, headers, make_tenant)
    guide = {"owStatusIds": [1, 2], "pageNo": 1, "noOfEntries": 20, "owIds": [ids["Bravo"]], "searchField": "bra",
             "provideRunningCampaigns": False}
    assert checked(client, "POST", BASIC_LIST, headers=headers, json=guide)["data"] == {
        "data": [{"owId": ids["Bravo"], "organizationName": "Bravo", "organizationLogo": None, "owStatus": "Active",
                  "owStatusId": 1, "wsId": _ws_id(db, ids["Bravo"]), "ownerUserName": "admin",
                  "ownerUserEmail": "admin@bravo.test"}],
        "totalRecords": 4,
        "filteredRecords": 1,
    }
    every = client.post(BASIC_LIST, headers=headers, json={}).json()["data"]
    assert _names(every["data"]) == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert [row["owStatus"] for row in every["data"]] == ["Invited", "Active", "Active", "Suspended"]
    assert _names(client.post(BASIC_LIST, headers=headers, json={"owStatusIds": [3, 4], "sortBy": "-organizationName"})
                  .json()["data"]["data"]) == ["Delta", "Alpha"]
    for body, field in [({"owStatusIds": [6]}, "owStatusIds.0"), ({"noOfEntries": 0}, "noOfEntries"),
                        ({"sortBy": "+nope"}, "sortBy"), ({"owIds": ["x"]}, "owIds.0")]:
        response = client.post(BASIC_LIST, headers=headers, json=body)
        assert response.status_code == 422 and field_of(response) == field, (body, response.text)


def _ws_id(db, ow_id: int) -> int:  # noqa: ANN001
    from customers_helpers import org

    found = org(db, ow_id)
    assert found is not None
    return found.workspace_id


def test_static_lists_are_iqms(client, headers):
    assert checked(client, "GET", "/api/v3/ua/static/customer-type", headers=headers)["data"] == [
        {"name": "self_served", "id": 1, "label": "Self Served", "order": 2},
        {"name": "managed_services", "id": 2, "label": "Managed Services ", "order": 1},
        {"name": "app_users", "id": 3, "label": "App Users", "order": 3},
        {"name": "advertisers", "id": 4, "label": "Advertisers", "order": 4},
        {"name": "workspaces", "id": 5, "label": "Workspaces", "order": 5},
    ]
    assert checked(client, "GET", "/api/v3/ua/static/customer-payment-types", headers=headers)["data"] == {
        "totalRecords": 2, "filteredRecords": 2, "customerPaymentTypes": [
            {"name": "prepaid", "id": 1, "label": "PrePaid", "order": 1},
            {"name": "postpaid", "id": 2, "label": "PostPaid", "order": 2}]}
    statuses = [
        {"name": "pending", "id": 2, "label": "Pending", "order": 1},
        {"name": "active", "id": 1, "label": "Active", "order": 2},
        {"name": "invited", "id": 3, "label": "Invited", "order": 3},
        {"name": "suspended", "id": 4, "label": "Suspended", "order": 4},
        {"name": "rejected", "id": 5, "label": "Rejected", "order": 5},
    ]
    for query in ("", "?view=customer", "?view=approval", "?view=finance"):
        assert checked(client, "GET", f"/api/v3/ua/static/organization-workspace-status{query}",
                       headers=headers)["data"] == statuses
    bad = client.get("/api/v3/ua/static/organization-workspace-status?view=else", headers=headers)
    assert bad.status_code == 422 and field_of(bad) == "view"
    assert checked(client, "GET", "/api/v3/ua/static/customer-list-sortable-field", headers=headers)["data"] == [
        {"label": "Status", "field": "status", "order": 1},
        {"label": "Date of joining", "field": "createdAt", "order": 2},
    ]
    assert client.get("/api/v3/ua/static/customer-type").status_code == 401


def test_customer_config(client, db, settings, tenant, headers, make_tenant):
    ids = _workspace(client, db, settings, tenant, headers, make_tenant)
    assert checked(client, "GET", CONFIG.format(tenant["owId"]), headers=headers)["data"] == {
        "organizationType": "workspace"}
    assert client.get(CONFIG.format(ids["Alpha"]), headers=headers).json()["data"] == {
        "organizationType": "advertiser", "customerTypeId": 2, "customerPaymentTypeId": 1}
    bravo = login(client, {**tenant, "email": "admin@bravo.test", "owId": ids["Bravo"]})
    assert client.get(CONFIG.format(ids["Bravo"]), headers=bravo).json()["data"] == {"organizationType": "advertiser"}
    for ow_id in (ids["Alpha"], tenant["owId"], 999999):
        response = client.get(CONFIG.format(ow_id), headers=bravo)
        assert response.status_code == 404 and field_of(response) == "customerOwId", response.text
    for path in ("0", str(2**31)):
        assert client.get(CONFIG.format(path), headers=headers).status_code == 422
    assert client.get(CONFIG.format("abc"), headers=headers).status_code == 404


def test_allowed_organizations_and_profile_carry_the_organizations_fields(client, db, settings, tenant, headers,
                                                                         make_tenant):
    ids = _workspace(client, db, settings, tenant, headers, make_tenant)
    assert client.patch("/api/v3/ua/organization/update-profile", headers=headers,
                        json={"organizationLogo": LOGO}).status_code == 200
    mine = checked(client, "GET", "/api/v3/ua/user/allowed-organizations", headers=headers)["data"]
    assert mine["data"] == [mine["currentOrganization"]]
    assert mine["currentOrganization"] == {
        "owId": tenant["owId"], "organizationName": "Org A", "ownerUserEmail": "admin@a.test",
        "workspaceDomain": "ws1.test", "customerType": "Workspace", "logoUrl": LOGO,
        "dateOfJoining": mine["currentOrganization"]["dateOfJoining"], "title": None, "status": "Active",
        "statusId": 1, "contactPersonName": "admin", "workspaceOwnerOrganizationName": "Org A"}
    charlie = login(client, {**tenant, "email": "owner@charlie.test", "owId": ids["Charlie"]})
    row = client.get("/api/v3/ua/user/allowed-organizations", headers=charlie).json()["data"]["data"][0]
    assert row == {
        "owId": ids["Charlie"], "organizationName": "Charlie", "ownerUserEmail": "owner@charlie.test",
        "workspaceDomain": "ws1.test", "customerType": "Advertiser", "logoUrl": None,
        "dateOfJoining": "2026-03-03", "title": None, "status": "Active", "statusId": 1,
        "contactPersonName": "Owner of Charlie", "workspaceOwnerOrganizationName": "Org A"}
    profile = client.get("/api/v3/ua/profile", headers=charlie).json()["data"]
    assert profile["parentOrganization"] == {"owId": tenant["owId"], "organizationName": "Org A",
                                             "workspaceDomain": "ws1.test", "isAccess": False}
    assert profile["organizationLogo"] is None and profile["userAvatar"] is None
    own = client.get("/api/v3/ua/profile", headers=headers).json()["data"]
    assert own["parentOrganization"] is None and own["organizationLogo"] == LOGO
