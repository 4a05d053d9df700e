"""Wire models of the user-management API (seeds 000/001/003 and the specification)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from adplane.core.schemas import DbId, IdList, WireModel

VerticalId = Literal[1, 2, 17]  # GET /api/v3/ua/static/verticals


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
    """The workspace owner organization above a customer (IQM's breadcrumb; adplane has one level)."""

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
    user_avatar: str | None = None
    email: str
    organization_name: str
    organization_logo: str | None = None
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
    logo_url: str | None = None
    date_of_joining: str | None
    title: str | None = None
    status: str
    status_id: int
    contact_person_name: str | None = None
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


# --------------------------------------------------------------------------- organization profile and customers

# an organization's name goes into mail subjects: no line or paragraph separators either (str.splitlines splits
# on them, and a header may not contain a line break)
ORG_NAME_PATTERN = "^[^\\p{C}\u2028\u2029]*$"  # U+2028/U+2029: the Zl and Zp categories
PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-.]*$"
WEBSITE_PATTERN = r"^[^\s\p{C}]+$"  # a link or a bare domain ("neworgwebsite.com")
ZIPCODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9 \-]*$"
DATE_FORMAT_PATTERN = r"^[DMY]{1,4}([/.\- ][DMY]{1,4}){2}$"  # DD/MM/YYYY, MM-DD-YYYY, YYYY.MM.DD, ...
ID_LIST_PATTERN = r"^ *[0-9]{1,9} *(, *[0-9]{1,9} *)*$"


def _number_as_text(value: Any) -> Any:
    """IQM's form sends `zipcode` as a number; a JSON number is taken as its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _ids_as_text(value: Any) -> Any:
    """`expertize` is "1,2,3"; a JSON list of ids is taken as that."""
    if isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return ",".join(str(v) for v in value)
    return value


class OrganizationProfileUpdate(WireModel):
    """PATCH /api/v3/ua/organization/update-profile as form fields (IQM) or JSON; an uploaded
    `organizationLogo` image is handled apart. A field given empty is cleared (but the name)."""

    organization_name: str | None = Field(default=None, max_length=255, pattern=ORG_NAME_PATTERN)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_PATTERN)
    website: str | None = Field(default=None, max_length=2048, pattern=WEBSITE_PATTERN)
    contact_number: str | None = Field(default=None, max_length=50, pattern=PHONE_PATTERN)
    address: str | None = Field(default=None, max_length=1000, pattern=TEXT_PATTERN)
    city: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    state: DbId | None = Field(default=None, description="a state id (GET /api/v2/master/segment/states)")
    country: DbId | None = Field(default=None, description="a country id (GET /api/v2/master/segment/country)")
    zipcode: Annotated[str | None, BeforeValidator(_number_as_text)] = Field(default=None, max_length=20,
                                                                            pattern=ZIPCODE_PATTERN)
    industry: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    company_size: int | None = Field(default=None, ge=1, le=7, description="GET /api/v3/ua/static/company-size")
    company_id: str | None = Field(default=None, max_length=100, pattern=NAME_PATTERN)
    tax_id: str | None = Field(default=None, max_length=100, pattern=NAME_PATTERN)
    currency: str | None = Field(default=None, max_length=50, pattern=NAME_PATTERN)
    date_format: str | None = Field(default=None, max_length=20, pattern=DATE_FORMAT_PATTERN)
    expertize: Annotated[str | None, BeforeValidator(_ids_as_text)] = Field(
        default=None, max_length=500, pattern=ID_LIST_PATTERN, description="comma-separated expertise ids")
    description: str | None = Field(default=None, max_length=2000, pattern=TEXT_PATTERN)
    vertical_id: VerticalId | None = Field(default=None, description="1 political, 2 healthcare, 17 specialty")
    organization_logo: str | None = Field(default=None, max_length=2048, pattern=AVATAR_URL_PATTERN)
    remove_organization_logo: bool = False


class CustomerOperationDetails(WireModel):
    customer_type_id: int | None = Field(default=None, ge=1, le=3,
                                         description="1 self served, 2 managed services, 3 app users")
    customer_payment_type_id: int | None = Field(default=None, ge=1, le=2, description="1 prepaid, 2 postpaid")
    country_id: DbId | None = None
    # accepted for IQM's sake; adplane does not assign customers to users or label them (yet)
    ad_ops_assignee_user_ids: IdList | None = None
    seller_assignee_user_ids: IdList | None = None
    label_ids: IdList | None = None


class CustomerInvitation(WireModel):
    """One customer of POST /api/v3/ua/customer/invite: its organization `name` and first admin `email`."""

    email: str = Field(min_length=3, max_length=320, pattern=EMAIL_PATTERN)
    name: str = Field(min_length=1, max_length=255, pattern=ORG_NAME_PATTERN)
    password: str | None = Field(default=None, max_length=1000, description="not used: the invitee sets their own "
                                 "password with the mailed invite token")
    owner_user_name: str | None = Field(default=None, max_length=255, pattern=NAME_PATTERN)
    vertical_id: VerticalId | None = None
    logo_url: str | None = Field(default=None, max_length=2048, pattern=AVATAR_URL_PATTERN)
    customer_operation_details: CustomerOperationDetails | None = None


class CustomerReSendRequest(WireModel):
    """`inviteHash`: a token of the customer's invitation (as mailed, e.g. an expired one the invitee forwarded);
    or `owId`, adplane's addition: the customer whose pending invitation to send again."""

    invite_hash: str | None = Field(default=None, min_length=1, max_length=500)
    ow_id: DbId | None = None


class CustomerHoldRequest(WireModel):
    ow_id: DbId
    status_reason: str = Field(min_length=1, max_length=1000, pattern=TEXT_PATTERN)


class CustomerRequest(WireModel):
    ow_id: DbId


class BasicCustomerListRequest(WireModel):
    search_field: str | None = Field(default=None, max_length=255, pattern=SEARCH_PATTERN)
    no_of_entries: int = Field(default=20, ge=1, le=1000)
    page_no: int = Field(default=1, ge=1, le=1_000_000)
    offset: int | None = Field(default=None, ge=0, le=2_147_483_647)
    ow_ids: IdList | None = None
    ow_status_ids: list[Annotated[int, Field(ge=1, le=5)]] | None = Field(default=None, max_length=5)
    provide_running_campaigns: bool = False
    sort_by: str | None = Field(default=None, max_length=100)
    order: str | None = Field(default=None, max_length=10)


class OperationResets(WireModel):
    customer_type_id: bool = False
    customer_payment_type_id: bool = False
    country_id: bool = False
    ad_ops_assignee_user_ids: bool = False
    seller_assignee_user_ids: bool = False
    label_ids: bool = False


class CustomerOperationsDetails(CustomerOperationDetails):
    reset_fields: OperationResets | None = None


class CustomerOperationsUpdate(WireModel):
    """PATCH /api/v3/ua/customer-operations/{owId}; `resetFields` inside the details (IQM's TypeScript) or
    beside them (its JSON sample)."""

    customer_operations_details: CustomerOperationsDetails | None = None
    reset_fields: OperationResets | None = None

    def resets(self) -> dict[str, bool]:
        chosen = self.reset_fields or (self.customer_operations_details.reset_fields
                                       if self.customer_operations_details else None)
        return chosen.model_dump(by_alias=True) if chosen else {}
