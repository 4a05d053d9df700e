"""Shared by tests/auth/test_users_*.py: users added to a tenant's organization, logins, mail tokens."""

from __future__ import annotations

import re
from email.message import EmailMessage
from typing import Any

from fastapi.testclient import TestClient

from adplane.auth.admin import add_user
from adplane.core.db import Database
from adplane.core.settings import Settings
from auth_helpers import client_headers
from conftest import PASSWORD, login

USERS = "/api/v3/ua/users/list"
UPDATE_STATUS = "/api/v3/ua/user/update-status"
RE_INVITE = "/api/v3/ua/user/re-invite"
RESET_MAIL = "/api/v3/ua/user/reset-password"
RESET_VALIDATE = "/api/v3/ua/user/reset-password/validate"
UPDATE_PASSWORD = "/api/v3/ua/user/update-password"
CHANGE_PASSWORD = "/api/v3/ua/user/password/reset"
CURRENT_PASSWORD = "/api/v3/ua/user/current-password/validate"
UPDATE_PROFILE = "/api/v3/ua/user/update-profile"
EMAIL_VALIDATE = "/api/v3/ua/user/email/validate"


def add_member(db: Database, settings: Settings, tenant: dict[str, Any], email: str, *, password: str | None = PASSWORD,
               role: str = "member", first: str | None = None, last: str | None = None) -> dict[str, Any]:
    """A user of the tenant's organization (invited, by mail, when without a password); its uowId etc."""
    with db.session() as session:
        return add_user(session, ow_id=tenant["owId"], email=email, password=password, role=role, first_name=first,
                        last_name=last, settings=settings)


def creds_of(tenant: dict[str, Any], email: str, password: str = PASSWORD) -> dict[str, Any]:
    return {**tenant, "email": email, "password": password}


def login_as(client: TestClient, tenant: dict[str, Any], email: str, password: str = PASSWORD) -> dict[str, str]:
    return login(client, creds_of(tenant, email, password))


def login_tokens(client: TestClient, tenant: dict[str, Any], email: str, password: str = PASSWORD) -> dict[str, Any]:
    """The whole login answer (access and refresh token)."""
    response = client.post("/api/v3/ua/login", headers=client_headers(tenant),
                           json={"grantType": "password", "email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def refresh(client: TestClient, tenant: dict[str, Any], refresh_token: str) -> Any:
    return client.post("/api/v3/ua/oauth/token", headers=client_headers(tenant),
                       data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def bearer(token: str, ow_id: int | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if ow_id is not None:
        headers["X-IAA-OW-ID"] = str(ow_id)
    return headers


def field_of(response: Any) -> str | None:
    return response.json()["errorObjects"][0].get("field")


def reset_token(mail: EmailMessage) -> str:
    """The reset token of a reset mail, from its link (as the user reads it)."""
    body = mail.get_body(("plain",)).get_content()
    match = re.search(r"/reset-password\?resetHash=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)
