"""The organization's profile (GET /api/v3/ua/organization/view-profile, PATCH .../update-profile): the guide's
request as JSON, the specification's form, an uploaded logo served through a signed link; only admins
change it, bad input is a 422 naming the field and changes nothing, and a customer never sees its workspace
owner's profile."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from conftest import login
from customers_helpers import UPDATE_ORG_PROFILE, VIEW_PROFILE, field_of
from types_contract import checked
from users_helpers import add_member, login_as

UPDATED = "Profile updated successfully."
EMPTY = {"organizationName": "Org A", "email": None, "website": None, "contactNumber": None, "address": None,
         "city": None, "state": None, "country": None, "zipcode": None, "isAvatarUrl": True, "organizationLogo": None,
         "industry": None, "companySize": None, "companyId": None, "taxId": None, "currency": None,
         "dateFormat": None, "description": None, "verticalId": None, "expertize": None}
# the specification's form (every field of its example; IQM sends zipcode as a number)
SPEC_FORM = {"organizationName": "JP test org1", "email": "jinesh.p+jptest1@iqm.com", "website": "www.jptest1.com",
             "contactNumber": "+91 123987456", "address": "A-123, ABC complex", "city": "Ahmedabad", "state": "1672",
             "country": "113", "zipcode": "382418", "industry": "Advertising", "companySize": "2",
             "companyId": "A-123456", "taxId": "JP123456", "currency": "Dollar ($)", "dateFormat": "DD/MM/YYYY",
             "expertize": "1,2,3", "description": "", "removeOrganizationLogo": "false"}


def _png(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def _view(client, headers) -> dict[str, Any]:  # noqa: ANN001
    return checked(client, "GET", VIEW_PROFILE, headers=headers)["data"]


def test_guide_request_then_the_specification_form(client, tenant, headers):
    assert _view(client, headers) == EMPTY
    body = checked(client, "PATCH", UPDATE_ORG_PROFILE, headers=headers,
                   json={"organizationName": "New Org Name", "email": "neworgemail@org.com",
                         "website": "neworgwebsite.com"})
    assert body == {"success": True, "data": {"organizationId": tenant["owId"], "organizationName": "New Org Name",
                                              "message": UPDATED}}
    assert _view(client, headers) == {**EMPTY, "organizationName": "New Org Name", "email": "neworgemail@org.com",
                                      "website": "neworgwebsite.com"}
    assert client.get("/api/v3/ua/profile", headers=headers).json()["data"]["organizationName"] == "New Org Name"

    assert checked(client, "PATCH", UPDATE_ORG_PROFILE, headers=headers, data=SPEC_FORM)["data"]["message"] == UPDATED
    # the view-profile example of the guide, but the logo (none given) and the vertical (not in the form)
    assert _view(client, headers) == {
        "organizationName": "JP test org1", "email": "jinesh.p+jptest1@iqm.com", "website": "www.jptest1.com",
        "contactNumber": "+91 123987456", "address": "A-123, ABC complex", "city": "Ahmedabad", "state": 1672,
        "country": 113, "zipcode": "382418", "isAvatarUrl": True, "organizationLogo": None, "industry": "Advertising",
        "companySize": 2, "companyId": "A-123456", "taxId": "JP123456", "currency": "Dollar ($)",
        "dateFormat": "DD/MM/YYYY", "description": None, "verticalId": None, "expertize": "1,2,3"}
    # JSON with numbers and lists; an empty field clears it
    client.patch(UPDATE_ORG_PROFILE, headers=headers, json={"zipcode": 10001, "expertize": [3, 1, 3], "verticalId": 2,
                                                            "city": "", "state": None})
    view = _view(client, headers)
    assert (view["zipcode"], view["expertize"], view["verticalId"], view["city"], view["state"]) == \
        ("10001", "3,1", 2, None, None)


def test_uploaded_logo_is_served_and_shown_everywhere(client, tenant, headers):
    body = checked(client, "PATCH", UPDATE_ORG_PROFILE, headers=headers,
                   files={"organizationLogo": ("logo.png", _png(), "image/png")}, data={"city": "Austin"})
    url = body["data"]["organizationLogo"]
    assert "/files/" in url
    served = client.get(url[url.index("/files/"):])
    assert served.status_code == 200 and served.headers["content-type"] == "image/png" and served.content == _png()
    view = _view(client, headers)
    assert (view["organizationLogo"], view["isAvatarUrl"], view["city"]) == (url, False, "Austin")
    assert client.get("/api/v3/ua/profile", headers=headers).json()["data"]["organizationLogo"] == url
    allowed = client.get("/api/v3/ua/user/allowed-organizations", headers=headers).json()["data"]["data"]
    assert [row["logoUrl"] for row in allowed] == [url]
    # a link instead, then removed with the form fields (organizationLogo left empty)
    link = "https://cdn.example.com/logo.png"
    assert client.patch(UPDATE_ORG_PROFILE, headers=headers, data={"organizationLogo": link}).json()["data"][
        "organizationLogo"] == link
    removed = client.patch(UPDATE_ORG_PROFILE, headers=headers,
                           data={"organizationLogo": "", "removeOrganizationLogo": "true"})
    assert removed.json() == {"success": True, "data": {"organizationId": tenant["owId"], "organizationName": "Org A",
                                                        "message": UPDATED}}
    assert _view(client, headers)["organizationLogo"] is None


def test_members_view_admins_update(client, db, settings, tenant, headers):
    add_member(db, settings, tenant, "member@a.test")
    member = login_as(client, tenant, "member@a.test")
    assert _view(client, member)["organizationName"] == "Org A"
    refused = client.patch(UPDATE_ORG_PROFILE, headers=member, json={"organizationName": "Mine"})
    assert refused.status_code == 403
    assert _view(client, headers)["organizationName"] == "Org A"
    # X-IAA-OW-ID may be left out (the organization chosen at login), as for GET profile
    no_org = {"Authorization": headers["Authorization"]}
    assert _view(client, no_org)["organizationName"] == "Org A"


def test_a_customer_sees_only_its_own_profile(client, tenant, headers, make_tenant):
    customer_b = make_tenant(organization="Org B", email="admin@b.test")
    b_headers = login(client, customer_b)
    assert client.patch(UPDATE_ORG_PROFILE, headers=headers, json={"taxId": "SECRET-1"}).status_code == 200
    assert _view(client, b_headers)["organizationName"] == "Org B"
    for method, kwargs in [("GET", {}), ("PATCH", {"json": {"organizationName": "Taken over"}})]:
        response = client.request(method, VIEW_PROFILE if method == "GET" else UPDATE_ORG_PROFILE,
                                  headers={**b_headers, "X-IAA-OW-ID": str(tenant["owId"])}, **kwargs)
        assert response.status_code == 403 and "SECRET" not in response.text
    assert _view(client, headers)["organizationName"] == "Org A"
    # names are unique in the workspace (case-insensitively)
    taken = client.patch(UPDATE_ORG_PROFILE, headers=b_headers, json={"organizationName": "org a"})
    assert taken.status_code == 422 and field_of(taken) == "organizationName"


def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(client, headers):
    assert client.patch(UPDATE_ORG_PROFILE, headers=headers, json={"city": "Paris"}).status_code == 200
    before = _view(client, headers)
    json_cases: list[tuple[Any, str]] = [
        ({}, "organizationName"),
        ({"organizationName": ""}, "organizationName"),
        ({"organizationName": "   "}, "organizationName"),
        ({"organizationName": "a\nb"}, "organizationName"),
        ({"organizationName": "x" * 256}, "organizationName"),
        ({"email": "not-an-email"}, "email"),
        ({"website": "has space.com"}, "website"),
        ({"contactNumber": "call me"}, "contactNumber"),
        ({"state": 0}, "state"),
        ({"country": 2**31}, "country"),
        ({"country": "abc"}, "country"),
        ({"zipcode": "1234567890123456789012"}, "zipcode"),
        ({"companySize": 8}, "companySize"),
        ({"verticalId": 4}, "verticalId"),
        ({"dateFormat": "whenever"}, "dateFormat"),
        ({"expertize": "1,x"}, "expertize"),
        ({"expertize": "0"}, "expertize"),
        ({"description": "nul\x00"}, "description"),
        ({"organizationLogo": "ftp://x.test/a.png"}, "organizationLogo"),
        ({"organizationLogo": "https://x.test/a.png", "removeOrganizationLogo": True}, "removeOrganizationLogo"),
        ({"removeOrganizationLogo": "maybe"}, "removeOrganizationLogo"),
        ({"city": "Rome", "companySize": 0}, "companySize"),  # one bad field: the good one is not kept either
        ([1, 2], "body"),
    ]
    for body, field in json_cases:
        response = client.patch(UPDATE_ORG_PROFILE, headers=headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field_of(response) == field, (body, response.json())
    form_cases: list[tuple[dict[str, Any], str]] = [
        ({"data": {"companySize": "two"}}, "companySize"),
        ({"files": {"organizationLogo": ("x.txt", b"not an image", "text/plain")}}, "organizationLogo"),
        ({"files": {"organizationLogo": ("big.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024), "image/png")}},
         "organizationLogo"),
        ({"files": {"city": ("c.txt", b"Rome", "text/plain")}}, "city"),
        ({"files": [("organizationLogo", ("a.png", _png(), "image/png")),
                    ("organizationLogo", ("b.png", _png(), "image/png"))]}, "body"),
    ]
    for kwargs, field in form_cases:
        response = client.patch(UPDATE_ORG_PROFILE, headers=headers, **kwargs)
        assert response.status_code == 422, (kwargs.keys(), response.text)
        assert field_of(response) == field, (field, response.json())
    broken = client.patch(UPDATE_ORG_PROFILE, headers={**headers, "Content-Type": "application/json"}, content=b"{")
    assert broken.status_code == 422 and field_of(broken) == "body"
    assert _view(client, headers) == before
