"""User-management API beyond login (issue #18): the organization's users and their status, invitations
sent again, the caller's profile and password, and password reset by mail. Paths, fields and answers are
IQM's (guidelines/user-api.mdx and the specification)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from adplane.auth import account, password_reset, users
from adplane.auth.deps import PrincipalDep, get_principal_default_org
from adplane.auth.responses import (
    EmailCheck,
    PasswordCheck,
    ProfileUpdated,
    ResetHashCheck,
    UserList,
    UserSortByItem,
    UserStatusItem,
)
from adplane.auth.schemas import (
    SEARCH_PATTERN,
    CurrentPasswordRequest,
    EmailValidateRequest,
    PasswordChangeRequest,
    ProfileUpdate,
    ReInviteRequest,
    ResetHashFields,
    ResetPasswordRequest,
    UpdatePasswordRequest,
    UpdateStatusRequest,
)
from adplane.core.addresses import client_address
from adplane.core.deps import Principal, SessionDep, SettingsDep
from adplane.core.envelopes import V3, v3
from adplane.core.errors import ValidationFailed
from adplane.core.schemas import json_field

router = APIRouter(tags=["User Management API"])

CallerDep = Annotated[Principal, Depends(get_principal_default_org)]
"""The caller's own account (profile, password): X-IAA-OW-ID may be left out, as for GET profile."""

PROFILE_FIELDS = ("displayName", "firstName", "lastName", "userAvatar", "removeUserProfile")


def _address(request: Request) -> str:
    return client_address(request, request.app.state.settings)


# --------------------------------------------------------------------------- the organization's users


@router.get("/api/v3/ua/users/list", response_model=V3[UserList])
def list_users(
    session: SessionDep,
    principal: PrincipalDep,
    status: Annotated[str | None, Query(max_length=200, description="status ids (or names), comma-separated; "
                                        "default: every status but deleted")] = None,
    search_field: Annotated[str | None, Query(alias="searchField", max_length=255, pattern=SEARCH_PATTERN)] = None,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    no_of_entries: Annotated[int | None, Query(alias="noOfEntries", ge=1, le=1000,
                                               description="the same as limit")] = None,
    page_no: Annotated[int, Query(alias="pageNo", ge=1, le=1_000_000)] = 1,
    sort_by: Annotated[str | None, Query(alias="sortBy", max_length=100)] = None,
    order: Annotated[str | None, Query(max_length=10, description="asc or desc, for a sortBy without +/-")] = None,
) -> dict:
    data = users.list_users(session, principal, search=search_field, status=status, sort_by=sort_by, order=order,
                            page_no=page_no, no_of_entries=limit or no_of_entries or 10)
    return v3(data)


@router.get("/api/v3/ua/static/user-status", response_model=V3[list[UserStatusItem]])
def user_statuses(principal: CallerDep) -> dict:
    return v3(users.USER_STATUSES)


@router.get("/api/v3/ua/static/user-sort-by", response_model=V3[list[UserSortByItem]])
def user_sort_by(principal: CallerDep) -> dict:
    return v3(users.USER_SORT_BY)


@router.put("/api/v3/ua/user/update-status", response_model=V3[str])
def update_user_status(body: UpdateStatusRequest, session: SessionDep, principal: PrincipalDep) -> dict:
    """An organization admin activates (1), puts on hold (4) or deletes (5) a user of the organization;
    on hold and deleted users lose their sessions at once and cannot log in."""
    return v3(users.update_status(session, principal, body.uow_id, body.status, body.status_reason))


@router.post("/api/v3/ua/user/re-invite", response_model=V3[str])
def re_invite(body: ReInviteRequest, session: SessionDep, settings: SettingsDep, principal: PrincipalDep) -> dict:
    return v3(users.re_invite(session, settings, principal, uow_id=body.uow_id, user_id=body.user_id,
                              email=body.email))


