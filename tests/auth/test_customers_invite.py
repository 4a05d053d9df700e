"""Customers invited by a workspace admin (POST /api/v3/ua/customer/invite): the customer organization is
created with its terms, its first admin gets the ordinary invitation by mail (a real SMTP server) and signs up
with it; the invitation can be sent again or cancelled while pending. Bad input is a 422 naming the field
and creates nothing; other workspaces get 404s, customers 403s."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adplane.auth.models import Invitation, Organization, User
from adplane.core.clock import clock
from auth_helpers import client_headers
from conftest import login
from customers_helpers import (
    CANCEL,
    CONFIG,
    CUSTOMERS,
    GUIDE_INVITE_ADVERTISER,
    GUIDE_INVITE_WORKSPACE,
    HOLD,
    INVITE,
    LOGO,
    RE_SEND,
    customer,
    field_of,
    invite,
    org,
    ow_id_of,
    row_of,
    sign_up,
    token_of,
)
from test_schedules_support import SmtpSink
from types_contract import checked

NEW = "Brand-New-Passw0rd!"


def _count(db, model) -> int:  # noqa: ANN001
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_guide_example_creates_the_customer_and_its_admin_signs_up(client, db, settings, tenant, headers):
    settings.public_base_url = "https://ads.example.com"
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        body = checked(client, "POST", INVITE, headers=headers, json=GUIDE_INVITE_WORKSPACE)
    assert body == {"success": True, "data": {"successfulEmails": ["user1@iqm.com"], "failedEmails": [],
                                              "message": "1 invitations sent successfully."}}
    assert [m["To"] for m in sink.messages] == ["user1@iqm.com"]
    mail = sink.messages[0]
    assert mail["Subject"] == "You are invited to ORG - 1"
    assert "https://ads.example.com/sign-up?inviteHash=" in mail.get_body(("plain",)).get_content()
    ow_id = ow_id_of(db, "ORG - 1")
    stored = org(db, ow_id)
    assert stored is not None and stored.workspace_id is not None and not stored.is_workspace_owner
    assert (stored.payment_type_id, stored.customer_type_id, stored.country_id, stored.vertical_id,
            stored.logo_url) == (2, 2, 30100001, 1, LOGO)

    row = row_of(client, headers, ow_id)
    assert (row["owStatus"], row["owStatusId"]) == ("invited", 3)
    assert row["organizationName"] == "ORG - 1" and row["parentOrganizationName"] == "Org A"
    assert row["contactPersonName"] == "User-1" and row["contactPersonEmail"] == "user1@iqm.com"
    assert row["approvedByEmail"] == "admin@a.test" and row["logoUrl"] == LOGO and row["verticalTypeId"] == 1
    assert row["tags"] == ["Managed Services", "Advertiser"] and row["isUserAllowed"] is False
    assert row["workspaceDomain"] == "ws1.test" and row["balance"] == 0 and row["lastAccess"] == 0
    assert checked(client, "GET", CONFIG.format(ow_id), headers=headers)["data"] == {
        "organizationType": "advertiser", "vertical": "political", "customerTypeId": 2, "customerPaymentTypeId": 2}

    # the inviter's `password` is not the invitee's: only the mailed token sets one
    assert client.post("/api/v3/ua/login", headers=client_headers(tenant),
                       json={"grantType": "password", "email": "user1@iqm.com", "password": "password@123"}
                       ).status_code == 403
    signed = sign_up(client, tenant, "user1@iqm.com", token_of(mail), NEW)
    assert signed.status_code == 200, signed.text
    assert signed.json()["data"]["owId"] == ow_id
    row = row_of(client, headers, ow_id)
    assert (row["owStatus"], row["owStatusId"]) == ("active", 1) and row["lastAccess"] > 0

    # the invitee is the customer's admin, below the workspace owner, and no workspace admin
    mine = {"Authorization": f"Bearer {signed.json()['data']['access_token']}", "X-IAA-OW-ID": str(ow_id)}
    profile = checked(client, "GET", "/api/v3/ua/profile", headers=mine)["data"]
    assert profile["role"] == "admin" and profile["isWorkspaceAdmin"] is False
    assert profile["organizationLogo"] == LOGO and profile["organizationName"] == "ORG - 1"
    assert profile["parentOrganization"] == {"owId": tenant["owId"], "organizationName": "Org A",
                                             "workspaceDomain": "ws1.test", "isAccess": False}
    assert profile["displayName"] == "User-1"
    for method, url, kwargs in [("GET", CUSTOMERS, {}), ("POST", INVITE, {"json": GUIDE_INVITE_ADVERTISER}),
                                ("PATCH", HOLD, {"json": {"owId": ow_id, "statusReason": "mine"}}),
                                ("POST", RE_SEND, {"json": {"owId": ow_id}})]:
        refused = client.request(method, url, headers=mine, **kwargs)
        assert refused.status_code == 403, (url, refused.text)
        assert refused.json()["errorObjects"][0]["error"] == \
            "User is not authorized to access customers of given organizations"
    # its own configuration it may read, the workspace owner's it may not even see
    assert client.get(CONFIG.format(ow_id), headers=mine).json()["data"]["organizationType"] == "advertiser"
    assert client.get(CONFIG.format(tenant["owId"]), headers=mine).status_code == 404
    assert client.get("/api/v3/ua/organization/view-profile",
                      headers={**mine, "X-IAA-OW-ID": str(tenant["owId"])}).status_code == 403


def test_advertiser_example_and_several_customers_at_once(client, db, settings, headers):
    data, mails = invite(client, settings, headers, GUIDE_INVITE_ADVERTISER + [
        customer("Acme", "acme@c.test", customerOperationDetails={"customerTypeId": 1, "customerPaymentTypeId": 1}),
        customer("Beta", "beta@c.test"),
    ])
    assert data == {"successfulEmails": ["user2@iqm.com", "acme@c.test", "beta@c.test"], "failedEmails": [],
                    "message": "3 invitations sent successfully."}
    assert sorted(m["To"] for m in mails) == ["acme@c.test", "beta@c.test", "user2@iqm.com"]
    acme, beta = org(db, ow_id_of(db, "Acme")), org(db, ow_id_of(db, "Beta"))
    assert acme is not None and (acme.payment_type_id, acme.customer_type_id) == (1, 1)
    assert beta is not None and (beta.payment_type_id, beta.customer_type_id) == (None, None)
    assert row_of(client, headers, acme.ow_id)["tags"] == ["Self Served", "Advertiser"]
    assert row_of(client, headers, beta.ow_id)["tags"] == ["Advertiser"]
    assert client.get(CONFIG.format(beta.ow_id), headers=headers).json()["data"] == {"organizationType": "advertiser"}


def test_a_mail_not_accepted_is_a_failed_email_and_can_be_sent_again(client, db, settings, tenant, headers):
    with SmtpSink(refuse=1) as sink:
        data, mails = invite(client, settings, headers, [customer("First", "first@c.test"),
                                                         customer("Second", "second@c.test")], sink)
        assert data == {"successfulEmails": ["second@c.test"], "failedEmails": ["first@c.test"],
                        "message": "1 invitations sent successfully."}
        first = ow_id_of(db, "First")
        assert row_of(client, headers, first)["owStatusId"] == 3  # created and invited; the mail is owed
        assert checked(client, "POST", RE_SEND, headers=headers, json={"owId": first}) == {
            "success": True, "data": "Invitation resent successfully."}
    assert [m["To"] for m in sink.messages] == ["second@c.test", "first@c.test"]
    assert sign_up(client, tenant, "first@c.test", token_of(sink.messages[-1])).status_code == 200


def test_re_send_with_the_guide_request_replaces_the_token(client, db, settings, tenant, headers):
    with SmtpSink() as sink:
        invite(client, settings, headers, [customer("Late Co", "late@c.test")], sink)
        first = token_of(sink.messages[0])
        clock.advance(timedelta(seconds=settings.invite_ttl_seconds + 1))
        assert sign_up(client, tenant, "late@c.test", first).status_code == 403  # expired
        headers = login(client, tenant)  # a week later: a new session
        # the invitee forwards the expired link; the guide's request carries its hash
        assert checked(client, "POST", RE_SEND, headers=headers, json={"inviteHash": first}) == {
            "success": True, "data": "Invitation resent successfully."}
        second = token_of(sink.messages[1])
    assert second != first and sink.messages[1]["To"] == "late@c.test"
    assert sign_up(client, tenant, "late@c.test", second).status_code == 200
    ow_id = ow_id_of(db, "Late Co")
    # accepted: nothing to send again, whichever way it is named
    for body, field in [({"inviteHash": second}, "inviteHash"), ({"owId": ow_id}, "owId")]:
        response = client.post(RE_SEND, headers=headers, json=body)
        assert response.status_code == 422 and field_of(response) == field, response.text


def test_re_send_input_errors(client, db, settings, headers, make_tenant):
    invite(client, settings, headers, [customer("Pending", "pending@c.test")])
    pending = ow_id_of(db, "Pending")
    member_org = make_tenant(organization="Org B", email="admin@b.test")["owId"]
    cases = [
        ({}, 422, "inviteHash"),
        ({"inviteHash": "x", "owId": pending}, 422, "inviteHash"),
        ({"inviteHash": ""}, 422, "inviteHash"),
        ({"owId": 0}, 422, "owId"),
        ({"owId": 2**31}, 422, "owId"),
        ({"owId": "abc"}, 422, "owId"),
        ({"inviteHash": "M7JoA2hYIUcKdVDM3g2KD/7+4FcOi9+slNVCW4NhEJgPMIxdvrj6ObD"}, 404, "inviteHash"),
        ({"owId": 999999}, 404, "owId"),
        ({"owId": member_org}, 422, "owId"),  # signed up long ago
    ]
    for body, status, field in cases:
        response = client.post(RE_SEND, headers=headers, json=body)
        assert response.status_code == status and field_of(response) == field, (body, response.text)


def test_cancel_removes_the_pending_customer(client, db, settings, tenant, headers):
    with SmtpSink() as sink:
        invite(client, settings, headers, [customer("Gone Soon", "gone@c.test")], sink)
    ow_id = ow_id_of(db, "Gone Soon")
    assert checked(client, "DELETE", f"{CANCEL}?owId={ow_id}", headers=headers) == {
        "success": True, "data": "Invitation cancelled successfully."}
    assert org(db, ow_id) is None
    with db.session() as session:
        assert session.scalar(select(User).where(User.email == "gone@c.test")) is None
        assert session.scalar(select(func.count()).select_from(Invitation).where(Invitation.ow_id == ow_id)) == 0
    assert sign_up(client, tenant, "gone@c.test", token_of(sink.messages[0])).status_code == 403
    assert client.get(CONFIG.format(ow_id), headers=headers).status_code == 404
    again = client.delete(f"{CANCEL}?owId={ow_id}", headers=headers)
    assert again.status_code == 404 and field_of(again) == "owId"
    # the name and the e-mail are free again
    data, _ = invite(client, settings, headers, [customer("Gone Soon", "gone@c.test")])
    assert data["successfulEmails"] == ["gone@c.test"]


def test_cancel_only_while_pending(client, db, settings, tenant, headers, make_tenant):
    with SmtpSink() as sink:
        invite(client, settings, headers, [customer("Joined", "joined@c.test")], sink)
    assert sign_up(client, tenant, "joined@c.test", token_of(sink.messages[0])).status_code == 200
    joined = ow_id_of(db, "Joined")
    bootstrapped = make_tenant(organization="Org B", email="admin@b.test")["owId"]
    for ow_id in (joined, bootstrapped):
        response = client.delete(f"{CANCEL}?owId={ow_id}", headers=headers)
        assert response.status_code == 422 and field_of(response) == "owId", response.text
        assert org(db, ow_id) is not None
    for query, status in [("", 422), ("?owId=abc", 422), ("?owId=0", 422), (f"?owId={tenant['owId']}", 404)]:
        response = client.delete(f"{CANCEL}{query}", headers=headers)
        assert response.status_code == status and field_of(response) == "owId", (query, response.text)
    assert org(db, tenant["owId"]) is not None


def test_bad_invitations_are_422s_naming_the_field_and_create_nothing(client, db, settings, headers, make_tenant):
    make_tenant(organization="Org B", email="admin@b.test")
    orgs, users = _count(db, Organization), _count(db, User)
    eleven = [customer(f"C{i}", f"c{i}@c.test") for i in range(11)]
    ok = customer("Fine", "fine@c.test")
    cases = [
        ([], None),  # the body itself: no field to name
        ({"email": "x@c.test", "name": "X"}, None),
        (eleven, "body"),
        ([ok, customer("Org B", "b2@c.test")], "1.name"),  # the workspace has that organization already
        ([ok, customer("org a", "a2@c.test")], "1.name"),
        ([ok, customer("fine", "other@c.test")], "1.name"),  # twice in one request
        ([ok, customer("Other", "FINE@c.test")], "1.email"),
        ([ok, customer("Other", "admin@b.test")], "1.email"),  # an existing user
        ([ok, customer("Other", "not-an-email")], "1.email"),
        ([ok, customer("  ", "blank@c.test")], "1.name"),
        ([ok, customer("Line\nbreak", "lb@c.test")], "1.name"),
        ([ok, customer("Line\u2028separator", "ls@c.test")], "1.name"),  # would break the mail's subject
        ([{"name": "No Mail"}], "0.email"),
        ([customer("Pay", "pay@c.test", customerOperationDetails={"customerPaymentTypeId": 3})],
         "0.customerOperationDetails.customerPaymentTypeId"),
        ([customer("Kind", "kind@c.test", customerOperationDetails={"customerTypeId": 5})],
         "0.customerOperationDetails.customerTypeId"),
        ([customer("Vert", "vert@c.test", verticalId=9)], "0.verticalId"),
        ([customer("Logo", "logo@c.test", logoUrl="javascript:alert(1)")], "0.logoUrl"),
        ([customer("Country", "country@c.test", customerOperationDetails={"countryId": 2**31})],
         "0.customerOperationDetails.countryId"),
    ]
    with SmtpSink() as sink:
        settings.smtp_url = sink.url
        for body, field in cases:
            response = client.post(INVITE, headers=headers, json=body)
            assert response.status_code == 422, (body, response.text)
            assert field_of(response) == field, (field, response.json())
        too_many = client.post(INVITE, headers=headers, json=eleven)
        assert too_many.json()["errorObjects"] == [{"error": "Max Limit is 10 customers at a time.", "field": "body"}]
    assert sink.messages == []
    assert (_count(db, Organization), _count(db, User)) == (orgs, users)


def test_another_workspace_gets_404s_and_sees_no_customer(client, db, settings, headers, make_tenant):
    invite(client, settings, headers, [customer("Ours", "ours@c.test")])
    ours = ow_id_of(db, "Ours")
    other = login(client, make_tenant(host="ws2.test", organization="Elsewhere", email="admin@ws2.test"))
    assert checked(client, "GET", CUSTOMERS, headers=other)["data"] == {
        "data": [], "totalRecords": 0, "filteredRecords": 0}
    assert client.get(f"{CUSTOMERS}?owIds={ours}", headers=other).json()["data"]["data"] == []
    for method, url, kwargs, field in [
        ("POST", RE_SEND, {"json": {"owId": ours}}, "owId"),
        ("DELETE", f"{CANCEL}?owId={ours}", {}, "owId"),
        ("PATCH", HOLD, {"json": {"owId": ours, "statusReason": "theirs"}}, "owId"),
        ("PATCH", "/api/v3/ua/customer/re-activate", {"json": {"owId": ours}}, "owId"),
        ("GET", CONFIG.format(ours), {}, "customerOwId"),
    ]:
        response = client.request(method, url, headers=other, **kwargs)
        assert response.status_code == 404 and field_of(response) == field, (url, response.text)
    stored = org(db, ours)
    assert stored is not None and stored.status == "active"
    # the other workspace may invite a customer of the same name: names are per workspace
    data, _ = invite(client, settings, other, [customer("Ours", "theirs@c.test")])
    assert data["successfulEmails"] == ["theirs@c.test"]
