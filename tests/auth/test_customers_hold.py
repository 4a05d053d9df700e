"""A workspace admin puts a customer on hold (PATCH /api/v3/ua/customer/hold) and re-activates it: the
customer's users get IQM's on-hold answer at login and on every request until then. Wrong input changes
nothing; only the workspace's admins may do it."""

from __future__ import annotations

from auth_helpers import client_headers
from conftest import PASSWORD, login
from customers_helpers import HOLD, REACTIVATE, customer, field_of, invite, org, ow_id_of, row_of
from types_contract import checked
from users_helpers import add_member, login_as

GUIDE_REASON = "Not paid payment for 3 months"


def _login(client, tenant, email: str):  # noqa: ANN001, ANN202
    return client.post("/api/v3/ua/login", headers=client_headers(tenant),
                       json={"grantType": "password", "email": email, "password": PASSWORD})


def test_hold_and_re_activate_with_the_guide_requests(client, db, tenant, headers, make_tenant):
    customer_b = make_tenant(organization="Org B", email="admin@b.test")
    b_headers = login(client, customer_b)
    assert client.get("/api/v3/ua/profile", headers=b_headers).status_code == 200

    assert checked(client, "PATCH", HOLD, headers=headers,
                   json={"owId": customer_b["owId"], "statusReason": GUIDE_REASON}) == {
        "success": True, "data": "Customer status changed to on-hold successfully."}
    # at once: the customer's session is refused, and so is a new login, with the reason
    refused = client.get("/api/v3/ua/profile", headers=b_headers)
    assert refused.status_code == 403 and refused.json()["data"]["reason"] == GUIDE_REASON
    held = _login(client, customer_b, "admin@b.test")
    assert held.status_code == 400
    assert held.json()["data"] == {"status": "On Hold", "reason": GUIDE_REASON, "supportEmail": "admin@a.test"}
    row = row_of(client, headers, customer_b["owId"])
    assert (row["owStatus"], row["owStatusId"], row["onHoldReason"]) == ("suspended", 4, GUIDE_REASON)
    assert row["modifiedAt"] >= row["createdAt"]

    again = client.patch(HOLD, headers=headers, json={"owId": customer_b["owId"], "statusReason": "twice"})
    assert again.status_code == 422 and field_of(again) == "owId"
    stored = org(db, customer_b["owId"])
    assert stored is not None and stored.hold_reason == GUIDE_REASON

    assert checked(client, "PATCH", REACTIVATE, headers=headers, json={"owId": customer_b["owId"]}) == {
        "success": True, "data": "Customer status changed to active successfully."}
    assert _login(client, customer_b, "admin@b.test").status_code == 200
    row = row_of(client, headers, customer_b["owId"])
    assert (row["owStatus"], row["owStatusId"], row["onHoldReason"]) == ("active", 1, None)
    again = client.patch(REACTIVATE, headers=headers, json={"owId": customer_b["owId"]})
    assert again.status_code == 422 and field_of(again) == "owId"


def test_the_workspace_support_email_is_the_owner_profile_email(client, tenant, headers, make_tenant):
    customer_b = make_tenant(organization="Org B", email="admin@b.test")
    assert client.patch("/api/v3/ua/organization/update-profile", headers=headers,
                        json={"email": "billing@a.test"}).status_code == 200
    assert client.patch(HOLD, headers=headers, json={"owId": customer_b["owId"], "statusReason": "Unpaid"}
                        ).status_code == 200
    assert _login(client, customer_b, "admin@b.test").json()["data"]["supportEmail"] == "billing@a.test"


def test_an_invited_customer_can_be_held_too(client, db, settings, tenant, headers):
    invite(client, settings, headers, [customer("Pending", "pending@c.test")])
    pending = ow_id_of(db, "Pending")
    assert client.patch(HOLD, headers=headers, json={"owId": pending, "statusReason": "Wait"}).status_code == 200
    assert row_of(client, headers, pending)["owStatusId"] == 4
    assert client.patch(REACTIVATE, headers=headers, json={"owId": pending}).status_code == 200
    assert row_of(client, headers, pending)["owStatusId"] == 3  # still invited


def test_bad_hold_requests_change_nothing(client, db, tenant, headers, make_tenant):
    customer_b = make_tenant(organization="Org B", email="admin@b.test")
    b_id = customer_b["owId"]
    cases = [
        ({"owId": b_id}, 422, "statusReason"),
        ({"owId": b_id, "statusReason": ""}, 422, "statusReason"),
        ({"owId": b_id, "statusReason": "   "}, 422, "statusReason"),
        ({"owId": b_id, "statusReason": "x" * 1001}, 422, "statusReason"),
        ({"owId": b_id, "statusReason": "nul\x00"}, 422, "statusReason"),
        ({"statusReason": "why"}, 422, "owId"),
        ({"owId": "abc", "statusReason": "why"}, 422, "owId"),
        ({"owId": 0, "statusReason": "why"}, 422, "owId"),
        ({"owId": 2**31, "statusReason": "why"}, 422, "owId"),
        ({"owId": 999999, "statusReason": "why"}, 404, "owId"),
        ({"owId": tenant["owId"], "statusReason": "why"}, 404, "owId"),  # the workspace owner is no customer
    ]
    for body, status, field in cases:
        response = client.patch(HOLD, headers=headers, json=body)
        assert response.status_code == status and field_of(response) == field, (body, response.text)
    for body, status, field in [({}, 422, "owId"), ({"owId": -1}, 422, "owId"),
                                ({"owId": tenant["owId"]}, 404, "owId")]:
        response = client.patch(REACTIVATE, headers=headers, json=body)
        assert response.status_code == status and field_of(response) == field, (body, response.text)
    for ow_id in (b_id, tenant["owId"]):
        stored = org(db, ow_id)
        assert stored is not None and stored.status == "active" and stored.hold_reason is None
    assert _login(client, customer_b, "admin@b.test").status_code == 200


def test_only_the_workspace_admins_hold_customers(client, db, settings, tenant, headers, make_tenant):
    customer_b = make_tenant(organization="Org B", email="admin@b.test")
    customer_c = make_tenant(organization="Org C", email="admin@c.test")
    add_member(db, settings, tenant, "member@a.test")  # a member, no admin, of the workspace owner
    callers = [login(client, customer_b), login_as(client, tenant, "member@a.test")]
    for caller in callers:
        for ow_id in (customer_c["owId"], customer_b["owId"]):
            response = client.patch(HOLD, headers=caller, json={"owId": ow_id, "statusReason": "rival"})
            assert response.status_code == 403, response.text
        assert client.patch(REACTIVATE, headers=caller, json={"owId": customer_c["owId"]}).status_code == 403
    for ow_id in (customer_b["owId"], customer_c["owId"]):
        stored = org(db, ow_id)
        assert stored is not None and stored.status == "active"
