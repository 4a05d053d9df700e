"""Wire models of the user-management API (seeds 000/001/003 and the specification)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from adplane.core.schemas import WireModel


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
