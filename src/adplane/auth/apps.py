"""Application access per user (IQM's user app access).

IQM's platform is a set of applications (Campaigns, Reports, Insights, ...). A member may use every one of them
(the default) or, once an organization admin grants or revokes applications for them, only the granted ones.
Access is enforced on every authenticated request (`auth.deps`): a route belongs to an application by its path
(`APP_OF_PREFIX`), and a restricted member calling another application's route gets a 403. Organization admins
always have every application, and the account, master-data and file routes belong to no application.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from adplane.auth.models import Membership, MembershipApp
from adplane.core.deps import Principal
from adplane.core.errors import Forbidden, ValidationFailed
from adplane.core.listing import page_offset, page_rows, parse_ids, parse_sort, sort_in_memory, text_matches


@dataclass(frozen=True)
class App:
    id: int
    name: str
    url: str
    code: str
    prefixes: tuple[str, ...] = ()  # the API paths that belong to it

    @property
    def icon(self) -> str:
        return f"logo/{self.url.strip('/')}.png"


# IQM's application ids and names (allowed-applications example), with the adplane routes each one covers
APPS: tuple[App, ...] = (
    App(2, "Dashboard", "/dashboard", "DB"),
    App(7, "Campaigns", "/campaigns", "CMP", ("/api/v2/cmp/", "/api/v3/cmp/", "/api/v2/adv/")),
    App(9, "Creatives", "/creatives", "CRT", ("/api/v3/crt/",)),
    App(8, "Audiences", "/audiences", "AUD", ("/api/v2/audience/", "/api/v3/audience/")),
    App(10, "Inventory", "/inventory", "INV", ("/api/v2/inv/", "/api/v3/inv/")),
    App(4, "Bid Model", "/bidmodel", "BM", ("/api/v3/bm/",)),
    App(3, "Reports", "/reports", "RPT", ("/api/v3/ra/", "/api/v3/rb/")),
    App(5, "Organization", "/organization", "ORG", ("/api/v3/fa/",)),
    App(6, "My Profile", "/accounts", "MP"),
    App(11, "Conversions", "/conversions", "CNV", ("/api/v2/conversion/", "/api/v3/conversion/")),
    App(17, "Insights", "/insights", "INS", ("/api/v3/ins/",)),
    App(19, "Planner", "/planner", "PLN"),
)
APPS_BY_ID = {app.id: app for app in APPS}
APP_OF_PREFIX = [(prefix, app) for app in APPS for prefix in app.prefixes]
ACCESS_LEVELS = ("Full",)
APP_OWNER = "adplane"


def app_for_path(path: str) -> App | None:
    return next((app for prefix, app in APP_OF_PREFIX if path.startswith(prefix)), None)


def allowed_app_ids(session: Session, membership: Membership) -> set[int]:
    if not membership.apps_restricted or membership.role == "admin":
        return set(APPS_BY_ID)
    return set(session.scalars(select(MembershipApp.app_id).where(MembershipApp.uow_id == membership.uow_id)))


def granted_app_ids(session: Session, membership: Membership) -> frozenset[int] | None:
    """The applications a member may use; None when not restricted (organization admins never are)."""
    if not membership.apps_restricted or membership.role == "admin":
        return None
    return frozenset(allowed_app_ids(session, membership))


def check_path(granted: frozenset[int] | None, path: str) -> None:
    """403 when a restricted member calls a route of an application they were not given."""
    if granted is None:
        return
    app = app_for_path(path)
    if app is not None and app.id not in granted:
        raise Forbidden(f"You do not have access to the {app.name} application.")


def _app_ids(raw: Any) -> list[int]:
    ids = parse_ids(raw, "appIds", required=True)
    unknown = [i for i in ids if i not in APPS_BY_ID]
    if unknown:
        raise ValidationFailed(f"Unknown application id: {', '.join(map(str, unknown))}.", field="appIds")
    return ids


def _member(session: Session, principal: Principal, *, uow_id: int | None = None,
            user_id: int | None = None) -> Membership:
    """A member of the caller's organization by uowId or userId; IQM's 403 for anyone else (missing or not)."""
    stmt = select(Membership).where(Membership.ow_id == principal.ow_id)
    stmt = stmt.where(Membership.uow_id == uow_id) if uow_id is not None else stmt.where(Membership.user_id == user_id)
    membership = session.scalar(stmt.with_for_update())
    if membership is None or (uow_id is None and user_id is None):
        raise Forbidden("User doesn't exist or user is not part of the Organization.")
    return membership


def _admin_changing(principal: Principal, membership: Membership) -> None:
    if not principal.is_org_admin:
        raise Forbidden("Only an organization admin can change application access.")
    if membership.role == "admin":
        raise ValidationFailed("Organization admins have access to every application.", field="appIds")


def grant(session: Session, principal: Principal, user_id: int, raw_app_ids: Any, access_level: str | None) -> str:
    ids = _app_ids(raw_app_ids)
    if access_level is not None and access_level not in ACCESS_LEVELS:
        raise ValidationFailed("accessLevel must be Full.", field="accessLevel")
    membership = _member(session, principal, user_id=user_id)
    _admin_changing(principal, membership)
    if membership.apps_restricted:  # an unrestricted member has them all already
        have = allowed_app_ids(session, membership)
        session.add_all(MembershipApp(uow_id=membership.uow_id, app_id=i, access_level="Full")
                        for i in ids if i not in have)
    session.commit()
    return "Application access added successfully."


def revoke(session: Session, principal: Principal, *, uow_id: int | None, user_id: int | None,
           raw_app_ids: Any) -> str:
    ids = _app_ids(raw_app_ids)
    membership = _member(session, principal, uow_id=uow_id, user_id=user_id)
    _admin_changing(principal, membership)
    if not membership.apps_restricted:  # from every application to all but these: list the rest
        membership.apps_restricted = True
        session.add_all(MembershipApp(uow_id=membership.uow_id, app_id=app.id, access_level="Full") for app in APPS)
        session.flush()
    session.execute(delete(MembershipApp).where(MembershipApp.uow_id == membership.uow_id,
                                                MembershipApp.app_id.in_(ids)))
    session.commit()
    return "Application access revoked successfully."


def _target(session: Session, principal: Principal, uow_id: int | None) -> Membership:
    """Whose applications: the caller's own, or (an organization admin) any member's."""
    if uow_id is None or uow_id == principal.uow_id:
        return _member(session, principal, uow_id=principal.uow_id)
    if not principal.is_org_admin:
        raise Forbidden("Only an organization admin can see other users' application access.")
    return _member(session, principal, uow_id=uow_id)


APP_SORT = {"appName": lambda row: row["appName"].lower(), "appId": lambda row: row["appId"]}


def user_apps(session: Session, principal: Principal, uow_id: int | None, search: str | None, page_no: int,
              limit: int, sort_by: str | None) -> dict[str, Any]:
    """A member's applications: the catalogue is a dozen rows, so it is searched and paged in memory."""
    membership = _target(session, principal, uow_id)
    order = parse_sort(sort_by, APP_SORT, "+appName")
    allowed = allowed_app_ids(session, membership)
    rows = [{"appId": app.id, "appName": app.name, "appOwner": APP_OWNER, "appType": "Default App"}
            for app in APPS if app.id in allowed]
    matching = [row for row in rows if text_matches(search, [row["appName"]])]
    return {"data": page_rows(sort_in_memory(matching, order), *page_offset(page_no, limit)),
            "totalRecords": len(rows), "filteredRecords": len(matching)}


def grantable_apps() -> list[dict[str, Any]]:
    return [{"appId": app.id, "appName": app.name, "appIcon": app.icon, "appUrl": app.url} for app in APPS]


def remaining_apps(session: Session, principal: Principal, uow_id: int) -> list[dict[str, Any]]:
    membership = _target(session, principal, uow_id)
    allowed = allowed_app_ids(session, membership)
    return [{"applicationId": app.id, "applicationName": app.name, "applicationCode": app.code}
            for app in APPS if app.id not in allowed]

