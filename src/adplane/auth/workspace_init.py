"""What a workspace's web app needs before and around login (IQM's Workspace API): the whitelabel init by host,
the workspace logo, the chatbot application id, the caller's configuration, and the sign-up e-mail check.

A workspace is found by its host the same way login finds it (`X-IAA-HOST`, here falling back to the request's
own `Host`, which is what a browser on the whitelabel domain sends). The public answers (init, logo, chatbot by
domain) carry only what the workspace shows on its login page anyway: its owner organization's name, logo and
support e-mail. The sign-up e-mail check needs the workspace's client credentials like sign-up does, answers
only about the workspace of the host (a user of another workspace looks new) and is throttled per address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from adplane.auth import repository as repo
from adplane.auth import throttle
from adplane.auth.models import ORG_STATUS_ACTIVE, ROLE_ADMIN, Organization, Workspace, WorkspaceSetting
from adplane.auth.service import ClientContext
from adplane.core.clock import utcnow
from adplane.core.deps import Principal
from adplane.core.errors import ApiError, NotFound, ValidationFailed
from adplane.core.settings import Settings
from adplane.files import signing
from adplane.files.models import StoredFile
from adplane.files.service import absolute_path

UNKNOWN_DOMAIN = "Given workspace domain does not exist."
NO_LOGO = "The workspace has no logo."
CHATBOT_APP_ID_MAX = 64


# --------------------------------------------------------------------------- the workspace of a host


def workspace_for_host(session: Session, host: str | None) -> Workspace:
    """IQM's 422 for a host no workspace has (or none given)."""
    name = (host or "").strip().lower()
    if name.startswith(("http://", "https://")):
        name = urlsplit(name).hostname or ""
    workspace = repo.workspace_by_host(session, name) if name and len(name) <= 255 else None
    if workspace is None:
        raise ValidationFailed(UNKNOWN_DOMAIN, field="X-IAA-HOST")
    return workspace


def _owner(session: Session, workspace: Workspace) -> Organization:
    owner = repo.workspace_owner_org(session, workspace.id)
    if owner is None:  # a workspace always has its owner organization; without one it is not set up
        raise ValidationFailed(UNKNOWN_DOMAIN, field="X-IAA-HOST")
    return owner


def url_suffix(host: str) -> str:
    """The part of the host after its first label ("acme.example.com" → ".example.com"); "" for a bare name."""
    _, dot, rest = host.partition(".")
    return f".{rest}" if dot and rest else ""


def init(session: Session, host: str | None) -> dict[str, Any]:
    """GET /api/v3/ua/init: the whitelabel details of the workspace of `host`, from its rows.

    The specification's fields, plus the guide's `workspaceId`/`workspaceName`/`domain`/`isActive`. Landing pages
    and header/footer/help links are not configurable in adplane: empty lists."""
    workspace = workspace_for_host(session, host)
    owner = _owner(session, workspace)
    logo = owner.logo_url or ""
    return {
        "wsId": workspace.id,
        "orgId": owner.ow_id,
        "owId": owner.ow_id,
        "organizationName": owner.name,
        "isIncludeOrganizationName": True,
        "largeLogoUrl": logo,
        "smallLogoUrl": logo,
        "supportEmail": owner.support_email or owner.email or "",
        "ihpOwner": False,  # no adplane workspace is IQM's own platform
        "workspaceURLSuffix": url_suffix(workspace.host),
        "pages": {"landingPages": [], "help_url": [], "header": [], "footer": []},
        "workspaceId": workspace.id,
        "workspaceName": workspace.name,
        "domain": workspace.host,
        "isActive": owner.status == ORG_STATUS_ACTIVE,
    }


@dataclass(frozen=True)
class Logo:
    """The workspace logo: a stored file (`path`) or an address given with the profile (`url`)."""

    path: Any = None
    content_type: str = "application/octet-stream"
    url: str | None = None


def logo(session: Session, settings: Settings, host: str | None) -> Logo:
    """The logo of the workspace owner's profile (PATCH /api/v3/ua/organization/update-profile): the bytes when it
    was uploaded (a signed /files/ link of this server), else the address it was given as; 404 when none."""
    owner = _owner(session, workspace_for_host(session, host))
    if not owner.logo_url:
        raise NotFound(NO_LOGO)
    stored = _stored_logo(session, settings, owner)
    if stored is not None:
        path = absolute_path(settings, stored)
        if not path.exists():
            raise NotFound(NO_LOGO)
        return Logo(path=path, content_type=stored.content_type)
    return Logo(url=owner.logo_url)


