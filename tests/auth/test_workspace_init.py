"""The workspace around login (IQM's Workspace/User Management API): static lists, the caller's config, the
whitelabel init and logo by host, the chatbot app id, the sign-up e-mail check (scoped to the host's workspace and
throttled) and user interaction events (per user, counted)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from adplane.auth import workspace_catalog
from adplane.auth.workspace_init import set_chatbot
from auth_helpers import client_headers
from conftest import login
from customers_helpers import UPDATE_ORG_PROFILE
from types_contract import checked
from users_helpers import add_member, login_as

INIT = "/api/v3/ua/init"
LOGO = "/api/v3/ua/logo"
CONFIG = "/api/v3/ua/users/config"
CHATBOT = "/api/v3/ua/chatbot"
ST_CHATBOT = "/api/v3/ua/st/chatbot"
EMAIL_CHECK = "/api/v3/ua/user-email/validate"
EVENT = "/api/v3/ua/interaction/event"
EVENTS = "/api/v3/ua/interaction/events"
UNKNOWN_DOMAIN = {"success": False, "errorObjects": [{"error": "Given workspace domain does not exist.",
                                                      "field": "X-IAA-HOST"}]}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 200, 30)).save(out, format="PNG")
    return out.getvalue()


# --------------------------------------------------------------------------- static lists


def test_static_lists_are_the_specification_examples(client, headers):
    expertize = checked(client, "GET", "/api/v3/ua/static/organization-expertize", headers=headers)["data"]
    assert expertize[5] == {"name": "finance_and_accounting", "id": 6, "label": "Finance & Accounting", "order": 6}
    assert len(expertize) == 7
    sizes = checked(client, "GET", "/api/v3/ua/static/company-size")["data"]
    assert [row["label"] for row in sizes] == ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"]
    industries = checked(client, "GET", "/api/v3/ua/static/industries")["data"]
    assert len(industries) == 147 and industries[0]["label"] == "Accounting "
    assert industries[-1] == {"name": "writing/editing", "id": 147, "label": "Writing/Editing", "order": 147}
    budgets = checked(client, "GET", "/api/v3/ua/static/media-budget")["data"]
    assert budgets[-1] == {"name": ">10,000,000", "id": 6, "label": "> $10,000,000", "order": 6}
    verticals = checked(client, "GET", "/api/v3/ua/static/verticals")["data"]
    assert [(row["id"], row["name"]) for row in verticals] == [(1, "political"), (2, "healthcare"), (17, "specialty")]
    assert verticals == workspace_catalog.VERTICALS
    # the expertise list is behind the bearer token, as in the specification
    assert client.get("/api/v3/ua/static/organization-expertize").status_code == 401


# --------------------------------------------------------------------------- users/config


def test_users_config_follows_the_organization_kind(client, db, settings, tenant, headers, other_headers):
    assert checked(client, "GET", CONFIG, headers=headers) == {"success": True, "data": {"marginAccess": True}}
    assert checked(client, "GET", CONFIG, headers=other_headers) == {"success": True, "data": {}}  # a customer
    add_member(db, settings, tenant, "member@a.test")
    member = login_as(client, tenant, "member@a.test")
    assert client.get(CONFIG, headers=member).json()["data"] == {"marginAccess": False}
    assert client.get(CONFIG).status_code == 401


# --------------------------------------------------------------------------- init and logo


def test_init_answers_the_workspace_of_the_host(client, make_tenant, tenant, headers):
    client.patch(UPDATE_ORG_PROFILE, headers=headers, json={"email": "support@ws1.example"})
    body = checked(client, "GET", INIT, headers={"X-IAA-HOST": tenant["host"]})
    data = body["data"]
    assert (data["owId"], data["orgId"], data["organizationName"], data["supportEmail"]) == \
        (tenant["owId"], tenant["owId"], "Org A", "support@ws1.example")
    assert (data["domain"], data["workspaceURLSuffix"], data["isActive"], data["ihpOwner"]) == \
        ("ws1.test", ".test", True, False)
    assert data["largeLogoUrl"] == data["smallLogoUrl"] == ""
    assert data["pages"] == {"landingPages": [], "help_url": [], "header": [], "footer": []}
    # a browser on the whitelabel domain sends no X-IAA-HOST: its Host is the workspace
    assert client.get(INIT, headers={"Host": "WS1.test:8443"}).json()["data"]["wsId"] == data["wsId"]
    other = make_tenant(host="acme.ads.example.com", organization="Acme", email="admin@acme.test")
    acme = client.get(INIT, headers={"X-IAA-HOST": "acme.ads.example.com"}).json()["data"]
    assert (acme["owId"], acme["organizationName"], acme["workspaceURLSuffix"]) == \
        (other["owId"], "Acme", ".ads.example.com")
    for host in ("unknown.test", ""):
        unknown = client.get(INIT, headers={"X-IAA-HOST": host} if host else {})
        assert unknown.status_code == 422 and unknown.json() == UNKNOWN_DOMAIN


def test_logo_is_the_owner_organizations_logo(client, tenant, headers, other_headers):
    host = {"X-IAA-HOST": tenant["host"]}
    missing = client.get(LOGO, headers=host)
    assert missing.status_code == 404 and missing.json()["success"] is False
    # a customer's logo is not the workspace's
    client.patch(UPDATE_ORG_PROFILE, headers=other_headers, files={"organizationLogo": ("l.png", _png(), "image/png")})
    assert client.get(LOGO, headers=host).status_code == 404
    uploaded = client.patch(UPDATE_ORG_PROFILE, headers=headers,
                            files={"organizationLogo": ("logo.png", _png(), "image/png")}).json()["data"]
    served = client.get(LOGO, headers=host)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png" and served.content == _png()
    init = client.get(INIT, headers=host).json()["data"]
    assert init["largeLogoUrl"] == uploaded["organizationLogo"]
    link = "https://cdn.example.com/ws-logo.png"
    client.patch(UPDATE_ORG_PROFILE, headers=headers, data={"organizationLogo": link})
    redirected = client.get(LOGO, headers=host, follow_redirects=False)
    assert redirected.status_code == 308 and redirected.headers["location"] == link
    assert client.get(LOGO, headers={"X-IAA-HOST": "nowhere.test"}).status_code == 422


# --------------------------------------------------------------------------- chatbot


def test_chatbot_app_id_per_workspace(client, db, tenant, headers, other_headers, make_tenant):
    host = {"X-IAA-HOST": tenant["host"]}
    assert checked(client, "GET", ST_CHATBOT, headers=host) == {"success": True, "data": {"chatbotAppId": ""}}
    assert checked(client, "GET", CHATBOT, headers=headers)["data"] == {"chatbotAppId": ""}
    make_tenant(host="ws2.test", organization="Second", email="admin@ws2.test")
    with db.session() as session:
        assert set_chatbot(session, tenant["host"], "p7yzll40") == {"host": "ws1.test", "chatbotAppId": "p7yzll40"}
    assert client.get(ST_CHATBOT, headers=host).json()["data"] == {"chatbotAppId": "p7yzll40"}
    assert client.get(CHATBOT, headers=headers).json()["data"] == {"chatbotAppId": "p7yzll40"}
    # the workspace's customers get none (IQM's whitelabel answer); another workspace has its own (none)
    assert client.get(CHATBOT, headers=other_headers).json()["data"] == {"chatbotAppId": ""}
    assert client.get(ST_CHATBOT, headers={"X-IAA-HOST": "ws2.test"}).json()["data"] == {"chatbotAppId": ""}
    assert client.get(ST_CHATBOT, headers={"X-IAA-HOST": "nowhere.test"}).json() == UNKNOWN_DOMAIN
    assert client.get(CHATBOT).status_code == 401
    with db.session() as session:
        set_chatbot(session, tenant["host"], "")
    assert client.get(ST_CHATBOT, headers=host).json()["data"] == {"chatbotAppId": ""}


# --------------------------------------------------------------------------- sign-up e-mail check


def test_email_check_answers_for_the_workspace_of_the_client(client, db, settings, tenant, make_tenant):
    creds = client_headers(tenant)
    body = checked(client, "POST", EMAIL_CHECK, headers=creds, json={"email": "email@domain.com"})  # IQM's example
    assert body == {"success": True, "data": {"userName": "", "isNewUser": True, "isOrganizationOwnerUser": False}}
    owner = client.post(EMAIL_CHECK, headers=creds, json={"email": " ADMIN@a.test "}).json()["data"]
    assert owner == {"userName": "admin", "isNewUser": False, "isOrganizationOwnerUser": True}
    add_member(db, settings, tenant, "pat@a.test", first="Pat", last="Lee")
    add_member(db, settings, tenant, "invitee@a.test", password=None)
    assert client.post(EMAIL_CHECK, headers=creds, json={"email": "pat@a.test"}).json()["data"] == \
        {"userName": "Pat Lee", "isNewUser": False, "isOrganizationOwnerUser": False}
    assert client.post(EMAIL_CHECK, headers=creds, json={"email": "invitee@a.test"}).json()["data"]["isNewUser"]
    # a user of another workspace looks new here (no leak across workspaces)
    other = make_tenant(host="ws2.test", organization="Second", email="boss@ws2.test")
    assert client.post(EMAIL_CHECK, headers=creds, json={"email": "boss@ws2.test"}).json()["data"] == \
        {"userName": "", "isNewUser": True, "isOrganizationOwnerUser": False}
    assert client.post(EMAIL_CHECK, headers=client_headers(other), json={"email": "boss@ws2.test"}).json()["data"][
        "isOrganizationOwnerUser"] is True
    # client credentials of the host's workspace, as sign-up
    assert client.post(EMAIL_CHECK, json={"email": "admin@a.test"}).status_code == 401
    mixed = {**creds, "X-IAA-HOST": "ws2.test"}
    assert client.post(EMAIL_CHECK, headers=mixed, json={"email": "admin@a.test"}).status_code == 401
    for bad in ({"email": "no-at-sign"}, {"email": ""}, {}, {"email": 5}):
        response = client.post(EMAIL_CHECK, headers=creds, json=bad)
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == "email"


def test_email_check_is_throttled_per_address(client, settings, tenant):
    settings.login_max_failures_per_address = 3
    creds = client_headers(tenant)
    statuses = [client.post(EMAIL_CHECK, headers=creds, json={"email": f"u{i}@x.test"}).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.post(EMAIL_CHECK, headers=creds, json={"email": "admin@a.test"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


# --------------------------------------------------------------------------- interaction events


def _events(client, headers, **params: Any) -> list[dict[str, Any]]:  # noqa: ANN001
    return checked(client, "GET", EVENTS, headers=headers, params=params)["data"]


def test_interaction_events_are_counted_per_user(client, db, settings, tenant, headers, other_headers):
    example = {"userInteractionEvent": "advertiser_user_login", "metaData": {"isOwnerUser": True}}  # IQM's example
    answer = checked(client, "PUT", EVENT, headers=headers, json=example)
    assert answer == {"success": True, "data": {"message": "User interaction event persisted successfully"}}
    client.put(EVENT, headers=headers, json={"userInteractionEvent": "advertiser_user_login"})
    client.put(EVENT, headers=headers, json={"userInteractionEvent": "tour_done", "metaData": {"step": 3}})
    assert _events(client, headers) == [
        {"userInteractionEvent": "advertiser_user_login", "eventCount": 2, "metaData": {"isOwnerUser": True}},
        {"userInteractionEvent": "tour_done", "eventCount": 1, "metaData": {"step": 3}},
    ]
    assert [e["userInteractionEvent"] for e in _events(client, headers, userInteractionEvent="tour_done,nope")] == \
        ["tour_done"]
    # IQM's "empty user action event" example, and other bad input: a 422 that stores nothing
    empty = client.put(EVENT, headers=headers, json={"metaData": {"isOwnerUser": True}})
    assert empty.status_code == 422 and empty.json()["errorObjects"][0]["field"] == "userInteractionEvent"
    assert empty.json()["errorObjects"][0]["error"].startswith("Please provide valid user interaction event.")
    for bad, field in (({"userInteractionEvent": "a b"}, "userInteractionEvent"),
                       ({"userInteractionEvent": "x" * 101}, "userInteractionEvent"),
                       ({"userInteractionEvent": 7}, "userInteractionEvent"),
                       ({"userInteractionEvent": "ok", "metaData": [1]}, "metaData"),
                       ({"userInteractionEvent": "ok", "metaData": {"k": "v" * 5000}}, "metaData")):
        response = client.put(EVENT, headers=headers, json=bad)
        assert response.status_code == 422 and response.json()["errorObjects"][0]["field"] == field
    assert len(_events(client, headers)) == 2
    # another user (another organization, or a colleague) sees only their own
    assert _events(client, other_headers) == []
    add_member(db, settings, tenant, "colleague@a.test")
    colleague = login_as(client, tenant, "colleague@a.test")
    client.put(EVENT, headers=colleague, json={"userInteractionEvent": "tour_done"})
    assert _events(client, colleague) == [{"userInteractionEvent": "tour_done", "eventCount": 1, "metaData": {}}]
    assert [e["eventCount"] for e in _events(client, headers)] == [2, 1]
    assert client.get(EVENTS).status_code == 401
    assert login(client, tenant)  # the tenant still logs in
