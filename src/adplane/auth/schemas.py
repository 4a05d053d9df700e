"""Wire models of the user-management API (seeds 000/001/003 and the specification)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from adplane.core.schemas import DbId, WireModel


class LoginRequest(WireModel):
    grant_type: str = Field(alias="grantType", min_length=1, max_length=50)
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


# no whitespace and no control/format characters (\p{C}): an address goes into mail headers, where a line
# break (including the ones str.splitlines knows, e.g. U+001C or U+0085) is refused or would inject headers
EMAIL_PATTERN = r"^[^@\s\p{C}]+@[^@\s\p{C}]+\.[^@\s\p{C}]+$"


class SignUpRequest(WireModel):
    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    password: str = Field(max_length=1000)
    organization_name: str | None = Field(default=None, max_length=255)
    invite_hash: str | None = Field(default=None, min_length=1, max_length=500,
                                    description="the invite token mailed to an invited user")


class InviteValidateRequest(WireModel):
    invite_hash: str = Field(min_length=1, max_length=500)


class InviteValidation(WireModel):
    is_expired: bool
    is_invite_processed: bool
    is_invite_cancelled: bool
    is_invite_processing: bool
    is_new_user: bool
    is_ihp_customer: bool = Field(alias="isIHPCustomer")
    email: str
    organization_name: str
    workspace_domain: str
    invited_to_workspace: str


class UserInvitation(WireModel):
    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    name: str = Field(min_length=1, max_length=255)


class TokenData(BaseModel):
    access_token: str
    refresh_token: str
    scope: str
    token_type: str
    expires_in: int
    owId: int | None = None


class ParentOrganization(WireModel):
    ow_id: int
    organization_name: str
    workspace_domain: str
    is_access: bool


class Profile(WireModel):
    ow_id: int
    uow_id: int
    status: int
    first_name: str | None
    last_name: str | None
    display_name: str
    email: str
    organization_name: str
    is_owner_user: bool
    is_platform_owner_org: bool
    is_workspace_owner_org: bool
    is_workspace_admin: bool
    role: str
    parent_organization: ParentOrganization | None
    organization_timezone: int


class AllowedOrganization(WireModel):
    ow_id: int
    organization_name: str
    owner_user_email: str | None
    workspace_domain: str
    customer_type: str
    date_of_joining: str | None
    status: str
    status_id: int
    workspace_owner_organization_name: str | None


class AllowedOrganizations(WireModel):
    data: list[AllowedOrganization]
    total_records: int
    filtered_records: int
    current_organization: AllowedOrganization | None = None


# --------------------------------------------------------------------------- user management (issue #18)

# a name is shown in lists and mails: no control or format characters (line breaks, bidi overrides)
NAME_PATTERN = r"^[^\p{C}]*$"
TEXT_PATTERN = r"^[^\x00]*$"  # free text (line breaks allowed); PostgreSQL cannot store a NUL character
SEARCH_PATTERN = r"^[^\p{Cc}]*$"  # a search: no control characters (PostgreSQL cannot compare a NUL)
AVATAR_URL_PATTERN = r"^https?://[^\s\p{C}]+$"


class UpdateStatusRequest(WireModel):
    uow_id: DbId
    status: int = Field(ge=1, le=5, description="1 active, 4 on hold (deactivated), 5 deleted (or the "
                        "invitation revoked); see GET /api/v3/ua/static/user-status")
    status_reason: str | None = Field(default=None, max_length=1000, pattern=TEXT_PATTERN)


class ReInviteRequest(WireModel):
    user_id: DbId | None = None
    email: str | None = Field(default=None, max_length=320)
    uow_id: DbId


class EmailValidateRequest(WireModel):
    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    workspace_domain: str = Field(min_length=1, max_length=255)


class ResetPasswordRequest(WireModel):
    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)


class ResetHashFields(WireModel):
    """The mailed reset token: `resetHash` (the guide) or `inviteHash` (the specification's name)."""

    reset_hash: str | None = Field(default=None, min_length=1, max_length=500)
    invite_hash: str | None = Field(default=None, min_length=1, max_length=500)

    @property
    def token(self) -> str | None:
        return self.reset_hash or self.invite_hash

    @property
    def token_field(self) -> str:
        return "inviteHash" if self.reset_hash is None and self.invite_hash is not None else "resetHash"


class UpdatePasswordRequest(ResetHashFields):
    """Sets a new password with a mailed reset token (no login needed)."""

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1000)


class PasswordChangeRequest(WireModel):
    old_password: str = Field(min_length=1, max_length=1000)
    new_password: str = Field(min_length=1, max_length=1000)


class CurrentPasswordRequest(WireModel):
    password: str = Field(min_length=1, max_length=1000)


class ProfileUpdate(WireModel):
    """PATCH /api/v3/ua/user/update-profile as form fields (IQM) or JSON; an uploaded `userAvatar` image is
    handled apart. `firstName`/`lastName` are adplane's additions."""

    display_name: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    first_name: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    last_name: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    user_avatar: str | None = Field(default=None, max_length=2048, pattern=AVATAR_URL_PATTERN)
    remove_user_profile: bool = False