def _stored_logo(session: Session, settings: Settings, owner: Organization) -> StoredFile | None:
    """The file behind a logo link this server signed (whatever its base URL was then), else None."""
    path = urlsplit(owner.logo_url or "").path
    if not path.startswith("/files/"):
        return None
    try:
        payload = signing.verify(settings.resolved_secret_key, path.removeprefix("/files/"))
    except ApiError:  # not signed by this server, or expired: treated as an address
        return None
    stored = session.get(StoredFile, payload.get("f"))
    return stored if stored is not None and stored.ow_id == owner.ow_id else None


# --------------------------------------------------------------------------- chatbot


def _chatbot_app_id(session: Session, workspace_id: int) -> str:
    setting = session.get(WorkspaceSetting, workspace_id)
    return (setting.chatbot_app_id or "") if setting is not None else ""


def chatbot_for_host(session: Session, host: str | None) -> dict[str, str]:
    """GET /api/v3/ua/st/chatbot: the workspace's chatbot app id, "" when none is configured."""
    return {"chatbotAppId": _chatbot_app_id(session, workspace_for_host(session, host).id)}


def chatbot_for_caller(session: Session, principal: Principal) -> dict[str, str]:
    """GET /api/v3/ua/chatbot: a whitelabel workspace's chatbot serves its own organization's users; its customers'
    users get "" (as IQM answers for a whitelabel workspace's customers)."""
    org = session.get(Organization, principal.ow_id)
    if org is None or not org.is_workspace_owner:
        return {"chatbotAppId": ""}
    return {"chatbotAppId": _chatbot_app_id(session, principal.workspace_id)}


def set_chatbot(session: Session, host: str, app_id: str | None) -> dict[str, Any]:
    """Configure (or, with None/"", remove) the chatbot application id of the workspace of `host` (operators)."""
    workspace = workspace_for_host(session, host)
    value = (app_id or "").strip() or None
    if value is not None and (len(value) > CHATBOT_APP_ID_MAX or not value.replace("-", "").replace("_", "").isalnum()):
        raise ValidationFailed("The chatbot app id must be up to 64 letters, digits, '-' or '_'.",
                               field="chatbotAppId")
    setting = session.get(WorkspaceSetting, workspace.id)
    if setting is None:
        setting = WorkspaceSetting(workspace_id=workspace.id)
        session.add(setting)
    setting.chatbot_app_id = value
    setting.modified_at = utcnow()
    session.commit()
    return {"host": workspace.host, "chatbotAppId": value or ""}


# --------------------------------------------------------------------------- the caller


def user_config(session: Session, principal: Principal) -> dict[str, Any]:
    """GET /api/v3/ua/users/config: `marginAccess` for the workspace (owner) organization, whether the caller may
    set customer margins (its admins: /api/v3/fa/customer/edit-margin); nothing for an advertiser (customer)."""
    org = session.get(Organization, principal.ow_id)
    if org is None or not org.is_workspace_owner:
        return {}
    return {"marginAccess": principal.is_workspace_admin}


# --------------------------------------------------------------------------- sign-up e-mail check


def email_check_rule(settings: Settings, address: str) -> throttle.Rule:
    """Every check counts (it answers whether an account exists): as many per address as login guesses."""
    return throttle.Rule(f"email-check:{address}", settings.login_max_failures_per_address,
                         settings.login_failure_window_seconds, settings.login_lockout_seconds,
                         message="Too many e-mail checks. Try again later.")


def validate_sign_up_email(session: Session, settings: Settings, client: ClientContext, email: str,
                           address: str) -> dict[str, Any]:
    """POST /api/v3/ua/user-email/validate: whether the e-mail already has an account in the workspace of the
    client (`isNewUser` false once the user has set a password there), its name, and whether it administers an
    organization of the workspace. Users of other workspaces only look new."""
    text = email.strip().lower()
    if "@" not in text or len(text) > 320 or any(ch.isspace() for ch in text):
        raise ValidationFailed("email must be a valid e-mail address.", field="email")
    throttle.reserve(session, [email_check_rule(settings, address)])
    user = repo.user_by_email(session, text)
    memberships = repo.memberships_in_workspace(session, user.id, client.workspace.id) if user is not None else []
    if user is None or not memberships:
        return {"userName": "", "isNewUser": True, "isOrganizationOwnerUser": False}
    return {
        "userName": repo.display_name(user),
        "isNewUser": user.password_hash is None,  # invited, not signed up yet
        "isOrganizationOwnerUser": any(m.role == ROLE_ADMIN for m, _ in memberships),
    }

