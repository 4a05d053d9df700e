"""Application access per user: IQM's lists and grant/revoke, enforced on the next request; isolation, bad input."""

from __future__ import annotations

from sqlalchemy import select

from adplane.auth.models import Membership
from conftest import login
from users_helpers import add_member, creds_of

ALLOWED = "/api/v3/ua/user/allowed-applications"
MINE = "/api/v3/ua/user/applications/list"
REMAINING = "/api/v3/ua/user/remaining-applications"
ADD = "/api/v3/ua/user/application/add"
REVOKE = "/api/v3/ua/user/application/revoke"


def member(db, settings, tenant, email: str) -> tuple[int, int]:  # noqa: ANN001
    added = add_member(db, settings, tenant, email)
    with db.session() as session:
        user_id = session.scalar(select(Membership.user_id).where(Membership.uow_id == added["uowId"]))
    return added["uowId"], int(user_id)


def app_names(client, headers, **params) -> list[str]:  # noqa: ANN001
    response = client.get(MINE, headers=headers, params={"limit": 50, **params})
    assert response.status_code == 200, response.text
    return [row["appName"] for row in response.json()["data"]["data"]]


def test_revoked_applications_are_refused_at_once_and_granted_back(client, db, settings, tenant,
                                                                    headers) -> None:  # noqa: ANN001
    uow_id, user_id = member(db, settings, tenant, "analyst@a.test")
    analyst = login(client, creds_of(tenant, "analyst@a.test"))
    catalogue = client.get(ALLOWED, headers=headers).json()["data"]
    assert {"appId": 3, "appName": "Reports", "appIcon": "logo/reports.png", "appUrl": "/reports"} in catalogue
    assert "Reports" in app_names(client, analyst) and client.get(REMAINING, headers=headers,
                                                                  params={"uowId": uow_id}).json()["data"] == []
    assert client.get("/api/v3/ra/reports/list", headers=analyst).status_code == 200
    # IQM's revoke sample names the member as owId; the spec sends DELETE, the guide POST
    revoked = client.post(REVOKE, headers=headers, json={"owId": uow_id, "appIds": "3,17"})
    assert revoked.json() == {"success": True, "data": "Application access revoked successfully."}
    refused = client.get("/api/v3/ra/reports/list", headers=analyst)
    assert refused.status_code == 403 and "Reports" in refused.json()["errorObjects"][0]["error"]
    assert client.get("/api/v3/master/timezones", headers=analyst).status_code == 200  # no application
    assert "Reports" not in app_names(client, analyst) and "Campaigns" in app_names(client, analyst)
    remaining = client.get(REMAINING, headers=headers, params={"uowId": uow_id}).json()["data"]
    assert {r["applicationId"] for r in remaining} == {3, 17}
    # IQM's add sample shape (its app id 1 is no application: 422), then Reports back
    unknown = client.post(ADD, headers=headers, json={"userId": user_id, "appIds": "1", "accessLevel": "Full"})
    assert unknown.status_code == 422 and unknown.json()["errorObjects"][0]["field"] == "appIds"
    added = client.post(ADD, headers=headers, json={"userId": user_id, "appIds": "3", "accessLevel": "Full"})
    assert added.json() == {"success": True, "data": "Application access added successfully."}
    assert client.get("/api/v3/ra/reports/list", headers=analyst).status_code == 200
    deleted = client.request("DELETE", REVOKE, headers=headers, json={"uowId": uow_id, "appIds": [7]})
    assert deleted.status_code == 200
    assert client.post("/api/v3/cmp/io/basic/list", headers=analyst, json={}).status_code == 403
    assert app_names(client, headers, uowId=uow_id, searchField="rep") == ["Reports"]
    assert app_names(client, headers, uowId=uow_id, sortBy="-appId")[0] == "Planner"


def test_only_organization_admins_change_access_and_others_get_403(client, db, settings, tenant, headers,
                                                                    make_tenant) -> None:  # noqa: ANN001
    uow_id, user_id = member(db, settings, tenant, "analyst@a.test")
    other_uow, _other_user = member(db, settings, tenant, "second@a.test")
    analyst = login(client, creds_of(tenant, "analyst@a.test"))
    assert client.post(REVOKE, headers=analyst, json={"uowId": other_uow, "appIds": "3"}).status_code == 403
    assert client.get(MINE, headers=analyst, params={"uowId": other_uow}).status_code == 403
    admin_uow = client.get("/api/v3/ua/profile", headers=headers).json()["data"]["uowId"]
    admin_revoke = client.post(REVOKE, headers=headers, json={"uowId": admin_uow, "appIds": "3"})
    assert admin_revoke.status_code == 422  # admins keep every application
    foreign = make_tenant(host="ws2.test", organization="Foreign", email="admin@foreign.test")
    foreign_headers = login(client, foreign)
    for response in (client.post(REVOKE, headers=foreign_headers, json={"uowId": uow_id, "appIds": "3"}),
                     client.post(ADD, headers=foreign_headers, json={"userId": user_id, "appIds": "3"}),
                     client.get(REMAINING, headers=foreign_headers, params={"uowId": uow_id})):
        assert response.status_code == 403, response.text
        assert "not part of the Organization" in response.json()["errorObjects"][0]["error"] \
            or "admin" in response.json()["errorObjects"][0]["error"]
    assert "Reports" in app_names(client, analyst)  # nothing changed


def test_bad_input_is_a_422_naming_the_field(client, db, settings, tenant, headers) -> None:  # noqa: ANN001
    uow_id, user_id = member(db, settings, tenant, "analyst@a.test")
    for url, body, field in ((ADD, {"userId": user_id, "appIds": "x"}, "appIds"),
                             (ADD, {"userId": user_id, "appIds": ""}, "appIds"),
                             (ADD, {"userId": user_id, "appIds": "3", "accessLevel": "Root"}, "accessLevel"),
                             (ADD, {"appIds": "3"}, "userId"),
                             (REVOKE, {"uowId": uow_id, "appIds": "999"}, "appIds"),
                             (REVOKE, {"uowId": 0, "appIds": "3"}, "uowId")):
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errorObjects"][0]["field"] == field, (body, response.text)
    for params in ({"sortBy": "nope"}, {"limit": 0}, {"uowId": "x"}):
        assert client.get(MINE, headers=headers, params=params).status_code == 422, params
    assert client.get(REMAINING, headers=headers).status_code == 422
