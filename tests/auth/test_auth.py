"""Foundation: login, tokens, sign-up, logout, profile, throttling, tenancy boundaries."""

from __future__ import annotations

import base64
from datetime import timedelta

from adplane.auth import organizations
from adplane.core.clock import clock
from conftest import PASSWORD, basic_auth, login

LOGIN_REJECTED = {
    "success": False,
    "errorObjects": [{"error": "User doesn't exist or user is not allowed to provided workspace."}],
}


def _login(client, creds, email=None, password=None, host=None, authorization=None):
    return client.post(
        "/api/v3/ua/login",
        headers={"Authorization": authorization or basic_auth(creds), "X-IAA-HOST": host or creds["host"]},
        json={"grantType": "password", "email": email or creds["email"], "password": password or creds["password"]},
    )


def test_seed_001_login_sample_as_is(client, make_tenant):
    creds = make_tenant(host="api.iqm.com", email="pratik.t+ihp@iqm.com", password="123456")
    response = client.post(
        "/api/v3/ua/login",
        headers={"Authorization": basic_auth(creds), "X-Iaa-Host": "api.iqm.com"},
        json={"grantType": "password", "email": "pratik.t+ihp@iqm.com", "password": "123456"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert set(body["data"]) == {"access_token", "refresh_token", "scope", "token_type", "expires_in", "owId"}
    assert body["data"]["scope"] == "read write"
    assert body["data"]["token_type"] == "bearer"
    assert body["data"]["expires_in"] == 35999
    assert body["data"]["owId"] == creds["owId"] == 200001


def test_wrong_password_unknown_user_and_foreign_workspace_look_the_same(client, make_tenant):
    creds = make_tenant()
    other_ws = make_tenant(host="ws2.test", organization="Other", email="other@ws2.test")
    wrong = _login(client, creds, password="nope")
    unknown = _login(client, creds, email="ghost@a.test")
    # a real user of workspace 2 logging in through workspace 1
    foreign = _login(client, creds, email=other_ws["email"], password=other_ws["password"])
    for response in (wrong, unknown, foreign):
        assert response.status_code == 403
        assert response.json() == LOGIN_REJECTED


def test_bad_or_missing_client_credentials_are_401(client, tenant):
    bad_secret = "Basic " + base64.b64encode(f"{tenant['clientId']}:wrong".encode()).decode()
    assert _login(client, tenant, authorization=bad_secret).status_code == 401
    assert _login(client, tenant, authorization="Basic !!notbase64").status_code == 401
    response = client.post("/api/v3/ua/login", headers={"X-IAA-HOST": tenant["host"]},
                           json={"grantType": "password", "email": "a@b.c", "password": "x"})
    assert response.status_code == 401
    assert response.json()["success"] is False


def test_client_of_one_workspace_cannot_log_into_another(client, make_tenant):
    ws1 = make_tenant()
    ws2 = make_tenant(host="ws2.test", organization="Other", email="other@ws2.test")
    response = _login(client, ws2, authorization=basic_auth(ws1))
    assert response.status_code == 401


def test_missing_host_and_bad_body_are_422_naming_the_field(client, tenant):
    response = client.post("/api/v3/ua/login", headers={"Authorization": basic_auth(tenant)},
                           json={"grantType": "password", "email": tenant["email"], "password": PASSWORD})
    assert response.status_code == 422
    assert response.json()["errorObjects"][0]["field"] == "X-IAA-HOST"
    response = client.post("/api/v3/ua/login", headers={"Authorization": basic_auth(tenant),
                                                        "X-IAA-HOST": tenant["host"]}, json={"grantType": "password"})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errorObjects"]}
    assert {"email", "password"} <= fields
    response = client.post("/api/v3/ua/login", headers={"Authorization": basic_auth(tenant),
                                                        "X-IAA-HOST": tenant["host"],
                                                        "Content-Type": "application/json"}, content=b"{not json")
    assert response.status_code == 422
    assert response.json()["success"] is False


def test_on_hold_organization_gets_the_seed_400(client, tenant, db):
    with db.session() as session:
        organizations.put_on_hold(
            session, tenant["owId"],
            "The particular account is kept on hold due to missed payment dates for last 3 months.",
            "support@iqm.com",
        )
    response = _login(client, tenant)
    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "data": {
            "status": "On Hold",
            "reason": "The particular account is kept on hold due to missed payment dates for last 3 months.",
            "supportEmail": "support@iqm.com",
        },
        "errorObjects": [
            {
                "error": "User is not allowed to access provided customer",
                "reason": "User is not associated with any active organization.",
            }
        ],
    }
    with db.session() as session:
        organizations.release_hold(session, tenant["owId"])
    assert _login(client, tenant).status_code == 200


def test_oauth_token_password_and_refresh_rotation(client, tenant):
    auth = {"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]}
    response = client.post("/api/v3/ua/oauth/token", headers=auth,
                           data={"grant_type": "password", "username": tenant["email"], "password": PASSWORD})
    assert response.status_code == 200, response.text
    first = response.json()
    assert first["owId"] == tenant["owId"] and first["token_type"] == "bearer"
    response = client.post("/api/v3/ua/oauth/token", headers=auth,
                           data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()
    assert second["access_token"] != first["access_token"]
    # rotation: the used refresh token's access token stops working, the new one works
    old = {"Authorization": f"Bearer {first['access_token']}", "X-IAA-OW-ID": str(tenant["owId"])}
    assert client.get("/api/v3/ua/profile", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {second['access_token']}", "X-IAA-OW-ID": str(tenant["owId"])}
    assert client.get("/api/v3/ua/profile", headers=new).status_code == 200
    # the used refresh token is refused (and, being reuse, revokes the family: tests/auth/test_auth_refresh.py)
    again = client.post("/api/v3/ua/oauth/token", headers=auth,
                        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert again.status_code == 401
    bad = client.post("/api/v3/ua/oauth/token", headers=auth, data={"grant_type": "magic"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "grant_type"


def test_access_token_expires(client, tenant):
    headers = login(client, tenant)
    assert client.get("/api/v3/ua/profile", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=36000))
    response = client.get("/api/v3/ua/profile", headers=headers)
    assert response.status_code == 401
    assert response.json()["errorObjects"][0]["error"] == "Access token has expired."


def test_logout_revokes_access_and_refresh(client, tenant):
    auth = {"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]}
    tokens = client.post("/api/v3/ua/oauth/token", headers=auth,
                         data={"grant_type": "password", "username": tenant["email"], "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "X-IAA-OW-ID": str(tenant["owId"])}
    response = client.post("/api/v3/ua/logout", headers=headers)
    assert response.json() == {"success": True, "data": "User logged out successfully."}
    assert client.get("/api/v3/ua/profile", headers=headers).status_code == 401
    refreshed = client.post("/api/v3/ua/oauth/token", headers=auth,
                            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


def test_sign_up_password_rules(client, tenant, db):
    from adplane.auth.admin import set_sign_up_policy

    with db.session() as session:
        set_sign_up_policy(session, tenant["host"], True)
    auth = {"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]}
    cases = {
        "Sh0rt!": "at least 8 characters",
        "nouppercase1!": "uppercase",
        "NOLOWERCASE1!": "lowercase",
        "NoSpecial123": "special character",
    }
    for password, rule in cases.items():
        response = client.post("/api/v3/ua/sign-up", headers=auth, json={"email": "new@c.test", "password": password})
        assert response.status_code == 422, password
        errors = response.json()["errorObjects"]
        assert any(rule in e["error"] for e in errors), (password, errors)
        assert all(e["field"] == "password" for e in errors)
    response = client.post("/api/v3/ua/sign-up", headers=auth,
                           json={"email": "new@c.test", "password": "Good-Passw0rd"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["token_type"] == "bearer" and data["owId"] != tenant["owId"]
    headers = {"Authorization": f"Bearer {data['access_token']}", "X-IAA-OW-ID": str(data["owId"])}
    assert client.get("/api/v3/ua/profile", headers=headers).json()["data"]["email"] == "new@c.test"
    # an existing account cannot sign up again
    again = client.post("/api/v3/ua/sign-up", headers=auth, json={"email": "new@c.test", "password": "Good-Passw0rd"})
    assert again.status_code == 403
    assert again.json()["errorObjects"][0]["error"] == "User is not allowed to create a password."


def test_invited_user_sets_password_by_sign_up(client, tenant, db, settings):
    from adplane.auth.admin import add_user
    from test_auth_invitations import invite_token

    with db.session() as session:
        add_user(session, ow_id=tenant["owId"], email="invitee@a.test", password=None, role="member",
                 settings=settings)
    auth = {"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]}
    response = client.post("/api/v3/ua/sign-up", headers=auth,
                           json={"email": "invitee@a.test", "password": "Invited-Passw0rd",
                                 "inviteHash": invite_token(settings, "invitee@a.test")})
    assert response.status_code == 200
    assert response.json()["data"]["owId"] == tenant["owId"]
    creds = {**tenant, "email": "invitee@a.test", "password": "Invited-Passw0rd"}
    assert _login(client, creds).status_code == 200


def test_bearer_and_ow_id_rules(client, tenant, make_tenant):
    headers = login(client, tenant)
    other = make_tenant(organization="Org B", email="admin@b.test")
    assert client.get("/api/v3/ua/profile").status_code == 401
    assert client.get("/api/v3/ua/profile", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/v3/ua/profile", headers={"Authorization": "Token x"}).status_code == 401
    foreign = {**headers, "X-IAA-OW-ID": str(other["owId"])}
    response = client.get("/api/v3/ua/profile", headers=foreign)
    assert response.status_code == 403
    bad = client.get("/api/v3/ua/profile", headers={**headers, "X-IAA-OW-ID": "abc"})
    assert bad.status_code == 422 and bad.json()["errorObjects"][0]["field"] == "X-IAA-OW-ID"
    huge = client.get("/api/v3/ua/profile", headers={**headers, "X-IAA-OW-ID": "99999999999999999999"})
    assert huge.status_code == 422


def test_profile_and_allowed_organizations(client, tenant, db):
    from adplane.auth.admin import add_user

    headers = login(client, tenant)
    profile = client.get("/api/v3/ua/profile", headers=headers).json()["data"]
    assert profile["owId"] == tenant["owId"]
    assert profile["email"] == tenant["email"]
    assert profile["isWorkspaceOwnerOrg"] is True and profile["isWorkspaceAdmin"] is True
    assert profile["organizationTimezone"] == 29
    # a second organization in the workspace that the same user also belongs to
    with db.session() as session:
        from adplane.auth.models import Workspace
        from adplane.auth.service import create_organization

        ws = session.query(Workspace).filter_by(host=tenant["host"]).one()
        second = create_organization(session, ws, "Zeta Brand")
        session.commit()
        second_id = second.ow_id
        add_user(session, ow_id=second_id, email=tenant["email"], password=None, role="member")
    listing = client.get("/api/v3/ua/user/allowed-organizations", headers=headers).json()["data"]
    assert [o["owId"] for o in listing["data"]] == [tenant["owId"], second_id]
    assert listing["totalRecords"] == 2 and listing["filteredRecords"] == 2
    assert listing["currentOrganization"]["owId"] == tenant["owId"]
    searched = client.get("/api/v3/ua/user/allowed-organizations?searchField=zeta&sortBy=-owId",
                          headers=headers).json()["data"]
    assert [o["owId"] for o in searched["data"]] == [second_id]
    assert searched["totalRecords"] == 2 and searched["filteredRecords"] == 1
    invalid = client.get("/api/v3/ua/user/allowed-organizations?sortBy=+nope", headers=headers)
    assert invalid.status_code == 422
    assert invalid.json() == {"success": False,
                              "errorObjects": [{"error": "Invalid sortBy value.", "field": "sortBy"}]}
    # the user may act for the second organization by header
    as_second = client.get("/api/v3/ua/profile", headers={**headers, "X-IAA-OW-ID": str(second_id)}).json()
    assert as_second["data"]["owId"] == second_id and as_second["data"]["isWorkspaceOwnerOrg"] is False


def test_throttling_locks_after_repeated_failures_but_success_is_not_slowed(client, tenant, settings):
    for _ in range(settings.login_max_failures_per_account):
        assert _login(client, tenant, password="wrong").status_code == 403
    locked = _login(client, tenant)
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert locked.json()["success"] is False
    clock.advance(timedelta(seconds=int(locked.headers["Retry-After"]) + 1))
    assert _login(client, tenant).status_code == 200
    # after a success the account counter starts again
    assert _login(client, tenant, password="wrong").status_code == 403
    assert _login(client, tenant).status_code == 200


def test_throttling_per_address(client, make_tenant, settings):
    creds = make_tenant()
    for i in range(settings.login_max_failures_per_address):
        _login(client, creds, email=f"probe{i}@a.test", password="wrong")
    assert _login(client, creds).status_code == 429


def test_health_unknown_routes_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    missing = client.get("/api/v3/nothing/here")
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "errorObjects": [{"error": "Resource not found"}]}
    v2_missing = client.get("/api/v2/nothing")
    assert v2_missing.status_code == 404 and v2_missing.json()["statusCode"] == 404
    spec = client.get("/openapi.json").json()
    assert "/api/v3/ua/login" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_logs_never_contain_secrets(client, tenant, capsys):
    login(client, tenant)
    client.post("/api/v3/ua/login", headers={"Authorization": basic_auth(tenant), "X-IAA-HOST": tenant["host"]},
                json={"grantType": "password", "email": tenant["email"], "password": "Wrong-Secret-123"})
    captured = capsys.readouterr()
    logs = captured.err + captured.out
    assert '"path": "/api/v3/ua/login"' in logs and "request_id" in logs
    for secret in (PASSWORD, "Wrong-Secret-123", tenant["clientSecret"]):
        assert secret not in logs
