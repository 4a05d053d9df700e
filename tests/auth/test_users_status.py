"""PUT /api/v3/ua/user/update-status, re-invite and the e-mail check: an admin deactivates (on hold),
reactivates or deletes a user of the organization; deactivation is enforced at once (tokens, refresh,
login), invitations are revoked or sent again, and other organizations get 404s."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from adplane.auth.models import Invitation, Membership, User
from adplane.auth.service import add_membership
from adplane.core.security import hash_password
from auth_helpers import client_headers
from conftest import PASSWORD, login
from test_auth_invitations import NEW_PASSWORD, REFUSED, _sign_up, invite_token
from types_contract import checked
from users_helpers import (
    EMAIL_VALIDATE,
    RE_INVITE,
    UPDATE_STATUS,
    USERS,
    add_member,
    bearer,
    field_of,
    login_as,
    login_tokens,
    refresh,
)

ON_HOLD_LOGIN = {
    "success": False,
    "data": {"status": "On Hold", "reason": "Payment overdue for last 3 months", "supportEmail": ""},
    "errorObjects": [{"error": "User is not allowed to access provided customer",
                      "reason": "User is not associated with any active organization."}],
}
UPDATED = {"success": True, "data": "User status updated successfully."}


def _set_status(client, headers, uow_id: int, status: int, reason: str | None = None) -> Any:  # noqa: ANN001
    body: dict[str, Any] = {"uowId": uow_id, "status": status}
    if reason is not None:
        body["statusReason"] = reason
    return client.put(UPDATE_STATUS, headers=headers, json=body)


def _row(client, headers, email: str, status: str = "") -> dict[str, Any]:  # noqa: ANN001
    rows = client.get(f"{USERS}?searchField={email}&status={status}", headers=headers).json()["data"]["data"]
    assert len(rows) == 1, rows
    return rows[0]


def test_spec_example_as_is(client, db, tenant, headers):
    """The guide's request sample, with a user whose uowId is the sample's 166."""
    with db.session() as session:
        user = User(email="sample@a.test", password_hash=hash_password(PASSWORD))
        session.add(user)
        session.flush()
        session.add(Membership(uow_id=166, user_id=user.id, ow_id=tenant["owId"]))
        session.commit()
    response = checked(client, "PUT", UPDATE_STATUS, headers=headers,
                       json={"uowId": 166, "status": 4, "statusReason": "Payment overdue for last 3 months"})
    assert response == UPDATED
    assert _row(client, headers, "sample@a.test")["status"] == "on_hold"


def test_deactivation_ends_sessions_at_once_and_login_is_refused(client, db, settings, tenant, headers):
    member = add_member(db, settings, tenant, "m@a.test")
    tokens = login_tokens(client, tenant, "m@a.test")
    other_session = login_tokens(client, tenant, "m@a.test")
    member_headers = bearer(tokens["access_token"], tenant["owId"])
    assert client.get("/api/v3/ua/profile", headers=member_headers).status_code == 200

    assert _set_status(client, headers, member["uowId"], 4, "Payment overdue for last 3 months").json() == UPDATED
    # the very next request with the live token, and a refresh of either session, fail
    assert client.get("/api/v3/ua/profile", headers=member_headers).status_code == 401
    assert client.get(USERS, headers=member_headers).status_code == 401
    assert refresh(client, tenant, tokens["refresh_token"]).status_code == 401
    assert refresh(client, tenant, other_session["refresh_token"]).status_code == 401
    refused = client.post("/api/v3/ua/login", headers=client_headers(tenant),
                          json={"grantType": "password", "email": "m@a.test", "password": PASSWORD})
    assert refused.status_code == 400 and refused.json() == ON_HOLD_LOGIN
    oauth = client.post("/api/v3/ua/oauth/token", headers=client_headers(tenant),
                        data={"grant_type": "password", "username": "m@a.test", "password": PASSWORD})
    assert oauth.status_code == 400
    row = _row(client, headers, "m@a.test", "4")
    assert row["status"] == "on_hold" and row["statusId"] == 4 and row["isAssignActionAllowed"] is False

    # reactivation: the user logs in again; the sessions ended by the deactivation stay ended
    assert _set_status(client, headers, member["uowId"], 1).json() == UPDATED
    fresh = login_as(client, tenant, "m@a.test")
    assert client.get("/api/v3/ua/profile", headers=fresh).status_code == 200
    assert client.get("/api/v3/ua/profile", headers=member_headers).status_code == 401
    assert refresh(client, tenant, tokens["refresh_token"]).status_code == 401
    assert _row(client, headers, "m@a.test")["status"] == "active"


def test_deactivation_in_one_organization_leaves_the_others(client, db, settings, tenant, make_tenant, headers):
    other = make_tenant(organization="Org B", email="admin@b.test")
    member = add_member(db, settings, tenant, "both@a.test")
    with db.session() as session:
        user = session.scalar(select(User).where(User.email == "both@a.test"))
        assert user is not None
        add_membership(session, user.id, other["owId"], "member")
        session.commit()
    session_a = login_tokens(client, tenant, "both@a.test")
    assert session_a["owId"] == tenant["owId"]
    assert _set_status(client, headers, member["uowId"], 4).status_code == 200
    # login now lands in Org B; acting for Org A by header is refused there
    session_b = login_tokens(client, tenant, "both@a.test")
    assert session_b["owId"] == other["owId"]
    assert client.get(USERS, headers=bearer(session_b["access_token"], other["owId"])).status_code == 200
    assert client.get(USERS, headers=bearer(session_b["access_token"], tenant["owId"])).status_code == 403
    assert client.get(USERS, headers=bearer(session_a["access_token"], other["owId"])).status_code == 401


def test_who_may_change_whom(client, db, settings, tenant, headers):
    second_admin = add_member(db, settings, tenant, "admin2@a.test", role="admin")
    member = add_member(db, settings, tenant, "plain@a.test")
    owner_uow = tenant["uowId"]
    admin2 = login_as(client, tenant, "admin2@a.test")
    plain = login_as(client, tenant, "plain@a.test")
    # inviting an existing member demotes nobody (else an admin could take the owner's place)
    for email in (tenant["email"], "admin2@a.test"):
        invited = client.post("/api/v3/ua/user/invite", headers=admin2, json=[{"email": email, "name": "X Y"}])
        assert invited.status_code == 200
    assert _row(client, headers, tenant["email"])["isOrganizationOwnerUser"] is True
    # nobody changes themselves; the owner cannot be changed by another admin
    yourself = _set_status(client, headers, owner_uow, 4)
    assert yourself.status_code == 403 and field_of(yourself) == "uowId"
    owner = _set_status(client, admin2, owner_uow, 4)
    assert owner.status_code == 403 and field_of(owner) == "uowId"
    assert _set_status(client, admin2, second_admin["uowId"], 4).status_code == 403
    # a member may not change anyone
    assert _set_status(client, plain, second_admin["uowId"], 4).status_code == 403
    # an admin may change another admin and members
    assert _set_status(client, admin2, member["uowId"], 4).status_code == 200
    assert _set_status(client, headers, second_admin["uowId"], 4).status_code == 200
    assert client.get(USERS, headers=admin2).status_code == 401
    assert _row(client, headers, "admin2@a.test")["isModificationAllowed"] is True
    assert _row(client, headers, tenant["email"])["isOrganizationOwnerUser"] is True


def test_deleting_removes_the_user_from_the_organization(client, db, settings, tenant, headers):
    member = add_member(db, settings, tenant, "gone@a.test")
    session = login_tokens(client, tenant, "gone@a.test")
    assert _set_status(client, headers, member["uowId"], 5, "left the company").status_code == 200
    assert client.get("/api/v3/ua/profile", headers=bearer(session["access_token"])).status_code == 401
    assert client.post("/api/v3/ua/login", headers=client_headers(tenant),
                       json={"grantType": "password", "email": "gone@a.test", "password": PASSWORD}).status_code == 403
    listing = client.get(USERS, headers=headers).json()["data"]
    assert "gone@a.test" not in [row["email"] for row in listing["data"]] and listing["totalRecords"] == 1
    assert _row(client, headers, "gone@a.test", "5")["status"] == "deleted"
    again = _set_status(client, headers, member["uowId"], 1)
    assert again.status_code == 422 and field_of(again) == "uowId"
    # inviting the user again brings them back
    sent = client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "gone@a.test", "name": "Gone Back"}])
    assert sent.status_code == 200
    assert login_as(client, tenant, "gone@a.test")


def test_an_invitation_is_revoked_and_sent_again(client, db, settings, tenant, headers):
    client.post("/api/v3/ua/user/invite", headers=headers, json=[{"email": "inv@a.test", "name": "In Vited"}])
    first = invite_token(settings, "inv@a.test")
    row = _row(client, headers, "inv@a.test")
    assert row["status"] == "invited"
    # an invitee can only be deleted (the invitation revoked) until they accept
    activate = _set_status(client, headers, row["uowId"], 1)
    assert activate.status_code == 422 and field_of(activate) == "status"
    assert _set_status(client, headers, row["uowId"], 5).status_code == 200
    assert _sign_up(client, tenant, "inv@a.test", first).json() == REFUSED
    assert client.post("/api/v3/ua/invite/validate", json={"inviteHash": first}).json()["data"]["isInviteCancelled"]

    # re-invite: a new token by mail, the old one stays dead, the user is invited again
    resent = checked(client, "POST", RE_INVITE, headers=headers,
                     json={"userId": row["userId"], "email": "inv@a.test", "uowId": row["uowId"]})
    assert resent == {"success": True, "data": "Invitation resent successfully."}
    second = invite_token(settings, "inv@a.test")
    assert second != first
    assert _row(client, headers, "inv@a.test")["status"] == "invited"
    third_resent = client.post(RE_INVITE, headers=headers, json={"uowId": row["uowId"]})
    assert third_resent.status_code == 200
    third = invite_token(settings, "inv@a.test")
    assert _sign_up(client, tenant, "inv@a.test", second).status_code == 403  # replaced by the third
    assert _sign_up(client, tenant, "inv@a.test", first).status_code == 403
    assert _sign_up(client, tenant, "inv@a.test", third).status_code == 200
    assert _row(client, headers, "inv@a.test")["status"] == "active"
    accepted = client.post(RE_INVITE, headers=headers, json={"uowId": row["uowId"]})
    assert accepted.status_code == 422 and field_of(accepted) == "uowId"
    assert login_as(client, tenant, "inv@a.test", NEW_PASSWORD)


def test_re_invite_example_as_is(client, db, settings, tenant, headers):
    with db.session() as session:
        user = User(id=1001, email="john.doe@example.com")
        session.add(user)
        session.flush()
        session.add(Membership(uow_id=2001, user_id=1001, ow_id=tenant["owId"]))
        session.commit()
    response = client.post(RE_INVITE, headers=headers,
                           json={"userId": 1001, "email": "john.doe@example.com", "uowId": 2001})
    assert response.json() == {"success": True, "data": "Invitation resent successfully."}
    assert invite_token(settings, "john.doe@example.com")
    with db.session() as session:
        assert session.scalar(select(Invitation.invited_by_user_id).where(Invitation.user_id == 1001)) is not None
    mismatched = client.post(RE_INVITE, headers=headers, json={"userId": 1002, "uowId": 2001})
    assert mismatched.status_code == 422 and field_of(mismatched) == "userId"
    wrong_email = client.post(RE_INVITE, headers=headers, json={"email": "x@example.com", "uowId": 2001})
    assert wrong_email.status_code == 422 and field_of(wrong_email) == "email"


def test_another_organizations_admin_gets_404s(client, db, settings, tenant, headers, other_headers):
    member = add_member(db, settings, tenant, "mine@a.test")
    invited = add_member(db, settings, tenant, "pending@a.test", password=None)
    for status in (1, 4, 5):
        foreign = _set_status(client, other_headers, member["uowId"], status)
        assert foreign.status_code == 404 and field_of(foreign) == "uowId"
    assert client.post(RE_INVITE, headers=other_headers, json={"uowId": invited["uowId"]}).status_code == 404
    assert _set_status(client, other_headers, 2_000_000_000, 4).status_code == 404  # missing: the same answer
    assert _row(client, headers, "mine@a.test")["status"] == "active"
    assert login_as(client, tenant, "mine@a.test")


def test_email_validate(client, db, settings, make_tenant):
    """The guide's and the specification's examples as-is, in workspaces with those very names."""
    guide = make_tenant(host="<workspace.example.com>", organization="Guide", email="<user@example.com>")
    headers = login(client, guide)
    body = checked(client, "POST", EMAIL_VALIDATE, headers=headers,
                   json={"email": "<user@example.com>", "workspaceDomain": "<workspace.example.com>"})
    assert body == {"success": True, "data": {"isValid": True, "owId": guide["owId"], "isWorkspaceAllowed": True}}
    spec = make_tenant(host="app.stage.inhousebuying.com", organization="Spec", email="owner@ihp.test")
    add_member(db, settings, spec, "pratik.t+ihp@iqm.com", password=None)  # an invitee counts
    spec_headers = login(client, spec)
    body = client.post(EMAIL_VALIDATE, headers=spec_headers,
                       json={"email": "pratik.t+ihp@iqm.com", "workspaceDomain": "app.stage.inhousebuying.com"})
    assert body.json()["data"] == {"isValid": True, "owId": spec["owId"], "isWorkspaceAllowed": True}
    # another organization of the workspace: a user of the workspace, but not of the caller's organization
    other_org = make_tenant(host="app.stage.inhousebuying.com", organization="Spec 2", email="two@ihp.test")
    assert client.post(EMAIL_VALIDATE, headers=login(client, other_org),
                       json={"email": "pratik.t+ihp@iqm.com", "workspaceDomain": "app.stage.inhousebuying.com"}
                       ).json()["data"] == {"isValid": True, "owId": 0, "isWorkspaceAllowed": True}
    # unknown, or of another workspace (not told): IQM's 403 with the negative answer
    for email, domain in (("nobody@x.test", "app.stage.inhousebuying.com"),
                          ("<user@example.com>", "app.stage.inhousebuying.com"),
                          ("pratik.t+ihp@iqm.com", "<workspace.example.com>")):
        response = client.post(EMAIL_VALIDATE, headers=spec_headers, json={"email": email, "workspaceDomain": domain})
        assert response.status_code == 403, (email, domain)
        assert response.json()["data"] == {"isValid": False, "owId": 0, "isWorkspaceAllowed": False}
    missing = client.post(EMAIL_VALIDATE, headers=spec_headers, json={"email": "a@b.test"})
    assert missing.status_code == 422 and field_of(missing) == "workspaceDomain"
    assert client.post(EMAIL_VALIDATE, json={"email": "a@b.test", "workspaceDomain": "x"}).status_code == 401


def test_bad_status_input_is_422_naming_the_field(client, db, settings, tenant, headers):
    member = add_member(db, settings, tenant, "m@a.test")
    uow = member["uowId"]
    cases: list[tuple[Any, str]] = [
        ({"uowId": uow, "status": 2}, "status"),  # pending and invited cannot be set
        ({"uowId": uow, "status": 3}, "status"),
        ({"uowId": uow, "status": 9}, "status"),
        ({"uowId": uow, "status": "on"}, "status"),
        ({"uowId": uow}, "status"),
        ({"status": 4}, "uowId"),
        ({"uowId": 0, "status": 4}, "uowId"),
        ({"uowId": 99999999999999, "status": 4}, "uowId"),
        ({"uowId": "abc", "status": 4}, "uowId"),
        ({"uowId": uow, "status": 4, "statusReason": "x" * 1001}, "statusReason"),
        ({"uowId": uow, "status": 4, "statusReason": "a\u0000b"}, "statusReason"),
    ]
    for body, field in cases:
        response = client.put(UPDATE_STATUS, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field_of(response) == field, (body, response.json())
    for body, field in [({}, "uowId"), ({"uowId": uow, "userId": -1}, "userId"), ({"uowId": "x"}, "uowId")]:
        response = client.post(RE_INVITE, headers=headers, json=body)
        assert response.status_code == 422 and field_of(response) == field, (body, response.text)
    assert client.put(UPDATE_STATUS, headers=headers, content=b"{not json").status_code == 422
    assert _row(client, headers, "m@a.test")["status"] == "active"


def test_every_request_and_refresh_checks_the_membership(client, db, settings, tenant):
    """Even a session its revocation missed (a login racing the deactivation) ends: the status is read
    on each request and refresh, not only at login."""
    member = add_member(db, settings, tenant, "m@a.test")
    tokens = login_tokens(client, tenant, "m@a.test")
    with db.session() as session:
        membership = session.get(Membership, member["uowId"])
        assert membership is not None
        membership.status = 4  # as if written by a racing update, with no token revoked
        session.commit()
    assert client.get("/api/v3/ua/profile", headers=bearer(tokens["access_token"])).status_code == 401
    assert refresh(client, tenant, tokens["refresh_token"]).status_code == 401
