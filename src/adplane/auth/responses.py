"""Answer models of the user-management routes (IQM's wire names); only Pydantic, so the SDK can use them.

The older auth answers (token, profile, organizations) are in `adplane.auth.schemas`."""

from __future__ import annotations

from typing import Any

from adplane.core.envelopes import Number, ResponseModel


class UserRow(ResponseModel):
    """A user of the organization (GET /api/v3/ua/users/list); keys without a value are left out, as IQM does."""

    userId: int
    firstName: str | None = None
    lastName: str | None = None
    email: str
    displayName: str
    status: str
    statusId: int
    userAvatar: str | None = None
    createdAt: int  # epoch milliseconds
    uowId: int
    customersCount: int
    organizationName: str
    invitedOn: int | None = None  # epoch milliseconds of the latest invitation
    isOrganizationOwnerUser: bool
    isModificationAllowed: bool
    invitedByUserName: str | None = None
    invitedByUserEmail: str | None = None
    isAssignActionAllowed: bool


class UserList(ResponseModel):
    data: list[UserRow]
    totalRecords: int
    filteredRecords: int


class UserStatusItem(ResponseModel):
    name: str
    id: int
    label: str
    order: int


class UserSortByItem(ResponseModel):
    label: str
    field: str
    order: int


class ProfileUpdated(ResponseModel):
    userAvatar: str | None = None
    message: str


class PasswordCheck(ResponseModel):
    isValid: bool


class ResetHashCheck(ResponseModel):
    resetEmail: str
    isValid: bool


class EmailCheck(ResponseModel):
    isValid: bool
    owId: int
    isWorkspaceAllowed: bool


# --------------------------------------------------------------------------- organization profile and customers


class OrganizationProfile(ResponseModel):
    """GET /api/v3/ua/organization/view-profile: every key, null when not set (as IQM)."""

    organizationName: str
    email: str | None = None
    website: str | None = None
    contactNumber: str | None = None
    address: str | None = None
    city: str | None = None
    state: int | None = None
    country: int | None = None
    zipcode: str | None = None
    isAvatarUrl: bool
    organizationLogo: str | None = None
    industry: str | None = None
    companySize: int | None = None
    companyId: str | None = None
    taxId: str | None = None
    currency: str | None = None
    dateFormat: str | None = None
    description: str | None = None
    verticalId: int | None = None
    expertize: str | None = None


class OrganizationProfileUpdated(ResponseModel):
    organizationId: int  # the owId
    organizationName: str
    organizationLogo: str | None = None
    message: str


class CatalogItem(ResponseModel):
    """An item of IQM's static lists (`name`, `id`, `label`, `order`)."""

    name: str
    id: int
    label: str
    order: int


class CustomerPaymentTypes(ResponseModel):
    totalRecords: int
    filteredRecords: int
    customerPaymentTypes: list[CatalogItem]


class CustomerRow(ResponseModel):
    """A customer of the workspace (GET /api/v3/ua/customers/list); every key is given, null when unknown."""

    isUserAllowed: bool
    isWorkspaceOwner: bool
    owId: int
    organizationName: str
    workspaceName: str
    workspaceDomain: str
    owStatus: str
    owStatusId: int
    createdAt: str
    modifiedAt: str
    parentOrganizationName: str | None = None
    tags: list[str]
    customersCount: int
    balance: Number
    contactPersonName: str | None = None
    contactPersonEmail: str | None = None
    approvedBy: str | None = None
    approvedByEmail: str | None = None
    logoUrl: str | None = None
    companySize: int | None = None
    workspaceId: int
    lastAccess: int  # epoch milliseconds of the latest login into it, 0 for never
    verticalTypeId: int | None = None
    onHoldReason: str | None = None


class CustomerList(ResponseModel):
    data: list[CustomerRow]
    totalRecords: int
    filteredRecords: int


class BasicCustomerRow(ResponseModel):
    owId: int
    organizationName: str
    organizationLogo: str | None = None
    owStatus: str
    owStatusId: int
    wsId: int
    ownerUserName: str | None = None
    ownerUserEmail: str | None = None


class BasicCustomerList(ResponseModel):
    data: list[BasicCustomerRow]
    totalRecords: int
    filteredRecords: int


class CustomerInviteResult(ResponseModel):
    successfulEmails: list[str]
    failedEmails: list[str]  # the customer was created, but its invitation mail was not accepted: re-send it
    message: str


class CustomerConfig(ResponseModel):
    """GET /api/v3/ua/customer/config/{customerOwId}: what adplane knows of a customer's configuration."""

    organizationType: str  # "advertiser" (a customer) or "workspace" (the workspace owner)
    vertical: str | None = None
    customerTypeId: int | None = None  # adplane's addition: as invited
    customerPaymentTypeId: int | None = None  # adplane's addition: 1 prepaid, 2 postpaid (as invited)


class GrantableApp(ResponseModel):
    appId: int
    appName: str
    appIcon: str
    appUrl: str


class AppAccess(ResponseModel):
    appId: int
    appName: str
    appOwner: str
    appType: str


class AppAccessList(ResponseModel):
    data: list[AppAccess]
    totalRecords: int
    filteredRecords: int


class RemainingApp(ResponseModel):
    applicationId: int
    applicationName: str
    applicationCode: str


class AdvertiserProfile(ResponseModel):
    """A political advertiser profile (GET /api/v3/ua/organization/advertisers/list)."""

    id: int
    advertiserName: str
    website: str
    chiefName: str
    contactNumber: str
    address: str | None
    legalInfo: str | None
    politicalIdentifier: str | None = None  # the guide's FEC id or state equivalent
    links: list[str]


class AdvertiserProfileList(ResponseModel):
    data: list[AdvertiserProfile]
    totalRecords: int
    filteredRecords: int


class VerticalItem(CatalogItem):
    description: str


class UserConfig(ResponseModel):
    """GET /api/v3/ua/users/config: `marginAccess` for a workspace account, nothing for an advertiser."""

    marginAccess: bool | None = None


class LinkItem(ResponseModel):
    label: str
    url: str


class WhitelabelPages(ResponseModel):
    landingPages: list[str]
    help_url: list[LinkItem]
    header: list[LinkItem]
    footer: list[LinkItem]


class WorkspaceInit(ResponseModel):
    """GET /api/v3/ua/init: the specification's fields, then the guide's."""

    wsId: int
    orgId: int
    owId: int
    organizationName: str
    isIncludeOrganizationName: bool
    largeLogoUrl: str
    smallLogoUrl: str
    supportEmail: str
    ihpOwner: bool
    workspaceURLSuffix: str
    pages: WhitelabelPages
    workspaceId: int
    workspaceName: str
    domain: str
    isActive: bool


class Chatbot(ResponseModel):
    chatbotAppId: str  # "" when the workspace has none


class SignUpEmailCheck(ResponseModel):
    userName: str
    isNewUser: bool
    isOrganizationOwnerUser: bool


class InteractionEvent(ResponseModel):
    userInteractionEvent: str
    eventCount: int
    metaData: dict[str, Any] | None = None  # adplane's addition: the latest occurrence's metadata
