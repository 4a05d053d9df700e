"""Shared by tests/auth/test_customers_*.py and test_org_profile.py: the Workspace API's paths, IQM's example
requests, customers invited through a real SMTP server and their invitees signing up."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from adplane.auth.models import Organization
from adplane.core.db import Database
from adplane.core.settings import Settings
from auth_helpers import client_headers
from conftest import PASSWORD, login
from test_schedules_support import SmtpSink

VIEW_PROFILE = "/api/v3/ua/organization/view-profile"
UPDATE_ORG_PROFILE = "/api/v3/ua/organization/update-profile"
CUSTOMERS = "/api/v3/ua/customers/list"
BASIC_LIST = "/api/v3/ua/customer/basic/list"
INVITE = "/api/v3/ua/customer/invite"
RE_SEND = "/api/v3/ua/customer/invite/re-send"
CANCEL = "/api/v3/ua/customer/invite/cancel"
HOLD = "/api/v3/ua/customer/hold"
REACTIVATE = "/api/v3/ua/customer/re-activate"
CONFIG = "/api/v3/ua/customer/config/{}"
SIGN_UP = "/api/v3/ua/sign-up"

LOGO = "https://d3jme5si7t6llb.cloudfront.net/assets/202753/Pd7Xx26_1721991655891.png"
# the guide's and the specification's example requests of POST /api/v3/ua/customer/invite, as they are
GUIDE_INVITE_WORKSPACE: list[dict[str, Any]] = [{
    "email": "user1@iqm.com",
    "name": "ORG - 1",
    "password": "password@123",
    "ownerUserName": "User-1",
    "verticalId": 1,
    "logoUrl": LOGO,
    "customerOperationDetails": {
        "customerTypeId": 2,
        "customerPaymentTypeId": 2,
        "countryId": 30100001,
        "adOpsAssigneeUserIds": [],
        "sellerAssigneeUserIds": [7184],
        "labelIds": [7, 8, 9],
    },
}]
GUIDE_INVITE_ADVERTISER: list[dict[str, Any]] = [{
    "email": "user2@iqm.com",
    "name": "ORG - 2",
    "password": "password@123",
    "ownerUserName": "User-2",
    "verticalId": 1,
    "logoUrl": LOGO,
}]


def customer(name: str, email: str, **extra: Any) -> dict[str, Any]:
    return {"email": email, "name": name, "ownerUserName": f"Owner of {name}", **extra}


def invite(client: TestClient, settings: Settings, headers: dict[str, str], items: list[dict[str, Any]],
           sink: SmtpSink | None = None) -> tuple[dict[str, Any], list[EmailMessage]]:
    """POST the invitations through a real SMTP server; the answer and the mails it sent."""
    if sink is not None:
        return _invite(client, settings, headers, items, sink)
    with SmtpSink() as own:
        return _invite(client, settings, headers, items, own)


def _invite(client: TestClient, settings: Settings, headers: dict[str, str], items: list[dict[str, Any]],
            sink: SmtpSink) -> tuple[dict[str, Any], list[EmailMessage]]:
    before = len(sink.messages)
    settings.smtp_url = sink.url
    response = client.post(INVITE, headers=headers, json=items)
    assert response.status_code == 200, response.text
    return response.json()["data"], sink.messages[before:]


def token_of(mail: EmailMessage) -> str:
    """The invite token of an invitation mail, from its link (as the invitee reads it)."""
    body = mail.get_body(("plain",)).get_content()
    match = re.search(r"/sign-up\?inviteHash=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


def sign_up(client: TestClient, tenant: dict[str, Any], email: str, token: str, password: str = PASSWORD) -> Any:
    return client.post(SIGN_UP, headers=client_headers(tenant),
                       json={"email": email, "password": password, "inviteHash": token})


def owner_headers(client: TestClient, tenant: dict[str, Any], email: str, ow_id: int,
                  password: str = PASSWORD) -> dict[str, str]:
    return login(client, {**tenant, "email": email, "password": password, "owId": ow_id})


def ow_id_of(db: Database, name: str) -> int:
    with db.session() as session:
        ow_id = session.scalar(select(Organization.ow_id).where(Organization.name == name))
    assert ow_id is not None, name
    return int(ow_id)


def org(db: Database, ow_id: int) -> Organization | None:
    with db.session() as session:
        found = session.get(Organization, ow_id)
        if found is not None:
            session.expunge(found)
        return found


def rows(client: TestClient, headers: dict[str, str], query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{CUSTOMERS}{query}", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"]["data"])


def row_of(client: TestClient, headers: dict[str, str], ow_id: int) -> dict[str, Any]:
    found = [row for row in rows(client, headers, f"?owIds={ow_id}") if row["owId"] == ow_id]
    assert len(found) == 1, found
    return found[0]


def field_of(response: Any) -> str | None:
    return response.json()["errorObjects"][0].get("field")