@router.post("/api/v3/ua/user/email/validate", response_model=V3[EmailCheck])
def validate_email(body: EmailValidateRequest, session: SessionDep, principal: CallerDep) -> dict:
    """Whether an e-mail already is a user or invitee of the caller's workspace (403 when not, as IQM)."""
    return v3(users.validate_email(session, principal, body.email, body.workspace_domain))


# --------------------------------------------------------------------------- the caller's account


@router.patch("/api/v3/ua/user/update-profile", response_model=V3[ProfileUpdated])
async def update_profile(request: Request, session: SessionDep, settings: SettingsDep, principal: CallerDep) -> dict:
    """Form fields (urlencoded, or multipart with `userAvatar` as an image file) or a JSON body."""
    fields, upload = await _profile_input(request)
    result = await run_in_threadpool(account.update_profile, session, settings, principal, fields, upload)
    return v3(result)


async def _profile_input(request: Request) -> tuple[ProfileUpdate, account.AvatarUpload | None]:
    content_type = request.headers.get("content-type", "").lower()
    upload = None
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        try:
            form = await request.form(max_files=1, max_fields=50)
        except HTTPException as exc:  # a malformed form, more than one file or too many fields
            raise ValidationFailed(str(exc.detail), field="body") from None
        raw: dict[str, Any] = {}
        for name in PROFILE_FIELDS:
            value = form.get(name)
            if isinstance(value, UploadFile):
                if name != "userAvatar":
                    raise ValidationFailed(f"{name} must be a text field.", field=name)
                upload = account.AvatarUpload(value.filename or "avatar",
                                              await value.read(account.MAX_AVATAR_BYTES + 1))
            elif value is not None and (value != "" or name != "userAvatar"):
                raw[name] = value
    else:
        body = await request.body()
        raw = json_field(body, "body", "Request body is not valid JSON") if body.strip() else {}
        if not isinstance(raw, dict):
            raise ValidationFailed("The body must be a JSON object.", field="body")
        if raw.get("userAvatar") == "":
            raw.pop("userAvatar")
    return ProfileUpdate.model_validate(raw), upload


@router.post("/api/v3/ua/user/password/reset", response_model=V3[str])
def change_password(body: PasswordChangeRequest, request: Request, session: SessionDep, settings: SettingsDep,
                    principal: CallerDep) -> dict:
    """The logged-in user changes their password (`oldPassword` checked); their other sessions end."""
    return v3(account.change_password(session, settings, principal, body.old_password, body.new_password,
                                      _address(request)))


@router.post("/api/v3/ua/user/current-password/validate", response_model=V3[PasswordCheck])
def validate_current_password(body: CurrentPasswordRequest, request: Request, session: SessionDep,
                              settings: SettingsDep, principal: CallerDep) -> dict:
    matches = account.password_matches(session, settings, principal, body.password, _address(request))
    return v3({"isValid": matches})


# --------------------------------------------------------------------------- password reset by mail (no login)


@router.post("/api/v3/ua/user/reset-password", response_model=V3[str])
def reset_password_email(body: ResetPasswordRequest, request: Request, background: BackgroundTasks,
                         session: SessionDep, settings: SettingsDep) -> dict:
    """Mails a reset link to a user; the same answer for an e-mail that is no user (nothing is sent)."""
    message = password_reset.request_reset(session, settings, body.email, _address(request))
    if message is not None:
        background.add_task(password_reset.deliver, settings, message)
    return v3(password_reset.MAIL_SENT)


@router.post("/api/v3/ua/user/reset-password/validate", response_model=V3[ResetHashCheck])
def validate_reset_hash(body: ResetHashFields, session: SessionDep) -> dict:
    return v3(password_reset.validate(session, body.token, body.token_field))


@router.post("/api/v3/ua/user/update-password", response_model=V3[str])
def update_password(body: UpdatePasswordRequest, session: SessionDep) -> dict:
    """Sets a new password with the mailed `resetHash` (the token's e-mail only); the token is used up and
    every session of the user ends."""
    return v3(password_reset.complete(session, body.token, body.token_field, body.email, body.password))
